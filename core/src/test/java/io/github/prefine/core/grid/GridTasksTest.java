package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.ModelFamily;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.pipeline.TaskDataSource;
import io.github.prefine.core.pipeline.WordTokenizer;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.eval.metrics.MetricType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which failures {@link GridTasks#featurizable} turns into a left-out task, and which it lets through. */
class GridTasksTest {
    private static final Task TASK = InMemoryTasks.task("c-task", TaskGroup.C, TaskFormat.SINGLE_TEXT,
            MetricType.ACCURACY, List.of("no", "yes"));

    private static GridTasks tasks(Path dir, TaskDataSource data) throws Exception {
        Path encoder = Files.createDirectories(dir.resolve("encoder"));
        WordTokenizer.write(encoder.resolve(EncoderCheckpoint.TOKENIZER_FILE), List.of("a", "b", "x"));
        EncoderConfig config = EncoderConfig.builder().setModelType(ModelFamily.BERT).setVocabSize(7).setHiddenSize(8)
                .setNumHiddenLayers(1).setNumAttentionHeads(2).setIntermediateSize(16).build();
        return new GridTasks(encoder, config, data, List.of(TASK), new FeatureSettings(48, 48, 8, 0, 0, 1L));
    }

    /** A source whose loading fails with the given exception, as a bug in a user's data source would. */
    private static TaskDataSource failingWith(RuntimeException bug) {
        return new TaskDataSource() {
            @Override
            public List<String> missing(Task task) {
                return List.of();
            }

            @Override
            public TaskData load(Task task) {
                throw bug;
            }
        };
    }

    @Test
    void aBugThrowingIllegalArgumentIsNotReportedAsAnUnfeaturizableTask(@TempDir Path dir) throws Exception {
        IllegalArgumentException bug = new IllegalArgumentException("index 3 out of range for a list of 2");
        try (GridTasks tasks = tasks(dir, failingWith(bug))) {
            // before: the task was left out as "cannot be featurized: index 3 out of range ..." and the run went on
            assertSame(bug, assertThrows(IllegalArgumentException.class, () -> tasks.featurizable(TASK)));
        }
    }

    @Test
    void aTaskTooSmallToHoldOutValidationIsReportedAsUnfeaturizable(@TempDir Path dir) throws Exception {
        // 2 training examples and no validation split: a 4:1 hold-out takes round(2 / 5) = 0 of them
        TaskData tiny = InMemoryTasks.data(TASK, List.of(new TextExample("t0", "a x", null, "yes"),
                new TextExample("t1", "b", null, "no")), List.of(), List.of());
        try (GridTasks tasks = tasks(dir, TaskDataSource.inMemory(List.of(tiny)))) {
            List<String> why = tasks.featurizable(TASK);
            assertEquals(List.of("cannot be featurized: task c-task: no validation split, and its 2 training examples"
                    + " are too few to hold out a fifth (at least 3 are needed)"), why);
            assertEquals(why, tasks.featurizable(TASK), "the reason is remembered");
        }
    }
}
