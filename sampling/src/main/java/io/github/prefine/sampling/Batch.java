package io.github.prefine.sampling;

import java.util.Arrays;

/**
 * One heterogeneous batch: for each position, the task it comes from and the example's index
 * within that task, plus how many positions each task holds.
 *
 * <p>Positions are in the order the sampler chose (for {@link SamplingStrategy#PROPORTIONAL}, the
 * shuffled pooled order); task ids are indices into the sampler's {@link
 * HeterogeneousSampler#taskSizes()} list and example indices lie in {@code [0, size)} of that task.
 *
 * <p>Immutable and thread-safe. Accessors by position read the primitive arrays without boxing;
 * the {@code copy…} methods return fresh arrays the caller owns. Equality compares the epoch, the
 * batch index and every position.
 */
public final class Batch {
    private final int epoch;
    private final int index;
    private final int[] taskIds;
    private final int[] exampleIndices;
    private final int[] taskCounts;

    /**
     * Wraps arrays that the sampler has just filled and hands over; they are not copied, and the
     * sampler keeps no reference.
     */
    Batch(int epoch, int index, int[] taskIds, int[] exampleIndices, int[] taskCounts) {
        this.epoch = epoch;
        this.index = index;
        this.taskIds = taskIds;
        this.exampleIndices = exampleIndices;
        this.taskCounts = taskCounts;
    }

    /**
     * Returns the epoch this batch belongs to, counted from 0.
     *
     * @return the epoch
     */
    public int epoch() {
        return epoch;
    }

    /**
     * Returns the position of this batch within its epoch, counted from 0.
     *
     * @return the batch index
     */
    public int index() {
        return index;
    }

    /**
     * Returns the number of examples in the batch.
     *
     * @return the batch size; smaller than the configured size only for a kept last partial batch
     */
    public int size() {
        return taskIds.length;
    }

    /**
     * Returns the number of tasks of the sampler, so the length of {@link #copyTaskCounts()}.
     *
     * @return the task count
     */
    public int numTasks() {
        return taskCounts.length;
    }

    /**
     * Returns the task of one position.
     *
     * @param position the position, in {@code [0, size())}
     * @return the task id
     * @throws IndexOutOfBoundsException if the position is out of range
     */
    public int taskId(int position) {
        return taskIds[position];
    }

    /**
     * Returns the example index, within its task, of one position.
     *
     * @param position the position, in {@code [0, size())}
     * @return the example index
     * @throws IndexOutOfBoundsException if the position is out of range
     */
    public int exampleIndex(int position) {
        return exampleIndices[position];
    }

    /**
     * Returns how many positions of this batch come from one task.
     *
     * @param task the task id, in {@code [0, numTasks())}
     * @return the count, possibly 0
     * @throws IndexOutOfBoundsException if the task id is out of range
     */
    public int taskCount(int task) {
        return taskCounts[task];
    }

    /**
     * Returns a fresh copy of the task ids, one per position.
     *
     * @return an array of length {@link #size()}
     */
    public int[] copyTaskIds() {
        return taskIds.clone();
    }

    /**
     * Returns a fresh copy of the example indices, one per position.
     *
     * @return an array of length {@link #size()}
     */
    public int[] copyExampleIndices() {
        return exampleIndices.clone();
    }

    /**
     * Returns a fresh copy of the per-task counts.
     *
     * @return an array of length {@link #numTasks()} summing to {@link #size()}
     */
    public int[] copyTaskCounts() {
        return taskCounts.clone();
    }

    /**
     * Returns the example indices of one task, in position order; handy for running each task's
     * head on its own slice.
     *
     * @param task the task id, in {@code [0, numTasks())}
     * @return a fresh array of length {@code taskCount(task)}
     * @throws IndexOutOfBoundsException if the task id is out of range
     */
    public int[] exampleIndicesOf(int task) {
        int[] out = new int[taskCounts[task]];
        int k = 0;
        for (int p = 0; p < taskIds.length; p++) {
            if (taskIds[p] == task) {
                out[k++] = exampleIndices[p];
            }
        }
        return out;
    }

    /**
     * Returns the positions that hold one task, in increasing order.
     *
     * @param task the task id, in {@code [0, numTasks())}
     * @return a fresh array of length {@code taskCount(task)}
     * @throws IndexOutOfBoundsException if the task id is out of range
     */
    public int[] positionsOf(int task) {
        int[] out = new int[taskCounts[task]];
        int k = 0;
        for (int p = 0; p < taskIds.length; p++) {
            if (taskIds[p] == task) {
                out[k++] = p;
            }
        }
        return out;
    }

    /**
     * Compares epoch, index, task ids and example indices.
     *
     * @param o the other object
     * @return true when both batches are position-for-position equal
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Batch other)) {
            return false;
        }
        return epoch == other.epoch
                && index == other.index
                && Arrays.equals(taskIds, other.taskIds)
                && Arrays.equals(exampleIndices, other.exampleIndices);
    }

    /**
     * Hashes the same fields as {@link #equals(Object)}.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        int h = 31 * epoch + index;
        h = 31 * h + Arrays.hashCode(taskIds);
        return 31 * h + Arrays.hashCode(exampleIndices);
    }

    /**
     * Summarises the batch (epoch, index, size and per-task counts), without the positions.
     *
     * @return a short description
     */
    @Override
    public String toString() {
        return "Batch{epoch=" + epoch + ", index=" + index + ", size=" + size()
                + ", taskCounts=" + Arrays.toString(taskCounts) + "}";
    }
}
