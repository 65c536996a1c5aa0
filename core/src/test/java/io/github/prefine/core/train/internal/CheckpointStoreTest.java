package io.github.prefine.core.train.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.prefine.core.checkpoint.FolderSwap;
import io.github.prefine.core.model.internal.TensorArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    private static CheckpointStore.Contents text(String s) {
        return (anchor, d) -> Files.writeString(d.resolve("a.txt"), s);
    }

    private static List<String> names(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void publishesOnlyCompleteCheckpointsAndKeepsTheLatest(@TempDir Path root) throws Exception {
        CheckpointStore store = new CheckpointStore(root);
        assertTrue(store.latest().isEmpty());
        store.write(1, false, text("one"));
        store.write(2, false, text("two"));
        assertEquals("two", Files.readString(store.latest().orElseThrow().resolve("a.txt")));
        assertEquals(List.of("LATEST", "ckpt-epoch-000002"), names(root));

        // a kill while writing epoch 3 leaves a .tmp folder; one after the rename but before
        // LATEST moved leaves an unpublished folder: neither is visible, both are replaced
        Files.createDirectories(root.resolve("ckpt-epoch-000003.tmp"));
        Files.writeString(root.resolve("ckpt-epoch-000003.tmp/a.txt"), "half");
        assertEquals("two", Files.readString(store.latest().orElseThrow().resolve("a.txt")));
        Files.move(root.resolve("ckpt-epoch-000003.tmp"), root.resolve("ckpt-epoch-000003"));
        assertEquals("two", Files.readString(store.latest().orElseThrow().resolve("a.txt")));
        store.write(3, false, text("three"));
        assertEquals("three", Files.readString(store.latest().orElseThrow().resolve("a.txt")));

        // the final checkpoint of the same epoch count has its own name
        store.write(3, true, text("final"));
        assertEquals(List.of("LATEST", "ckpt-final-000003"), names(root));
    }

    @Test
    void aFailedWriteLeavesThePreviousCheckpointPublished(@TempDir Path root) throws Exception {
        CheckpointStore store = new CheckpointStore(root);
        store.write(1, false, text("one"));
        assertThrows(IOException.class, () -> store.write(2, false, (anchor, d) -> {
            throw new IOException("disk full");
        }));
        assertEquals("one", Files.readString(store.latest().orElseThrow().resolve("a.txt")));
        assertFalse(Files.exists(root.resolve("ckpt-epoch-000002")));
    }

    @Test
    void aWriteThatFillsTheDiskNamesTheCheckpointAndLeavesThePreviousOnePublished(@TempDir Path root) throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "needs /dev/full (Linux), which fails every write as a full disk does");
        CheckpointStore store = new CheckpointStore(root);
        store.write(1, false, text("one"));
        IOException e = assertThrows(IOException.class, () -> store.write(2, false, (anchor, d) -> Files.write(
                Files.createSymbolicLink(d.resolve("model.ndlist"), Path.of("/dev/full")), new byte[1 << 16])));
        // the OS says only "No space left on device"; a checkpoint is gigabytes, so say which
        assertEquals(root.resolve("ckpt-epoch-000002.tmp") + ": No space left on device", e.getMessage());
        assertEquals("one", Files.readString(store.latest().orElseThrow().resolve("a.txt")));
    }

    @Test
    void aLinkPlantedAtTheTempNameOfLatestIsReplacedNotWrittenThrough(@TempDir Path dir) throws Exception {
        Path victim = Files.writeString(dir.resolve("elsewhere.txt"), "someone's own file\n");
        Path root = Files.createDirectories(dir.resolve("checkpoints"));
        Files.createSymbolicLink(root.resolve("LATEST.tmp"), victim);
        CheckpointStore store = new CheckpointStore(root);

        store.write(1, false, text("one"));

        assertEquals("someone's own file\n", Files.readString(victim));
        assertEquals("one", Files.readString(store.latest().orElseThrow().resolve("a.txt")));
        assertTrue(Files.isRegularFile(root.resolve("LATEST"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        // LATEST is written through a temp name of its own each time now; the planted name is left alone
        assertTrue(Files.isSymbolicLink(root.resolve("LATEST.tmp")));
    }

    @Test
    void aDanglingLatestIsReported(@TempDir Path root) throws Exception {
        CheckpointStore store = new CheckpointStore(root);
        Files.writeString(root.resolve("LATEST"), "ckpt-epoch-000009\n");
        IOException e = assertThrows(IOException.class, store::latest);
        assertTrue(e.getMessage().contains("ckpt-epoch-000009"), e.getMessage());
    }

    /**
     * Another process swaps a checkpoint's folder ({@code ckpt-epoch-000001.tmp}) for a link to a
     * victim folder while the checkpoint is written into it with the trainer's own writers (tensor
     * archives and the state file, as {@code TrainerCheckpoints} writes them) and published: nothing
     * may be written where the link leads. Writers that open {@code ckpt-….tmp/NAME} by name put
     * the file in the victim whenever the swap falls between the folder's check and the write. Each
     * round is a fresh run (no {@code LATEST}), so that every one writes epoch 1 again.
     */
    @Test
    void aCheckpointFolderSwappedForALinkWhileItIsWrittenGetsNothingWhereTheLinkLeads(@TempDir Path dir)
            throws Exception {
        try (var s = Files.newDirectoryStream(dir)) {
            assumeTrue(s instanceof SecureDirectoryStream, "needs openat (Linux, macOS)");
        }
        Path victim = Files.createDirectories(dir.resolve("victim"));
        Path mine = Files.writeString(victim.resolve("state.json"), "someone's own file\n");
        Path out = Files.createDirectories(dir.resolve("out"));
        Path root = out.resolve("checkpoints");
        CheckpointStore store = new CheckpointStore(out, root);
        TrainState state = new TrainState(TrainState.FORMAT, 1, 10, 1e-3, 7, new byte[] {1}, List.of(0.5), List.of(),
                Map.of(), false, false, Map.of(), null, null, null, null);
        Files.createDirectories(root.resolve("ckpt-epoch-000001.tmp"));
        int[] n;
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> arrays = Map.of("w", m.create(new float[] {1f, 2f, 3f}));
            n = FolderSwap.during(root, "ckpt-epoch-000001.tmp", victim, 120, run -> {
                Files.deleteIfExists(root.resolve(CheckpointStore.LATEST));
                store.write(1, false, (anchor, d) -> {
                    for (int i = 0; i < 10; i++) {
                        TensorArchive.write(anchor, d.resolve("model-" + i + ".ndlist"), arrays);
                    }
                    state.write(anchor, d.resolve("state.json"));
                });
            });
        }
        System.out.printf("checkpoint folder swap race: %d checkpoints written, %d refused%n", n[0], n[1]);
        assertEquals(List.of(mine), FolderSwap.below(victim), "written through a link swapped in place of the folder");
        assertEquals("someone's own file\n", Files.readString(mine));
    }

    @Test
    void aStoreBelowTheUsersFolderRefusesALinkInPlaceOfItsFolder(@TempDir Path dir) throws Exception {
        Path victim = Files.createDirectories(dir.resolve("victim"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Path link = Files.createSymbolicLink(out.resolve("checkpoints"), victim);

        java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
                () -> new CheckpointStore(out, link));

        assertTrue(e.getMessage().startsWith(link + ": must be a folder, found a symbolic link to " + victim),
                e.getMessage());
        assertEquals(List.of(), FolderSwap.below(victim));
    }
}
