package io.github.prefine.core.train;

import io.github.prefine.core.features.ChoiceFeatures;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.features.PaddedBatch;
import io.github.prefine.core.features.QaFeatures;
import io.github.prefine.core.features.TokenClassificationFeatures;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.model.TaskSlice;
import io.github.prefine.core.task.Split;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link BatchSource} over featurized task splits ({@link Features}): each task's units of a
 * heterogeneous batch are padded by their own featurizer, then all rows are re-padded to the
 * batch's longest row and stacked, task by task, into one grid; label arrays become task slices
 * (token labels re-padded with -100).
 *
 * <p>Holds only host arrays. Immutable after {@link Builder#build()}; thread-safe if the features
 * are.
 */
public final class FeatureBatchSource implements BatchSource {
    private static final int IGNORE = -100;

    private final List<Map<Split, Features>> tasks;
    private final boolean tokenTypes;

    private FeatureBatchSource(Builder b) {
        List<Map<Split, Features>> copy = new ArrayList<>();
        for (Map<Split, Features> m : b.tasks) {
            copy.add(new EnumMap<>(m));
        }
        this.tasks = List.copyOf(copy);
        this.tokenTypes = b.tokenTypes;
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public int numTasks() {
        return tasks.size();
    }

    @Override
    public int size(int task, Split split) {
        Features f = tasks.get(task).get(split);
        return f == null ? 0 : f.size();
    }

    @Override
    public MultiTaskBatch assemble(Split split, int[] taskIds, int[] units) {
        int n = tasks.size();
        int[] counts = new int[n];
        for (int t : taskIds) {
            counts[t]++;
        }
        PaddedBatch[] parts = new PaddedBatch[n];
        int[][] exampleIdx = new int[n][];
        int rows = 0;
        int seqLen = 1;
        for (int t = 0; t < n; t++) {
            if (counts[t] == 0) {
                continue;
            }
            int[] u = new int[counts[t]];
            int k = 0;
            for (int i = 0; i < taskIds.length; i++) {
                if (taskIds[i] == t) {
                    u[k++] = units[i];
                }
            }
            Features f = tasks.get(t).get(split);
            if (f == null) {
                throw new IllegalArgumentException("batch: task " + t + " has no " + split + " split");
            }
            parts[t] = f.batch(u);
            exampleIdx[t] = u;
            rows += parts[t].rows();
            seqLen = Math.max(seqLen, parts[t].seqLen());
        }
        long[] ids = new long[rows * seqLen];
        long[] mask = new long[rows * seqLen];
        long[] types = tokenTypes ? new long[rows * seqLen] : null;
        List<TaskSlice> slices = new ArrayList<>();
        int row = 0;
        for (int t = 0; t < n; t++) {
            PaddedBatch p = parts[t];
            if (p == null) {
                continue;
            }
            Features f = tasks.get(t).get(split);
            Arrays.fill(ids, row * seqLen, (row + p.rows()) * seqLen, f.tokens().padId());
            int[] taskRows = new int[p.rows()];
            for (int r = 0; r < p.rows(); r++) {
                System.arraycopy(p.inputIds(), r * p.seqLen(), ids, (row + r) * seqLen, p.seqLen());
                System.arraycopy(p.attentionMask(), r * p.seqLen(), mask, (row + r) * seqLen, p.seqLen());
                if (types != null) {
                    System.arraycopy(p.typeIds(), r * p.seqLen(), types, (row + r) * seqLen, p.seqLen());
                }
                taskRows[r] = row + r;
            }
            row += p.rows();
            slices.add(slice(t, f, p, exampleIdx[t], seqLen, taskRows));
        }
        return new MultiTaskBatch(rows, seqLen, ids, mask, types, slices);
    }

    private static TaskSlice slice(int t, Features f, PaddedBatch p, int[] units, int seqLen, int[] rows) {
        int e = units.length;
        if (f instanceof QaFeatures) {
            int[] labels = new int[2 * e];
            for (int i = 0; i < e; i++) {
                labels[2 * i] = (int) p.startPositions()[i];
                labels[2 * i + 1] = (int) p.endPositions()[i];
            }
            return new TaskSlice(t, rows, units, labels, new long[] {e, 2});
        }
        if (f instanceof TokenClassificationFeatures) {
            int[] labels = new int[e * seqLen];
            Arrays.fill(labels, IGNORE);
            for (int i = 0; i < e; i++) {
                for (int j = 0; j < p.seqLen(); j++) {
                    labels[i * seqLen + j] = (int) p.labels()[i * p.seqLen() + j];
                }
            }
            return new TaskSlice(t, rows, units, labels, new long[] {e, seqLen});
        }
        // classification and multiple choice: one label per unit; unlabelled (-1) is ignored
        int[] labels = new int[e];
        for (int i = 0; i < e; i++) {
            long l = p.labels()[i];
            labels[i] = l < 0 ? IGNORE : (int) l;
        }
        if (f instanceof ChoiceFeatures && rows.length != e * p.groupSize()) {
            throw new IllegalStateException("batch: choice rows " + rows.length + " != units " + e + " x " + p.groupSize());
        }
        return new TaskSlice(t, rows, units, labels, new long[] {e});
    }

    /** Builds a {@link FeatureBatchSource}; mutable, single-threaded. */
    public static final class Builder {
        private final List<Map<Split, Features>> tasks = new ArrayList<>();
        private boolean tokenTypes = true;

        private Builder() {}

        /**
         * Adds a task (at least one required), in the model's head order.
         *
         * @param splits the task's featurized splits; a missing split has size 0
         * @return this builder
         */
        public Builder addTask(Map<Split, ? extends Features> splits) {
            Objects.requireNonNull(splits, "splits");
            Map<Split, Features> m = new EnumMap<>(Split.class);
            splits.forEach((k, v) -> m.put(Objects.requireNonNull(k, "split"), Objects.requireNonNull(v, "features")));
            tasks.add(m);
            return this;
        }

        /**
         * Chooses whether batches carry token type ids; default true. Turn off for encoders with
         * one token type (RoBERTa, XLM-R: {@code type_vocab_size} 1).
         *
         * @param tokenTypes true to pass them
         * @return this builder
         */
        public Builder optTokenTypes(boolean tokenTypes) {
            this.tokenTypes = tokenTypes;
            return this;
        }

        /**
         * Builds the source.
         *
         * @return the source
         * @throws IllegalArgumentException if no task was added
         */
        public FeatureBatchSource build() {
            if (tasks.isEmpty()) {
                throw new IllegalArgumentException("feature batch source: at least one task is required");
            }
            return new FeatureBatchSource(this);
        }
    }
}
