package io.github.prefine.core.train;

import java.util.Objects;

/**
 * One batch as drawn by a sampler: parallel arrays of task index and example index.
 *
 * <p>No-copy contract: the arrays are kept as given and returned by the accessors; nobody may
 * modify them afterwards. Equality is identity.
 */
public final class SampledBatch {
    private final int[] tasks;
    private final int[] examples;

    /**
     * Creates a batch.
     *
     * @param tasks the task of each drawn example
     * @param examples the index of each example within its task's training split
     * @throws IllegalArgumentException if the lengths differ or the batch is empty
     */
    public SampledBatch(int[] tasks, int[] examples) {
        this.tasks = Objects.requireNonNull(tasks, "tasks");
        this.examples = Objects.requireNonNull(examples, "examples");
        if (tasks.length != examples.length || tasks.length == 0) {
            throw new IllegalArgumentException("sampled batch: needs as many tasks as examples, at least one, found "
                    + tasks.length + " and " + examples.length);
        }
    }

    /**
     * Returns the task of each example (not copied).
     *
     * @return task indices
     */
    public int[] tasks() {
        return tasks;
    }

    /**
     * Returns the example indices (not copied).
     *
     * @return example indices within each task's training split
     */
    public int[] examples() {
        return examples;
    }

    /**
     * Returns the number of examples.
     *
     * @return the batch size
     */
    public int size() {
        return tasks.length;
    }
}
