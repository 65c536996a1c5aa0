package io.github.prefine.core.pipeline;

import io.github.prefine.core.data.DatasetReader;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.ReadResult;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskSource;
import io.github.prefine.eval.metrics.MetricType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Tasks whose examples live in memory rather than in files: a {@link Task} with a placeholder
 * source (reading it fails with a message saying where the data is) and its {@link TaskData},
 * for {@link TaskDataSource#inMemory}. Stateless.
 *
 * <p>Stateless and thread-safe.
 */
public final class InMemoryTasks {
    private InMemoryTasks() {}

    /**
     * Defines an in-memory task.
     *
     * @param name the task name
     * @param group its group
     * @param format its format
     * @param metric its metric
     * @param labels its labels in head order; empty to learn them from the training examples that
     *     {@link #data} is given (the format's order, as from files), and for QA and multiple choice
     * @return the task
     */
    public static Task task(String name, TaskGroup group, TaskFormat format, MetricType metric, List<String> labels) {
        return Task.builder().setName(name).setGroup(group).setFormat(format).setMetric(metric).optLabels(labels)
                .setSource(TaskSource.builder().add(Split.TRAIN, "in-memory/" + name, new Placeholder<>(format.exampleType()))
                        .build())
                .build();
    }

    /**
     * Bundles a task's in-memory splits. A task that declares no labels (and has a format with a
     * label set) learns them from the splits of {@link Task#learnLabelsFrom()}, training by default,
     * or from every split given when none of those is (an empty test split counts as not given), as
     * {@link Task#load} learns them from files.
     *
     * @param task the task
     * @param train training examples
     * @param validation validation examples
     * @param test test examples, possibly empty
     * @return the data
     * @throws IllegalArgumentException if an example is not of the type the task's format takes
     *     ({@link TaskFormat#exampleType()}), naming its split, position and id, or if labels are
     *     learned and the format refuses one (a token tag without a prefix and a type), naming the
     *     task, the example and the label
     * @throws NullPointerException if an argument or an example is null, naming it
     */
    public static TaskData data(Task task, List<? extends Example> train, List<? extends Example> validation,
            List<? extends Example> test) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(test, "test");
        Map<Split, List<Example>> given = new EnumMap<>(Split.class);
        given.put(Split.TRAIN, new ArrayList<>(train));
        given.put(Split.VALIDATION, new ArrayList<>(validation));
        if (!test.isEmpty()) {
            given.put(Split.TEST, new ArrayList<>(test));
        }
        // checked (null and type) before labels are learned from them, where another type failed
        // with a ClassCastException naming no task or example
        Map<Split, List<Example>> splits = new TaskData(task, task.labels(), given, Map.of()).splits();
        List<String> labels = task.labels();
        if (labels.isEmpty() && task.format().hasLabelSet()) {
            // undeclared labels are learned from training, as Task.load learns them from the files
            List<List<Example>> from = new ArrayList<>();
            for (Split s : task.learnLabelsFrom()) {
                if (splits.containsKey(s)) {
                    from.add(splits.get(s));
                }
            }
            // none of them given (an empty test split is not kept): every split, as Task.load does
            try {
                labels = task.format().learnLabels(from.isEmpty() ? List.copyOf(splits.values()) : from);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("task " + task.name() + ": " + e.getMessage(), e);
            }
        }
        return new TaskData(task, labels, splits, Map.of());
    }

    private record Placeholder<E extends Example>(Class<E> exampleType) implements DatasetReader<E> {
        @Override
        public ReadResult<E> read(Path file, Leniency leniency, java.util.function.LongConsumer bytesRead)
                throws IOException {
            throw new IOException(file + ": this task is held in memory; load it through TaskDataSource.inMemory");
        }
    }

}
