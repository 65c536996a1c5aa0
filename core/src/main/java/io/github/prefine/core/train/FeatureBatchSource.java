package io.github.prefine.core.train;

import io.github.prefine.core.features.Features;
import io.github.prefine.core.features.PaddedBatch;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.model.TaskSlice;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link BatchSource} over a {@link TaskSet}: task {@code t} is the set's {@code t}-th task, as
 * it is the model's when the model is built from the same set.
 *
 * <p>A batch is padded once: the longest row over all its tasks fixes the width, each task's
 * units are padded to it by their own features, and their rows are stacked task by task into one
 * grid; each task's labels are laid out by its format ({@link TaskFormat#batchLabels}).
 *
 * <p>Holds only host arrays. Immutable; thread-safe.
 */
public final class FeatureBatchSource implements BatchSource {
    private final TaskSet tasks;
    private final boolean tokenTypes;

    private FeatureBatchSource(TaskSet tasks, boolean tokenTypes) {
        this.tasks = Objects.requireNonNull(tasks, "tasks");
        this.tokenTypes = tokenTypes;
    }

    /**
     * Serves a task set's batches, with segment ids (the model drops them for encoders with one
     * token type).
     *
     * @param tasks the tasks, in the model's order
     * @return the source
     */
    public static FeatureBatchSource of(TaskSet tasks) {
        return new FeatureBatchSource(tasks, true);
    }

    /**
     * Returns a source like this one whose batches carry no segment ids, for callers that feed
     * the batches to an encoder outside {@code MultiHeadModel}.
     *
     * @return the source
     */
    public FeatureBatchSource withoutTokenTypes() {
        return new FeatureBatchSource(tasks, false);
    }

    /**
     * Returns the task set.
     *
     * @return the tasks
     */
    public TaskSet tasks() {
        return tasks;
    }

    @Override
    public int numTasks() {
        return tasks.size();
    }

    @Override
    public List<String> taskNames() {
        return tasks.names();
    }

    @Override
    public int size(int task, Split split) {
        Features f = tasks.get(task).features().get(split);
        return f == null ? 0 : f.size();
    }

    @Override
    public int rowLength(int task, Split split, int example) {
        return features(task, split).longestRow(new int[] {example});
    }

    /**
     * {@inheritDoc}
     *
     * <p>Examples grouped by task in increasing order (as {@link SampledBatch} holds them) are
     * taken run by run; any other order is grouped first.
     *
     * @throws IllegalArgumentException if the arrays differ in length, or a task or unit index is
     *     out of range, naming it
     * @throws NullPointerException if an argument is null, naming it
     */
    @Override
    public MultiTaskBatch assemble(Split split, int[] taskIds, int[] units) {
        checkUnits(split, taskIds, units);
        if (!isGrouped(taskIds)) {
            SampledBatch g = new SampledBatch(taskIds, units);
            taskIds = g.tasks();
            units = g.examples();
        }
        // runs of one task: [runStart[k], runStart[k + 1])
        List<int[]> runUnits = new ArrayList<>();
        List<Integer> runTask = new ArrayList<>();
        int seqLen = 1;
        for (int from = 0; from < taskIds.length;) {
            int t = taskIds[from];
            int to = from;
            while (to < taskIds.length && taskIds[to] == t) {
                to++;
            }
            int[] u = java.util.Arrays.copyOfRange(units, from, to);
            seqLen = Math.max(seqLen, features(t, split).longestRow(u));
            runUnits.add(u);
            runTask.add(t);
            from = to;
        }
        PaddedBatch[] parts = new PaddedBatch[runTask.size()];
        int rows = 0;
        for (int k = 0; k < parts.length; k++) {
            parts[k] = features(runTask.get(k), split).batch(runUnits.get(k), seqLen);
            rows += parts[k].rows();
        }
        List<TaskSlice> slices = new ArrayList<>(parts.length);
        if (parts.length == 1) {
            PaddedBatch p = parts[0];
            slices.add(slice(runTask.get(0), p, runUnits.get(0), 0));
            return new MultiTaskBatch(rows, seqLen, p.inputIds(), p.attentionMask(), tokenTypes ? p.typeIds() : null,
                    slices);
        }
        long[] ids = new long[rows * seqLen];
        long[] mask = new long[rows * seqLen];
        long[] types = tokenTypes ? new long[rows * seqLen] : null;
        int row = 0;
        for (int k = 0; k < parts.length; k++) {
            PaddedBatch p = parts[k];
            int n = p.rows() * seqLen;
            System.arraycopy(p.inputIds(), 0, ids, row * seqLen, n);
            System.arraycopy(p.attentionMask(), 0, mask, row * seqLen, n);
            if (types != null) {
                System.arraycopy(p.typeIds(), 0, types, row * seqLen, n);
            }
            slices.add(slice(runTask.get(k), p, runUnits.get(k), row));
            row += p.rows();
        }
        return new MultiTaskBatch(rows, seqLen, ids, mask, types, slices);
    }

    private TaskSlice slice(int task, PaddedBatch p, int[] units, int firstRow) {
        int[] rows = new int[p.rows()];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = firstRow + r;
        }
        FeaturizedTask ft = tasks.get(task);
        return new TaskSlice(task, rows, units, ft.task().format().batchLabels(p));
    }

    /**
     * Refuses indices the features do not have: a units array shorter than the tasks' was padded
     * with unit 0 by the run split, and an index past a split's end failed inside its arrays.
     */
    private void checkUnits(Split split, int[] taskIds, int[] units) {
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(taskIds, "taskIds");
        Objects.requireNonNull(units, "units");
        if (taskIds.length != units.length) {
            throw new IllegalArgumentException("batch: one task index per unit, found " + taskIds.length
                    + " task indices and " + units.length + " units");
        }
        for (int i = 0; i < taskIds.length; i++) {
            int t = taskIds[i];
            if (t < 0 || t >= tasks.size()) {
                throw new IllegalArgumentException("batch: entry " + i + ": task " + t + " is out of range [0, "
                        + tasks.size() + ") of " + tasks.names());
            }
            int n = size(t, split);
            if (units[i] < 0 || units[i] >= n) {
                throw new IllegalArgumentException("batch: entry " + i + ": unit " + units[i] + " of task "
                        + tasks.get(t).name() + " is out of range [0, " + n + ") of its " + split + " split");
            }
        }
    }

    private Features features(int task, Split split) {
        Features f = tasks.get(task).features().get(split);
        if (f == null) {
            throw new IllegalArgumentException("batch: task " + tasks.get(task).name() + " has no " + split + " split");
        }
        return f;
    }

    private static boolean isGrouped(int[] taskIds) {
        for (int i = 1; i < taskIds.length; i++) {
            if (taskIds[i] < taskIds[i - 1]) {
                return false;
            }
        }
        return true;
    }
}
