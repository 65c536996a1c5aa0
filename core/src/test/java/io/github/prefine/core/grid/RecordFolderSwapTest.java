package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.prefine.core.checkpoint.FolderSwap;
import io.github.prefine.core.checkpoint.PlainFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep's record while a real second JVM swaps the grid's {@code records} folder for a link to a
 * victim folder: nothing may be written where the link leads. The record's temporary file was made
 * and written by name in that folder, so it followed the link whenever the swap fell between the
 * folder's check and the write.
 */
class RecordFolderSwapTest {
    @TempDir
    Path dir;

    @Test
    void recordsWrittenWhileTheRecordsFolderIsSwappedForALinkPutNothingWhereItLeads() throws Exception {
        try (var s = Files.newDirectoryStream(dir)) {
            assumeTrue(s instanceof SecureDirectoryStream, "needs openat (Linux, macOS)");
        }
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        Grid grid = f.tiny(f.targets, out).build();
        Path victim = Files.createDirectories(dir.resolve("victim"));
        int[] n;
        try (GridSession session = grid.open()) {
            Path records = PlainFolders.create(out, grid.layout.records());
            n = FolderSwap.during(records.getParent(), records.getFileName().toString(), victim, 2000,
                    i -> session.writeRecord("sweep-" + (i % 20), "{\"kind\":\"cost\",\"setting\":\"s\"}\n"));
        }
        System.out.printf("records folder swap race: %d records written, %d refused%n", n[0], n[1]);
        assertEquals(List.of(), FolderSwap.below(victim), "written through a link swapped in place of the folder");
    }
}
