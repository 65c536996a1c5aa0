package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A read goes through its file once: a named pipe (FIFO), which gives its bytes to one reader
 * only, reads as the same file on disk does, strictly, leniently and gzipped. A reader that opened
 * its file a second time would wait for a writer that has gone; that wait is cut after 30 seconds. A
 * read that throws throws the same through the pipe. Reads the shared data (and, for the CSV
 * classification reader, which no catalogued task uses, its ground-truth files) and needs {@code
 * mkfifo}; skips without them.
 */
class SinglePassReadTest {
    @TempDir
    Path dir;

    static Stream<Arguments> reads() {
        return Stream.of(
                Arguments.of("conll2003-en", "sl/conll2003/eng.testa", false, Leniency.STRICT),
                Arguments.of("conll2003-en", "sl/conll2003/eng.testa", true, Leniency.LENIENT),
                Arguments.of("rte", "cls/glue_rte/dev.tsv", false, Leniency.STRICT),
                Arguments.of("cb", "cls/cb/val.jsonl", false, Leniency.STRICT),
                Arguments.of("cb", "cls/cb/val.jsonl", true, Leniency.LENIENT),
                Arguments.of("cb", "cls/cb/val.jsonl", true, Leniency.STRICT),
                // the labels file beside it is a plain file; WiC read its data file twice in every mode
                Arguments.of("wic", "cls/wic/original/dev.data.txt", false, Leniency.LENIENT),
                Arguments.of("wic", "cls/wic/original/dev.data.txt", false, Leniency.STRICT),
                // SubjQA checked its CSV text whole before making examples, in every mode, and SQuAD
                Arguments.of("subjqa-books", "qa/subjqa/books/dev.csv", false, Leniency.LENIENT),
                Arguments.of("subjqa-books", "qa/subjqa/books/dev.csv", true, Leniency.STRICT),
                Arguments.of("squad", "qa/squad_v1.1/dev-v1.1.json", false, Leniency.LENIENT),
                Arguments.of("squad", "qa/squad_v1.1/dev-v1.1.json", true, Leniency.STRICT));
    }

    @ParameterizedTest(name = "{0} {1} gzip={2} {3}")
    @MethodSource("reads")
    void readsAPipeAsTheFileOnDisk(String task, String relative, boolean gzip, Leniency leniency) throws Exception {
        Path source = SharedFixtures.require("data").resolve(relative);
        assumeTrue(Files.isRegularFile(source), "shared data absent: " + source);
        compare(source, TaskCatalog.task(task).source().files().get(0).reader(), gzip, leniency);
    }

    static Stream<Arguments> csvReads() {
        // no catalogued task reads CSV classification files: the ground-truth files of CsvGroundTruthTest
        return Stream.of(
                Arguments.of("nonnumeric-cr.csv", false, Leniency.STRICT),
                Arguments.of("nonnumeric-cr.csv", true, Leniency.STRICT),
                Arguments.of("defects.csv", false, Leniency.LENIENT),
                Arguments.of("defects.csv", true, Leniency.LENIENT),
                Arguments.of("defects.csv", true, Leniency.STRICT));
    }

    @ParameterizedTest(name = "{0} gzip={1} {2}")
    @MethodSource("csvReads")
    void readsACsvPipeAsTheFileOnDisk(String name, boolean gzip, Leniency leniency) throws Exception {
        Path source = Path.of(SinglePassReadTest.class.getResource("csv/" + name).toURI());
        compare(source, CsvClassificationReader.builder().setTextA("{text_a}").optTextB("{text_b}").optLabel("label")
                .build(), gzip, leniency);
    }

    /** Reads {@code source} (gzipped when asked) from disk and through a pipe, and compares. */
    private void compare(Path source, DatasetReader<?> reader, boolean gzip, Leniency leniency) throws Exception {
        byte[] bytes = Files.readAllBytes(source);
        if (gzip) {
            bytes = gzip(bytes);
        }
        String name = source.getFileName() + (gzip ? ".gz" : "");
        // same parent folder name and file name, so that example ids and messages are equal
        Path onDisk = dir.resolve("disk").resolve(source.getParent().getFileName()).resolve(name);
        Path pipe = dir.resolve("pipe").resolve(source.getParent().getFileName()).resolve(name);
        Files.createDirectories(onDisk.getParent());
        Files.createDirectories(pipe.getParent());
        Files.write(onDisk, bytes);
        Path gold = source.resolveSibling(source.getFileName().toString().replace(".data.", ".gold."));
        if (!gold.equals(source) && Files.exists(gold)) {
            Files.copy(gold, onDisk.resolveSibling(gold.getFileName()));
            Files.copy(gold, pipe.resolveSibling(gold.getFileName()));
        }
        Object expected = outcome(reader, onDisk, leniency);

        assumeTrue(mkfifo(pipe), "mkfifo is not available");
        byte[] written = bytes;
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(pipe)) {
                out.write(written);
            } catch (IOException e) {
                // the reader closed the pipe early: the comparison below fails
            }
        });
        writer.setDaemon(true);
        writer.start();
        Object actual;
        try {
            actual = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> outcome(reader, pipe, leniency),
                    "the reader opened the pipe again after reading it through: it reads its file twice");
        } catch (AssertionError e) {
            release(pipe);
            throw e;
        }
        assertEquals(expected, actual);
    }

    /** The examples and report a read gives, or the message of the defect it throws. */
    private static Object outcome(DatasetReader<?> reader, Path file, Leniency leniency) throws IOException {
        try {
            ReadResult<?> r = reader.read(file, leniency);
            return List.of(r.examples(), r.report());
        } catch (MalformedDatasetException e) {
            return e.getMessage();
        }
    }

    private static boolean mkfifo(Path path) throws InterruptedException {
        try {
            return new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Lets a reader that waits to open the pipe again go on: a writer that writes nothing. */
    private static void release(Path pipe) {
        Thread t = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(pipe)) {
                out.flush();
            } catch (IOException ignored) {
                // nothing waits any more
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private static byte[] gzip(byte[] text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(text);
        }
        return out.toByteArray();
    }
}
