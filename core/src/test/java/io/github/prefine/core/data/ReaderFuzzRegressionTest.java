package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.testing.TestFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defects {@link ReaderFuzzTest} and {@link ReaderCorruptionProperties} found, each pinned as its smallest input. */
class ReaderFuzzRegressionTest {
    @TempDir
    Path dir;

    @Test
    void jsonSyntaxErrorInADocumentNamesItsLineAndColumnInPlainWords() throws IOException {
        // the second line lost a quote: Gson's own message named its exception class, its
        // setStrictness advice and the place, and the exception's location stayed empty
        Path f = TestFiles.write(dir, "squad/dev.json", "{\"version\": \"1.1\",\n \"data\": [{\"title: \"T\"}]}\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> new SquadReader().read(f));
        assertEquals("2", e.location());
        assertEquals("squad/dev.json:2: expected valid JSON, found 'Expected ':'' at column 22"
                + " ($.data[0].title: )", e.getMessage());
    }

    @Test
    void jsonSyntaxErrorOnAJsonLineKeepsTheFileLine() throws IOException {
        Path f = TestFiles.write(dir, "cb/val.jsonl",
                "{\"premise\":\"a\",\"hypothesis\":\"b\",\"label\":\"neutral\"}\n{\"premise\":\"a\",\"hypothesis\":\"b\",\"label\":[}\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class,
                () -> JsonlClassificationReader.premiseHypothesis().read(f));
        assertEquals("cb/val.jsonl:2: expected valid JSON, found 'Expected value' at column 42 ($.label[0])",
                e.getMessage());
    }

    @Test
    void singleQuotesAreCalledNonStandardJson() throws IOException {
        Path f = TestFiles.write(dir, "cb/val.jsonl", "{'premise':\"a\"}\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class,
                () -> JsonlClassificationReader.premiseHypothesis().read(f));
        assertEquals("cb/val.jsonl:1: expected valid JSON, found 'non-standard JSON (such as single quotes, unquoted"
                + " names or values, comments)' at column 3 ($.)", e.getMessage());
    }

    @Test
    void textAfterAJsonDocumentIsLocated() throws IOException {
        Path f = TestFiles.write(dir, "squad/dev.json", "{\"data\": []}\n{\"data\": []}\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> new SquadReader().read(f));
        assertEquals("squad/dev.json:2: expected valid JSON, found 'more text after the JSON value' at column 2 ($)",
                e.getMessage());
    }

    @Test
    void subjQaStartIndexPastIntIsALocatedRowDefect() throws IOException {
        // Integer.parseInt threw a bare NumberFormatException out of both strict and lenient reads
        Path f = TestFiles.write(dir, "books/dev.csv", "q_review_id,question,review,human_ans_spans,human_ans_indices\n"
                + "p1,how?,I loved it,loved,\"(2, 7)\"\n"
                + "p2,why?,Ann wrote,Ann,\"(99999999999, 3)\"\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> new SubjQaReader().read(f));
        assertEquals("books/dev.csv:3: expected human_ans_indices as (start, end) with start at most 2147483647,"
                + " found '(99999999999, 3)'", e.getMessage());
        ReadResult<QaExample> r = new SubjQaReader().read(f, Leniency.LENIENT);
        assertEquals(List.of("p1"), r.examples().stream().map(QaExample::id).toList());
        assertEquals(1, r.report().skipped(SubjQaReader.MALFORMED_ROW));
    }

    @Test
    void mrqaDataLineAfterADamagedHeaderIsStillRead() throws IOException {
        // the header line was cut short; lenient reads skipped it and then took the first data
        // line for the header, dropping a valid line's questions as a second "malformed" line
        Path f = TestFiles.write(dir, "mrqa/dev.jsonl", "{\"header\":{\"dataset\":\"SQ\n"
                + "{\"context\":\"Paris is in France.\",\"qas\":[{\"qid\":\"a\",\"question\":\"where?\","
                + "\"detected_answers\":[{\"text\":\"France\",\"char_spans\":[[12,17]]}]}]}\n");
        assertThrows(MalformedDatasetException.class, () -> new MrqaReader().read(f));
        ReadResult<QaExample> r = new MrqaReader().read(f, Leniency.LENIENT);
        assertEquals(List.of("a"), r.examples().stream().map(QaExample::id).toList());
        assertEquals(1, r.report().skipped(MrqaReader.MALFORMED_LINE));
        assertEquals(1, r.report().totalSkipped());
        assertEquals(1, r.report().flagged(MrqaReader.NO_HEADER));
    }

    @Test
    void truncatedGzipNamesTheFileAndWhereTheTextStops() throws IOException {
        // GZIPInputStream's EOFException (no message, or "Unexpected end of ZLIB input stream") named no file
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(buf)) {
            z.write("{\"header\":{}}\n{\"context\":\"c\",\"qas\":[]}\n".getBytes(StandardCharsets.UTF_8));
        }
        byte[] whole = buf.toByteArray();
        // the 8-byte trailer (CRC, size) is all that is missing: the whole text decompressed
        Path f = TestFiles.write(dir, "mrqa/dev.jsonl.gz", Arrays.copyOf(whole, whole.length - 8));
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> new MrqaReader().read(f));
        assertEquals("mrqa/dev.jsonl.gz:3: expected a complete gzip stream, found the end of the file"
                + " after 39 bytes of text", e.getMessage());
        assertThrows(MalformedDatasetException.class, () -> new MrqaReader().read(f, Leniency.LENIENT));
        Path notGzip = TestFiles.write(dir, "mrqa/plain.jsonl.gz", "{\"header\":{}}\n");
        assertEquals("mrqa/plain.jsonl.gz: expected a complete gzip stream, found 'Not in GZIP format' after 0 bytes"
                + " of text", assertThrows(MalformedDatasetException.class, () -> new MrqaReader().read(notGzip)).getMessage());
    }

    private static byte[] gzip(String text) throws IOException {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(buf)) {
            z.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return buf.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /**
     * GZIPInputStream ends the text, without a word, where the bytes after a gzip member do not
     * start another: a second member whose header was damaged, or rows appended uncompressed, were
     * dropped uncounted (2 of 3 rows here), where Python's gzip module refuses the file ("Not a
     * gzipped file"). Members written one after another (cat a.gz b.gz) and zero bytes after the
     * last member, which Python's gzip module reads too, still read.
     */
    @Test
    void bytesAfterTheLastGzipMemberThatStartNoMemberAreAnErrorNotTheEnd() throws IOException {
        TsvClassificationReader tsv = TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build();
        byte[] first = gzip("sentence\tlabel\na\t1\n");
        byte[] second = gzip("b\t0\nc\t1\n");
        Path both = TestFiles.write(dir, "d/both.tsv.gz", concat(first, second));
        assertEquals(List.of("a", "b", "c"), tsv.read(both).examples().stream().map(TextExample::textA).toList());
        Path padded = TestFiles.write(dir, "d/padded.tsv.gz", concat(first, second, new byte[700]));
        assertEquals(3, tsv.read(padded).examples().size());
        byte[] damaged = second.clone();
        damaged[0] = ' ';
        // short garbage is read whole while GZIPInputStream looks for a header; long garbage stays in its buffer
        for (byte[] after : List.of(damaged, "b\t0\nc\t1\n".getBytes(StandardCharsets.UTF_8), new byte[] {'x'},
                concat(new byte[40], new byte[] {7}))) {
            Path f = TestFiles.write(dir, "d/after.tsv.gz", concat(first, after));
            for (Leniency l : Leniency.values()) {
                MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> tsv.read(f, l));
                assertEquals("d/after.tsv.gz:3: expected a complete gzip stream, found bytes after the last gzip member"
                        + " that start no gzip member after 19 bytes of text", e.getMessage());
            }
        }
    }

    @Test
    void aRepeatedJsonNameIsAnErrorNotASilentDrop() throws IOException {
        // Gson keeps the last of two equal names: the first "qas" list, and its question, vanished
        // without a count
        Path f = TestFiles.write(dir, "squad/dev.json", "{\"data\":[{\"paragraphs\":[{\"context\":\"Paris.\",\n"
                + "\"qas\":[{\"id\":\"q1\",\"question\":\"Where?\",\"answers\":[{\"text\":\"Paris\",\"answer_start\":0}]}],\n"
                + "\"qas\":[{\"id\":\"q2\",\"question\":\"What?\",\"answers\":[{\"text\":\"Paris\",\"answer_start\":0}]}]}]}]}\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> new SquadReader().read(f));
        assertEquals("squad/dev.json:3: expected each name once per object, found 'qas' again at column 6"
                + " ($.data[0].paragraphs[0].qas)", e.getMessage());
        Path line = TestFiles.write(dir, "cb/val.jsonl", "{\"premise\":\"a\",\"hypothesis\":\"b\",\"label\":\"neutral\"}\n"
                + "{\"premise\":\"a\",\"hypothesis\":\"b\",\"label\":\"neutral\",\"label\":\"entailment\"}\n");
        ReadResult<TextExample> r = JsonlClassificationReader.premiseHypothesis().read(line, Leniency.LENIENT);
        assertEquals(1, r.examples().size());
        assertEquals(1, r.report().skipped(JsonlClassificationReader.MALFORMED_LINE));
    }

    @Test
    void wicGoldLabelOtherThanTOrFIsCountedAsAnInvalidLabel() throws IOException {
        // the skip was counted, but under "wrong field count", which the data line did not have
        Path data = TestFiles.write(dir, "wic/dev.data.txt", "carry\tV\t2-1\tCarry it .\tIt carries .\n"
                + "bank\tN\t1-3\tThe bank .\tA river bank .\n");
        TestFiles.write(dir, "wic/dev.gold.txt", "F\nX\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> new WicReader().read(data));
        assertEquals("wic/dev.gold.txt:2: expected T or F, found 'X'", e.getMessage());
        ReadResult<TextExample> r = new WicReader().read(data, Leniency.LENIENT);
        assertEquals(1, r.examples().size());
        assertEquals(1, r.report().skipped(WicReader.INVALID_LABEL));
        assertEquals(1, r.report().totalSkipped());
    }

    @Test
    void headerOnlyTsvIsNotCalledEmpty() throws IOException {
        // the message said "found an empty file" for a file that holds its header row
        Path f = TestFiles.write(dir, "rte/dev.tsv", "index\tsentence1\tsentence2\tlabel\n");
        TsvClassificationReader reader = TsvClassificationReader.builder().setTextA("{sentence1}").optTextB("{sentence2}")
                .optLabel("label").build();
        assertEquals("rte/dev.tsv:1: expected at least one row, found only the header row",
                assertThrows(MalformedDatasetException.class, () -> reader.read(f)).getMessage());
        Path empty = TestFiles.write(dir, "rte/test.tsv", "");
        assertEquals("rte/test.tsv: expected at least one row, found an empty file",
                assertThrows(MalformedDatasetException.class, () -> reader.read(empty)).getMessage());
    }

    @Test
    void qedSpanWhoseEndDisagreesWithItsTextNamesTheEnd() throws IOException {
        // the text was at its start, so the message read "expected answer 'Ann' at offset 0 of the
        // context, found 'Ann'": it found what it expected and never named the wrong end
        Path f = TestFiles.write(dir, "qed/dev.jsonl", "{\"example_id\":1,\"question_text\":\"who?\","
                + "\"paragraph_text\":\"Ann wrote it.\",\"annotation\":{\"answer\":[{\"paragraph_reference\":"
                + "{\"start\":0,\"end\":7,\"string\":\"Ann\"}}]},\"original_nq_answers\":[]}\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> new QedReader().read(f));
        // 'Ann' is 3 characters, so a span from 0 ends at 3
        assertEquals("qed/dev.jsonl:1: expected $.annotation.answer[0].paragraph_reference.end to be 3 (start 0 plus"
                + " the 3 characters of 'Ann'), found 7", e.getMessage());
        ReadResult<QaExample> r = new QedReader().read(f, Leniency.LENIENT);
        assertEquals(1, r.report().skipped(SquadReader.ANSWER_NOT_AT_OFFSET));
        assertEquals(List.of(e.getMessage()), r.report().samples(SquadReader.ANSWER_NOT_AT_OFFSET));
    }

    @Test
    void mrqaSpanOfTheWrongLengthSaysHowManyValuesItHas() throws IOException {
        // "expected ... an array [start, end], found an array" did not say what was wrong with it
        Path f = TestFiles.write(dir, "mrqa/dev.jsonl", "{\"header\":{}}\n"
                + "{\"context\":\"Paris is in France.\",\"qas\":[{\"qid\":\"a\",\"question\":\"where?\","
                + "\"detected_answers\":[{\"text\":\"France\",\"char_spans\":[[12,17,3]]}]}]}\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> new MrqaReader().read(f));
        assertEquals("mrqa/dev.jsonl:2: expected $.qas[0].detected_answers[0].char_spans[0] to be an array [start, end],"
                + " found an array of 3 values", e.getMessage());
        Path one = TestFiles.write(dir, "mrqa/one.jsonl", "{\"header\":{}}\n"
                + "{\"context\":\"Paris is in France.\",\"qas\":[{\"qid\":\"a\",\"question\":\"where?\","
                + "\"detected_answers\":[{\"text\":\"France\",\"char_spans\":[[12]]}]}]}\n");
        assertEquals("mrqa/one.jsonl:2: expected $.qas[0].detected_answers[0].char_spans[0] to be an array [start, end],"
                + " found an array of 1 value", assertThrows(MalformedDatasetException.class,
                        () -> new MrqaReader().read(one)).getMessage());
    }
}
