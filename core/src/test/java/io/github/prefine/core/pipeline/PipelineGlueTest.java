package io.github.prefine.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.model.TaskSlice;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.train.FeatureBatchSource;
import io.github.prefine.core.train.HeterogeneousBatchSampler;
import io.github.prefine.core.train.SampledBatch;
import io.github.prefine.core.train.TaskPredictions;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.sampling.HeterogeneousSampler;
import io.github.prefine.sampling.SamplingStrategy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch assembly, scoring and sampler adaptation on hand-built tasks with a word-level tokenizer
 * whose ids are known: [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, then a=4, b=5, c=6, d=7, x=8, y=9, who=10, ?=11.
 */
class PipelineGlueTest {
    static final List<String> WORDS = List.of("a", "b", "c", "d", "x", "y", "who", "?");
    static SubwordTokenizer tokenizer;
    static FeaturizedTask tagger;
    static FeaturizedTask classifier;
    static FeaturizedTask qa;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        tokenizer = SubwordTokenizer.builder().setTokenizerPath(WordTokenizer.write(dir.resolve("t.json"), WORDS)).build();
        FeatureSettings s = new FeatureSettings(16, 16, 4, 0, 0, 1L);
        Task tg = InMemoryTasks.task("tags", TaskGroup.SL, TaskFormat.TOKEN, MetricType.SPAN_F1, List.of("O", "B-X", "I-X"));
        List<TokenExample> sentences = List.of(
                new TokenExample("s0", List.of("a", "x", "y"), List.of("O", "B-X", "I-X")),
                new TokenExample("s1", List.of("x", "b"), List.of("B-X", "O")));
        tagger = FeaturizedTask.featurize(InMemoryTasks.data(tg, sentences, sentences, List.of()), tokenizer, s);
        Task cl = InMemoryTasks.task("cls", TaskGroup.C, TaskFormat.TEXT_PAIR, MetricType.ACCURACY, List.of("no", "yes"));
        List<TextExample> pairs = List.of(new TextExample("p0", "a b", "c", "yes"), new TextExample("p1", "d", "a", "no"),
                new TextExample("p2", "c", "c", "yes"));
        classifier = FeaturizedTask.featurize(InMemoryTasks.data(cl, pairs, pairs, List.of()), tokenizer, s);
        Task q = InMemoryTasks.task("qa", TaskGroup.QA, TaskFormat.QA, MetricType.SQUAD_F1, List.of());
        List<QaExample> questions = List.of(new QaExample("q0", "who ?", "a x b", List.of(new GoldAnswer("x", 2))),
                new QaExample("q1", "who ?", "c d y", List.of(new GoldAnswer("y", 4))));
        qa = FeaturizedTask.featurize(InMemoryTasks.data(q, questions, questions, List.of()), tokenizer, s);
    }

    @Test
    void assemblesMixedTasksOnOnePaddedGrid() {
        FeatureBatchSource src = FeatureBatchSource.of(TaskSet.of(tagger, classifier));
        // order of the draw: cls 1, tags 0, cls 0 -> rows grouped by task, tasks in index order
        MultiTaskBatch b = src.assemble(Split.TRAIN, new int[] {1, 0, 1}, new int[] {1, 0, 0});
        assertEquals(3, b.rows());
        // longest row: [CLS] a b [SEP] c [SEP] = 6 tokens
        assertEquals(6, b.seqLen());
        assertArrayEquals(new long[] {2, 4, 8, 9, 3, 0, // tags s0: [CLS] a x y [SEP]
            2, 7, 3, 4, 3, 0, // cls p1: [CLS] d [SEP] a [SEP]
            2, 4, 5, 3, 6, 3}, b.inputIds()); // cls p0
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1}, b.tokenTypeIds());
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1}, b.attentionMask());
        TaskSlice tags = b.slices().get(0);
        assertEquals(0, tags.task());
        assertArrayEquals(new long[] {1, 6}, tags.labelShape());
        assertArrayEquals(new int[] {-100, 0, 1, 2, -100, -100}, tags.labels());
        TaskSlice cls = b.slices().get(1);
        assertArrayEquals(new int[] {1, 2}, cls.rows());
        assertArrayEquals(new int[] {1, 0}, cls.exampleIndices());
        assertArrayEquals(new int[] {0, 1}, cls.labels());
    }

    @Test
    void qaSlicesCarryStartAndEnd() {
        FeatureBatchSource src = FeatureBatchSource.of(TaskSet.of(qa)).withoutTokenTypes();
        MultiTaskBatch b = src.assemble(Split.TRAIN, new int[] {0, 0}, new int[] {0, 1});
        assertEquals(null, b.tokenTypeIds());
        // [CLS] who ? [SEP] a x b [SEP]: the answer x sits at position 5
        assertArrayEquals(new int[] {5, 5, 6, 6}, b.slices().get(0).labels());
    }

    @Test
    void scoresTagsPerWordWithSeqeval() {
        // s0 predicted O B-X O (one of two spans right, partial span wrong), s1 predicted B-X O
        List<float[]> logits = new ArrayList<>();
        logits.add(tokenLogits(5, new int[] {0, 0, 1, 0, 0}));
        logits.add(tokenLogits(5, new int[] {0, 1, 0, 0, 0}));
        TaskPredictions p = new TaskPredictions(0, Split.VALIDATION, new int[] {0, 1}, logits, 3);
        // gold spans: (s0 X 1-2), (s1 X 0); predicted: (s0 X 1-1), (s1 X 0): tp 1, pred 2, gold 2 -> F1 0.5
        assertEquals(50.0, TaskScorer.score(tagger, Split.VALIDATION, p).percent(), 1e-12);
    }

    @Test
    void predictionsOfOneSplitAreNotScoredAsAnother() {
        // the tagger's training and validation splits both hold s0 and s1, so only the split that
        // the predictions carry tells them apart
        List<float[]> logits = List.of(tokenLogits(5, new int[] {0, 0, 1, 2, 0}), tokenLogits(5, new int[] {0, 1, 0, 0, 0}));
        TaskPredictions p = new TaskPredictions(0, Split.VALIDATION, new int[] {0, 1}, logits, 3);
        assertEquals(100.0, TaskScorer.score(tagger, Split.VALIDATION, p).percent(), 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskScorer.score(tagger, Split.TRAIN, p));
        assertTrue(e.getMessage().contains("VALIDATION"), e.getMessage());
    }

    @Test
    void scoresLabelsByArgmax() {
        List<float[]> logits = List.of(new float[] {0f, 1f}, new float[] {0f, 2f}, new float[] {3f, 1f});
        TaskPredictions p = new TaskPredictions(0, Split.VALIDATION, new int[] {0, 1, 2}, logits, 2);
        // predicted yes, yes, no against yes, no, yes
        assertEquals(100.0 / 3, TaskScorer.score(classifier, Split.VALIDATION, p).percent(), 1e-12);
    }

    @Test
    void scoresQaAnswersFromWindowSpans() {
        float[] right = new float[8 * 2];
        right[5 * 2] = 9f;
        right[5 * 2 + 1] = 9f;
        float[] wrong = new float[8 * 2];
        wrong[4 * 2] = 9f; // "c" instead of "y"
        wrong[4 * 2 + 1] = 9f;
        TaskPredictions p = new TaskPredictions(0, Split.VALIDATION, new int[] {0, 1}, List.of(right, wrong), 2);
        assertEquals(50.0, TaskScorer.score(qa, Split.VALIDATION, p).percent(), 1e-9);
    }

    @Test
    void scoresQaAgainstTheReferencesAFormatListsBesideItsSpans() throws Exception {
        // MRQA lists answers apart from the spans found: "c" is one, though the training span is "y"
        Task q = InMemoryTasks.task("qa-refs", TaskGroup.QA, TaskFormat.QA, MetricType.SQUAD_F1, List.of());
        QaExample e = new QaExample("q0", "who ?", "c d y", List.of(new GoldAnswer("y", 4)), List.of("y", "c"));
        FeaturizedTask f = FeaturizedTask.featurize(InMemoryTasks.data(q, List.of(e), List.of(e), List.of()), tokenizer,
                new FeatureSettings(16, 16, 4, 0, 0, 1L));
        // [CLS] who ? [SEP] c d y [SEP]: the prediction "c" at position 4
        float[] c = new float[8 * 2];
        c[4 * 2] = 9f;
        c[4 * 2 + 1] = 9f;
        TaskPredictions p = new TaskPredictions(0, Split.VALIDATION, new int[] {0}, List.of(c), 2);
        assertEquals(100.0, TaskScorer.score(f, Split.VALIDATION, p).percent(), 1e-9);
        // the same example scored against its span alone: 0
        QaExample spanOnly = new QaExample("q0", "who ?", "c d y", List.of(new GoldAnswer("y", 4)));
        assertEquals(List.of("y"), spanOnly.references());
        FeaturizedTask g = FeaturizedTask.featurize(InMemoryTasks.data(q, List.of(spanOnly), List.of(spanOnly),
                List.of()), tokenizer, new FeatureSettings(16, 16, 4, 0, 0, 1L));
        assertEquals(0.0, TaskScorer.score(g, Split.VALIDATION, p).percent(), 1e-9);
    }

    @Test
    void samplerAdapterResumesTheSameStream() {
        HeterogeneousSampler s = HeterogeneousSampler.builder().setTaskSizes(7, 5).setBatchSize(3)
                .optStrategy(SamplingStrategy.PROPORTIONAL).optSeed(11).build();
        HeterogeneousBatchSampler a = new HeterogeneousBatchSampler(s);
        a.nextEpoch();
        byte[] state = a.saveState();
        var expected = a.nextEpoch();
        HeterogeneousBatchSampler b = new HeterogeneousBatchSampler(s);
        b.restoreState(state);
        var got = b.nextEpoch();
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            assertArrayEquals(expected.get(i).tasks(), got.get(i).tasks());
            assertArrayEquals(expected.get(i).examples(), got.get(i).examples());
        }
        assertEquals(4, a.batchesPerEpoch());
    }

    @Test
    void sampledBatchesComeGroupedByTaskWithTheTasksPresent() {
        HeterogeneousBatchSampler s = HeterogeneousBatchSampler.of(TaskSet.of(tagger, classifier),
                HeterogeneousSampler.builder().setBatchSize(4).optSeed(3));
        // the task set's training sizes: 2 sentences, 3 pairs
        assertEquals(2, s.batchesPerEpoch());
        int[] drawn = new int[2];
        for (SampledBatch b : s.nextEpoch()) {
            int[] t = b.tasks();
            for (int i = 1; i < t.length; i++) {
                assertEquals(true, t[i - 1] <= t[i], "grouped by task");
            }
            assertArrayEquals(java.util.Arrays.stream(t).distinct().toArray(), b.presentTasks());
            for (int i = 0; i < t.length; i++) {
                drawn[t[i]]++;
            }
        }
        // proportional sampling without replacement draws each unit once per epoch
        assertArrayEquals(new int[] {2, 3}, drawn);
    }

    /**
     * The settings are the caller's: a sampler made over a task set leaves them as they were, so
     * the same builder can still make the sampler it described (it was left holding the task set's
     * sizes, 2 and 3, in place of its own 100 and 200).
     */
    @Test
    void aSamplerOverATaskSetLeavesTheGivenSettingsAsTheyWere() {
        HeterogeneousSampler.Builder settings = HeterogeneousSampler.builder().setTaskSizes(100, 200).setBatchSize(4)
                .optSeed(3);
        HeterogeneousBatchSampler s = HeterogeneousBatchSampler.of(TaskSet.of(tagger, classifier), settings);
        assertEquals(2, s.batchesPerEpoch());
        HeterogeneousSampler own = settings.build();
        assertEquals(300, own.totalExamples());
        assertEquals(75, own.batchesPerEpoch());
    }

    @Test
    void aTaskSetHoldsEachTaskOnceInOneOrder() {
        TaskSet set = TaskSet.of(classifier, tagger, qa);
        assertEquals(List.of("cls", "tags", "qa"), set.names());
        assertEquals(1, set.indexOf("tags"));
        assertArrayEquals(new int[] {3, 2, 2}, set.sizes(Split.TRAIN));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> TaskSet.of(tagger, classifier, tagger));
        assertEquals("task set: task tags appears twice", twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> set.indexOf("ner"));
    }

    @Test
    void groupingKeepsTheDrawOrderWithinATask() {
        SampledBatch b = new SampledBatch(new int[] {1, 0, 1, 0, 2}, new int[] {7, 8, 9, 10, 11});
        assertArrayEquals(new int[] {0, 0, 1, 1, 2}, b.tasks());
        assertArrayEquals(new int[] {8, 10, 7, 9, 11}, b.examples());
        assertArrayEquals(new int[] {0, 1, 2}, b.presentTasks());
    }

    private static float[] tokenLogits(int len, int[] argmax) {
        float[] l = new float[len * 3];
        for (int p = 0; p < len; p++) {
            l[p * 3 + argmax[p]] = 1f;
        }
        return l;
    }
}
