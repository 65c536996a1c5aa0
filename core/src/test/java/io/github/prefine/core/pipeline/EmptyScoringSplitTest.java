package io.github.prefine.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.metrics.MetricType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A split without a labelled example has no score: a test split whose labels are hidden (GLUE's),
 * scored by name with {@link TaskScorer#score} or {@link FeaturizedTask#score}, gave 0 % as if the
 * model had got every example wrong. Featurization already refuses such a validation split.
 */
class EmptyScoringSplitTest {
    private static final List<TextExample> LABELLED = List.of(new TextExample("t0", "good", null, "pos"),
            new TextExample("t1", "bad", null, "neg"));

    /** Featurizes a task of the labelled splits and {@code test}, scores its test split and returns the refusal. */
    private static IllegalArgumentException refusal(Path dir, String name, List<TextExample> test, int skipped)
            throws Exception {
        Task classifier = InMemoryTasks.task(name, TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.MACRO_F1, List.of());
        try (SubwordTokenizer tokenizer = SubwordTokenizer.builder()
                .setTokenizerPath(WordTokenizer.write(dir.resolve("tokenizer.json"), List.of("good", "bad", "so")))
                .build()) {
            FeaturizedTask c = FeaturizedTask.featurize(InMemoryTasks.data(classifier, LABELLED, LABELLED, test),
                    tokenizer, FeatureSettings.paper());
            // the metric's split is validation; test is scored only when asked for by name
            assertEquals(Split.VALIDATION, c.evaluationSplit());
            assertEquals(skipped, c.features().get(Split.TEST).report().skippedCount());
            int units = c.features().get(Split.TEST).size();
            List<float[]> logits = java.util.Collections.nCopies(units, new float[] {1f, 0f});
            return assertThrows(IllegalArgumentException.class, () -> c.score(Split.TEST, logits, 2));
        }
    }

    /** The refusal of a test split of two examples, both unlabelled, {@code skipped} of them skipped. */
    private static void assertRefusedAsUnlabelled(Path dir, String name, List<TextExample> test, int skipped)
            throws Exception {
        assertEquals("scorer: task " + name + ": its TEST split has no labelled example to score (2 examples,"
                + " 2 unlabelled); MACRO_F1 over none has no value, not 0: score the task on a split with labelled"
                + " examples, or leave it out of what is scored", refusal(dir, name, test, skipped).getMessage());
    }

    @Test
    void aTestSplitOfHiddenLabelsIsRefusedNamingTheTaskAndSplit(@TempDir Path dir) throws Exception {
        List<TextExample> unlabelled = List.of(new TextExample("v0", "good", null, null),
                new TextExample("v1", "bad", null, null));
        assertRefusedAsUnlabelled(dir, "mem-u", unlabelled, 0);
    }

    @Test
    void anUnlabelledExampleTheFeaturizerSkippedIsStillUnlabelled(@TempDir Path dir) throws Exception {
        // v1 holds a lone surrogate (a cut emoji), which the tokenizer rejects: the featurizer skips it
        List<TextExample> unlabelled = List.of(new TextExample("v0", "good", null, null),
                new TextExample("v1", "so \ud83d good", null, null));
        assertRefusedAsUnlabelled(dir, "mem-s", unlabelled, 1);
    }
}
