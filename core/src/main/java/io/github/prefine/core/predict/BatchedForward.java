package io.github.prefine.core.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.prefine.core.features.ChoiceFeatures;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.features.LengthOrder;
import io.github.prefine.core.features.PaddedBatch;
import io.github.prefine.core.head.HeadLabels;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.model.TaskSlice;
import io.github.prefine.core.task.MultipleChoice;
import io.github.prefine.core.task.TaskFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One task's forward passes over featurized units, for a {@link TaskPredictor}: the units go
 * through the model in batches, without dropout, and each batch's logits (with their softmax for
 * classification) reach the host in one read.
 *
 * <p><b>Native memory.</b> Owns none: each batch's arrays live in a sub-manager of the model's
 * manager that is closed before the next batch. Valid while the model is open.
 *
 * <p>Immutable and thread-safe: the model runs one batch at a time, locked on the {@link
 * FinetunedModel}, which the forward passes of all its tasks share.
 */
final class BatchedForward {
    /**
     * Logits per unit, in unit order, and for classification their softmax; {@code width} is the
     * entries' length, -1 where a predictor taking any choice count gives entries of several lengths;
     * {@code nonFinite} marks the units whose logits hold NaN or an infinity.
     */
    record Logits(List<float[]> logits, List<float[]> probabilities, int width, boolean[] nonFinite) {}

    private final FinetunedModel owner;
    private final MultiHeadModel model;
    private final int taskIndex;
    private final TaskFormat format;
    private final int batchSize;
    /** Whether any choice count is taken, as {@link TaskPredictor#takesAnyChoiceCount()}. */
    private final boolean anyChoiceCount;

    BatchedForward(FinetunedModel owner, MultiHeadModel model, int taskIndex, TaskFormat format, int batchSize,
            boolean anyChoiceCount) {
        this.owner = owner;
        this.model = model;
        this.taskIndex = taskIndex;
        this.format = format;
        this.batchSize = batchSize;
        this.anyChoiceCount = anyChoiceCount;
    }

    /**
     * Runs every unit of {@code f} through the model.
     *
     * @param f the featurized units
     * @param softmax true to read the softmax of each unit's logits as well
     * @return the logits per unit
     * @throws IllegalStateException if the model is closed
     */
    Logits run(Features f, boolean softmax) {
        float[][] logits = new float[f.size()][];
        float[][] probabilities = softmax ? new float[f.size()][] : null;
        boolean[] nonFinite = new boolean[f.size()];
        boolean anyCount = anyChoiceCount;
        int width = -1;
        synchronized (owner) {
            owner.checkOpen();
            for (int[] units : batches(f, batchSize, anyChoiceCount)) {
                int seqLen = f.longestRow(units);
                PaddedBatch p = f.batch(units, seqLen);
                // every encoder row of the batch: a multiple-choice unit has one per choice
                int[] rows = new int[p.rows()];
                for (int r = 0; r < rows.length; r++) {
                    rows[r] = r;
                }
                TaskSlice slice = anyCount ? choiceRows(rows)
                        : new TaskSlice(taskIndex, rows, units, format.batchLabels(p));
                MultiTaskBatch batch = new MultiTaskBatch(p.rows(), seqLen, p.inputIds(), p.attentionMask(), p.typeIds(),
                        List.of(slice));
                try (NDManager bm = model.getManager().newSubManager()) {
                    NDArray lg = model.forward(bm, batch, false).logits().get(0).toType(DataType.FLOAT32, false);
                    if (anyCount) {
                        // one score per choice row, laid out as HF's view(-1, num_choices)
                        lg = lg.reshape(units.length, p.groupSize());
                    }
                    int w = (int) lg.getShape().getLastDimension();
                    width = anyCount ? -1 : w;
                    if (softmax) {
                        // one read of logits and probabilities side by side: [units, 2 * w]
                        float[] both = lg.concat(lg.softmax(-1), -1).toFloatArray();
                        for (int i = 0; i < units.length; i++) {
                            logits[units[i]] = Arrays.copyOfRange(both, 2 * i * w, (2 * i + 1) * w);
                            probabilities[units[i]] = Arrays.copyOfRange(both, (2 * i + 1) * w, (2 * i + 2) * w);
                        }
                    } else {
                        float[] all = lg.toFloatArray();
                        int per = all.length / units.length;
                        for (int i = 0; i < units.length; i++) {
                            logits[units[i]] = Arrays.copyOfRange(all, i * per, (i + 1) * per);
                        }
                    }
                    // checked on the logits already read: a device reduction would add operations and a wait
                    for (int i = 0; i < units.length; i++) {
                        nonFinite[units[i]] = !allFinite(logits[units[i]]);
                    }
                }
            }
        }
        return new Logits(Arrays.asList(logits), softmax ? Arrays.asList(probabilities) : null, width, nonFinite);
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The units of each forward pass, up to {@link #batchSize} of them: consecutive in {@link
     * LengthOrder} (shortest first), so that each batch pads little, or where any choice count is
     * taken, the questions of one count together (in that order), as a batch's scores form one
     * {@code [questions, choices]} grid. {@link #run} puts the outputs back in unit order.
     */
    static List<int[]> batches(Features f, int batchSize, boolean anyChoiceCount) {
        List<List<Integer>> groups = new ArrayList<>();
        if (anyChoiceCount) {
            ChoiceFeatures c = (ChoiceFeatures) f;
            Map<Integer, List<Integer>> byCount = new LinkedHashMap<>();
            for (int u = 0; u < f.size(); u++) {
                byCount.computeIfAbsent(c.choiceCount(u), k -> new ArrayList<>()).add(u);
            }
            groups.addAll(byCount.values());
        } else {
            List<Integer> all = new ArrayList<>(f.size());
            for (int u = 0; u < f.size(); u++) {
                all.add(u);
            }
            groups.add(all);
        }
        List<int[]> out = new ArrayList<>();
        for (List<Integer> g : groups) {
            int[] order = LengthOrder.of(g.stream().mapToInt(Integer::intValue).toArray(),
                    u -> f.longestRow(new int[] {u}));
            for (int from = 0; from < order.length; from += batchSize) {
                out.add(Arrays.copyOfRange(order, from, Math.min(order.length, from + batchSize)));
            }
        }
        return out;
    }

    /**
     * The slice of a batch for the choice scorer ({@link MultipleChoice#newChoiceScorer}): each
     * choice row its own example, none scored, as the scorer's logits are {@code [rows, 1]}.
     */
    private TaskSlice choiceRows(int[] rows) {
        int[] ignored = new int[rows.length];
        Arrays.fill(ignored, HeadLabels.IGNORE);
        return new TaskSlice(taskIndex, rows, rows, ignored, new long[] {rows.length});
    }
}
