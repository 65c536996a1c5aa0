package io.github.prefine.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.prefine.core.head.HeadAdapter;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.heads.Head;
import io.github.prefine.heads.HeadLosses;
import io.github.prefine.heads.HeadStack;
import io.github.prefine.heads.LossTargets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The slices of one multi-task batch whose heads run as one {@link HeadStack}: their rows lie
 * next to each other in the forward's row order, their host arrays (each row's head, the label
 * column masks, the padding of span rows, the loss targets of all of them) go up with the batch,
 * and their loss is one {@link HeadLosses#targetedSum} over the stacked logits. A slice's own
 * logits and loss sum are views of the stacked ones, made only when asked for.
 *
 * <p>Lives for one forward; not thread-safe.
 */
final class StackedSlices {
    private final HeadStack stack;
    private final List<TaskSlice> slices;
    private final List<TaskHead> heads;
    private final int[] members;
    /** Each member's first row within the stack's rows, then the row count. */
    private final int[] starts;
    private int choiceAt = -1;
    private int columnsAt = -1;
    private int paddingAt = -1;
    private int indexAt;
    private int weightsAt;
    private int scaledAt = -1;
    private int axis;
    private NDArray[] sent;
    private NDArray logits;

    /**
     * @param slices the batch's slices
     * @param members the indices of the slices that stack, in row order; their heads pairwise
     *     {@link HeadAdapter#stacksWith}
     * @param modelHeads the model's heads, by task
     */
    StackedSlices(List<TaskSlice> slices, int[] members, List<TaskHead> modelHeads) {
        this.slices = slices;
        this.members = members.clone();
        List<TaskHead> hs = new ArrayList<>();
        List<Head> blocks = new ArrayList<>();
        this.starts = new int[members.length + 1];
        for (int i = 0; i < members.length; i++) {
            TaskSlice s = slices.get(members[i]);
            TaskHead h = modelHeads.get(s.task());
            hs.add(h);
            blocks.add((Head) h.block());
            starts[i + 1] = starts[i] + s.rows().length;
        }
        this.heads = List.copyOf(hs);
        this.stack = HeadStack.of(blocks);
    }

    /** Returns the members' slice indices, in row order. */
    int[] members() {
        return members;
    }

    /**
     * Adds the stack's host arrays to the batch upload.
     *
     * @param upload the forward's upload
     * @param mask the batch's attention mask in the forward's row order
     * @param firstRow the stack's first row in that order
     * @param seqLen the padded length
     * @param weighting how task losses are weighted
     */
    void add(BatchUpload upload, long[] mask, int firstRow, int seqLen, TaskLossWeighting weighting) {
        int rows = starts[members.length];
        int[] headOfRow = new int[rows];
        for (int i = 0; i < members.length; i++) {
            Arrays.fill(headOfRow, starts[i], starts[i + 1], i);
        }
        if (stack.spans()) {
            paddingAt = upload.add(HeadAdapter.paddingOffsets(mask, firstRow * seqLen, rows * seqLen),
                    new Shape(rows, seqLen, 1));
        } else {
            columnsAt = upload.add(stack.columnMask(headOfRow), new Shape(rows, stack.width()));
        }
        if (stack.readsChoice()) {
            choiceAt = upload.add(stack.choice(headOfRow), new Shape(rows, stack.size()));
        }
        List<LossTargets> targets = new ArrayList<>();
        for (int i = 0; i < members.length; i++) {
            TaskSlice s = slices.get(members[i]);
            LossTargets t = heads.get(i).lossTargets(s.labels(), s.labelShape(), seqLen);
            if (t == null) {
                throw new IllegalStateException("a stacked head prepares no loss targets: " + heads.get(i));
            }
            targets.add(t);
        }
        LossTargets first = targets.get(0);
        axis = first.axis();
        long[] shape = first.shape().clone();
        shape[0] = rows;
        int per = Math.toIntExact(first.index().length / first.shape()[0]);
        long[] index = new long[rows * per];
        float[] weights = new float[rows * per];
        float[] scaled = weighting == TaskLossWeighting.LOG_NUM_LABELS ? new float[rows * per] : null;
        for (int i = 0; i < members.length; i++) {
            LossTargets t = targets.get(i);
            int at = starts[i] * per;
            int offset = stack.offset(i);
            float scale = scaled == null ? 1f : (float) (1.0 / Math.log(heads.get(i).numLabels()));
            for (int j = 0; j < t.index().length; j++) {
                index[at + j] = t.index()[j] + offset;
                weights[at + j] = t.weights()[j];
                if (scaled != null) {
                    scaled[at + j] = t.weights()[j] * scale;
                }
            }
        }
        indexAt = upload.add(index, new Shape(shape));
        weightsAt = upload.add(weights, new Shape(shape));
        if (scaled != null) {
            scaledAt = upload.add(scaled, new Shape(shape));
        }
    }

    /**
     * Runs the stack over its rows and returns their summed loss, weighted as the model weights
     * task losses.
     *
     * @param sent the upload's device arrays
     * @param ps the forward's parameter store
     * @param hidden the encoder output of the stack's rows
     * @param training true for a training forward
     * @return scalar float32
     */
    NDArray lossSum(NDArray[] sent, ParameterStore ps, NDArray hidden, boolean training) {
        this.sent = sent;
        NDArray columns = columnsAt < 0 ? null : sent[columnsAt].toType(hidden.getDataType(), false);
        NDArray choice = choiceAt < 0 ? null : sent[choiceAt];
        NDArray lg = stack.logits(ps, hidden, choice, columns, training);
        if (paddingAt >= 0) {
            lg = lg.add(sent[paddingAt].toType(lg.getDataType(), false));
        }
        logits = lg;
        return HeadLosses.targetedSum(lg, sent[indexAt], sent[scaledAt >= 0 ? scaledAt : weightsAt], axis);
    }

    /**
     * Returns one member's logits, as its head alone would give them: a view of the stacked logits.
     *
     * @param member the member's position in {@link #members()}
     * @return the logits, example axis first
     */
    NDArray logits(int member) {
        NDIndex at = new NDIndex().addSliceDim(starts[member], starts[member + 1]);
        if (stack.spans()) {
            return logits.get(at);
        }
        int from = stack.offset(member);
        int to = from + heads.get(member).numLabels();
        if (logits.getShape().dimension() == 3) {
            at.addAllDim();
        }
        return logits.get(at.addSliceDim(from, to));
    }

    /**
     * Returns one member's summed example losses, unweighted.
     *
     * @param member the member's position in {@link #members()}
     * @return scalar float32
     */
    NDArray taskLossSum(int member) {
        NDIndex at = new NDIndex().addSliceDim(starts[member], starts[member + 1]);
        NDArray rows = logits.get(at);
        return HeadLosses.targetedSum(rows, sent[indexAt].get(at), sent[weightsAt].get(at), axis);
    }
}
