package io.github.prefine.core.train;

import com.google.common.collect.MapMaker;
import io.github.prefine.core.task.Split;
import io.github.prefine.sampling.TaskSize;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentMap;

/**
 * What the {@link Trainer} checks in its data before any step: training and validation examples
 * to learn and stop on, and a sampler that draws from the data's tasks and training units (a
 * {@link BatchSampler} is free-standing, so nothing else ties it to the batch source).
 */
final class DataChecks {
    /**
     * The samplers some trainer's {@code fit()} has drawn from, by identity and weakly held: a
     * sampler's state is its trainer's, so another trainer would start from a later epoch.
     */
    private static final ConcurrentMap<BatchSampler, Boolean> DRIVEN = new MapMaker().weakKeys().makeMap();

    private static final String DRIVEN_BY_ANOTHER = "trainer: the sampler given with optSampler was advanced by"
            + " another trainer's fit(), so this trainer would start from a later epoch's batches than its seed gives;"
            + " give each trainer a sampler of its own";

    private DataChecks() {}

    /**
     * Refuses, at the start of a trainer's {@code fit()}, a sampler that another trainer's {@code
     * fit()} drew from since this trainer was built with it, before anything is restored or drawn.
     *
     * @throws IllegalStateException if another trainer's {@code fit()} drives the sampler
     */
    static void checkNotDriven(BatchSampler sampler) {
        if (DRIVEN.containsKey(sampler)) {
            throw new IllegalStateException(DRIVEN_BY_ANOTHER);
        }
    }

    /**
     * Records that a trainer's {@code fit()} restores or draws from a sampler from now on: called
     * just before the first {@code restoreState} or {@code nextEpoch}, so that a fit() which fails
     * before (a checkpoint that cannot be read, settings that differ) leaves the sampler to the
     * next trainer.
     *
     * @throws IllegalStateException if another trainer's {@code fit()} drives the sampler
     */
    static void driving(BatchSampler sampler) {
        if (DRIVEN.putIfAbsent(sampler, Boolean.TRUE) != null) {
            throw new IllegalStateException(DRIVEN_BY_ANOTHER);
        }
    }

    /** Frees a sampler that a trainer claimed but left unchanged (it refused the checkpoint's state). */
    static void release(BatchSampler sampler) {
        DRIVEN.remove(sampler);
    }

    /** Each task's training units, in the data's task order. */
    private static int[] trainSizes(BatchSource data) {
        int[] s = new int[data.numTasks()];
        for (int t = 0; t < s.length; t++) {
            s[t] = data.size(t, Split.TRAIN);
        }
        return s;
    }

    /**
     * Refuses data the trainer cannot learn or stop on: no training examples, no validation
     * examples, a sampler over other sizes or one another trainer's {@code fit()} advanced, or
     * (with the default sampler, which draws from every task) a task without training examples.
     *
     * @param sampler the caller's sampler, or null for the default
     * @return each task's training units, in the data's task order: the trainer's default sampler
     *     draws from them and each epoch's plan is checked against them (the data is immutable)
     */
    static int[] checkData(BatchSource data, BatchSampler sampler) {
        int[] trainSizes = trainSizes(data);
        long train = Arrays.stream(trainSizes).asLongStream().sum();
        if (train == 0) {
            throw new IllegalArgumentException("trainer: no task of " + data.taskNames() + " has training examples;"
                    + " give at least one task training examples");
        }
        boolean validated = false;
        for (int t = 0; t < data.numTasks() && !validated; t++) {
            validated = data.size(t, Split.VALIDATION) > 0;
        }
        if (!validated) {
            // with no validation loss every epoch scores NaN, never improves, and early stopping
            // ended the run after patience epochs, reported as stopped early with no best epoch
            throw new IllegalArgumentException("trainer: no task of " + data.taskNames() + " has validation examples;"
                    + " early stopping and the best-epoch restore need the average validation loss; give at least one"
                    + " task validation examples (its validation file, or SeededSplit.of to split its training"
                    + " examples)");
        }
        if (sampler != null) {
            checkSampler(sampler, data, trainSizes);
        }
        for (int t = 0; sampler == null && t < trainSizes.length; t++) {
            if (trainSizes[t] <= 0) {
                throw new IllegalArgumentException("trainer: task " + data.taskNames().get(t) + " has no training"
                        + " examples, found " + trainSizes[t] + ", and the default sampler draws from every task;"
                        + " leave the task out or give a sampler with optSampler");
            }
        }
        return trainSizes;
    }

    /**
     * Checks that a custom sampler planned the batches it declared and drew only units the data
     * has, before any step runs: its {@code batchesPerEpoch()} sized the schedule, which another
     * count would decay to 0 early or never, and a sampler built over other task sizes would fail
     * deep in the step with an index error.
     */
    static void checkPlan(List<SampledBatch> plan, int epoch, int batchesPerEpoch, BatchSource data, int[] sizes) {
        if (plan.size() != batchesPerEpoch) {
            throw new IllegalStateException("trainer: the sampler planned " + plan.size() + " batches for epoch " + epoch
                    + ", but its batchesPerEpoch() is " + batchesPerEpoch + ", which sized the learning-rate schedule;"
                    + " a sampler must plan batchesPerEpoch() batches every epoch");
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
    private static void checkSampler(BatchSampler sampler, BatchSource data, int[] trainSizes) {
        if (DRIVEN.containsKey(sampler)) {
            throw new IllegalArgumentException(DRIVEN_BY_ANOTHER);
        }
        if (!(sampler instanceof HeterogeneousBatchSampler h)) {
            return;
        }
        List<TaskSize> sizes = h.sampler().taskSizes();
        List<String> names = sizes.stream().map(TaskSize::name).toList();
        // asked, not read off the names: a user's own tasks may be called task0, task1, ...
        boolean unnamed = !h.sampler().namedTasks(); // setTaskSizes(int...) and HeterogeneousBatchSampler.of
        if (!unnamed && !names.equals(data.taskNames())) {
            // sizes that fit would draw one task's batches as another's, whatever the names said
            throw new IllegalArgumentException("trainer: the sampler draws from tasks " + names + ", but the data's"
                    + " tasks are " + data.taskNames() + "; build it over the data's tasks, in the model's task order"
                    + " (HeterogeneousBatchSampler.of(tasks, settings))");
        }
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
