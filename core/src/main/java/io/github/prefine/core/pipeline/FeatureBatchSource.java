package io.github.prefine.core.pipeline;

import io.github.prefine.core.features.ChoiceFeatures;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.features.PaddedBatch;
import io.github.prefine.core.features.QaFeatures;
import io.github.prefine.core.features.TokenClassificationFeatures;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.model.TaskSlice;
import io.github.prefine.core.train.BatchSource;
import io.github.prefine.core.train.Split;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The trainer's view of featurized tasks: task {@code t} is the {@code t}-th {@link
 * FeaturizedTask}, a unit is a feature unit (a row, a QA window, or a multiple-choice example with
 * all its rows), and a batch puts every task's rows on one padded grid.
 *
 * <p>Labels per slice follow {@link TaskSlice}: {@code [examples]} for classification and choice,
 * {@code [examples, seqLen]} for sequence labelling (-100 on ignored positions and padding),
 * {@code [examples, 2]} (start, end) for QA. Unlabelled examples get -100, so they add nothing to
 * the loss. Holds no native memory; immutable and thread-safe.
 */
public final class FeatureBatchSource implements BatchSource {
    private final List<FeaturizedTask> tasks;
    private final boolean tokenTypes;
    private final int padId;

    /**
     * Creates a source.
     *
     * @param tasks the tasks, in the model's head order; all featurized with one tokenizer
     * @param tokenTypes true to pass segment ids to the encoder (BERT), false for encoders with one
     *     token type (RoBERTa, XLM-R)
     * @throws IllegalArgumentException if there is no task
     */
    public FeatureBatchSource(List<FeaturizedTask> tasks, boolean tokenTypes) {
        this.tasks = List.copyOf(tasks);
        if (this.tasks.isEmpty()) {
            throw new IllegalArgumentException("batch source: at least one task is required");
        }
        this.tokenTypes = tokenTypes;
        this.padId = this.tasks.get(0).features().get(Split.TRAIN).tokens().padId();
    }

    /**
     * Returns the tasks in head order.
     *
     * @return the tasks
     */
    public List<FeaturizedTask> tasks() {
        return tasks;
    }

    @Override
    public int numTasks() {
        return tasks.size();
    }

    @Override
    public int size(int task, Split split) {
        Features f = tasks.get(task).features().get(split);
        return f == null ? 0 : f.size();
    }

    @Override
    public MultiTaskBatch assemble(Split split, int[] taskOf, int[] units) {
        Objects.requireNonNull(split, "split");
        if (taskOf.length != units.length || taskOf.length == 0) {
            throw new IllegalArgumentException("batch source: tasks and units must have the same positive length, found "
                    + taskOf.length + " and " + units.length);
        }
        int n = tasks.size();
        int[] counts = new int[n];
        for (int t : taskOf) {
            counts[t]++;
        }
        int[][] unitsOf = new int[n][];
        for (int t = 0; t < n; t++) {
            unitsOf[t] = new int[counts[t]];
        }
        int[] fill = new int[n];
        for (int i = 0; i < taskOf.length; i++) {
            unitsOf[taskOf[i]][fill[taskOf[i]]++] = units[i];
        }
        PaddedBatch[] parts = new PaddedBatch[n];
        int rows = 0;
        int seqLen = 1;
        for (int t = 0; t < n; t++) {
            if (counts[t] == 0) {
                continue;
            }
            Features f = tasks.get(t).features().get(split);
            if (f == null) {
                throw new IllegalArgumentException("batch source: task " + tasks.get(t).name() + " has no " + split + " split");
            }
            parts[t] = f.batch(unitsOf[t]);
            rows += parts[t].rows();
            seqLen = Math.max(seqLen, parts[t].seqLen());
        }
        long[] ids = new long[rows * seqLen];
        long[] types = tokenTypes ? new long[rows * seqLen] : null;
        long[] mask = new long[rows * seqLen];
        Arrays.fill(ids, padId);
        List<TaskSlice> slices = new ArrayList<>();
        int row = 0;
        for (int t = 0; t < n; t++) {
            PaddedBatch b = parts[t];
            if (b == null) {
                continue;
            }
            int[] rowIdx = new int[b.rows()];
            for (int r = 0; r < b.rows(); r++) {
                System.arraycopy(b.inputIds(), r * b.seqLen(), ids, (row + r) * seqLen, b.seqLen());
                System.arraycopy(b.attentionMask(), r * b.seqLen(), mask, (row + r) * seqLen, b.seqLen());
                if (types != null) {
                    System.arraycopy(b.typeIds(), r * b.seqLen(), types, (row + r) * seqLen, b.seqLen());
                }
                rowIdx[r] = row + r;
            }
            row += b.rows();
            slices.add(slice(t, tasks.get(t).features().get(split), b, rowIdx, unitsOf[t], seqLen));
        }
        return new MultiTaskBatch(rows, seqLen, ids, mask, types, slices);
    }

    private static TaskSlice slice(int t, Features f, PaddedBatch b, int[] rows, int[] units, int seqLen) {
        int k = units.length;
        if (f instanceof QaFeatures) {
            int[] labels = new int[k * 2];
            for (int i = 0; i < k; i++) {
                labels[2 * i] = (int) b.startPositions()[i];
                labels[2 * i + 1] = (int) b.endPositions()[i];
            }
            return new TaskSlice(t, rows, units, labels, new long[] {k, 2});
        }
        if (f instanceof TokenClassificationFeatures) {
            int[] labels = new int[k * seqLen];
            Arrays.fill(labels, -100);
            for (int i = 0; i < k; i++) {
                for (int p = 0; p < b.seqLen(); p++) {
                    labels[i * seqLen + p] = (int) b.labels()[i * b.seqLen() + p];
                }
            }
            return new TaskSlice(t, rows, units, labels, new long[] {k, seqLen});
        }
        // classification and choice: one label per unit; -1 (unlabelled) becomes ignored
        int[] labels = new int[k];
        for (int i = 0; i < k; i++) {
            long v = b.labels()[i];
            labels[i] = v < 0 ? -100 : (int) v;
        }
        assert f instanceof ChoiceFeatures || b.groupSize() == 1;
        return new TaskSlice(t, rows, units, labels, new long[] {k});
    }
}
