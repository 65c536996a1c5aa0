package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.data.ChoiceExample;
import io.github.prefine.core.data.ConllReader;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.JsonlClassificationReader;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.SquadReader;
import io.github.prefine.core.data.TsvClassificationReader;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.features.QaFeatures;
import io.github.prefine.core.pipeline.WordTokenizer;
import io.github.prefine.core.testing.TestFiles;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.evaluator.Evaluator;
import io.github.prefine.eval.metrics.MetricType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An evaluation example the model cannot get right counts as wrong rather than vanish from the
 * score, against hand-computed scores: one whose gold label the training data never showed
 * (accuracy, macro F1 and span F1; dropping it would give 2/3, 2/3 and 1), and one the featurizer
 * skipped because the tokenizer rejected its text (accuracy 2/3, where dropping it gives 1). An
 * unlabelled one is what is left out: a QA question without gold answers (as SQuAD 2.0's
 * unanswerable ones), as classification and multiple choice leave out their unlabelled examples.
 */
class UnseenLabelScoringTest {
    private static final FeatureSettings SETTINGS = new FeatureSettings(16, 16, 4, 0, 0, 1L);

    @TempDir
    Path dir;

    private SubwordTokenizer tokenizer() throws IOException {
        return tokenizer(List.of("good", "bad", "fine", "awful", "nice", "odd", "worse", "a", "x", "y", "z", "so", "b"));
    }

    private SubwordTokenizer tokenizer(List<String> words) throws IOException {
        return SubwordTokenizer.builder().setTokenizerPath(WordTokenizer.write(dir.resolve("tok.json"), words)).build();
    }

    private static float[] oneHot(int width, int... argmaxPerPosition) {
        float[] v = new float[width * argmaxPerPosition.length];
        for (int p = 0; p < argmaxPerPosition.length; p++) {
            v[p * width + argmaxPerPosition[p]] = 5f;
        }
        return v;
    }

    private FeaturizedTask classification(MetricType metric) throws IOException {
        TsvClassificationReader tsv = TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build();
        TestFiles.write(dir, "c/train.tsv", "sentence\tlabel\ngood\tpos\nbad\tneg\nfine\tpos\nawful\tneg\nnice\tpos\n");
        TestFiles.write(dir, "c/test.tsv", "sentence\tlabel\nnice\tpos\nbad\tneg\nodd\tmaybe\ngood\tpos\n");
        Task t = Task.builder().setName("toy").setGroup(TaskGroup.C).setFormat(TaskFormat.SINGLE_TEXT).setMetric(metric)
                .setSource(TaskSource.builder().add(Split.TRAIN, "c/train.tsv", tsv).add(Split.TEST, "c/test.tsv", tsv)
                        .build()).build();
        try (SubwordTokenizer tok = tokenizer()) {
            return FeaturizedTask.featurize(t.load(dir, Leniency.LENIENT), tok, SETTINGS);
        }
    }

    /** Predictions pos, neg, neg, neg for gold pos, neg, maybe (unseen), pos; labels are [neg, pos]. */
    private static List<float[]> classificationLogits() {
        return List.of(oneHot(2, 1), oneHot(2, 0), oneHot(2, 0), oneHot(2, 0));
    }

    @Test
    void accuracyCountsAnUnseenGoldLabelAsWrong() throws IOException {
        FeaturizedTask f = classification(MetricType.ACCURACY);
        assertEquals(List.of("neg", "pos"), f.labels());
        assertEquals(4, f.features().get(Split.TEST).size());
        // right: rows 1 and 2; wrong: the unseen 'maybe' and the last pos
        assertEquals(50.0, f.score(Split.TEST, classificationLogits(), 2).percent(), 1e-9);
    }

    @Test
    void macroF1GivesTheUnseenClassAnF1OfZero() throws IOException {
        FeaturizedTask f = classification(MetricType.MACRO_F1);
        // neg: tp 1, predicted 3, gold 1 -> F1 1/2; maybe: tp 0, gold 1 -> 0; pos: tp 1, predicted 1, gold 2 -> 2/3
        double expected = (0.5 + 0.0 + 2.0 / 3.0) / 3.0 * 100.0;
        assertEquals(expected, f.score(Split.TEST, classificationLogits(), 2).percent(), 1e-9);
    }

    /** A span-F1 tagging task read from two CoNLL texts, featurized with the word tokenizer. */
    private FeaturizedTask tagging(String train, String test) throws IOException {
        ConllReader conll = ConllReader.builder().optSeparator(ConllReader.Separator.TAB).build();
        TestFiles.write(dir, "sl/train.conll", train);
        TestFiles.write(dir, "sl/test.conll", test);
        Task t = Task.builder().setName("tags").setGroup(TaskGroup.SL).setFormat(TaskFormat.TOKEN)
                .setMetric(MetricType.SPAN_F1).setSource(TaskSource.builder().add(Split.TRAIN, "sl/train.conll", conll)
                        .add(Split.TEST, "sl/test.conll", conll).build()).build();
        try (SubwordTokenizer tok = tokenizer()) {
            return FeaturizedTask.featurize(t.load(dir, Leniency.STRICT), tok, SETTINGS);
        }
    }

    @Test
    void spanF1CountsAnEntityOfAnUnseenTypeAsMissed() throws IOException {
        FeaturizedTask f = tagging("x\tB-X\ny\tI-X\na\tO\n\n".repeat(5),
                "a\tO\nx\tB-X\nz\tB-Z\n\nx\tB-X\ny\tI-X\n");
        assertEquals(List.of("O", "B-X", "I-X"), f.labels());
        assertEquals(2, f.features().get(Split.TEST).size());
        // [CLS] a x z [SEP] -> O B-X O; [CLS] x y [SEP] -> B-X I-X
        List<float[]> logits = new ArrayList<>();
        logits.add(oneHot(3, 0, 0, 1, 0, 0));
        logits.add(oneHot(3, 0, 1, 2, 0));
        // gold X, Z, X; predicted X, X: precision 1, recall 2/3, F1 0.8
        assertEquals(80.0, f.score(Split.TEST, logits, 3).percent(), 1e-9);
    }

    @Test
    void anEntityOfAnUnseenTypeLeavesTheLaterWordsTheirPredictions() throws IOException {
        // three training sentences, the fewest from which a validation split can be held out
        FeaturizedTask f = tagging("x\tB-X\na\tO\n\nx\tB-X\n\na\tO\n\n", "z\tB-Z\nx\tB-X\n");
        // [CLS] z x [SEP] -> O B-X: gold Z, X; predicted X: precision 1, recall 1/2, F1 2/3
        int n = f.labels().size();
        float[] logits = oneHot(n, 0, 0, f.labels().indexOf("B-X"), 0);
        assertEquals(200.0 / 3.0, f.score(Split.TEST, List.of(logits), n).percent(), 1e-9);
        // shifted by one word (z read as x's B-X, x as the [SEP]'s O) it would be 0
    }

    @Test
    void classificationCountsARejectedTestExampleAsWrong() throws IOException {
        // a JSONL text with a cut emoji ("\\ud83d"), which the tokenizer rejects: the example is skipped
        JsonlClassificationReader jsonl = JsonlClassificationReader.builder().setTextA("{sentence}").optLabel("label")
                .build();
        TestFiles.write(dir, "c/train.jsonl", "{\"sentence\":\"good\",\"label\":\"pos\"}\n"
                + "{\"sentence\":\"bad\",\"label\":\"neg\"}\n{\"sentence\":\"fine\",\"label\":\"pos\"}\n");
        TestFiles.write(dir, "c/test.jsonl", "{\"sentence\":\"nice\",\"label\":\"pos\"}\n"
                + "{\"sentence\":\"so \\ud83d good\",\"label\":\"pos\"}\n{\"sentence\":\"awful\",\"label\":\"neg\"}\n");
        Task t = Task.builder().setName("toy").setGroup(TaskGroup.C).setFormat(TaskFormat.SINGLE_TEXT)
                .setMetric(MetricType.ACCURACY).setSource(TaskSource.builder().add(Split.TRAIN, "c/train.jsonl", jsonl)
                        .add(Split.TEST, "c/test.jsonl", jsonl).build()).build();
        FeaturizedTask f;
        try (SubwordTokenizer tok = tokenizer()) {
            f = FeaturizedTask.featurize(t.load(dir, Leniency.STRICT), tok, SETTINGS);
        }
        assertEquals(List.of("neg", "pos"), f.labels());
        assertEquals(1, f.features().get(Split.TEST).report().skippedCount());
        assertEquals(2, f.features().get(Split.TEST).size());
        // both kept examples predicted right (nice -> pos, awful -> neg); the rejected one is wrong
        List<float[]> logits = List.of(new float[] {0f, 5f}, new float[] {5f, 0f});
        assertEquals(200.0 / 3.0, f.score(Split.TEST, logits, 2).percent(), 1e-9);
    }

    @Test
    void multipleChoiceCountsARejectedExampleAsWrong() throws IOException {
        List<Example> exs = List.of(
                new ChoiceExample("c0", "good", "", List.of("a", "b"), 0),
                new ChoiceExample("c1", "so \ud83d good", "", List.of("a", "b"), 1),
                new ChoiceExample("c2", "bad", "", List.of("a", "b"), 1));
        try (SubwordTokenizer tok = tokenizer()) {
            Features feats = TaskFormat.CHOICE.featurize(exs, List.of(), tok, SETTINGS, "copa-toy");
            assertEquals(2, feats.size());
            List<float[]> logits = List.of(new float[] {5f, 0f}, new float[] {0f, 5f});
            double acc = TaskFormat.CHOICE.score(feats, exs, List.of(), logits, 2,
                    Evaluator.builder().setMetric(MetricType.ACCURACY).build()).percent();
            assertEquals(200.0 / 3.0, acc, 1e-9);
        }
    }

    private static String question(String id, String question, String answer, int start) {
        return "{\"id\":\"" + id + "\",\"question\":\"" + question + "\",\"answers\":["
                + (answer == null ? "" : "{\"text\":\"" + answer + "\",\"answer_start\":" + start + "}") + "]}";
    }

    /** Three answered training questions on the context. */
    private static String train(String context) {
        return "{\"data\":[{\"paragraphs\":[{\"context\":\"" + context + "\",\"qas\":["
                + question("t0", "where", "b", 2) + "," + question("t1", "what", "c", 4) + "," + question("t2", "where", "d", 6)
                + "]}]}]}";
    }

    /** A SQuAD task read from the two texts, written as its training and validation files. */
    private Task squadTask(String train, String validation) throws IOException {
        TestFiles.write(dir, "qa/train.json", train);
        TestFiles.write(dir, "qa/dev.json", validation);
        return Task.builder().setName("qa-toy").setGroup(TaskGroup.QA).setFormat(TaskFormat.QA)
                .setMetric(MetricType.SQUAD_EM).setSource(TaskSource.builder()
                        .add(Split.TRAIN, "qa/train.json", new SquadReader())
                        .add(Split.VALIDATION, "qa/dev.json", new SquadReader()).build()).build();
    }

    @Test
    void qaLeavesAQuestionWithoutAnswersOutOfTheScore() throws IOException {
        String context = "a b c d";
        String train = train(context);
        // q1 has no answers (as SQuAD 2.0's unanswerable questions): it cannot be scored by the v1.1 rules
        String validation = "{\"data\":[{\"paragraphs\":[{\"context\":\"" + context + "\",\"qas\":["
                + question("q0", "where", "b", 2) + "," + question("q1", "what", null, 0) + "]}]}]}";
        Task t = squadTask(train, validation);
        FeaturizedTask f;
        try (SubwordTokenizer tok = tokenizer(List.of("a", "b", "c", "d", "where", "what"))) {
            f = FeaturizedTask.featurize(t.load(dir, Leniency.STRICT), tok, SETTINGS);
        }
        QaFeatures v = (QaFeatures) f.features().get(Split.VALIDATION);
        assertEquals(2, v.size());
        assertEquals(1L, v.report().counters().get("unlabelled examples"));
        // both windows: [CLS] question [SEP] a b c d [SEP]; each points at "b", the context's second token
        List<float[]> logits = atSecondContextToken(v);
        // q0 exactly right; q1 left out: EM 100 over 1 question (counting it would need a gold answer)
        assertEquals(100.0, f.score(Split.VALIDATION, logits, 2).percent(), 1e-9);
        assertEquals(1, f.score(Split.VALIDATION, logits, 2).count());
    }

    /** Start and end logits that point every window at its context's second token. */
    static List<float[]> atSecondContextToken(QaFeatures v) {
        List<float[]> logits = new ArrayList<>();
        for (int r = 0; r < v.size(); r++) {
            float[] lg = new float[2 * v.tokens().length(r)];
            int b = v.contextStart(r) + 1;
            lg[2 * b] = 9f;
            lg[2 * b + 1] = 9f;
            logits.add(lg);
        }
        return logits;
    }

    @Test
    void aValidationSplitWithoutAnyLabelledExampleIsRefusedNotScoredZeroOfZero() throws IOException {
        String context = "a b c d";
        // only unanswerable questions: SQuAD v1.1 scores none of them (its script divides by zero questions),
        // so the split selected no epoch or rate and every run scored 0 of 0, reported as 0.0
        String validation = "{\"data\":[{\"paragraphs\":[{\"context\":\"" + context + "\",\"qas\":["
                + question("q0", "where", null, 0) + "," + question("q1", "what", null, 0) + "]}]}]}";
        Task qa = squadTask(train(context), validation);
        try (SubwordTokenizer tok = tokenizer(List.of("a", "b", "c", "d", "where", "what"))) {
            TaskData data = qa.load(dir, Leniency.STRICT);
            UnfeaturizableTaskException e = org.junit.jupiter.api.Assertions.assertThrows(
                    UnfeaturizableTaskException.class, () -> FeaturizedTask.featurize(data, tok, SETTINGS));
            assertEquals("task qa-toy: none of its 2 validation examples has a label (2 unlabelled): nothing would"
                    + " select the epoch or the learning rate, and no example could be scored", e.getMessage());
        }
        // classification: a validation file without its label column
        TsvClassificationReader labelled = TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build();
        TsvClassificationReader unlabelled = TsvClassificationReader.builder().setTextA("{sentence}").build();
        TestFiles.write(dir, "c/train.tsv", "sentence\tlabel\ngood\tpos\nbad\tneg\nfine\tpos\n");
        TestFiles.write(dir, "c/dev.tsv", "sentence\nnice\nodd\nawful\n");
        Task c = Task.builder().setName("toy").setGroup(TaskGroup.C).setFormat(TaskFormat.SINGLE_TEXT)
                .setMetric(MetricType.ACCURACY).optLabels(List.of("neg", "pos")).setSource(TaskSource.builder()
                        .add(Split.TRAIN, "c/train.tsv", labelled).add(Split.VALIDATION, "c/dev.tsv", unlabelled).build())
                .build();
        try (SubwordTokenizer tok = tokenizer()) {
            TaskData data = c.load(dir, Leniency.STRICT);
            UnfeaturizableTaskException e = org.junit.jupiter.api.Assertions.assertThrows(
                    UnfeaturizableTaskException.class, () -> FeaturizedTask.featurize(data, tok, SETTINGS));
            // the question the training split's message asks, which a QA reader (no optLabel) is spared
            assertEquals("task toy: none of its 3 validation examples has a label (3 unlabelled): nothing would"
                    + " select the epoch or the learning rate, and no example could be scored; was its reader built"
                    + " without optLabel?", e.getMessage());
        }
    }

    @Test
    void aTestSplitWithoutAnyLabelIsNotTheReportedSplit() throws IOException {
        // GLUE's test files hide their labels: scoring one gave 0 of 0, reported as 0.0
        TsvClassificationReader labelled = TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build();
        TsvClassificationReader unlabelled = TsvClassificationReader.builder().setTextA("{sentence}").build();
        TestFiles.write(dir, "h/train.tsv", "sentence\tlabel\ngood\tpos\nbad\tneg\nfine\tpos\n");
        TestFiles.write(dir, "h/dev.tsv", "sentence\tlabel\nnice\tpos\nawful\tneg\n");
        TestFiles.write(dir, "h/test.tsv", "sentence\nodd\nworse\nso\n");
        TestFiles.write(dir, "h/test-labelled.tsv", "sentence\tlabel\nodd\tneg\nworse\tneg\nso\tpos\n");
        try (SubwordTokenizer tok = tokenizer()) {
            FeaturizedTask hidden = FeaturizedTask.featurize(hidden(labelled, unlabelled, "h/test.tsv")
                    .load(dir, Leniency.STRICT), tok, SETTINGS);
            assertEquals(3, hidden.features().get(Split.TEST).size());
            assertEquals(Split.VALIDATION, hidden.evaluationSplit());
            // the same task with its test labels is reported on test, as before
            FeaturizedTask shown = FeaturizedTask.featurize(hidden(labelled, labelled, "h/test-labelled.tsv")
                    .load(dir, Leniency.STRICT), tok, SETTINGS);
            assertEquals(Split.TEST, shown.evaluationSplit());
        }
    }

    private static Task hidden(TsvClassificationReader labelled, TsvClassificationReader test, String testFile) {
        return Task.builder().setName("hidden").setGroup(TaskGroup.C).setFormat(TaskFormat.SINGLE_TEXT)
                .setMetric(MetricType.ACCURACY).optLabels(List.of("neg", "pos")).setSource(TaskSource.builder()
                        .add(Split.TRAIN, "h/train.tsv", labelled).add(Split.VALIDATION, "h/dev.tsv", labelled)
                        .add(Split.TEST, testFile, test).build())
                .build();
    }
}
