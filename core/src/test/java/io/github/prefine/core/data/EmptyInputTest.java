package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * file held, lenient reads skip the file once and log one line whose counts add up. Also what a
 * lenient read logs of the rows, blank lines and questions it skipped in a file that has some.
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
        skippedWhole(reader, name, at, content, expected, found, units, Map.of());
    }

    /** As above, the report counting {@code cleaned} (the blank lines passed over). */
    private void skippedWhole(DatasetReader<?> reader, String name, String at, String content, String expected,
            String found, String units, Map<String, Integer> cleaned) throws IOException {
        Path f = TestFiles.write(dir, name, content);
        String message = name + at + ": expected " + expected + ", found " + found;
        assertEquals(message, assertThrows(MalformedDatasetException.class, () -> reader.read(f)).getMessage(),
                content);
        Lenient l = lenient(reader, f);
        assertEquals(new ReadReport(name, 0, 0, Map.of(Defects.EMPTY_FILE, 1), Map.of(), cleaned, Map.of(),
                Map.of(Defects.EMPTY_FILE, List.of(message))), l.report(), content);
        assertEquals(List.of(message + "; read 0 " + units + ", kept 0: skipped the file"), l.warnings(), content);
    }

    @Test
    void tsvWithoutRowsIsSkippedOnceAndSaysWhatItHeld() throws IOException {
        skippedWhole(TSV, "t/empty.tsv", "", "", "at least one row", "an empty file", "rows");
        // blank lines alone hold no header, as in a CSV file: passed over, and counted
        skippedWhole(TSV, "t/blank.tsv", "", "\n\n\n", "at least one row", "an empty file", "rows", blanks(3));
        skippedWhole(TSV, "t/header.tsv", ":1", "sentence\tlabel\n", "at least one row", "only the header row",
                "rows");
        skippedWhole(TSV, "t/nonl.tsv", ":1", "sentence\tlabel", "at least one row", "only the header row", "rows");
        // blank lines after the header are no rows, however many
        skippedWhole(TSV, "t/header2.tsv", ":1", "sentence\tlabel\n\n", "at least one row",
                "only the header row", "rows", blanks(1));
        skippedWhole(TSV, "t/header3.tsv", ":1", "sentence\tlabel\n\n\n\n", "at least one row",
                "only the header row", "rows", blanks(3));
    }

    @Test
    void csvWithoutRowsIsSkippedOnceAndSaysWhatItHeld() throws IOException {
        skippedWhole(CSV, "c/empty.csv", "", "", "at least one row", "an empty file", "rows");
        // csv.reader returns each blank line as an empty record: passed over, and counted
        skippedWhole(CSV, "c/blank.csv", "", "\r\n\r\n", "at least one row", "an empty file", "rows", blanks(2));
        skippedWhole(CSV, "c/header.csv", ":1", "sentence,label\r\n", "at least one row", "only the header row",
                "rows");
        skippedWhole(CSV, "c/header3.csv", ":1", "sentence,label\n\n\n", "at least one row",
                "only the header row", "rows", blanks(2));
        // the header row is where it starts, after the blank lines before it
        skippedWhole(CSV, "c/late.csv", ":3", "\n\nsentence,label\n", "at least one row", "only the header row",
                "rows", blanks(2));
    }

    /**
     * SubjQA's CSV without a single record (empty, or blank lines only) failed a lenient read,
     * where the comma-separated classification reader, and SubjQA itself for a file of only the
     * header, skip the file once as empty; and a header alone was named without its line.
     */
    @Test
    void subjQaWithoutRecordsIsSkippedOnceAsTheOtherCsvFilesAre() throws IOException {
        SubjQaReader subj = new SubjQaReader();
        skippedWhole(subj, "b/empty.csv", "", "", "a CSV header row", "an empty file", "rows");
        skippedWhole(subj, "b/blank.csv", "", "\r\n\n", "a CSV header row", "an empty file", "rows", blanks(2));
        // a header alone is located at its line, after the blank lines before it, as a CSV file's is
        String header = "q_review_id,question,review,human_ans_spans,human_ans_indices\n";
        skippedWhole(subj, "b/header.csv", ":1", header, "at least one row", "only the header row", "rows");
        skippedWhole(subj, "b/late.csv", ":3", "\n\n" + header + "\n", "at least one row", "only the header row",
                "rows", blanks(3));
    }

    private static Map<String, Integer> blanks(int n) {
        return Map.of(CsvClassificationReader.BLANK_LINE_PASSED_OVER, n);
    }

    @Test
    void jsonLinesAndConllWithoutUnitsAreSkippedOnce() throws IOException {
        skippedWhole(JsonlClassificationReader.boolq(), "j/blank.jsonl", "", "\n \n", "at least one JSON line",
                "an empty file", "lines", blanks(2));
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
    void oneRowReadIsOneRow() throws IOException {
        // the header and a single row of three fields: one row read, none kept, one skipped
        Path f = TestFiles.write(dir, "t/one.tsv", "sentence\tlabel\nb\t0\tx\n");
        Lenient l = lenient(TSV, f);
        assertEquals(1, l.report().records());
        assertEquals(List.of("t/one.tsv: read 1 row, kept 0, skipped 1: {wrong field count=1}"), l.warnings());
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

    @Test
    void qaFilesWithoutQuestionsAreSkippedOnceAndSayWhatTheyHeld() throws IOException {
        // as the other readers: the file's skip is not counted against its questions
        skippedWhole(new SquadReader(), "s/empty.json", " $.data", "{\"data\": []}", "at least one question", "none",
                "questions");
        skippedWhole(new MrqaReader(), "m/empty.jsonl", "", "", "a header line and at least one question", "none",
                "questions");
        skippedWhole(new MrqaReader(), "m/header.jsonl", "", "{\"header\": {\"dataset\": \"SQuAD\"}}\n",
                "a header line and at least one question", "none", "questions");
    }

    @Test
    void qaSkipLinesSayQuestionsReadAndKeptAndAnswersApart() throws IOException {
        // q1 keeps "cat" at 4 and loses "dog" (not at 0); q2's only answer is off its offset, so q2
        // is dropped: 2 questions read, 1 kept, 2 answers and 1 question skipped. Answers are parts
        // of a question (DataReport.PART_REASONS), so no total of skips is set against questions.
        String squad = "{\"data\": [{\"title\": \"t\", \"paragraphs\": [{\"context\": \"the cat\", \"qas\": ["
                + "{\"id\": \"q1\", \"question\": \"who?\", \"answers\": [{\"text\": \"cat\", \"answer_start\": 4},"
                + " {\"text\": \"dog\", \"answer_start\": 0}]},"
                + "{\"id\": \"q2\", \"question\": \"what?\", \"answers\": [{\"text\": \"cat\", \"answer_start\": 0}]}"
                + "]}]}]}";
        readTwoKeptOne(new SquadReader(), "s/dev.json", squad,
                Map.of(SquadReader.ANSWER_NOT_AT_OFFSET, 2, SquadReader.NO_VALID_ANSWER, 1),
                "s/dev.json: read 2 questions, kept 1; skipped {answer not at its offset=2,"
                        + " question without a valid answer=1}");

        // MRQA: line 2 is no JSON (its questions are never counted), line 3 has q1 kept and q2
        // whose only span [0, 2] holds "the", not "cat"
        String mrqa = "{\"header\": {\"dataset\": \"SQuAD\"}}\n{not json\n"
                + "{\"context\": \"the cat\", \"qas\": [{\"qid\": \"q1\", \"question\": \"who?\", \"detected_answers\":"
                + " [{\"text\": \"cat\", \"char_spans\": [[4, 6]]}]}, {\"qid\": \"q2\", \"question\": \"what?\","
                + " \"detected_answers\": [{\"text\": \"cat\", \"char_spans\": [[0, 2]]}]}]}\n";
        readTwoKeptOne(new MrqaReader(), "m/dev.jsonl", mrqa,
                Map.of(MrqaReader.MALFORMED_LINE, 1, SquadReader.ANSWER_NOT_AT_OFFSET, 1,
                        SquadReader.NO_VALID_ANSWER, 1),
                "m/dev.jsonl: read 2 questions, kept 1; skipped {malformed JSON line=1, answer not at its offset=1,"
                        + " question without a valid answer=1}");

        // a file whose only data line is damaged holds no question, and says what it skipped before
        Path damaged = TestFiles.write(dir, "m/damaged.jsonl", "{\"header\": {}}\n{not json\n");
        Lenient d = lenient(new MrqaReader(), damaged);
        assertEquals(List.of("m/damaged.jsonl: expected a header line and at least one question, found none;"
                + " read 0 questions, kept 0: skipped the file, after skipping {malformed JSON line=1}"), d.warnings());
    }

    /**
     * QED and SubjQA log their skips in the shared wording of the QA readers: units read and kept,
     * then the skips per reason, with no total set against the units (a QED answer off its offset
     * or a SubjQA question is no skipped line or row). They said "skipped 2 of 2 lines" of a file
     * whose first line was kept, and "skipped 2 of 3 rows or questions".
     */
    @Test
    void qedAndSubjQaSkipLinesSayUnitsReadAndKeptAsTheOtherQaReadersDo() throws IOException {
        // line 1 keeps "Ann" at 0 and loses "Bob" (offsets 4-7 hold "wro"); line 2 has no answer at all
        String qed = "{\"example_id\":1,\"question_text\":\"who?\",\"paragraph_text\":\"Ann wrote it.\","
                + "\"annotation\":{\"answer\":[{\"paragraph_reference\":{\"start\":0,\"end\":3,\"string\":\"Ann\"}},"
                + "{\"paragraph_reference\":{\"start\":4,\"end\":7,\"string\":\"Bob\"}}]},\"original_nq_answers\":[]}\n"
                + "{\"example_id\":2,\"question_text\":\"what?\",\"paragraph_text\":\"Bob ate.\",\"annotation\":{},"
                + "\"original_nq_answers\":[]}\n";
        readTwoKeptOne(new QedReader(), "q/dev.jsonl", qed,
                Map.of(SquadReader.ANSWER_NOT_AT_OFFSET, 1, QedReader.NO_SINGLE_SPAN_ANSWER, 1),
                "q/dev.jsonl: read 2 lines, kept 1; skipped {answer not at its offset=1, no single-span answer=1}");

        // rows 2 and 3 are p1's (an answer, and ANSWERNOTFOUND beside it), row 4 p2's only ANSWERNOTFOUND
        String review = "I loved this book. ANSWERNOTFOUND";
        Path subj = TestFiles.write(dir, "b/test.csv", "q_review_id,question,review,human_ans_spans,human_ans_indices\n"
                + "p1,how?,\"" + review + "\",loved this book,\"(2, 17)\"\n"
                + "p1,how?,\"" + review + "\",ANSWERNOTFOUND,\"(19, 33)\"\n"
                + "p2,why?,\"" + review + "\",ANSWERNOTFOUND,\"(19, 33)\"\n");
        Lenient l = lenient(new SubjQaReader(), subj);
        assertEquals(3, l.report().records());
        assertEquals(1, l.report().examples());
        assertEquals(List.of("b/test.csv: read 3 rows, kept 1 question; skipped {ANSWERNOTFOUND row of an answered"
                + " question=1, unanswerable question=1}"), l.warnings());
        String beside = l.report().samples(SubjQaReader.NOT_FOUND_BESIDE_ANSWERS).get(0);
        assertTrue(beside.endsWith(" beside 1 answer of q_review_id p1"), beside);
    }

    /**
     * SubjQA counts the questions it keeps and the answers a skipped ANSWERNOTFOUND row stood beside:
     * "kept 2 questions", "beside 2 answers", where both said "(s)" (one of each is above).
     */
    @Test
    void subjQaCountsQuestionsKeptAndAnswersBesideInThePlural() throws IOException {
        String review = "I loved this book. ANSWERNOTFOUND";
        // p1: two answers (lines 2, 3) and ANSWERNOTFOUND beside them (line 4); p3 one answer; p2 none
        Path subj = TestFiles.write(dir, "b/two.csv", "q_review_id,question,review,human_ans_spans,human_ans_indices\n"
                + "p1,how?,\"" + review + "\",loved this book,\"(2, 17)\"\n"
                + "p1,how?,\"" + review + "\",loved,\"(2, 7)\"\n"
                + "p1,how?,\"" + review + "\",ANSWERNOTFOUND,\"(19, 33)\"\n"
                + "p3,who?,\"" + review + "\",this book,\"(8, 17)\"\n"
                + "p2,why?,\"" + review + "\",ANSWERNOTFOUND,\"(19, 33)\"\n");
        Lenient l = lenient(new SubjQaReader(), subj);
        assertEquals(2, l.report().examples());
        assertEquals(List.of("b/two.csv: read 5 rows, kept 2 questions; skipped {ANSWERNOTFOUND row of an answered"
                + " question=1, unanswerable question=1}"), l.warnings());
        String sample = l.report().samples(SubjQaReader.NOT_FOUND_BESIDE_ANSWERS).get(0);
        assertTrue(sample.startsWith("b/two.csv:4: ") && sample.endsWith(" beside 2 answers of q_review_id p1"), sample);
    }

    /** A lenient read of two questions keeps one, skips as given and logs {@code line}. */
    private void readTwoKeptOne(DatasetReader<?> reader, String name, String content, Map<String, Integer> skipped,
            String line) throws IOException {
        Lenient l = lenient(reader, TestFiles.write(dir, name, content));
        assertEquals(2, l.report().records());
        assertEquals(1, l.report().examples());
        assertEquals(skipped, l.report().skipped());
        assertEquals(List.of(line), l.warnings());
    }
}
