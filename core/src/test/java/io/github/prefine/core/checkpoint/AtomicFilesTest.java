package io.github.prefine.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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

    @Test
    void deleteTreeRemovesAFolderWithEverythingUnderItAndLeavesItsSiblings(@TempDir Path dir) throws Exception {
        Path ckpt = Files.createDirectories(dir.resolve("checkpoints/ckpt-epoch-000001/sub"));
        Files.writeString(ckpt.resolve("model.ndlist"), "x");
        Files.writeString(ckpt.getParent().resolve("state.json"), "{}");
        Path sibling = Files.writeString(dir.resolve("checkpoints/LATEST"), "ckpt-epoch-000001\n");
        AtomicFiles.deleteTree(ckpt.getParent());
        assertEquals(List.of(false, true), List.of(Files.exists(ckpt.getParent()), Files.exists(sibling)));
        AtomicFiles.deleteTree(dir.resolve("absent")); // nothing there: nothing to do
        AtomicFiles.deleteTree(sibling); // a plain file
        assertEquals(false, Files.exists(sibling));
    }

    @Test
    void orphanedTempFilesAreDeletedWhileYoungOnesAndEverythingElseStay(@TempDir Path dir) throws Exception {
        orphansGoYoungAndOtherFilesStay(dir, root -> AtomicFiles.deleteStaleTemps(root, java.time.Duration.ofHours(1)));
    }

    /**
     * The same by the walk of the platforms without {@code SecureDirectoryStream}, which Linux never
     * takes: a walk deleting every old file, or every temp file whatever its age, passed every test.
     */
    @Test
    void theWalkWithoutSecureDirectoryStreamsDeletesTheSameFiles(@TempDir Path dir) throws Exception {
        orphansGoYoungAndOtherFilesStay(dir, root -> AtomicFiles.walkStaleTemps(root,
                java.time.Instant.now().minus(java.time.Duration.ofHours(1))));
    }

    private interface StaleTempDeletion {
        int delete(Path root) throws java.io.IOException;
    }

    private static void orphansGoYoungAndOtherFilesStay(Path dir, StaleTempDeletion deletion) throws Exception {
        Path weights = Files.createDirectories(dir.resolve("prefinetune/SL/lr-1e-03/encoder"));
        Path orphan = Files.writeString(weights.resolve(".model.safetensors.k3j2.tmp"), "half a weight file");
        Path chart = Files.writeString(dir.resolve(".table2.svg.tmp"), "<svg");
        Path young = Files.writeString(dir.resolve(".results.jsonl.x9.tmp"), "being written");
        Path kept = Files.writeString(weights.resolve("config.json"), "{}");
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofHours(3)));
        Files.setLastModifiedTime(orphan, old);
        Files.setLastModifiedTime(chart, old);
        Files.setLastModifiedTime(kept, old);
        assertEquals(2, deletion.delete(dir));
        assertEquals(List.of(false, false, true, true), List.of(Files.exists(orphan), Files.exists(chart),
                Files.exists(young), Files.exists(kept)));
        assertEquals(0, AtomicFiles.deleteStaleTemps(dir.resolve("absent"), java.time.Duration.ofHours(1)));
    }

    @Test
    void theCleanUpOfOrphansIgnoresFilesThatAnotherProcessRenamesOrDeletesMeanwhile(@TempDir Path dir) throws Exception {
        // a second process joining a run walks the folder while the first writes results, charts
        // and checkpoints, whose temp files and folders come and go: the walk lists a batch of
        // names (many, as in a grid's finetune/), then looks at each, and one renamed meanwhile is gone
        Path sweeps = Files.createDirectories(dir.resolve("finetune"));
        for (int i = 0; i < 2000; i++) {
            Files.writeString(sweeps.resolve("run-" + i + ".json"), "{}");
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailed = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                for (int n = 0; !stop.get(); n++) {
                    AtomicFiles.write(sweeps.resolve("run-" + (n % 2000) + ".json"), "{}");
                    Path ckpt = Files.createDirectories(dir.resolve("checkpoints/ckpt-epoch-" + n + ".tmp"));
                    Files.writeString(ckpt.resolve("model.ndlist"), "x");
                    AtomicFiles.deleteTree(ckpt);
                }
            } catch (Throwable t) {
                writerFailed.set(t);
            }
        });
        writer.start();
        try {
            for (int i = 0; i < 100; i++) {
                assertEquals(0, AtomicFiles.deleteStaleTemps(dir, java.time.Duration.ofHours(1)));
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertEquals(null, writerFailed.get());
    }
}
