package io.github.prefine.examples.demo;

import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.pipeline.TaskDataSource;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.eval.metrics.MetricType;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link SyntheticSuite} as pipeline input: its tasks as {@link Task}s (sequence labelling
 * scored with span F1, classification with accuracy, QA with SQuAD F1) and their examples as an
 * in-memory {@link TaskDataSource}. Immutable.
 *
 * @param prefinetuning the pre-finetuning tasks, in suite order
 * @param targets the target tasks, in suite order
 * @param data the examples of every task
 */
public record SyntheticTaskSet(List<Task> prefinetuning, List<Task> targets, TaskDataSource data) {
    /**
     * Copies the lists.
     *
     * @param prefinetuning the pre-finetuning tasks, in suite order
     * @param targets the target tasks, in suite order
     * @param data the examples of every task
     */
    public SyntheticTaskSet {
        prefinetuning = List.copyOf(prefinetuning);
        targets = List.copyOf(targets);
    }

    /**
     * Adapts a suite.
     *
     * @param suite the suite
     * @return its tasks and data
     */
    public static SyntheticTaskSet of(SyntheticSuite suite) {
        List<Task> pre = new ArrayList<>();
        List<Task> tgt = new ArrayList<>();
        List<TaskData> data = new ArrayList<>();
        for (SyntheticSuite.SyntheticTask st : suite.tasks()) {
            TaskFormat format = switch (st.kind()) {
                case SL -> TaskFormat.TOKEN;
                case C_SINGLE -> TaskFormat.SINGLE_TEXT;
                case C_PAIR -> TaskFormat.TEXT_PAIR;
                case QA -> TaskFormat.QA;
            };
            MetricType metric = switch (st.kind()) {
                case SL -> MetricType.SPAN_F1;
                case C_SINGLE, C_PAIR -> MetricType.ACCURACY;
                case QA -> MetricType.SQUAD_F1;
            };
            Task task = InMemoryTasks.task(st.name(), TaskGroup.of(st.group()), format, metric, st.labels());
            (st.target() ? tgt : pre).add(task);
            data.add(InMemoryTasks.data(task, st.train(), st.validation(), st.target() ? st.test() : List.of()));
        }
        return new SyntheticTaskSet(pre, tgt, TaskDataSource.inMemory(data));
    }
}
