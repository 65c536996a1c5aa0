package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.internal.TextFiles;
import io.github.prefine.core.testing.TestFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training-data readers that read a file a line at a time cap its lines, as {@code predict}
 * caps its input's: a line of several GB (a file without newlines) was read whole into memory, an
 * OutOfMemoryError naming nothing. A line over the cap ({@code -Dprefine.maxLineBytes}, 64 MiB by
 * default) fails the read in every mode, at its file and line, read no further than the cap. Ground
 * truth: the line numbers and byte counts of the files written here.
 */
class LineCapTest {
    /** The property, as the docs name it. */
    private static final String PROPERTY = "prefine.maxLineBytes";

    @TempDir
    Path dir;

    @AfterEach
    void clearProperty() {
        System.clearProperty(PROPERTY);
    }

    private static String message(String file, int line, int cap) {
        return file + ":" + line + ": expected a line of at most " + cap + " bytes (raise -Dprefine.maxLineBytes for"
                + " longer lines), found a longer one";
    }

    @Test
    void aLineOverTheCapFailsEveryLineReaderAtItsFileAndLine() throws IOException {
        Path conll = TestFiles.write(dir, "ner/train.conll", "a\tO\n" + "x".repeat(39) + "\tO\n");
        Path tsv = TestFiles.write(dir, "sst/train.tsv", "sentence\tlabel\n" + "y".repeat(39) + "\t1\n");
        Path jsonl = TestFiles.write(dir, "cb/train.jsonl", "{\"premise\": \"p\", \"hypothesis\": \"h\", \"label\": \"x\"}\n"
                + "{\"premise\": \"" + "p".repeat(20) + "\", \"hypothesis\": \"h\", \"label\": \"x\"}\n");
        Path wic = TestFiles.write(dir, "wic/train.data.txt", "w\tV\t1-1\ta .\tb .\n" + "w\tV\t1-1\t" + "a".repeat(29)
                + "\tb .\n");
        List<Case> cases = List.of(
                new Case(conll, 1, () -> ConllReader.builder().optSeparator(ConllReader.Separator.TAB).build()),
                new Case(tsv, 1, () -> TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build()),
                new Case(jsonl, 2, JsonlClassificationReader::premiseHypothesis),
                new Case(wic, 2, WicReader::new));
        for (Case c : cases) {
            // one byte short of line 2, which is longer than line 1
            List<String> lines = Files.readAllLines(c.file());
            int cap = lines.get(1).length() - 1;
            assertTrue(lines.get(0).length() <= cap, c.file().toString());
            System.setProperty(PROPERTY, Integer.toString(cap));
            for (Leniency l : Leniency.values()) {
                MalformedDatasetException e = assertThrows(MalformedDatasetException.class,
                        () -> c.reader().get().read(c.file(), l), c.file() + " " + l);
                assertEquals(message(TextFiles.shortName(c.file()), 2, cap), e.getMessage());
            }
            // at the cap, the line is read (CoNLL's two lines are one sentence, the TSV header no row)
            System.setProperty(PROPERTY, Integer.toString(cap + 1));
            assertEquals(c.records(), c.reader().get().read(c.file()).report().records(), c.file().toString());
        }
    }

    @Test
    void theCapCountsALinesUtf8BytesWithoutItsEndExactlyAtTheBoundary() throws IOException {
        // a row of 100,000 bytes: 49,998 two-byte "é", "ab", TAB and "1", past the reader's 64 KiB buffer
        String row = "é".repeat(49_998) + "ab\t1";
        assertEquals(100_000, row.getBytes(StandardCharsets.UTF_8).length);
        System.setProperty(PROPERTY, "100000");
        TsvClassificationReader reader = TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label")
                .build();
        // LF, CRLF (the CR is no part of the line) and no end at all
        for (String end : List.of("\n", "\r\n", "")) {
            String eol = end.isEmpty() ? "\n" : end;
            String head = "sentence\tlabel" + eol + "x\t1" + eol;
            Path at = TestFiles.write(dir, "sst/at.tsv", head + row + end);
            Path over = TestFiles.write(dir, "sst/over.tsv", head + "c" + row + end);
            for (Leniency l : Leniency.values()) {
                String what = "'" + end.replace("\r", "CR").replace("\n", "LF") + "' " + l;
                assertEquals(List.of("x", row.substring(0, row.length() - 2)),
                        reader.read(at, l).examples().stream().map(TextExample::textA).toList(), what);
                MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> reader.read(over, l),
                        what);
                assertEquals(message("sst/over.tsv", 3, 100_000), e.getMessage(), what);
            }
        }
    }

    @Test
    void theStrictPassOverTheRestDecodesALineOfExactlyTheCapAndNoLonger() throws IOException {
        // after the bad row at line 2, line 4 holds a byte that is not UTF-8 (0xFF) at its end
        System.setProperty(PROPERTY, "16");
        TsvClassificationReader reader = TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label")
                .build();
        byte[] head = "sentence\tlabel\nbad\nfine\t1\n".getBytes(StandardCharsets.US_ASCII);
        for (String end : List.of("\n", "\r\n")) {
            // 16 bytes: 13 letters, TAB, "1", 0xFF; then 17
            for (String text : List.of("abcdefghijklm", "abcdefghijklmn")) {
                java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
                b.writeBytes(head);
                b.writeBytes((text + "\t1").getBytes(StandardCharsets.US_ASCII));
                b.write(0xFF);
                b.writeBytes(end.getBytes(StandardCharsets.US_ASCII));
                Path f = TestFiles.write(dir, "sst/rest.tsv", b.toByteArray());
                MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> reader.read(f),
                        text + " " + end.length());
                // at the cap the line is decoded, and its byte outranks the row; over it, reading on refuses it
                assertEquals(text.length() == 13 ? "sst/rest.tsv:4: expected valid UTF-8, found byte 0xFF at column 16"
                        : "sst/rest.tsv:2: expected 2 tab-separated fields [sentence, label], found 1", e.getMessage(),
                        text + " " + end.length());
            }
        }
    }

    @Test
    void theCapIs64MibUnlessSetAndASettingOutOfRangeIsRefused() throws IOException {
        assertEquals(64 << 20, TextFiles.maxLineBytes());
        Path f = TestFiles.write(dir, "ner/train.conll", "a\tO\n");
        for (String bad : List.of("0", "-1", "1073741825", "64MiB", "")) {
            System.setProperty(PROPERTY, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ConllReader.builder().optSeparator(ConllReader.Separator.TAB).build().read(f), bad);
            assertEquals("-Dprefine.maxLineBytes: expected a whole number of bytes from 1 to 1073741824 (1 GiB), found '"
                    + bad + "'", e.getMessage());
        }
    }

    private record Case(Path file, int records, Supplier<DatasetReader<?>> reader) {}
}
