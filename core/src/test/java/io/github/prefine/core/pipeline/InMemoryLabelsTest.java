package io.github.prefine.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.UnfeaturizableTaskException;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.metrics.MetricType;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An in-memory task without declared labels learns them from its training examples, as a task read
 * from files does (docs/data-layout.md: "Labels are learned from the training file unless declared
 * with optLabels"). Before, its label set stayed empty and featurization refused it as "the training
 * data shows a single label", whatever the training data showed.
 */
class InMemoryLabelsTest {
    @Test
    void undeclaredLabelsAreLearnedFromTrainingAsFromFiles(@TempDir Path dir) throws Exception {
        List<TokenExample> sentences = List.of(
                new TokenExample("s0", List.of("john", "ran", "home"), List.of("B-PER", "O", "O")),
                new TokenExample("s1", List.of("new", "york", "won"), List.of("B-LOC", "I-LOC", "O")));
        // TokenClassification.labelSet's documented order: O, then B-T for every type T (sorted), then I-T
        Task tagger = InMemoryTasks.task("mem-ner", TaskGroup.SL, TaskFormat.TOKEN, MetricType.SPAN_F1, List.of());
        TaskData tags = InMemoryTasks.data(tagger, sentences, sentences.subList(0, 1), List.of());
        assertEquals(List.of("O", "B-LOC", "B-PER", "I-LOC", "I-PER"), tags.labels());
        // classification labels are sorted; a label only validation shows is not learned
        List<TextExample> train = List.of(new TextExample("t0", "good", null, "pos"),
                new TextExample("t1", "bad", null, "neg"), new TextExample("t2", "fine", null, "pos"));
        List<TextExample> validation = List.of(new TextExample("v0", "meh", null, "neutral"));
        Task classifier = InMemoryTasks.task("mem-c", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY, List.of());
        assertEquals(List.of("neg", "pos"), InMemoryTasks.data(classifier, train, validation, List.of()).labels());
        // declared labels stay as declared, in their order
        Task declared = InMemoryTasks.task("mem-d", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY,
                List.of("pos", "neg"));
        assertEquals(List.of("pos", "neg"), InMemoryTasks.data(declared, train, train, List.of()).labels());
        try (SubwordTokenizer tokenizer = SubwordTokenizer.builder().setTokenizerPath(WordTokenizer.write(
                dir.resolve("tokenizer.json"), List.of("john", "ran", "home", "new", "york", "won"))).build()) {
            assertEquals(tags.labels(), FeaturizedTask.featurize(tags, tokenizer, FeatureSettings.paper()).labels());
        }
    }

    /**
     * Task.load learns from every split read when none of {@code learnLabelsFrom}'s was (its
     * Javadoc); in memory an empty test split is not kept, so a task learning from test alone,
     * given none, learns from train and validation as a task whose test file is absent does.
     */
    @Test
    void noneOfTheSplitsToLearnFromGivenLearnsFromEveryGivenSplitAsFromFiles() {
        Task fromTest = Task.builder().setName("mem-t").setGroup(TaskGroup.C).setFormat(TaskFormat.SINGLE_TEXT)
                .setMetric(MetricType.ACCURACY).optLearnLabelsFrom(Set.of(Split.TEST))
                .setSource(InMemoryTasks.task("mem-t", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY,
                        List.of()).source())
                .build();
        List<TextExample> train = List.of(new TextExample("t0", "good", null, "pos"),
                new TextExample("t1", "bad", null, "neg"));
        List<TextExample> validation = List.of(new TextExample("v0", "meh", null, "neutral"));
        // sorted by code point: "neg" < "neutral" < "pos"
        assertEquals(List.of("neg", "neutral", "pos"), InMemoryTasks.data(fromTest, train, validation, List.of()).labels());
    }

    /**
     * The question whether a reader was built without {@code optLabel} is for data read from files;
     * in memory there is no reader, and the question sent the user looking for one.
     */
    @Test
    void unlabelledInMemorySplitsAreNotAskedAboutAReader(@TempDir Path dir) throws Exception {
        Task classifier = InMemoryTasks.task("mem-u", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY, List.of());
        List<TextExample> labelled = List.of(new TextExample("t0", "good", null, "pos"),
                new TextExample("t1", "bad", null, "neg"));
        List<TextExample> unlabelled = List.of(new TextExample("v0", "good", null, null),
                new TextExample("v1", "bad", null, null));
        try (SubwordTokenizer tokenizer = SubwordTokenizer.builder().setTokenizerPath(WordTokenizer.write(
                dir.resolve("tokenizer.json"), List.of("good", "bad"))).build()) {
            UnfeaturizableTaskException validation = assertThrows(UnfeaturizableTaskException.class,
                    () -> FeaturizedTask.featurize(InMemoryTasks.data(classifier, labelled, unlabelled, List.of()),
                            tokenizer, FeatureSettings.paper()));
            assertTrue(validation.getMessage().contains("none of its 2 validation examples has a label"),
                    validation.getMessage());
            assertFalse(validation.getMessage().contains("optLabel"), validation.getMessage());
            UnfeaturizableTaskException training = assertThrows(UnfeaturizableTaskException.class,
                    () -> FeaturizedTask.featurize(InMemoryTasks.data(classifier, unlabelled, labelled, List.of()),
                            tokenizer, FeatureSettings.paper()));
            assertTrue(training.getMessage().contains("none of its 2 training examples has a label"),
                    training.getMessage());
            assertFalse(training.getMessage().contains("optLabel"), training.getMessage());
        }
    }
}
