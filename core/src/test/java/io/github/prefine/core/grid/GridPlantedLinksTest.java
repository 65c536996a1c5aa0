package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.TaskGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A grid whose shared output folder holds a symbolic link in place of one of its own folders, as a
 * stale link or another user with write access there may leave: the grid stops with an error naming
 * the link and where it leads, and writes nothing there (it used to put its locks, records, runs and
 * checkpoints wherever the link led).
 */
class GridPlantedLinksTest {
    @Test
    void aLinkInPlaceOfAnyOfTheGridsFoldersStopsItAndReceivesNothing(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        for (String folder : List.of("locks", "records", "prefinetune", "finetune")) {
            Path out = Files.createDirectories(dir.resolve("out-" + folder));
            Path victim = Files.createDirectories(dir.resolve("victim-" + folder));
            Path link = Files.createSymbolicLink(out.resolve(folder), victim);
            Grid grid = f.tiny(List.of(f.targets.get(1)), out).setGroups(List.of(TaskGroup.C)).build();

            Exception e = assertThrows(Exception.class, grid::run);

            String expected = link + ": must be a folder, found a symbolic link to " + victim + "; prefine does not"
                    + " create or enter a link in its own folders";
            assertTrue(causes(e).anyMatch(m -> m != null && m.startsWith(expected)), folder + ": " + e);
            try (Stream<Path> s = Files.list(victim)) {
                assertEquals(List.of(), s.toList(), folder + ": written through the link");
            }
        }
    }

    private static Stream<String> causes(Throwable e) {
        return Stream.iterate(e, t -> t != null, Throwable::getCause).map(Throwable::getMessage);
    }
}
