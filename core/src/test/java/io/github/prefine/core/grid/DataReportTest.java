package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.SeededSplit;
import io.github.prefine.core.data.TsvClassificationReader;
import io.github.prefine.core.pipeline.TaskDataSource;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskSource;
import io.github.prefine.eval.metrics.MetricType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A grid writes what reading dropped and flagged, with file:line samples, to data-report.json and run.json. */
class DataReportTest {
    private static JsonObject json(Path file) throws IOException {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    /** Files of the target under a data root, the pre-finetuning tasks in memory. */
    private static TaskDataSource mixed(Path root, Task fileTask, TaskDataSource memory) {
        TaskDataSource files = TaskDataSource.dataRoot(root, Leniency.LENIENT);
        return new TaskDataSource() {
            @Override
            public List<String> missing(Task task) {
                return (task.equals(fileTask) ? files : memory).missing(task);
            }

            @Override
            public TaskData load(Task task) throws IOException {
                return (task.equals(fileTask) ? files : memory).load(task);
            }

            @Override
            public List<Path> files(Task task) {
                return (task.equals(fileTask) ? files : memory).files(task);
            }
        };
    }

    @Test
    void everyDropAndFlagIsWrittenWithItsSamplesAndTheValidationRule(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path root = dir.resolve("data");
        Files.createDirectories(root.resolve("t"));
        Files.writeString(root.resolve("t/train.tsv"), "sentence\tlabel\na x\tyes\nb c\tno\nx d\tyes\nd e\tno\n"
                + "x\tyes\tstray\ne f\tno\nx y\tyes\n");
        Files.writeString(root.resolve("t/dev.tsv"), "sentence\tlabel\n");
        Files.writeString(root.resolve("t/test.tsv"), "sentence\tlabel\na x\tyes\nb\tmaybe\n");
        TsvClassificationReader tsv = TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build();
        Task target = Task.builder().setName("c-file").setGroup(TaskGroup.C).setFormat(TaskFormat.SINGLE_TEXT)
                .setMetric(MetricType.ACCURACY).setSource(TaskSource.builder().add(Split.TRAIN, "t/train.tsv", tsv)
                        .add(Split.VALIDATION, "t/dev.tsv", tsv).add(Split.TEST, "t/test.tsv", tsv).build()).build();
        Path out = dir.resolve("out");
        Grid grid = f.tiny(List.of(target), out).setGroups(List.of(TaskGroup.C)).setData(mixed(root, target, f.data))
                .build();
        DataReport written;
        try (GridSession s = grid.open()) {
            s.plan();
            written = s.writeDataReport();
        }
        JsonObject file = json(out.resolve(DataReport.FILE));
        assertEquals(1, file.get("format").getAsInt());
        // one stray field in train (line 6), the empty dev file; 'maybe' in test is kept and flagged
        assertEquals(2, file.get("dropped").getAsInt());
        assertEquals(1, file.get("flagged").getAsInt());
        JsonObject t = file.getAsJsonObject("tasks").getAsJsonObject("c-file");
        assertEquals(TaskData.FALLBACK + "4:1 hold-out of train (seed " + SeededSplit.DEFAULT_SEED + "), because t/dev.tsv"
                + " gave none (the file held no records: t/dev.tsv:1: expected at least one row, found only the header"
                + " row)", t.get("validation").getAsString());
        JsonObject train = t.getAsJsonObject("files").getAsJsonObject("t/train.tsv");
        assertEquals(7, train.get("records").getAsInt());
        assertEquals(6, train.get("examples").getAsInt());
        assertEquals(1, train.getAsJsonObject("skipped").get(TsvClassificationReader.WRONG_FIELD_COUNT).getAsInt());
        assertEquals("t/train.tsv:6: expected 2 tab-separated fields [sentence, label], found 3", train
                .getAsJsonObject("samples").getAsJsonArray(TsvClassificationReader.WRONG_FIELD_COUNT).get(0).getAsString());
        JsonObject dev = t.getAsJsonObject("files").getAsJsonObject("t/dev.tsv");
        assertEquals("t/dev.tsv:1: expected at least one row, found only the header row",
                dev.getAsJsonObject("samples").getAsJsonArray("empty file").get(0).getAsString());
        JsonObject labels = t.getAsJsonObject("files").getAsJsonObject("labels");
        assertEquals(1, labels.getAsJsonObject("flagged").get(Task.UNSEEN_LABEL).getAsInt());
        assertEquals("t/test.tsv:3: expected a label of task c-file [no, yes], found 'maybe'",
                labels.getAsJsonObject("samples").getAsJsonArray(Task.UNSEEN_LABEL).get(0).getAsString());
        // the labels of the six training rows kept, as counted by hand
        JsonObject counts = new JsonObject();
        counts.addProperty("no", 3);
        counts.addProperty("yes", 3);
        assertEquals(counts, t.getAsJsonObject("trainingCounts"));
        // run.json records the same, and the report reads back equal
        assertEquals(file.getAsJsonObject("tasks"), json(out.resolve("run.json")).getAsJsonObject("reads"));
        assertEquals(written, DataReport.fromJson(file.getAsJsonObject("tasks")));
        assertEquals(List.of("Data: 2 dropped, 1 kept but flagged, in 1 task read; 1 validation fallback; samples with"
                + " file and line in out/data-report.json",
                "  c-file: 2 dropped (wrong field count 1, empty file 1); 1 flagged (" + Task.UNSEEN_LABEL + " 1);"
                        + " validation: " + t.get("validation").getAsString()), written.summary("out/data-report.json"));
    }

    @Test
    void featurizationSkipsJoinTheTaskWithExampleIds(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("data");
        Files.createDirectories(root.resolve("sl"));
        // a TAB-separated token holding a space cannot be one word of the encoder's input
        Files.writeString(root.resolve("sl/train.conll"), "x\tB-X\ny\tI-X\n\na b\tO\nx\tB-X\n\nx\tB-X\n\nx\tB-X\n\n"
                + "y\tO\n\nx\tB-X\n");
        io.github.prefine.core.data.ConllReader conll = io.github.prefine.core.data.ConllReader.builder()
                .optSeparator(io.github.prefine.core.data.ConllReader.Separator.TAB).build();
        Task t = Task.builder().setName("tags").setGroup(TaskGroup.SL).setFormat(TaskFormat.TOKEN)
                .setMetric(MetricType.SPAN_F1).setSource(TaskSource.builder().add(Split.TRAIN, "sl/train.conll", conll)
                        .build()).build();
        TaskData d = t.load(root, Leniency.LENIENT);
        io.github.prefine.core.task.FeaturizedTask f;
        try (io.github.prefine.core.tokenize.SubwordTokenizer tok = io.github.prefine.core.tokenize.SubwordTokenizer
                .builder().setTokenizerPath(io.github.prefine.core.pipeline.WordTokenizer.write(dir.resolve("t.json"),
                        List.of("a", "b", "x", "y"))).build()) {
            f = io.github.prefine.core.task.FeaturizedTask.featurize(d, tok,
                    new io.github.prefine.core.features.FeatureSettings(16, 16, 4, 0, 0, 1L));
        }
        DataReport.TaskReads r = GridTasks.withFeatureSkips(DataReport.TaskReads.of(d), f);
        // the sentence of line 4 lands in train or in the held-out validation; either way it is counted
        String key = r.files().containsKey("features/train") ? "features/train" : "features/validation";
        io.github.prefine.core.data.ReadReport fr = r.files().get(key);
        assertEquals(Map.of("empty word or word holding whitespace", 1), fr.skipped());
        assertEquals(List.of("sl/train.conll:4: empty word or word holding whitespace"),
                fr.samples("empty word or word holding whitespace"));
        assertEquals(1, r.dropped());
    }

    /**
     * The task's reads after featurizing it as a grid does, with a word-level tokenizer over the
     * letters a to h and x ([CLS] A [SEP], [CLS] A [SEP] B [SEP]).
     */
    private static DataReport.TaskReads featurizedReads(Task t, Path root,
            io.github.prefine.core.features.FeatureSettings settings) throws IOException {
        TaskData d = t.load(root, Leniency.LENIENT);
        try (io.github.prefine.core.tokenize.SubwordTokenizer tok = io.github.prefine.core.tokenize.SubwordTokenizer
                .builder().setTokenizerPath(io.github.prefine.core.pipeline.WordTokenizer.write(root.resolve("t.json"),
                        List.of("a", "b", "c", "d", "e", "f", "g", "h", "x"))).build()) {
            return GridTasks.withFeatureSkips(DataReport.TaskReads.of(d),
                    io.github.prefine.core.task.FeaturizedTask.featurize(d, tok, settings));
        }
    }

    @Test
    void wordsCutByTheMaximumLengthArePartsDropped(@TempDir Path dir) throws Exception {
        // sec-filings' 49 training sentences past 128 BERT tokens lost 3,181 words to training (scored O),
        // and the data report said "nothing dropped or flagged"
        Path root = dir.resolve("data");
        Files.createDirectories(root.resolve("sl"));
        // max length 6: [CLS], 4 words, [SEP]; train: 6 words (2 cut) and 1; validation: 7 words (3 cut)
        Files.writeString(root.resolve("sl/train.conll"), "a\tB-X\nb\tI-X\nc\tO\nd\tO\ne\tB-X\nf\tO\n\nx\tO\n");
        Files.writeString(root.resolve("sl/dev.conll"), "a\tO\nb\tO\nc\tO\nd\tB-X\ne\tO\nf\tO\ng\tB-X\n");
        io.github.prefine.core.data.ConllReader conll = io.github.prefine.core.data.ConllReader.builder()
                .optSeparator(io.github.prefine.core.data.ConllReader.Separator.TAB).build();
        Task t = Task.builder().setName("tags").setGroup(TaskGroup.SL).setFormat(TaskFormat.TOKEN)
                .setMetric(MetricType.SPAN_F1).setSource(TaskSource.builder().add(Split.TRAIN, "sl/train.conll", conll)
                        .add(Split.VALIDATION, "sl/dev.conll", conll).build()).build();
        DataReport.TaskReads r = featurizedReads(t, root, new io.github.prefine.core.features.FeatureSettings(6, 16, 4, 0, 0, 1L));
        String cut = io.github.prefine.core.features.TokenClassificationFeaturizer.WORDS_CUT;
        assertEquals(Map.of(cut, 2), r.files().get("features/train").skipped());
        assertEquals(Map.of(cut, 3), r.files().get("features/validation").skipped());
        assertEquals(Map.of(cut, 5), r.partsDroppedByReason());
        assertEquals(0, r.dropped(), "every sentence is kept");
        assertEquals(List.of("Data: 0 dropped, 0 kept but flagged, in 1 task read; samples with file and line in r.json",
                "  tags: parts of examples dropped: " + cut + " 5"), new DataReport(Map.of("tags", r)).summary("r.json"));
    }

    @Test
    void answersInNoSingleWindowArePartsDropped(@TempDir Path dir) throws Exception {
        // QA windows of 8 tokens: [CLS] x [SEP], 4 context tokens, [SEP]; stride 1, so windows a-d, d-g, g-h:
        // "c d e f" lies in none and trains as no answer; "a b" lies in the first
        Path root = dir.resolve("data");
        Files.createDirectories(root.resolve("qa"));
        String squad = "{\"data\":[{\"title\":\"t\",\"paragraphs\":[{\"context\":\"a b c d e f g h\",\"qas\":["
                + "{\"id\":\"%s\",\"question\":\"x\",\"answers\":[{\"text\":\"%s\",\"answer_start\":%d}]}]}]}]}";
        Files.writeString(root.resolve("qa/train.json"), String.format(java.util.Locale.ROOT, squad, "q1", "c d e f", 4));
        Files.writeString(root.resolve("qa/dev.json"), String.format(java.util.Locale.ROOT, squad, "q2", "a b", 0));
        Task t = Task.builder().setName("qa").setGroup(TaskGroup.QA).setFormat(TaskFormat.QA)
                .setMetric(MetricType.SQUAD_F1).setSource(TaskSource.builder()
                        .add(Split.TRAIN, "qa/train.json", new io.github.prefine.core.data.SquadReader())
                        .add(Split.VALIDATION, "qa/dev.json", new io.github.prefine.core.data.SquadReader()).build())
                .build();
        DataReport.TaskReads r = featurizedReads(t, root, new io.github.prefine.core.features.FeatureSettings(16, 8, 1, 0, 0, 1L));
        String none = io.github.prefine.core.features.QaFeaturizer.NO_SINGLE_WINDOW;
        assertEquals(Map.of(none, 1), r.partsDroppedByReason());
        assertEquals(List.of("features/train"), r.files().keySet().stream().filter(k -> k.startsWith("features/")).toList());
        assertEquals(0, r.dropped(), "the question is kept: evaluation still scores it");
    }

    @Test
    void answersDroppedFromAQuestionAreNotCountedAsDroppedExamples() {
        // xquad.en.json with two answers moved off their offsets (the first of its two questions kept by
        // no other answer): 1190 questions read, 1188 kept. The summary said "4 dropped"; the
        // SubjQA books test file, 692 rows read into 184 of its 345 questions, said "315 dropped".
        io.github.prefine.core.data.ReadReport xquad = new io.github.prefine.core.data.ReadReport("xquad/xquad.en.json",
                1190, 1188, Map.of(io.github.prefine.core.data.SquadReader.ANSWER_NOT_AT_OFFSET, 2,
                        io.github.prefine.core.data.SquadReader.NO_VALID_ANSWER, 2), Map.of(), Map.of());
        java.util.LinkedHashMap<String, Integer> subjSkips = new java.util.LinkedHashMap<>();
        subjSkips.put(io.github.prefine.core.data.SquadReader.ANSWER_NOT_AT_OFFSET, 18);
        subjSkips.put(io.github.prefine.core.data.SubjQaReader.UNANSWERABLE, 154);
        subjSkips.put(io.github.prefine.core.data.SubjQaReader.NOT_FOUND_BESIDE_ANSWERS, 136);
        subjSkips.put(io.github.prefine.core.data.SquadReader.NO_VALID_ANSWER, 7);
        io.github.prefine.core.data.ReadReport subj = new io.github.prefine.core.data.ReadReport("books/test.csv", 692,
                184, subjSkips, Map.of(), Map.of());
        java.util.LinkedHashMap<String, DataReport.TaskReads> tasks = new java.util.LinkedHashMap<>();
        tasks.put("xquad-en", new DataReport.TaskReads("4:1 hold-out", Map.of("qa/xquad/xquad.en.json", xquad)));
        tasks.put("subjqa-books", new DataReport.TaskReads("qa/subjqa/books/dev.csv",
                Map.of("qa/subjqa/books/test.csv", subj)));
        DataReport report = new DataReport(tasks);

        // 1190 - 1188 questions; 345 - 184 = 154 unanswerable + 7 left without a valid answer
        assertEquals(2, report.tasks().get("xquad-en").dropped());
        assertEquals(161, report.tasks().get("subjqa-books").dropped());
        assertEquals(163, report.totalDropped());
        assertEquals(List.of("Data: 163 dropped, 0 kept but flagged, in 2 tasks read; samples with file and line in r.json",
                "  xquad-en: 2 dropped (question without a valid answer 2); parts of examples dropped: answer not at"
                        + " its offset 2",
                "  subjqa-books: 161 dropped (unanswerable question 154, question without a valid answer 7); parts of"
                        + " examples dropped: answer not at its offset 18, ANSWERNOTFOUND row of an answered question 136"),
                report.summary("r.json"));
    }

    @Test
    void newerReadsReplaceTheirTaskAndKeepTheOthers() {
        DataReport.TaskReads a = new DataReport.TaskReads("a/dev.tsv", Map.of());
        DataReport.TaskReads b = new DataReport.TaskReads("b/dev.tsv", Map.of());
        DataReport.TaskReads a2 = new DataReport.TaskReads("a/other.tsv", Map.of());
        DataReport merged = new DataReport(Map.of("a", a)).merge(Map.of("b", b)).merge(Map.of("a", a2));
        assertEquals(List.of("a", "b"), List.copyOf(merged.tasks().keySet()));
        assertEquals(a2, merged.tasks().get("a"));
        assertTrue(merged.summary("x").get(0).startsWith("Data: nothing dropped or flagged in the 2 tasks read"));
    }

    /** The summary counts "1 task" and "2 validation fallbacks", where it said "1 tasks" and "fallback(s)". */
    @Test
    void theSummaryCountsTasksAndFallbacksInTheSingularForOne() {
        DataReport.TaskReads a = new DataReport.TaskReads("a/dev.tsv", Map.of());
        assertTrue(new DataReport(Map.of("a", a)).summary("x").get(0)
                .startsWith("Data: nothing dropped or flagged in the 1 task read ("));
        DataReport.TaskReads held = new DataReport.TaskReads(TaskData.FALLBACK + "4:1 hold-out", Map.of());
        java.util.LinkedHashMap<String, DataReport.TaskReads> tasks = new java.util.LinkedHashMap<>();
        tasks.put("b", held);
        tasks.put("c", held);
        assertEquals("Data: 0 dropped, 0 kept but flagged, in 2 tasks read; 2 validation fallbacks; samples with file"
                + " and line in x", new DataReport(tasks).summary("x").get(0));
        assertEquals("Data: 0 dropped, 0 kept but flagged, in 1 task read; 1 validation fallback; samples with file"
                + " and line in x", new DataReport(Map.of("b", held)).summary("x").get(0));
    }
}
