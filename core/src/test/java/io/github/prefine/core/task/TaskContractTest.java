package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.eval.metrics.MetricType;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What {@link Task.Builder#build()}, {@link TaskData} and {@link TaskSet#of} accept, as a user
 * defining tasks in memory meets them: a contradiction is refused where it is made, not in the
 * featurizer or after training.
 */
class TaskContractTest {
    /**
     * The metrics each format can be scored with, from the Evaluator's contracts: a tagger's score
     * calls evaluateTags (SPAN_F1 only), classifiers and choices evaluateLabels (ACCURACY,
     * BINARY_F1, MACRO_F1), QA evaluateAnswers (SQUAD_F1, SQUAD_EM); each throws for any other.
     */
    private static final Map<TaskFormat, Set<MetricType>> SCORABLE = Map.of(
            TaskFormat.TOKEN, EnumSet.of(MetricType.SPAN_F1),
            TaskFormat.SINGLE_TEXT, EnumSet.of(MetricType.ACCURACY, MetricType.BINARY_F1, MetricType.MACRO_F1),
            TaskFormat.TEXT_PAIR, EnumSet.of(MetricType.ACCURACY, MetricType.BINARY_F1, MetricType.MACRO_F1),
            TaskFormat.CHOICE, EnumSet.of(MetricType.ACCURACY, MetricType.BINARY_F1, MetricType.MACRO_F1),
            TaskFormat.QA, EnumSet.of(MetricType.SQUAD_F1, MetricType.SQUAD_EM));

    /**
     * How a message names each format: as the caller wrote it, not as the record prints itself
     * ({@code SequenceClassification[pair=false]} named no constant a user had typed).
     */
    private static final Map<TaskFormat, String> WRITTEN = Map.of(
            TaskFormat.TOKEN, "token (TaskFormat.TOKEN)",
            TaskFormat.SINGLE_TEXT, "text (TaskFormat.SINGLE_TEXT)",
            TaskFormat.TEXT_PAIR, "text-pair (TaskFormat.TEXT_PAIR)",
            TaskFormat.CHOICE, "choice (TaskFormat.CHOICE)",
            TaskFormat.QA, "qa (TaskFormat.QA)");

    @Test
    void aMetricTheFormatCannotScoreIsRefusedWhenTheTaskIsBuilt() {
        // a tagger with SQUAD_F1 was accepted, trained, and failed only when scored:
        // "evaluateTags needs SPAN_F1, found SQUAD_F1"
        for (Map.Entry<TaskFormat, Set<MetricType>> e : SCORABLE.entrySet()) {
            TaskFormat format = e.getKey();
            for (MetricType metric : MetricType.values()) {
                if (e.getValue().contains(metric)) {
                    assertEquals(metric, InMemoryTasks.task("t", TaskGroup.SL, format, metric, List.of()).metric());
                } else {
                    IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                            () -> InMemoryTasks.task("t", TaskGroup.SL, format, metric, List.of()));
                    assertEquals("t: format " + WRITTEN.get(format) + " is scored with one of " + e.getValue() + ", found metric "
                            + metric, x.getMessage());
                }
            }
            assertEquals(e.getValue(), format.metrics());
        }
        // every catalogued task still builds
        assertEquals(TaskCatalog.all().size(), TaskCatalog.all().stream()
                .filter(t -> t.format().metrics().contains(t.metric())).count());
    }

    @Test
    void anExampleOfAnotherFormatIsRefusedWhenTheDataIsMade() {
        Task tagger = InMemoryTasks.task("tags", TaskGroup.SL, TaskFormat.TOKEN, MetricType.SPAN_F1, List.of("O"));
        List<TokenExample> sentences = List.of(new TokenExample("s0", List.of("a"), List.of("O")));
        List<TextExample> texts = List.of(new TextExample("p0", "a", "b", "yes"));
        // accepted before (the parameter is List<? extends Example>) and failed in featurization with a cast
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InMemoryTasks.data(tagger, sentences, texts, List.of()));
        assertEquals("task tags: VALIDATION example 0 (p0) is a TextExample, format TokenClassification[] needs"
                + " TokenExample", e.getMessage());
        assertEquals(1, InMemoryTasks.data(tagger, sentences, sentences, List.of()).split(Split.TRAIN).size());
    }

    @Test
    void nullsAreNamed() {
        NullPointerException labels = assertThrows(NullPointerException.class,
                () -> InMemoryTasks.task("x", TaskGroup.SL, TaskFormat.TOKEN, MetricType.SPAN_F1, null));
        assertEquals("labels", labels.getMessage());
        List<FeaturizedTask> withNull = Arrays.asList((FeaturizedTask) null);
        NullPointerException set = assertThrows(NullPointerException.class, () -> TaskSet.of(withNull));
        assertEquals("task set: task 0 is null", set.getMessage());
    }
}
