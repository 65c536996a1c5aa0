package io.github.prefine.core.train;

import io.github.prefine.eval.internal.Counts;
import java.util.Objects;

/**
 * One batch as drawn by a sampler: parallel arrays of task index and example index, grouped by
 * task in increasing task order, with the tasks present.
 *
 * <p>The grouping is done once, when the batch is made ({@link #grouped} uses counts the sampler
 * already has), so neither the batch source nor the trainer groups again. Within a task, examples
 * keep the order they were drawn in.
 *
 * <p>No-copy contract: the arrays are kept as given and returned by the accessors; nobody may
 * modify them afterwards. Equality is identity.
 *
 * <p>Safe to read from several threads under that contract.
 */
public final class SampledBatch {
    private final int[] tasks;
    private final int[] examples;
    private final int[] present;

    private SampledBatch(int[][] grouped) {
        this.tasks = grouped[0];
        this.examples = grouped[1];
        this.present = grouped[2];
    }

    /**
     * Creates a batch from draws in any order, grouping them by task (stable within a task).
     *
     * @param tasks the task of each drawn example
     * @param examples the index of each example within its task's training split
     * @throws IllegalArgumentException if the lengths differ, the batch is empty or a task is negative
     */
    public SampledBatch(int[] tasks, int[] examples) {
        this(group(tasks, examples, counts(tasks)));
    }

    /**
     * Groups draws by task with per-task counts known in advance (as the sampler's batches carry
     * them), so no pass counts again.
     *
     * @param tasks the task of each drawn example
     * @param examples the index of each example within its task's split
     * @param counts how many draws each task has, indexed by task
     * @return the grouped batch
     * @throws IllegalArgumentException if the lengths differ, the batch is empty, a task is negative
     *     or beyond the counts, or a task's count is not its number of draws
     */
    public static SampledBatch grouped(int[] tasks, int[] examples, int[] counts) {
        return new SampledBatch(group(tasks, examples, counts));
    }

    private static int[] counts(int[] tasks) {
        Objects.requireNonNull(tasks, "tasks");
        int max = -1;
        for (int t : tasks) {
            if (t < 0) {
                throw new IllegalArgumentException("sampled batch: task index must be >= 0, found " + t);
            }
            max = Math.max(max, t);
        }
        int[] c = new int[max + 1];
        for (int t : tasks) {
            c[t]++;
        }
        return c;
    }

    /** A stable counting sort by task: {grouped tasks, grouped examples, tasks present}. */
    private static int[][] group(int[] tasks, int[] examples, int[] counts) {
        Objects.requireNonNull(tasks, "tasks");
        Objects.requireNonNull(examples, "examples");
        if (tasks.length != examples.length || tasks.length == 0) {
            throw new IllegalArgumentException("sampled batch: needs as many tasks as examples, at least one, found "
                    + tasks.length + " and " + examples.length);
        }
        // counts that only sum right would let two draws share a slot and leave another empty
        int[] drawn = new int[counts.length];
        for (int t : tasks) {
            if (t < 0) {
                throw new IllegalArgumentException("sampled batch: task index must be >= 0, found " + t);
            }
            if (t >= counts.length) {
                throw new IllegalArgumentException("sampled batch: task " + t + " is drawn, but the counts cover tasks 0 to "
                        + (counts.length - 1) + " only");
            }
            drawn[t]++;
        }
        for (int t = 0; t < counts.length; t++) {
            if (drawn[t] != counts[t]) {
                throw new IllegalArgumentException("sampled batch: task " + t + " has "
                        + Counts.counted(drawn[t], "draw") + ", but its count says " + counts[t]);
            }
        }
        int[] next = new int[counts.length];
        int n = 0;
        int k = 0;
        for (int t = 0; t < counts.length; t++) {
            next[t] = n;
            n += counts[t];
            k += counts[t] > 0 ? 1 : 0;
        }
        int[] present = new int[k];
        k = 0;
        for (int t = 0; t < counts.length; t++) {
            if (counts[t] > 0) {
                present[k++] = t;
            }
        }
        int[] gt = new int[n];
        int[] ge = new int[n];
        for (int i = 0; i < n; i++) {
            int p = next[tasks[i]]++;
            gt[p] = tasks[i];
            ge[p] = examples[i];
        }
        return new int[][] {gt, ge, present};
    }

    /**
     * Returns the task of each example, grouped by task (not copied).
     *
     * @return task indices, non-decreasing
     */
    public int[] tasks() {
        return tasks;
    }

    /**
     * Returns the example indices, in the order of {@link #tasks()} (not copied).
     *
     * @return example indices within each task's training split
     */
    public int[] examples() {
        return examples;
    }

    /**
     * Returns the tasks present, in increasing order (not copied).
     *
     * @return distinct task indices
     */
    public int[] presentTasks() {
        return present;
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
