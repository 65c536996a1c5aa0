package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.SplitSource;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskSource;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DatasetReader#read(Path, Leniency, java.util.function.LongConsumer)} hands its counter
 * every byte it takes from the file, once: over a whole read the counts sum to the sizes of the
 * files on disk ({@link Files#size}; compressed bytes for a {@code .gz} file; WiC's data and gold
 * files together), and the read gives what a read without a counter gives.
 */
class ByteCountTest {
    @TempDir
    Path dir;

    /** Reads with a counter, checks the counts against the files' sizes and the uncounted read. */
    private static void assertCounted(DatasetReader<?> reader, Path file, long expected) throws IOException {
        List<Long> counts = new ArrayList<>();
        ReadResult<?> counted = reader.read(file, Leniency.LENIENT, counts::add);
        assertTrue(counts.stream().allMatch(n -> n > 0), file + ": a count of no bytes or fewer " + counts);
        assertEquals(expected, counts.stream().mapToLong(Long::longValue).sum(), file.toString());
        ReadResult<?> plain = reader.read(file, Leniency.LENIENT);
        assertEquals(plain.examples(), counted.examples(), file.toString());
        assertEquals(plain.report(), counted.report(), file.toString());
    }

    @Test
    void everyReaderCountsASamplesBytesPlainAndGzipped() throws IOException {
        Map<String, Object[]> samples = new LinkedHashMap<>();
        samples.put("train.conll", new Object[] {ReaderFuzzTest.CONLL, ConllReader.builder().build()});
        samples.put("dev.tsv", new Object[] {ReaderFuzzTest.TSV,
            TsvClassificationReader.builder().setTextA("{sentence1}").optTextB("{sentence2}").optLabel("label").build()});
        samples.put("val.jsonl", new Object[] {ReaderFuzzTest.JSONL, JsonlClassificationReader.premiseHypothesis()});
        samples.put("copa.jsonl", new Object[] {ReaderFuzzTest.COPA, new CopaReader()});
        samples.put("dev.json", new Object[] {ReaderFuzzTest.SQUAD, new SquadReader()});
        samples.put("mrqa.jsonl", new Object[] {ReaderFuzzTest.MRQA, new MrqaReader()});
        samples.put("qed.jsonl", new Object[] {ReaderFuzzTest.QED, new QedReader()});
        samples.put("books.csv", new Object[] {ReaderFuzzTest.SUBJQA, new SubjQaReader()});
        samples.put("pairs.csv", new Object[] {ReaderFuzzTest.CSV, CsvClassificationReader.builder().setTextA("{text_a}")
                .optTextB("{text_b}").optLabel("label").build()});
        for (Map.Entry<String, Object[]> e : samples.entrySet()) {
            byte[] bytes = ((String) e.getValue()[0]).getBytes(StandardCharsets.UTF_8);
            DatasetReader<?> reader = (DatasetReader<?>) e.getValue()[1];
            Path plain = Files.write(dir.resolve(e.getKey()), bytes);
            assertCounted(reader, plain, bytes.length);
            Path gz = dir.resolve(e.getKey() + ".gz");
            try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
                o.write(bytes);
            }
            // the bytes taken from disk: the compressed file's size, not the text's
            assertCounted(reader, gz, Files.size(gz));
        }
    }

    @Test
    void wicCountsItsDataAndGoldFilesTogether() throws IOException {
        Path data = Files.writeString(dir.resolve("dev.data.txt"), ReaderFuzzTest.WIC);
        Path gold = Files.writeString(dir.resolve("dev.gold.txt"), ReaderFuzzTest.WIC_GOLD);
        WicReader reader = new WicReader();
        assertEquals(List.of(data, gold), reader.files(data));
        assertCounted(reader, data, ReaderFuzzTest.WIC.length() + ReaderFuzzTest.WIC_GOLD.length());
        Files.delete(gold);
        assertEquals(List.of(data), reader.files(data));
        assertCounted(reader, data, ReaderFuzzTest.WIC.length());
    }

    @Test
    void everySharedDataFileCountsToItsSize() throws IOException {
        Path root = SharedFixtures.require("data");
        // one file of each reader class, the smallest, so every reader is met on real data
        Map<Class<?>, Path> smallest = new LinkedHashMap<>();
        Map<Class<?>, DatasetReader<?>> readers = new LinkedHashMap<>();
        for (Task t : TaskCatalog.all()) {
            for (SplitSource s : t.source().files()) {
                Path f = TaskSource.resolve(root, s);
                Class<?> c = s.reader().getClass();
                if (Files.isRegularFile(f) && (!smallest.containsKey(c) || Files.size(f) < Files.size(smallest.get(c)))) {
                    smallest.put(c, f);
                    readers.put(c, s.reader());
                }
            }
        }
        assertTrue(smallest.size() >= 8, "readers met: " + smallest.keySet());
        for (Map.Entry<Class<?>, Path> e : smallest.entrySet()) {
            DatasetReader<?> reader = readers.get(e.getKey());
            long size = 0;
            for (Path f : reader.files(e.getValue())) {
                size += Files.size(f);
            }
            assertCounted(reader, e.getValue(), size);
        }
    }
}
