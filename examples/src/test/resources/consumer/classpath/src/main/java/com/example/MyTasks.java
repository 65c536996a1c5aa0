package com.example;

import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskRegistry;
import io.github.prefine.sampling.Batch;
import io.github.prefine.sampling.BatchIterator;
import io.github.prefine.sampling.HeterogeneousSampler;
import java.util.List;

/** Picks a pre-finetuning group from the catalog and samples heterogeneous batches over it. */
public final class MyTasks {
    private MyTasks() {}

    /** Returns the names of the SL group's tasks and the task ids of the first batch. */
    public static String describe() {
        TaskRegistry registry = TaskRegistry.builder().registerAll(TaskCatalog.prefinetuning()).build();
        List<Task> sl = registry.tasks(TaskGroup.SL);
        HeterogeneousSampler sampler = HeterogeneousSampler.builder()
                .setTaskSizes(sl.stream().mapToInt(t -> 100).toArray()).setBatchSize(8).optSeed(42).build();
        BatchIterator it = sampler.iterator();
        Batch first = it.next();
        return sl.size() + " SL tasks, " + registry.combinations().size() + " combinations, first batch of "
                + first.size() + " over " + sampler.batchesPerEpoch() + " batches per epoch";
    }

    /**
     * Prints the description.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        System.out.println(describe());
    }
}
