package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.data.internal.Defects;
import io.github.prefine.core.testing.TestFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files with no unit at all (empty, only blank lines, only a header row): strict reads say what the
 * file held, lenient reads skip the file once and log one line whose counts add up.
 */
class EmptyInputTest {
    @TempDir
    Path dir;

    private static final DatasetReader<TextExample> TSV =
            TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build();
    private static final DatasetReader<TextExample> CSV =
            CsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build();

    /** A lenient read and the reader's warnings (slf4j-simple writes them to System.err). */
    private record Lenient(ReadReport report, List<String> warnings) {}

    private static Lenient lenient(DatasetReader<?> reader, Path f) throws IOException {
        PrintStream realErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ReadReport r;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            r = reader.read(f, Leniency.LENIENT).report();
        } finally {
            System.setErr(realErr);
        }
        List<String> warnings = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains(" WARN "))
                .map(l -> l.substring(l.indexOf(" - ") + 3))
                .collect(Collectors.toList());
        return new Lenient(r, warnings);
    }

    /** Strict throws {@code file: expected, found}; lenient skips the file once and says so. */
    private void skippedWhole(DatasetReader<?> reader, String name, String at, String content, String expected,
            String found, String units) throws IOException {
        Path f = TestFiles.write(dir, name, content);
        String message = name + at + ": expected " + expected + ", found " + found;
        assertEquals(message, assertThrows(MalformedDatasetException.class, () -> reader.read(f)).getMessage(),
                content);
        Lenient l = lenient(reader, f);
        assertEquals(new ReadReport(name, 0, 0, Map.of(Defects.EMPTY_FILE, 1), Map.of(), Map.of(), Map.of(),
                Map.of(Defects.EMPTY_FILE, List.of(message))), l.report(), content);
        assertEquals(List.of(message + "; read 0 " + units + ", kept 0: skipped the file"), l.warnings(), content);
    }

    @Test
    void tsvWithoutRowsIsSkippedOnceAndSaysWhatItHeld() throws IOException {
        skippedWhole(TSV, "t/empty.tsv", "", "", "at least one row", "an empty file", "rows");
        // blank lines alone hold no header, as in a CSV file
        skippedWhole(TSV, "t/blank.tsv", "", "\n\n\n", "at least one row", "an empty file", "rows");
        skippedWhole(TSV, "t/header.tsv", ":1", "sentence\tlabel\n", "at least one row", "only the header row",
                "rows");
        skippedWhole(TSV, "t/nonl.tsv", ":1", "sentence\tlabel", "at least one row", "only the header row", "rows");
        // blank lines after the header are no rows, however many
        skippedWhole(TSV, "t/header2.tsv", ":1", "sentence\tlabel\n\n", "at least one row",
                "only the header row", "rows");
        skippedWhole(TSV, "t/header3.tsv", ":1", "sentence\tlabel\n\n\n\n", "at least one row",
                "only the header row", "rows");
    }

    @Test
    void csvWithoutRowsIsSkippedOnceAndSaysWhatItHeld() throws IOException {
        skippedWhole(CSV, "c/empty.csv", "", "", "at least one row", "an empty file", "rows");
        skippedWhole(CSV, "c/blank.csv", "", "\r\n\r\n", "at least one row", "an empty file", "rows");
        skippedWhole(CSV, "c/header.csv", ":1", "sentence,label\r\n", "at least one row", "only the header row",
                "rows");
        skippedWhole(CSV, "c/header3.csv", ":1", "sentence,label\n\n\n", "at least one row",
                "only the header row", "rows");
        // the header row is where it starts, after the blank lines before it
        skippedWhole(CSV, "c/late.csv", ":3", "\n\nsentence,label\n", "at least one row", "only the header row",
                "rows");
    }

    @Test
    void jsonLinesAndConllWithoutUnitsAreSkippedOnce() throws IOException {
        skippedWhole(JsonlClassificationReader.boolq(), "j/blank.jsonl", "", "\n \n", "at least one JSON line",
                "an empty file", "lines");
        skippedWhole(ConllReader.builder().build(), "k/blank.conll", "", "\n\n\n", "at least one sentence",
                "an empty file", "sentences");
    }

    @Test
    void skippedRowsAddUpToRowsRead() throws IOException {
        // line 2 kept, line 3 has three fields; the blank lines at the end are no rows
        Path f = TestFiles.write(dir, "t/some.tsv", "sentence\tlabel\na\t1\nb\t0\tx\n\n\n");
        Lenient l = lenient(TSV, f);
        assertEquals(2, l.report().records());
        assertEquals(1, l.report().examples());
        assertEquals(List.of("t/some.tsv: read 2 rows, kept 1, skipped 1: {wrong field count=1}"), l.warnings());
        assertEquals("t/some.tsv:3: expected 2 tab-separated fields [sentence, label], found 3",
                assertThrows(MalformedDatasetException.class, () -> TSV.read(f)).getMessage());
    }

    @Test
    void aBlankLineBetweenTsvRowsIsACountedSkip() throws IOException {
        // only blank lines at the end are no rows: one inside is a defect, even where one empty
        // field would fit (a one-column layout), as GLUE files hold none and csv.DictReader or
        // pandas would drop it; lines 2 and 5 kept, lines 3 and 4 blank
        Path f = TestFiles.write(dir, "t/mid.tsv", "sentence\tlabel\na\t1\n\n\nb\t0\n");
        assertEquals("t/mid.tsv:3: expected 2 tab-separated fields [sentence, label], found a blank line",
                assertThrows(MalformedDatasetException.class, () -> TSV.read(f)).getMessage());
        Lenient l = lenient(TSV, f);
        assertEquals(List.of("t/mid.tsv:2", "t/mid.tsv:5"),
                TSV.read(f, Leniency.LENIENT).examples().stream().map(TextExample::id).toList());
        assertEquals(4, l.report().records());
        assertEquals(2, l.report().examples());
        assertEquals(List.of("t/mid.tsv: read 4 rows, kept 2, skipped 2: {blank line=2}"), l.warnings());

        DatasetReader<TextExample> oneColumn = TsvClassificationReader.builder().setTextA("{sentence}").build();
        Path one = TestFiles.write(dir, "t/one.tsv", "sentence\na\n\nb\n\n");
        assertEquals("t/one.tsv:3: expected 1 tab-separated fields [sentence], found a blank line",
                assertThrows(MalformedDatasetException.class, () -> oneColumn.read(one)).getMessage());
        ReadResult<TextExample> r = oneColumn.read(one, Leniency.LENIENT);
        assertEquals(List.of("a", "b"), r.examples().stream().map(TextExample::textA).toList());
        assertEquals(Map.of(TsvClassificationReader.BLANK_LINE, 1), r.report().skipped());
        assertEquals(List.of("t/one.tsv:3: expected 1 tab-separated fields [sentence], found a blank line"),
                r.report().samples(TsvClassificationReader.BLANK_LINE));

        // header-less (CoLA's layout): a blank first line is no row either
        DatasetReader<TextExample> cola = TsvClassificationReader.builder().setTextA("{sentence}")
                .optColumnNames(List.of("sentence")).build();
        Path noHeader = TestFiles.write(dir, "t/cola.tsv", "\nonly\n");
        assertEquals("t/cola.tsv:1: expected 1 tab-separated fields [sentence], found a blank line",
                assertThrows(MalformedDatasetException.class, () -> cola.read(noHeader)).getMessage());
        assertEquals(List.of("only"),
                cola.read(noHeader, Leniency.LENIENT).examples().stream().map(TextExample::textA).toList());
    }
}
