package io.github.prefine.core.train.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    private static CheckpointStore.Contents text(String s) {
        return d -> Files.writeString(d.resolve("a.txt"), s);
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
        assertThrows(IOException.class, () -> store.write(2, false, d -> {
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
        IOException e = assertThrows(IOException.class, () -> store.write(2, false, d -> Files.write(
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
        assertFalse(Files.exists(root.resolve("LATEST.tmp"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aDanglingLatestIsReported(@TempDir Path root) throws Exception {
        CheckpointStore store = new CheckpointStore(root);
        Files.writeString(root.resolve("LATEST"), "ckpt-epoch-000009\n");
        IOException e = assertThrows(IOException.class, store::latest);
        assertTrue(e.getMessage().contains("ckpt-epoch-000009"), e.getMessage());
    }
}
