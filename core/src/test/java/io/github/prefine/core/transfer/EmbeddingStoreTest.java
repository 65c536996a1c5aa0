package io.github.prefine.core.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.checkpoint.HostTensor;
import io.github.prefine.core.checkpoint.SafetensorsWriter;
import java.io.IOException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingStoreTest {
    /**
     * Two writers of one key at once, as two {@code recommend} runs sharing an output folder both
     * embed the same source task: every put succeeds, and the entry reads back whole.
     */
    @Test
    void concurrentPutsOfOneKeyAllSucceedAndLeaveAWholeEntry(@TempDir Path dir) throws Exception {
        EmbeddingStore store = EmbeddingStore.open(dir);
        float[] values = new float[384];
        for (int i = 0; i < values.length; i++) {
            values[i] = i / 7f;
        }
        List<String> failures = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 300; round++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    // the writers differ in their timing only, as two runs of one embedding do
                    double seconds = 1.5 + w * 1000.25;
                    writers.add(pool.submit(() -> {
                        go.await();
                        store.put(new TaskEmbedding("conll2003", EmbeddingMethod.TEXT_EMB, "enc0", "rows=all",
                                values, 14041, seconds));
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : writers) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        failures.add("round " + round + ": " + e.getCause());
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), failures, "puts that failed, of 600");
        TaskEmbedding back = store.find("conll2003", EmbeddingMethod.TEXT_EMB, "enc0", "rows=all").orElseThrow();
        assertArrayEquals(values, back.values());
        assertEquals(14041, back.numExamples());
        assertTrue(back.seconds() == 1.5 || back.seconds() == 1001.75, "seconds of neither writer: " + back.seconds());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList());
        }
    }

    /**
     * A file name holds at most 255 bytes: a 300-character task name made entries no write could
     * create ("File name too long"). The task part is now cut at 128 characters, the hash, of the
     * whole name, keeping names that share their first 128 apart; a name of ordinary length is named
     * as before, so existing stores are found: "conll2003.textemb." and the first 12 hex digits of
     * SHA-256("conll2003\ntextemb\nenc0\nrows=all"), a251b6129cea (Python's hashlib).
     */
    @Test
    void aVeryLongTaskNameIsCutInTheFileNameAndKeptInTheKey(@TempDir Path dir) throws Exception {
        assertEquals("conll2003.textemb.a251b6129cea",
                EmbeddingStore.baseName("conll2003", EmbeddingMethod.TEXT_EMB, "enc0", "rows=all"));
        String longName = "t".repeat(300);
        // hashlib: sha256(("t" * 300 + "\ntextemb\nenc0\nrows=all").encode()).hexdigest()[:12]
        assertEquals("t".repeat(128) + ".textemb.bc431b9952f7",
                EmbeddingStore.baseName(longName, EmbeddingMethod.TEXT_EMB, "enc0", "rows=all"));
        EmbeddingStore store = EmbeddingStore.open(dir);
        String other = "t".repeat(299) + "u";
        store.put(new TaskEmbedding(longName, EmbeddingMethod.TEXT_EMB, "enc0", "rows=all", new float[] {0.5f, -1f}, 10, 1.5));
        store.put(new TaskEmbedding(other, EmbeddingMethod.TEXT_EMB, "enc0", "rows=all", new float[] {2f, 3f}, 10, 1.5));
        assertArrayEquals(new float[] {0.5f, -1f}, store.find(longName, EmbeddingMethod.TEXT_EMB, "enc0", "rows=all")
                .orElseThrow().values());
        assertArrayEquals(new float[] {2f, 3f}, store.find(other, EmbeddingMethod.TEXT_EMB, "enc0", "rows=all")
                .orElseThrow().values());
        // the two share a file-name prefix: each one's stored keys are its own, read from the metadata
        store.put(new TaskEmbedding(other, EmbeddingMethod.TEXT_EMB, "enc1", "rows=all", new float[] {2f, 3f}, 10, 1.5));
        assertEquals(java.util.List.of(new EmbeddingStore.StoredKey("enc0", "rows=all")),
                store.storedKeys(longName, EmbeddingMethod.TEXT_EMB));
        assertEquals(2, store.storedKeys(other, EmbeddingMethod.TEXT_EMB).size());
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.allMatch(f -> f.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    .length <= 255));
        }
    }

    @Test
    void linksPlantedAtAnEntrysNamesAreReplacedNotWrittenThrough(@TempDir Path dir) throws Exception {
        Path victim = Files.writeString(dir.resolve("elsewhere.txt"), "someone's own file\n");
        Path folder = Files.createDirectories(dir.resolve("shared-cache"));
        String base = EmbeddingStore.baseName("conll2003", EmbeddingMethod.TEXT_EMB, "enc0", "rows=all");
        Files.createSymbolicLink(folder.resolve(base + ".safetensors"), victim);
        Files.createSymbolicLink(folder.resolve(base + ".json"), victim);
        EmbeddingStore store = EmbeddingStore.open(folder);

        store.put(new TaskEmbedding("conll2003", EmbeddingMethod.TEXT_EMB, "enc0", "rows=all", new float[] {0.5f, -1f},
                10, 1.5));

        assertEquals("someone's own file\n", Files.readString(victim));
        assertArrayEquals(new float[] {0.5f, -1f}, store.find("conll2003", EmbeddingMethod.TEXT_EMB, "enc0", "rows=all")
                .orElseThrow().values());
    }

    /**
     * A damaged entry is an error naming its file and what was expected there, never an exception
     * of another kind without the file: a NaN or an infinity in the tensor failed as the
     * embedding's own IllegalArgumentException, a {@code null} or an object for a key field, or a
     * word for {@code seconds}, as Gson's unchecked exceptions.
     */
    @Test
    void aDamagedEntryIsAnIOExceptionNamingItsFileAndWhatWasExpected(@TempDir Path dir) throws Exception {
        EmbeddingStore store = EmbeddingStore.open(dir);
        String base = EmbeddingStore.baseName("cls", EmbeddingMethod.TEXT_EMB, "enc0", "all-rows");
        Path json = dir.resolve(base + ".json");
        Path st = dir.resolve(base + ".safetensors");
        store.put(new TaskEmbedding("cls", EmbeddingMethod.TEXT_EMB, "enc0", "all-rows", new float[] {0.5f, -1f}, 10, 1.5));
        String good = Files.readString(json);

        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            SafetensorsWriter.write(st, List.of(HostTensor.ofFloats("embedding", new long[] {2}, new float[] {0.5f, bad})),
                    Map.of("format", "prefine-task-embedding/1"));
            assertFindFails(store, st + ": tensor embedding: value 1 is " + bad + ", expected a finite number");
        }
        SafetensorsWriter.write(st, List.of(HostTensor.ofFloats("embedding", new long[] {3}, new float[] {0.5f, -1f, 2f})),
                Map.of("format", "prefine-task-embedding/1"));
        assertFindFails(store, st + ": tensor embedding has 3 values, but " + json.getFileName() + " says dimension 2");
        SafetensorsWriter.write(st, List.of(HostTensor.ofFloats("embedding", new long[] {2}, new float[] {0.5f, -1f})),
                Map.of("format", "prefine-task-embedding/1"));

        Files.writeString(json, good.replace("\"task\": \"cls\"", "\"task\": null"));
        assertFindFails(store, json + ": field task should be a string 'cls', found null");
        Files.writeString(json, good.replace("\"settings\": \"all-rows\"", "\"settings\": {\"rows\": 1}"));
        assertFindFails(store, json + ": field settings should be a string 'all-rows', found {\"rows\":1}");
        Files.writeString(json, good.replace("\"seconds\": 1.5", "\"seconds\": \"soon\""));
        assertFindFails(store, json + ": field seconds should be a finite number, found \"soon\"");
        Files.writeString(json, good.replace("\"seconds\": 1.5", "\"seconds\": -1.5"));
        assertFindFails(store, json + ": embedding of cls (textemb): seconds is -1.5, expected a finite number >= 0");
        Files.writeString(json, good.replace("\"dimension\": 2", "\"dimension\": \"two\""));
        assertFindFails(store, json + ": field dimension should be an integer from -2147483648 to 2147483647, without a"
                + " fraction or exponent, found \"two\"");
        // a syntax error says where
        Files.writeString(json, good.replace("\"seconds\": 1.5", "\"seconds\" 1.5"));
        IOException e = assertThrows(IOException.class, () -> store.find("cls", EmbeddingMethod.TEXT_EMB, "enc0",
                "all-rows"));
        assertTrue(e.getMessage().startsWith(json + ": expected a JSON object written by EmbeddingStore (")
                && e.getMessage().contains("line 9"), e.getMessage());

        Files.writeString(json, good);
        assertArrayEquals(new float[] {0.5f, -1f}, store.find("cls", EmbeddingMethod.TEXT_EMB, "enc0", "all-rows")
                .orElseThrow().values());
    }

    private static void assertFindFails(EmbeddingStore store, String message) {
        IOException e = assertThrows(IOException.class, () -> store.find("cls", EmbeddingMethod.TEXT_EMB, "enc0",
                "all-rows"));
        assertEquals(message, e.getMessage());
    }
}
