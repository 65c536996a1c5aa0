package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.SquadReader;
import io.github.prefine.core.features.ClassificationFeatures;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.QaFeatures;
import io.github.prefine.core.pipeline.WordTokenizer;
import io.github.prefine.core.testing.Reachability;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.testing.TestFiles;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.metrics.MetricType;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A featurized task lets its training examples go and keeps what scoring reads: once the task's
 * data is no longer referenced, a collection clears every training example, while the validation
 * examples (gold labels, answers and the contexts answers are cut from) stay and score as before.
 * The scores are hand-computed (a toy QA task) or follow from gold logits (CB, whose every
 * validation example is then right).
 */
class ExampleReleaseTest {
    @TempDir
    Path dir;

    /** A featurized task and weak references to the examples it was made from, per split. */
    private record Tracked(FeaturizedTask task, List<WeakReference<Example>> train, List<WeakReference<Example>> validation) {}

    /** Reads and featurizes in a frame of its own, so that only what the featurized task keeps outlives it. */
    private static Tracked featurize(Task task, Path root, SubwordTokenizer tok, FeatureSettings settings) throws IOException {
        TaskData data = task.load(root, Leniency.STRICT);
        return new Tracked(FeaturizedTask.featurize(data, tok, settings), weak(data.split(Split.TRAIN)),
                weak(data.split(Split.VALIDATION)));
    }

    /** The MiniLM tokenizer of the shared models, skipping the test when absent. */
    private static SubwordTokenizer minilm() throws IOException {
        return SubwordTokenizer.builder().setTokenizerPath(SharedFixtures.require("models/all-MiniLM-L6-v2/tokenizer.json"))
                .build();
    }

    /** A catalogued task read from the shared data (skipping the test when absent) and featurized. */
    private static Tracked featurizeShared(String task, SubwordTokenizer tok, FeatureSettings settings) throws IOException {
        return featurize(TaskCatalog.task(task), SharedFixtures.require("data"), tok, settings);
    }

    private static List<WeakReference<Example>> weak(List<Example> examples) {
        List<WeakReference<Example>> out = new ArrayList<>();
        examples.forEach(e -> out.add(new WeakReference<>(e)));
        return out;
    }

    private static String question(String id, String question, String answer, int start) {
        return "{\"id\":\"" + id + "\",\"question\":\"" + question + "\",\"answers\":[{\"text\":\"" + answer
                + "\",\"answer_start\":" + start + "}]}";
    }

    @Test
    void qaKeepsNoTrainingExampleAndScoresFromTheKeptValidationContexts() throws IOException {
        String context = "a b c d";
        TestFiles.write(dir, "qa/train.json", "{\"data\":[{\"paragraphs\":[{\"context\":\"" + context + "\",\"qas\":["
                + question("t0", "where", "b", 2) + "," + question("t1", "what", "c", 4) + "]}]}]}");
        TestFiles.write(dir, "qa/dev.json", "{\"data\":[{\"paragraphs\":[{\"context\":\"" + context + "\",\"qas\":["
                + question("q0", "where", "b", 2) + "," + question("q1", "what", "c", 4) + "]}]}]}");
        Task t = Task.builder().setName("qa-toy").setGroup(TaskGroup.QA).setFormat(TaskFormat.QA)
                .setMetric(MetricType.SQUAD_EM).setSource(TaskSource.builder()
                        .add(Split.TRAIN, "qa/train.json", new SquadReader())
                        .add(Split.VALIDATION, "qa/dev.json", new SquadReader()).build()).build();
        Tracked tracked;
        try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(WordTokenizer.write(dir.resolve("tok.json"),
                List.of("a", "b", "c", "d", "where", "what"))).build()) {
            tracked = featurize(t, dir, tok, new FeatureSettings(16, 16, 4, 0, 0, 1L));
        }
        // before: the featurized task held both training questions (and their context) for its whole life
        assertEquals(0, Reachability.alive(tracked.train()), "training examples still reachable");
        assertEquals(2, tracked.validation().stream().filter(r -> r.get() != null).count());

        FeaturizedTask f = tracked.task();
        QaFeatures v = (QaFeatures) f.features().get(Split.VALIDATION);
        assertEquals(2, v.size());
        // one window each: [CLS] question [SEP] a b c d [SEP]; both point at "b", the context's second token
        List<float[]> logits = UnseenLabelScoringTest.atSecondContextToken(v);
        // q0 (gold "b") right, q1 (gold "c") wrong: EM 50, the answer text cut from the kept context
        assertEquals(50.0, f.score(Split.VALIDATION, logits, 2).percent(), 1e-9);
        assertEquals(2, f.score(Split.VALIDATION, logits, 2).count());
    }

    @Test
    void realDataKeepsNoTrainingExampleAndScoresTheKeptValidation() throws IOException {
        FeatureSettings settings = new FeatureSettings(128, 384, 128, 0, 0, 1L);
        Tracked tracked;
        try (SubwordTokenizer tok = minilm()) {
            tracked = featurizeShared("cb", tok, settings);
        }
        assertEquals(0, Reachability.alive(tracked.train()), "training examples still reachable");
        FeaturizedTask f = tracked.task();
        assertEquals(250, f.features().get(Split.TRAIN).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.score(Split.TRAIN, List.of(), f.numLabels()));
        assertTrue(e.getMessage().contains("keeps no TRAIN examples"), e.getMessage());

        // the validation examples kept are those a fresh read gives, and gold logits score them all right
        TaskData again = TaskCatalog.task("cb").load(SharedFixtures.require("data"), Leniency.STRICT);
        assertEquals(FeaturizedTask.sampledExamples(again, settings).get(Split.VALIDATION),
                f.scoringExamples().get(Split.VALIDATION));
        ClassificationFeatures v = (ClassificationFeatures) f.features().get(Split.VALIDATION);
        List<float[]> gold = new ArrayList<>();
        for (int r = 0; r < v.size(); r++) {
            float[] lg = new float[f.numLabels()];
            lg[v.label(r)] = 1f;
            gold.add(lg);
        }
        assertEquals(56, v.size());
        assertEquals(100.0, f.score(Split.VALIDATION, gold, f.numLabels()).percent(), 1e-9);
        // a task for training only keeps nothing to score against
        assertNotNull(f.withoutExamples().features().get(Split.VALIDATION));
        assertTrue(f.withoutExamples().scoringExamples().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> f.withoutExamples().score(Split.VALIDATION, gold, f.numLabels()));
    }

    @Test
    void theTrainingExamplesComeBackFromTheDataAsFeaturizedWithTheirHoldOutAndSample() throws IOException {
        // squad-adversarial is one file split 4:1; sampled down, the featurized training rows are those of the list
        FeatureSettings settings = new FeatureSettings(128, 384, 128, 300, 100, 7L);
        try (SubwordTokenizer tok = minilm()) {
            Tracked tracked = featurizeShared("squad-adversarial", tok, settings);
            assertEquals(0, Reachability.alive(tracked.train()), "training examples still reachable");
            FeaturizedTask f = tracked.task();
            Task adv = TaskCatalog.task("squad-adversarial");
            List<Example> train = FeaturizedTask.sampledExamples(adv.load(SharedFixtures.require("data"), Leniency.STRICT),
                    settings).get(Split.TRAIN);
            assertEquals(300, train.size());
            // featurizing the list again gives the same rows, so the features' example indices point into it
            QaFeatures again = (QaFeatures) adv.format().featurize(train, f.labels(), tok, settings, "again");
            QaFeatures kept = (QaFeatures) f.features().get(Split.TRAIN);
            assertEquals(kept.size(), again.size());
            for (int r = 0; r < kept.size(); r++) {
                assertEquals(kept.exampleIndex(r), again.exampleIndex(r));
                assertEquals(kept.startPosition(r), again.startPosition(r));
                assertEquals(kept.tokens().length(r), again.tokens().length(r));
            }
        }
    }
}
