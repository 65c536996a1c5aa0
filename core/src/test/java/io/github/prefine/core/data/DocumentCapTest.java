package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.core.testing.TestFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole-document readers (SQuAD JSON, CSV, SubjQA's CSV) had no cap: they read a document a
 * piece at a time, but Gson builds each string whole and a CSV field grows to its closing quote, so
 * one huge context, or a quote left open, was an OutOfMemoryError naming nothing. The line readers'
 * cap ({@code -Dprefine.maxLineBytes}, 64 MiB by default) now caps the piece a document reader
 * holds whole: a JSON string, name or number (its UTF-8 bytes between the quotes) and a CSV record
 * (its UTF-8 bytes without the closing line end). A longer one fails the read in both modes at the
 * line where it starts; a minified document longer than the cap on one line still reads. Ground
 * truth: the lines and byte counts of the files written here.
 */
class DocumentCapTest {
    private static final String PROPERTY = "prefine.maxLineBytes";

    @TempDir
    Path dir;

    @AfterEach
    void clearProperty() {
        System.clearProperty(PROPERTY);
    }

    private static String squad(String title, String context, String answer) {
        return "{\"data\": [{\"title\": \"" + title + "\",\n"
                + " \"paragraphs\": [{\n"
                + "  \"context\":\n"
                + "   \"" + context + "\",\n"
                + "  \"qas\": [{\"id\": \"q1\", \"question\": \"What?\", \"answers\": [{\"text\": \"" + answer
                + "\", \"answer_start\": 0}]}]}]}]}\n";
    }

    @Test
    void aJsonStringOverTheCapFailsTheSquadReadAtItsLineInBothModes() throws IOException {
        System.setProperty(PROPERTY, "4000");
        // 2,000 two-byte "é" and 1 letter: 4,001 bytes, 2,001 chars (a cap in chars would pass it)
        String over = "é".repeat(2000) + "a";
        Path f = TestFiles.write(dir, "squad/dev.json", squad("t", over, "é"));
        for (Leniency l : Leniency.values()) {
            MalformedDatasetException e = assertThrows(MalformedDatasetException.class,
                    () -> new SquadReader().read(f, l), l.toString());
            assertEquals("squad/dev.json:4: expected a JSON string or number of at most 4000 bytes (raise"
                    + " -Dprefine.maxLineBytes for longer values), found a longer one", e.getMessage(), l.toString());
        }
        // a value the walk passes over is held too (the title, on line 1), and a number
        Path title = TestFiles.write(dir, "squad/title.json", squad("t".repeat(4001), "ab", "a"));
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> new SquadReader().read(title));
        assertTrue(e.getMessage().startsWith("squad/title.json:1: expected a JSON string or number of at most 4000"),
                e.getMessage());
        // a number of 21 digits under a cap of 20 (Gson refuses one longer than its buffer by itself)
        System.setProperty(PROPERTY, "20");
        Path number = TestFiles.write(dir, "squad/number.json", squad("t", "ab", "a").replace("\"answer_start\": 0",
                "\"answer_start\": 1" + "0".repeat(20)));
        e = assertThrows(MalformedDatasetException.class, () -> new SquadReader().read(number));
        assertEquals("squad/number.json:5: expected a JSON string or number of at most 20 bytes (raise"
                + " -Dprefine.maxLineBytes for longer values), found a longer one", e.getMessage());
    }

    @Test
    void aJsonStringOfExactlyTheCapAndAOneLineDocumentLongerThanItRead() throws IOException {
        System.setProperty(PROPERTY, "4000");
        // 4,000 bytes between the quotes: an escaped quote counts as written (2 bytes), a 4-byte emoji as 4
        String at = "\\\"" + "😀".repeat(10) + "b".repeat(3958);
        assertEquals(4000, at.getBytes(StandardCharsets.UTF_8).length);
        Path f = TestFiles.write(dir, "squad/at.json", squad("t", at, "\\\""));
        ReadResult<QaExample> r = new SquadReader().read(f);
        assertEquals(1, r.examples().size());
        assertEquals(3979, r.examples().get(0).context().length());
        // one line of 12 questions, over 3 times the cap, none of its values over it
        StringBuilder qas = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            qas.append(i == 0 ? "" : ",").append("{\"id\": \"q").append(i).append("\", \"question\": \"")
                    .append("w".repeat(1000)).append("\", \"answers\": [{\"text\": \"ab\", \"answer_start\": 0}]}");
        }
        Path line = TestFiles.write(dir, "squad/line.json", "{\"data\": [{\"title\": \"t\", \"paragraphs\": [{\"context\":"
                + " \"abc\", \"qas\": [" + qas + "]}]}]}");
        assertTrue(Files.size(line) > 12_000);
        assertEquals(1, Files.readAllLines(line).size());
        assertEquals(12, new SquadReader().read(line).examples().size());
    }

    @Test
    void aCsvRecordOverTheCapFailsEveryModeAtItsFirstLineAndOneAtTheCapReads() throws IOException {
        System.setProperty(PROPERTY, "100");
        CsvClassificationReader reader = CsvClassificationReader.builder().setTextA("{text}").optLabel("label").build();
        // record at line 3: a quoted field spanning two lines; 100 bytes with its CRLF, quotes and comma
        String field = "x".repeat(40) + "\r\n" + "é".repeat(27);
        String record = "\"" + field + "\",1";
        assertEquals(100, record.getBytes(StandardCharsets.UTF_8).length);
        Path at = TestFiles.write(dir, "csv/at.csv", "text,label\na,0\n" + record + "\nb,1\n");
        assertEquals(List.of("a", field, "b"),
                reader.read(at).examples().stream().map(TextExample::textA).toList());
        Path over = TestFiles.write(dir, "csv/over.csv", "text,label\na,0\n\"y" + field + "\",1\nb,1\n");
        for (Leniency l : Leniency.values()) {
            MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> reader.read(over, l),
                    l.toString());
            assertEquals("csv/over.csv:3: expected a record of at most 100 bytes (raise -Dprefine.maxLineBytes for"
                    + " longer records), found a longer one", e.getMessage(), l.toString());
        }
        // a quote left open held the rest of the file in one field; leniently it was skipped as malformed quoting
        Path open = TestFiles.write(dir, "csv/open.csv", "text,label\na,0\n\"b,1\n" + "c,1\n".repeat(40));
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class,
                () -> reader.read(open, Leniency.LENIENT));
        assertTrue(e.getMessage().startsWith("csv/open.csv:3: expected a record of at most 100 bytes"), e.getMessage());
    }

    @Test
    void aSubjQaRowOverTheCapFailsAtItsFirstLine() throws IOException {
        System.setProperty(PROPERTY, "200");
        String head = "q_review_id,question,review,human_ans_spans,human_ans_indices\n";
        String ok = "r1,Why?,good book ANSWERNOTFOUND,good,\"(0, 4)\"\n";
        Path f = TestFiles.write(dir, "books/train.csv", head + ok + "r2,How?,\"" + "long review ".repeat(20)
                + "\",long,\"(0, 4)\"\n");
        for (Leniency l : Leniency.values()) {
            MalformedDatasetException e = assertThrows(MalformedDatasetException.class,
                    () -> new SubjQaReader().read(f, l), l.toString());
            assertEquals("books/train.csv:3: expected a record of at most 200 bytes (raise -Dprefine.maxLineBytes for"
                    + " longer records), found a longer one", e.getMessage(), l.toString());
        }
        System.setProperty(PROPERTY, "400");
        assertEquals(2, new SubjQaReader().read(f).examples().size());
    }

    @Test
    void aHugeContextIsRefusedBeforeItIsHeld() throws Exception {
        // a 64 MiB context under a 32 MiB heap: an OutOfMemoryError before the cap
        Path f = dir.resolve("squad").resolve("train.json");
        Files.createDirectories(f.getParent());
        try (OutputStream out = Files.newOutputStream(f)) {
            out.write("{\"data\": [{\"title\": \"t\", \"paragraphs\": [{\n\"context\": \"".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) 'a');
            for (int i = 0; i < 64; i++) {
                out.write(chunk);
            }
            out.write("\", \"qas\": []}]}]}".getBytes(StandardCharsets.US_ASCII));
        }
        Path log = dir.resolve("child.log");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                "-Dprefine.maxLineBytes=1000", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), LenientRead.class.getName(), f.toString());
        Process p = ChildProcesses.builder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "child did not finish");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertEquals("squad/train.json:2: expected a JSON string or number of at most 1000 bytes (raise"
                + " -Dprefine.maxLineBytes for longer values), found a longer one", out.strip());
    }

    /** Reads a SQuAD file leniently and prints the defect it throws. */
    static final class LenientRead {
        public static void main(String[] args) throws IOException {
            try {
                new SquadReader().read(Path.of(args[0]), Leniency.LENIENT);
                System.out.println("read without a defect");
            } catch (MalformedDatasetException e) {
                System.out.println(e.getMessage());
            }
        }
    }
}
