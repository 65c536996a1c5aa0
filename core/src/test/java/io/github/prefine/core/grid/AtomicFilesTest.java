package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @Test
    void resultsHonourTheUmaskLikeAnyNewFile(@TempDir Path dir) throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        Path plain = Files.createFile(dir.resolve("plain"));
        Path results = dir.resolve("out").resolve("results.jsonl");
        AtomicFiles.write(results, "{}\n");
        AtomicFiles.write(results, "{}\n{}\n");
        assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(results)));
        assertEquals("{}\n{}\n", Files.readString(results));
        try (var files = Files.list(results.getParent())) {
            assertEquals(List.of(results), files.toList(), "no temp file left");
        }
    }
}
