package io.github.prefine.core.train;

import io.github.prefine.core.task.Split;
import io.github.prefine.sampling.TaskSize;
import java.util.Arrays;
import java.util.List;

/**
 * Checks that a sampler given to the {@link Trainer} draws from the data's tasks and training
 * units: a {@link BatchSampler} is free-standing, so nothing else ties it to the batch source.
 */
final class SamplerChecks {
    private SamplerChecks() {}

    /**
     * Checks that a custom sampler drew only units the data has, before any step runs: a sampler
     * built over other task sizes would otherwise fail deep in the step with an index error.
     */
    static void checkPlan(List<SampledBatch> plan, int epoch, BatchSource data) {
        int[] sizes = new int[data.numTasks()];
        for (int t = 0; t < sizes.length; t++) {
            sizes[t] = data.size(t, Split.TRAIN);
        }
        for (int i = 0; i < plan.size(); i++) {
            int[] tasks = plan.get(i).tasks();
            int[] examples = plan.get(i).examples();
            for (int k = 0; k < tasks.length; k++) {
                int t = tasks[k];
                if (t < 0 || t >= sizes.length) {
                    throw new IllegalStateException("trainer: the sampler's batch " + i + " of epoch " + epoch
                            + " draws from task " + t + ", but the data has " + sizes.length + " tasks "
                            + data.taskNames() + "; build the sampler over the data's task sizes");
                }
                if (examples[k] < 0 || examples[k] >= sizes[t]) {
                    throw new IllegalStateException("trainer: the sampler's batch " + i + " of epoch " + epoch
                            + " draws training unit " + examples[k] + " of task " + data.taskNames().get(t)
                            + ", which has " + sizes[t] + "; build the sampler over the data's task sizes "
                            + Arrays.toString(sizes));
                }
            }
        }
    }

    /**
     * Refuses a {@link HeterogeneousBatchSampler} over other task sizes than the data's training
     * splits at build time, where its sizes are known.
     */
    static void checkSampler(BatchSampler sampler, BatchSource data, int[] trainSizes) {
        if (!(sampler instanceof HeterogeneousBatchSampler h)) {
            return;
        }
        List<TaskSize> sizes = h.sampler().taskSizes();
        boolean fits = sizes.size() == trainSizes.length;
        for (int t = 0; fits && t < trainSizes.length; t++) {
            fits = sizes.get(t).size() <= trainSizes[t];
        }
        if (!fits) {
            int[] found = sizes.stream().mapToInt(TaskSize::size).toArray();
            throw new IllegalArgumentException("trainer: the sampler draws from task sizes " + Arrays.toString(found)
                    + ", but the data's " + data.taskNames() + " have " + Arrays.toString(trainSizes)
                    + " training units; build it over the data's sizes, in the model's task order");
        }
    }
}
