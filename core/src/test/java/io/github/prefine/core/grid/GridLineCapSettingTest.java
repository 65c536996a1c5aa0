package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A line-cap setting out of range ({@code -Dprefine.maxLineBytes}) was refused only where a file
 * was first read a line at a time: a grid reads its targets when it plans, but a pre-finetuning
 * task when its first setting runs, after the baseline sweeps, so a grid whose targets are JSON or
 * CSV trained the whole baseline before the refusal. A grid session refuses it when it opens,
 * before it writes anything. Ground truth: the property's documented range (1 to 1 GiB).
 */
class GridLineCapSettingTest {
    private static final String PROPERTY = "prefine.maxLineBytes";

    @AfterEach
    void clearProperty() {
        System.clearProperty(PROPERTY);
    }

    @Test
    void aLineCapOutOfRangeIsRefusedWhenTheSessionOpens(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        Grid grid = f.tiny(f.targets, out).build();
        System.setProperty(PROPERTY, "0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, grid::open);
        assertEquals("-Dprefine.maxLineBytes: expected a whole number of bytes from 1 to 1073741824 (1 GiB), found '0'",
                e.getMessage());
        assertFalse(Files.exists(out.resolve("run.json")), "nothing written");
        // in range, the same grid opens
        System.setProperty(PROPERTY, "1");
        grid.open().close();
    }
}
