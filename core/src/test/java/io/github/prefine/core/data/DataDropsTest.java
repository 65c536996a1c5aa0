package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskSource;
import io.github.prefine.core.testing.TestFiles;
import io.github.prefine.eval.metrics.MetricType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every drop of a lenient read is counted with located samples, in the words a strict read
 * throws; SubjQA's unusable rows are counted; labels unseen in training are kept in evaluation
 * splits; an empty validation file is refused (strict) or replaced by an announced hold-out.
 */
class DataDropsTest {
    @TempDir
    Path dir;

    private static final ConllReader TAB = ConllReader.builder().optSeparator(ConllReader.Separator.TAB).build();
    private static final TsvClassificationReader TSV =
            TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build();

    @Test
    void lenientSamplesAreTheStrictMessagesCappedPerReason() throws IOException {
        // five sentences with a third column (lines 3, 5, 7, 9, 11), one with an invalid tag (line 13)
        StringBuilder text = new StringBuilder("a\tO\n\n");
        for (int i = 0; i < 5; i++) {
            text.append("b\tO\tx\n\n");
        }
        text.append("c\tQ-X\n");
        Path f = TestFiles.write(dir, "wnut17/train.conll", text.toString());
        MalformedDatasetException strict = assertThrows(MalformedDatasetException.class, () -> TAB.read(f));
        assertEquals("wnut17/train.conll:3: expected 2 tab-separated fields (token, tag), found 3", strict.getMessage());
        ReadReport r = TAB.read(f, Leniency.LENIENT).report();
        assertEquals(5, r.skipped(ConllReader.WRONG_FIELD_COUNT));
        assertEquals(1, r.skipped(ConllReader.INVALID_TAG));
        assertEquals(List.of(strict.getMessage(),
                "wnut17/train.conll:5: expected 2 tab-separated fields (token, tag), found 3",
                "wnut17/train.conll:7: expected 2 tab-separated fields (token, tag), found 3"),
                r.samples(ConllReader.WRONG_FIELD_COUNT));
        assertEquals(1, r.samples(ConllReader.INVALID_TAG).size());
        assertTrue(r.samples(ConllReader.INVALID_TAG).get(0).startsWith("wnut17/train.conll:13: expected a tag"),
                r.samples().toString());
    }

    @Test
    void invalidUtf8AndWrongFieldCountRowsOfTsvAndJsonLinesAreLocated() throws IOException {
        byte[] tsv = "sentence\tlabel\ngood\t1\n\u00e9t\u00e9\t0\nbad\n".getBytes(StandardCharsets.ISO_8859_1);
        Path t = TestFiles.write(dir, "sst2/dev.tsv", tsv);
        ReadReport r = TSV.read(t, Leniency.LENIENT).report();
        assertEquals(List.of("sst2/dev.tsv:3: expected valid UTF-8, found byte 0xE9 at column 1"),
                r.samples(TsvClassificationReader.INVALID_UTF8));
        assertEquals(List.of("sst2/dev.tsv:4: expected 2 tab-separated fields [sentence, label], found 1"),
                r.samples(TsvClassificationReader.WRONG_FIELD_COUNT));
        Path j = TestFiles.write(dir, "cb/val.jsonl", "{\"premise\":\"p\",\"hypothesis\":\"h\",\"label\":\"neutral\"}\n"
                + "{\"premise\":[\"p\"],\"hypothesis\":\"h\",\"label\":\"neutral\"}\n");
        ReadReport jr = JsonlClassificationReader.premiseHypothesis().read(j, Leniency.LENIENT).report();
        assertEquals(List.of("cb/val.jsonl:2: expected $.premise to be a string, number or boolean, found an array"),
                jr.samples(JsonlClassificationReader.MALFORMED_LINE));
        Path empty = TestFiles.write(dir, "cb/empty.jsonl", "\n");
        assertEquals(List.of("cb/empty.jsonl: expected at least one JSON line, found an empty file"),
                JsonlClassificationReader.premiseHypothesis().read(empty, Leniency.LENIENT).report()
                        .samples(ConllReader.EMPTY_FILE));
    }

    /**
     * An empty label field became the label "" (as Python's csv reads it): a class of its own
     * where the task learns its labels from training, or an "unknown label ''" far from the row.
     * It is a broken row: refused strictly at its line and column, skipped and counted leniently,
     * in TSV, CSV and JSON lines alike; the other rows are kept.
     */
    @Test
    void anEmptyLabelIsADefectOfItsRowInTsvCsvAndJsonLines() throws IOException {
        Path t = TestFiles.write(dir, "sst2/train.tsv", "sentence\tlabel\ngood\t1\nno label\t\nspaces\t \nbad\t0\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> TSV.read(t));
        assertEquals("sst2/train.tsv:3: expected a label in column 'label' (a file without labels is read with no"
                + " label configured), found an empty field", e.getMessage());
        ReadResult<TextExample> r = TSV.read(t, Leniency.LENIENT);
        assertEquals(List.of("1", "0"), r.examples().stream().map(TextExample::label).toList());
        assertEquals(2, r.report().skipped(TsvClassificationReader.EMPTY_LABEL));
        assertEquals(List.of(e.getMessage(), "sst2/train.tsv:4: expected a label in column 'label' (a file without"
                + " labels is read with no label configured), found only whitespace \" \""),
                r.report().samples(TsvClassificationReader.EMPTY_LABEL));
        assertEquals(4, r.report().records());

        Path c = TestFiles.write(dir, "d/train.csv", "text,label\n\"a, b\",pos\n\"c\",\"\"\n");
        CsvClassificationReader csv = CsvClassificationReader.builder().setTextA("{text}").optLabel("label").build();
        e = assertThrows(MalformedDatasetException.class, () -> csv.read(c));
        assertEquals("d/train.csv:3: expected a label in column 'label' (a file without labels is read with no"
                + " label configured), found an empty field", e.getMessage());
        ReadResult<TextExample> cr = csv.read(c, Leniency.LENIENT);
        assertEquals(List.of("pos"), cr.examples().stream().map(TextExample::label).toList());
        assertEquals(1, cr.report().skipped(CsvClassificationReader.EMPTY_LABEL));

        Path j = TestFiles.write(dir, "cb/train.jsonl", "{\"premise\":\"p\",\"hypothesis\":\"h\",\"label\":\"neutral\"}\n"
                + "{\"premise\":\"p\",\"hypothesis\":\"h\",\"label\":\"\"}\n");
        JsonlClassificationReader jsonl = JsonlClassificationReader.premiseHypothesis();
        e = assertThrows(MalformedDatasetException.class, () -> jsonl.read(j));
        assertEquals("cb/train.jsonl:2: expected $.label to be a label (a file without labels is read with no label"
                + " configured), found an empty string", e.getMessage());
        ReadResult<TextExample> jr = jsonl.read(j, Leniency.LENIENT);
        assertEquals(List.of("neutral"), jr.examples().stream().map(TextExample::label).toList());
        assertEquals(1, jr.report().skipped(JsonlClassificationReader.EMPTY_LABEL));
        assertEquals(List.of(e.getMessage()), jr.report().samples(JsonlClassificationReader.EMPTY_LABEL));
    }

    @Test
    void squadQuestionWithoutAValidAnswerIsLocatedByJsonPath() throws IOException {
        Path f = TestFiles.write(dir, "squad/dev.json", "{\"data\":[{\"title\":\"t\",\"paragraphs\":[{\"context\":\"Paris is in France.\","
                + "\"qas\":[{\"id\":\"q1\",\"question\":\"who?\",\"answers\":[{\"text\":\"Berlin\",\"answer_start\":3}]}]}]}]}");
        ReadReport r = new SquadReader().read(f, Leniency.LENIENT).report();
        assertEquals(1, r.skipped(SquadReader.ANSWER_NOT_AT_OFFSET));
        assertEquals(1, r.skipped(SquadReader.NO_VALID_ANSWER));
        assertEquals(List.of("squad/dev.json $.data[0].paragraphs[0].qas[0]: expected a question with an answer at its"
                + " offset, found none of its 1 answers"), r.samples(SquadReader.NO_VALID_ANSWER));
        assertTrue(r.samples(SquadReader.ANSWER_NOT_AT_OFFSET).get(0)
                .startsWith("squad/dev.json $.data[0].paragraphs[0].qas[0].answers[0]: expected answer 'Berlin'"),
                r.samples().toString());
    }

    @Test
    void mrqaKeepsTheQuestionsBesideAMalformedOneOnItsLine() throws IOException {
        String answer = "\"detected_answers\":[{\"text\":\"Paris\",\"char_spans\":[[0,4]]}]";
        Path f = TestFiles.write(dir, "mrqa/dev.jsonl", "{\"header\":{}}\n{\"context\":\"Paris is in France.\",\"qas\":["
                + "{\"qid\":\"q1\",\"question\":\"which?\"," + answer + "},"
                + "{\"question\":\"what?\"," + answer + "},"                        // no qid
                + "{\"qid\":\"q3\",\"question\":\"which one?\"," + answer + "}]}\n");
        ReadResult<QaExample> r = new MrqaReader().read(f, Leniency.LENIENT);
        assertEquals(List.of("q1", "q3"), r.examples().stream().map(QaExample::id).toList());
        assertEquals(3, r.report().records());
        assertEquals(Map.of(SquadReader.MALFORMED_QUESTION, 1), r.report().skipped());
        assertTrue(r.report().samples(SquadReader.MALFORMED_QUESTION).get(0).startsWith("mrqa/dev.jsonl:2: "),
                r.report().samples().toString());
        assertThrows(MalformedDatasetException.class, () -> new MrqaReader().read(f, Leniency.STRICT));
    }

    @Test
    void subjQaCountsEveryUnusableRowWithItsLine() throws IOException {
        String header = "q_review_id,question,review,human_ans_spans,human_ans_indices\n";
        String review = "I loved this book. ANSWERNOTFOUND";
        Path f = TestFiles.write(dir, "books/test.csv", header
                + "p1,how?,\"" + review + "\",loved this book,\"(2, 17)\"\n"          // line 2: answer
                + "p1,how?,\"" + review + "\",ANSWERNOTFOUND,\"(19, 33)\"\n"          // line 3: beside an answer
                + "p2,why?,\"" + review + "\",ANSWERNOTFOUND,\"(19, 33)\"\n"          // line 4: unanswerable pair
                + "p2,why?,\"" + review + "\",ANSWERNOTFOUND,\"(19, 33)\"\n"          // line 5
                + "p3,what?,\"" + review + "\",hated it,\"(2, 10)\"\n");               // line 6: not at its offset
        ReadResult<QaExample> r = new SubjQaReader().read(f, Leniency.LENIENT);
        assertEquals(List.of("p1"), r.examples().stream().map(QaExample::id).toList());
        ReadReport rep = r.report();
        assertEquals(5, rep.records());
        assertEquals(Map.of(SubjQaReader.NOT_FOUND_BESIDE_ANSWERS, 1, SubjQaReader.UNANSWERABLE, 1,
                SquadReader.ANSWER_NOT_AT_OFFSET, 1, SquadReader.NO_VALID_ANSWER, 1), rep.skipped());
        assertTrue(rep.samples(SubjQaReader.NOT_FOUND_BESIDE_ANSWERS).get(0).startsWith("books/test.csv:3: "),
                rep.samples().toString());
        assertTrue(rep.samples(SubjQaReader.UNANSWERABLE).get(0).startsWith("books/test.csv:4: expected an answer for"
                + " q_review_id p2"), rep.samples().toString());
        assertTrue(rep.samples(SquadReader.ANSWER_NOT_AT_OFFSET).get(0).startsWith("books/test.csv:6: expected answer"
                + " 'hated it'"), rep.samples().toString());
        assertTrue(rep.samples(SquadReader.NO_VALID_ANSWER).get(0).startsWith("books/test.csv:6: "),
                rep.samples().toString());
        // the same counts in strict mode: none of these rows is malformed
        assertEquals(rep.skipped(), new SubjQaReader().read(f, Leniency.STRICT).report().skipped());
    }

    private Task task(List<String> declared, boolean dev) {
        TaskSource.Builder s = TaskSource.builder().add(Split.TRAIN, "t/train.tsv", TSV);
        if (dev) {
            s.add(Split.VALIDATION, "t/dev.tsv", TSV);
        }
        s.add(Split.TEST, "t/test.tsv", TSV);
        return Task.builder().setName("toy").setGroup(TaskGroup.C).setFormat(TaskFormat.SINGLE_TEXT)
                .setMetric(MetricType.ACCURACY).optLabels(declared).setSource(s.build()).build();
    }

    @Test
    void unseenLabelsInEvaluationSplitsAreKeptAndFlaggedInBothModes() throws IOException {
        TestFiles.write(dir, "t/train.tsv", "sentence\tlabel\ngood\tpos\nbad\tneg\nfine\tpos\n");
        TestFiles.write(dir, "t/dev.tsv", "sentence\tlabel\nok\tpos\n");
        TestFiles.write(dir, "t/test.tsv", "sentence\tlabel\nnice\tpos\nodd\tmaybe\nworse\tneg\nweird\tmaybe\n");
        for (Leniency l : Leniency.values()) {
            TaskData d = task(List.of(), true).load(dir, l);
            assertEquals(List.of("neg", "pos"), d.labels());
            assertEquals(4, d.split(Split.TEST).size(), l.name());
            ReadReport labels = d.reports().get("labels");
            assertEquals(2, labels.flagged(Task.UNSEEN_LABEL));
            assertEquals(0, labels.totalSkipped());
            assertEquals(List.of("t/test.tsv:3: expected a label of task toy [neg, pos], found 'maybe'",
                    "t/test.tsv:5: expected a label of task toy [neg, pos], found 'maybe'"), labels.samples(Task.UNSEEN_LABEL));
            assertEquals("t/dev.tsv", d.validation());
        }
    }

    /** Loads the task leniently with the WARN lines it logs captured, and returns the data and the lines. */
    private static Map.Entry<TaskData, String> loadLogged(Task t, Path root) throws IOException {
        java.io.PrintStream realErr = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        TaskData d;
        try {
            System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
            d = t.load(root, Leniency.LENIENT);
        } finally {
            System.setErr(realErr);
        }
        return Map.entry(d, captured.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTypoedTagInTrainingIsKeptAsItsOwnTypeButFlaggedAndWarned() throws IOException {
        // 25 person mentions (a sentence every 3 lines), then 'B-persn' on line 76: one mention
        StringBuilder train = new StringBuilder();
        for (int i = 0; i < 25; i++) {
            train.append("Ann\tB-person\nSmith\tI-person\n\n");
        }
        train.append("Bob\tB-persn\n");
        TestFiles.write(dir, "t/train.conll", train.toString());
        TestFiles.write(dir, "t/dev.conll", "Ann\tB-person\n\nBob\tB-person\n");
        Task t = Task.builder().setName("toy").setGroup(TaskGroup.SL).setFormat(TaskFormat.TOKEN)
                .setMetric(MetricType.SPAN_F1).setSource(TaskSource.builder().add(Split.TRAIN, "t/train.conll", TAB)
                        .add(Split.VALIDATION, "t/dev.conll", TAB).build()).build();
        Map.Entry<TaskData, String> loaded = loadLogged(t, dir);
        TaskData d = loaded.getKey();
        // legitimate data is not refused: the typo stays a type of its own, in both modes
        assertEquals(List.of("O", "B-persn", "B-person", "I-persn", "I-person"), d.labels());
        assertEquals(d.labels(), t.load(dir, Leniency.STRICT).labels());
        assertEquals(Map.of("person", 25, "persn", 1), d.labelCounts(Split.TRAIN));
        assertEquals(Map.of("person", 2), d.labelCounts(Split.VALIDATION));
        ReadReport labels = d.reports().get("labels");
        assertEquals(1, labels.flagged(Task.RARE_LABEL));
        String sample = "t/train.conll:76: expected a label of task toy that training shows more than 2 times, as"
                + " 'person' (25), found 'persn' (1 in training, 0 in validation)";
        assertEquals(List.of(sample), labels.samples(Task.RARE_LABEL));
        String warn = loaded.getValue().lines().filter(l -> l.contains("WARN")).findFirst().orElse("");
        assertTrue(warn.endsWith("task toy: 1 label rare in training, perhaps typos (a typo makes a label of its"
                + " own): 'persn' (1 in training, 0 in validation), while 'person' has 25; kept and flagged, e.g. "
                + sample), loaded.getValue());
    }

    @Test
    void aTypoedClassInTrainingIsFlaggedInTsvAndJsonl() throws IOException {
        // 20 'pos' and 20 'neg' rows (lines 2-41), the typo 'postive' on line 42
        StringBuilder tsv = new StringBuilder("sentence\tlabel\n");
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            String label = i % 2 == 0 ? "pos" : "neg";
            tsv.append("s").append(i).append('\t').append(label).append('\n');
            jsonl.append("{\"premise\": \"p\", \"hypothesis\": \"h\", \"label\": \"").append(label).append("\"}\n");
        }
        tsv.append("odd\tpostive\n");
        jsonl.append("{\"premise\": \"p\", \"hypothesis\": \"h\", \"label\": \"postive\"}\n");
        TestFiles.write(dir, "t/train.tsv", tsv.toString());
        TestFiles.write(dir, "t/dev.tsv", "sentence\tlabel\nok\tpos\n");
        TestFiles.write(dir, "t/test.tsv", "sentence\tlabel\nnice\tpos\n");
        TaskData d = loadLogged(task(List.of(), true), dir).getKey();
        assertEquals(List.of("neg", "pos", "postive"), d.labels());
        assertEquals(Map.of("neg", 20, "pos", 20, "postive", 1), d.labelCounts(Split.TRAIN));
        assertEquals(List.of("t/train.tsv:42: expected a label of task toy that training shows more than 2 times, as"
                + " 'neg' (20), found 'postive' (1 in training, 0 in validation)"),
                d.reports().get("labels").samples(Task.RARE_LABEL));

        TestFiles.write(dir, "j/train.jsonl", jsonl.toString());
        JsonlClassificationReader j = JsonlClassificationReader.premiseHypothesis();
        Task pairs = Task.builder().setName("pairs").setGroup(TaskGroup.C).setFormat(TaskFormat.TEXT_PAIR)
                .setMetric(MetricType.ACCURACY).setSource(TaskSource.builder().add(Split.TRAIN, "j/train.jsonl", j)
                        .build()).build();
        Map.Entry<TaskData, String> loaded = loadLogged(pairs, dir);
        ReadReport labels = loaded.getKey().reports().get("labels");
        // no validation file: the hold-out of train is made later, so no validation count is given
        assertEquals(List.of("j/train.jsonl:41: expected a label of task pairs that training shows more than 2 times,"
                + " as 'neg' (20), found 'postive' (1 in training)"), labels.samples(Task.RARE_LABEL));
        assertTrue(loaded.getValue().contains("task pairs: 1 label rare in training"), loaded.getValue());
    }

    /**
     * Loads the toy task from a train.tsv of {@code rows} rows labelled pos, neg, pos, ... (from
     * line 2) followed by {@code tail}, and one-row dev and test files; with what the load logged.
     */
    private Map.Entry<TaskData, String> loadAlternating(int rows, String tail) throws IOException {
        StringBuilder tsv = new StringBuilder("sentence\tlabel\n");
        for (int i = 0; i < rows; i++) {
            tsv.append("s").append(i).append('\t').append(i % 2 == 0 ? "pos" : "neg").append('\n');
        }
        TestFiles.write(dir, "t/train.tsv", tsv.append(tail).toString());
        TestFiles.write(dir, "t/dev.tsv", "sentence\tlabel\nok\tpos\n");
        TestFiles.write(dir, "t/test.tsv", "sentence\tlabel\nnice\tpos\n");
        return loadLogged(task(List.of(), true), dir);
    }

    /** Two typoed classes are "2 labels" in the warning, one "1 label" (above), where both said "label(s)". */
    @Test
    void twoTypoedClassesAreCountedInThePlural() throws IOException {
        // 20 'pos' and 20 'neg' rows (lines 2-41), the typos 'postive' and 'negtive' on lines 42 and 43
        Map.Entry<TaskData, String> loaded = loadAlternating(40, "odd\tpostive\nodder\tnegtive\n");
        assertEquals(2, loaded.getKey().reports().get("labels").flagged(Task.RARE_LABEL));
        assertTrue(loaded.getValue().contains("task toy: 2 labels rare in training, perhaps typos"), loaded.getValue());
    }

    @Test
    void labelsRareInTrainingAreNotFlaggedWhereNoLabelIsFrequent() throws IOException {
        // one 'maybe' among 19 rows: too little data to tell a typo from a rare class
        Map.Entry<TaskData, String> loaded = loadAlternating(19, "odd\tmaybe\n");
        assertEquals(Map.of("neg", 9, "pos", 10, "maybe", 1), loaded.getKey().labelCounts(Split.TRAIN));
        assertFalse(loaded.getKey().reports().containsKey("labels"), loaded.getKey().reports().toString());
        assertFalse(loaded.getValue().contains("WARN"), loaded.getValue());
    }

    @Test
    void labelsOutsideADeclaredSetAreDefects() throws IOException {
        TestFiles.write(dir, "t/train.tsv", "sentence\tlabel\ngood\tpos\nbad\tneg\n");
        TestFiles.write(dir, "t/dev.tsv", "sentence\tlabel\nok\tpos\n");
        TestFiles.write(dir, "t/test.tsv", "sentence\tlabel\nnice\tpos\nodd\tmaybe\n");
        Task t = task(List.of("neg", "pos"), true);
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> t.load(dir, Leniency.STRICT));
        assertEquals("t/test.tsv:3: expected a label of task toy [neg, pos], found 'maybe'", e.getMessage());
        TaskData d = t.load(dir, Leniency.LENIENT);
        assertEquals(1, d.split(Split.TEST).size());
        assertEquals(1, d.reports().get("labels").skipped(Task.UNKNOWN_LABEL));
        assertEquals(List.of(e.getMessage()), d.reports().get("labels").samples(Task.UNKNOWN_LABEL));
    }

    @Test
    void emptyValidationFileIsRefusedWhenStrictAndAnnouncedWhenLenient() throws IOException {
        TestFiles.write(dir, "t/train.tsv", "sentence\tlabel\ngood\tpos\nbad\tneg\nfine\tpos\nawful\tneg\nnice\tpos\n");
        TestFiles.write(dir, "t/dev.tsv", "sentence\tlabel\n");
        TestFiles.write(dir, "t/test.tsv", "sentence\tlabel\nnice\tpos\n");
        Task t = task(List.of("neg", "pos"), true);
        // the reader refuses the empty file first, naming it
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> t.load(dir, Leniency.STRICT));
        assertEquals("t/dev.tsv:1: expected at least one row, found only the header row", e.getMessage());
        TaskData d = t.load(dir, Leniency.LENIENT);
        assertTrue(d.isValidationFallback());
        assertEquals(TaskData.FALLBACK + "4:1 hold-out of train (seed " + SeededSplit.DEFAULT_SEED + "), because"
                + " t/dev.tsv gave none (the file held no records: t/dev.tsv:1: expected at least one row, found only the"
                + " header row)", d.validation());
        // a file whose every row is dropped: the task itself refuses it when strict
        TestFiles.write(dir, "t/dev.tsv", "sentence\tlabel\nodd\tmaybe\n");
        Task learned = task(List.of(), true);
        TestFiles.write(dir, "t/train.tsv", "sentence\tlabel\ngood\tpos\n");
        Task declared = task(List.of("neg", "pos"), true);
        assertFalse(learned.load(dir, Leniency.STRICT).isValidationFallback(), "an unseen label is kept, not dropped");
        assertThrows(MalformedDatasetException.class, () -> declared.load(dir, Leniency.STRICT));
        assertTrue(declared.load(dir, Leniency.LENIENT).validation().endsWith("t/dev.tsv gave none (the file gave no"
                + " examples: 1 records, 0 skipped, 1 with labels outside the set)"));
    }

    /**
     * A reader of the user's own ({@code docs/data-layout.md}) may count an empty validation file
     * under the readers' reason without a located sample, as {@link ReadReport.Builder#skip(String)}
     * allows: the task still says why it has no validation, where reading the absent sample threw
     * IndexOutOfBoundsException in both modes.
     */
    @Test
    void emptyValidationFileCountedWithoutASampleIsStillExplained() throws IOException {
        DatasetReader<TextExample> own = new DatasetReader<>() {
            @Override
            public ReadResult<TextExample> read(Path file, Leniency leniency, java.util.function.LongConsumer bytesRead)
                    throws IOException {
                if (java.nio.file.Files.size(file) > 0) {
                    return TSV.read(file, leniency, bytesRead);
                }
                return new ReadResult<>(List.of(),
                        new ReadReport.Builder("t/dev.tsv").skip(TsvClassificationReader.EMPTY_FILE).build());
            }

            @Override
            public Class<TextExample> exampleType() {
                return TextExample.class;
            }
        };
        TestFiles.write(dir, "t/train.tsv", "sentence\tlabel\ngood\tpos\nbad\tneg\nfine\tpos\nawful\tneg\nnice\tpos\n");
        TestFiles.write(dir, "t/dev.tsv", "");
        Task t = Task.builder().setName("toy").setGroup(TaskGroup.C).setFormat(TaskFormat.SINGLE_TEXT)
                .setMetric(MetricType.ACCURACY).optLabels(List.of("neg", "pos")).setSource(TaskSource.builder()
                        .add(Split.TRAIN, "t/train.tsv", own).add(Split.VALIDATION, "t/dev.tsv", own).build()).build();
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> t.load(dir, Leniency.STRICT));
        assertEquals("t/dev.tsv: expected validation examples of task toy, found none (the file held no records);"
                + " fix the file, or read leniently to fall back to a 4:1 hold-out of train (seed "
                + SeededSplit.DEFAULT_SEED + ")", e.getMessage());
        assertEquals(TaskData.FALLBACK + "4:1 hold-out of train (seed " + SeededSplit.DEFAULT_SEED + "), because"
                + " t/dev.tsv gave none (the file held no records)", t.load(dir, Leniency.LENIENT).validation());
    }

    @Test
    void unanswerableOnlyValidationIsRefusedByTheTaskWhenStrict() throws IOException {
        String header = "q_review_id,question,review,human_ans_spans,human_ans_indices\n";
        String review = "I loved this book. ANSWERNOTFOUND";
        TestFiles.write(dir, "books/train.csv", header + "p1,how?,\"" + review + "\",loved this book,\"(2, 17)\"\n");
        TestFiles.write(dir, "books/dev.csv", header + "p2,why?,\"" + review + "\",ANSWERNOTFOUND,\"(19, 33)\"\n");
        Task t = Task.builder().setName("subjqa").setGroup(TaskGroup.QA).setFormat(TaskFormat.QA)
                .setMetric(MetricType.SQUAD_F1).setSource(TaskSource.builder()
                        .add(Split.TRAIN, "books/train.csv", new SubjQaReader())
                        .add(Split.VALIDATION, "books/dev.csv", new SubjQaReader()).build()).build();
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> t.load(dir, Leniency.STRICT));
        assertEquals("books/dev.csv: expected validation examples of task subjqa, found none (the file gave no examples:"
                + " 1 records, 1 skipped); fix the file, or read leniently to fall back to a 4:1 hold-out of train (seed "
                + SeededSplit.DEFAULT_SEED + ")", e.getMessage());
        assertTrue(t.load(dir, Leniency.LENIENT).isValidationFallback());
    }

    @Test
    void aTaskWithoutAValidationFileSaysItsHoldOut() throws IOException {
        TestFiles.write(dir, "t/train.tsv", "sentence\tlabel\ngood\tpos\nbad\tneg\n");
        TestFiles.write(dir, "t/test.tsv", "sentence\tlabel\nnice\tpos\n");
        TaskData d = task(List.of("neg", "pos"), false).load(dir, Leniency.STRICT);
        assertFalse(d.isValidationFallback());
        assertEquals("4:1 hold-out of train (seed " + SeededSplit.DEFAULT_SEED + "): the task has no validation file",
                d.validation());
    }
}
