package io.github.prefine.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import io.github.prefine.core.features.LengthOrder;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.task.Split;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Forward passes without dropout over whole splits, one task at a time: losses and logits. The
 * examples run shortest first ({@link LengthOrder}), so that each batch pads little, and their
 * logits come back in index order. Each pass reads the parameters through one store from {@code
 * stores}, so that it runs in the training's precision with one 16-bit cast per pass, not one per
 * batch.
 */
final class Evaluation {
    private final MultiHeadModel model;
    private final BatchSource data;
    private final int batchSize;
    private final Function<NDManager, ParameterStore> stores;
    private final List<TrainingListener> listeners;

    Evaluation(MultiHeadModel model, BatchSource data, int batchSize, Function<NDManager, ParameterStore> stores,
            List<TrainingListener> listeners) {
        this.model = model;
        this.data = data;
        this.batchSize = batchSize;
        this.stores = stores;
        this.listeners = listeners;
    }

    /** Tells the listeners how far a pass has come; {@code start} is its {@code System.nanoTime()}. */
    private void report(EvaluationProgress.Pass pass, int task, Split split, long done, long total, long start) {
        if (listeners.isEmpty()) {
            return;
        }
        EvaluationProgress p = new EvaluationProgress(pass, model.taskNames().get(task), split, done, total,
                (System.nanoTime() - start) / 1e9);
        listeners.forEach(l -> l.onEvaluation(p));
    }

    /** Each task's mean validation loss, NaN for a task without validation examples. */
    double[] validationLosses(NDManager parent) {
        double[] out = new double[model.numTasks()];
        try (NDManager sm = parent.newSubManager()) {
            ParameterStore ps = stores.apply(sm);
            NDArray[] sums = new NDArray[out.length];
            long start = System.nanoTime();
            long total = 0;
            int first = -1;
            for (int t = 0; t < out.length; t++) {
                total += data.size(t, Split.VALIDATION);
                first = first < 0 && data.size(t, Split.VALIDATION) > 0 ? t : first;
            }
            if (total > 0) {
                report(EvaluationProgress.Pass.VALIDATION_LOSS, first, Split.VALIDATION, 0, total, start);
            }
            long done = 0;
            for (int t = 0; t < out.length; t++) {
                int n = data.size(t, Split.VALIDATION);
                int[] order = lengthOrder(t, Split.VALIDATION);
                for (int from = 0; from < n; from += batchSize) {
                    int to = Math.min(n, from + batchSize);
                    try (NDManager bm = sm.newSubManager()) {
                        MultiTaskBatch batch = data.assemble(Split.VALIDATION, filled(t, to - from),
                                Arrays.copyOfRange(order, from, to));
                        NDArray s = model.forward(bm, batch, false, ps).taskLossSums().get(0);
                        s.attach(sm);
                        sums[t] = sums[t] == null ? s : sums[t].add(s);
                    }
                    done += to - from;
                    report(EvaluationProgress.Pass.VALIDATION_LOSS, t, Split.VALIDATION, done, total, start);
                }
            }
            for (int t = 0; t < out.length; t++) {
                int n = data.size(t, Split.VALIDATION);
                out[t] = n == 0 ? Double.NaN : sums[t].toType(DataType.FLOAT64, false).getDouble() / n;
            }
        }
        return out;
    }

    /**
     * A task's logits on a split, one entry per example. Each batch's logits are read only once
     * the next batch's forward is queued, so on a GPU the host prepares a batch while the device
     * runs the previous one instead of waiting for it.
     */
    TaskPredictions predict(NDManager parent, int task, Split split) {
        int n = data.size(task, split);
        int[] order = lengthOrder(task, split);
        float[][] logits = new float[n][];
        int width = -1;
        try (NDManager sm = parent.newSubManager()) {
            ParameterStore ps = stores.apply(sm);
            NDManager pendingManager = null;
            NDArray pending = null;
            int[] pendingUnits = null;
            long start = System.nanoTime();
            if (n > 0) {
                report(EvaluationProgress.Pass.PREDICTION, task, split, 0, n, start);
            }
            try {
                for (int from = 0; from < n; from += batchSize) {
                    int to = Math.min(n, from + batchSize);
                    NDManager bm = sm.newSubManager();
                    int[] units = Arrays.copyOfRange(order, from, to);
                    MultiTaskBatch batch = data.assemble(split, filled(task, to - from), units);
                    NDArray lg = model.forward(bm, batch, false, ps).logits().get(0).toType(DataType.FLOAT32, false);
                    width = (int) lg.getShape().getLastDimension();
                    if (pending != null) {
                        read(pending, pendingUnits, logits);
                        pendingManager.close();
                    }
                    pending = lg;
                    pendingUnits = units;
                    pendingManager = bm;
                    report(EvaluationProgress.Pass.PREDICTION, task, split, to, n, start);
                }
                if (pending != null) {
                    read(pending, pendingUnits, logits);
                }
            } finally {
                if (pendingManager != null) {
                    pendingManager.close();
                }
            }
        }
        return new TaskPredictions(task, split, range(0, n), Arrays.asList(logits), width);
    }

    /** Puts a batch's logits, one entry per example (the first axis), at the examples' indices. */
    private static void read(NDArray batchLogits, int[] units, float[][] out) {
        float[] all = batchLogits.toFloatArray();
        int per = all.length / units.length;
        for (int i = 0; i < units.length; i++) {
            out[units[i]] = Arrays.copyOfRange(all, i * per, (i + 1) * per);
        }
    }

    /**
     * A split's examples shortest first, as batches run them: each batch pads to its longest row,
     * so in index order nearly every batch of a split of mixed lengths pads near the split's longest.
     */
    private int[] lengthOrder(int task, Split split) {
        return LengthOrder.of(range(0, data.size(task, split)), e -> data.rowLength(task, split, e));
    }

    private static int[] filled(int v, int n) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    private static int[] range(int from, int to) {
        int[] a = new int[to - from];
        for (int i = 0; i < a.length; i++) {
            a[i] = from + i;
        }
        return a;
    }
}
