package io.github.prefine.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.head.HeadAdapter;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.heads.HeadLosses;
import io.github.prefine.heads.LossTargets;
import io.github.prefine.heads.QuestionAnsweringHead;
import io.github.prefine.kernels.EngineScalars;
import java.util.ArrayList;
import java.util.List;

/**
 * The forward of a {@link MultiHeadModel} over one heterogeneous batch: how the batch's rows are
 * routed from the shared encoder to the task heads.
 *
 * <p>The batch's slices are grouped into units (one task's head, or the heads of one kind that
 * stack, {@link StackedSlices}); the rows are reordered so that each unit's rows lie next to each
 * other, every host array goes up in one {@link BatchUpload}, the encoder runs once over all rows,
 * its output is split into one view per unit, and each unit's head (or stack of heads) computes
 * its logits and loss sum.
 *
 * <p>Holds only the model's immutable parts (the encoder, the heads in task order, the loss
 * weighting) and no arrays of its own: every array of a forward is made in that call's step
 * manager. Not thread-safe, as the model.
 */
final class MultiTaskForward {
    private final Block encoder;
    private final List<TaskHead> heads;
    private final TaskLossWeighting lossWeighting;
    /** Whether the encoder reads segment ids; batches' ids are dropped when it has one type only. */
    private final boolean tokenTypes;

    /**
     * @param encoder the shared encoder block
     * @param heads the heads, by task index
     * @param lossWeighting how each task's loss sum enters the batch's loss
     * @param tokenTypes whether the encoder reads segment ids
     */
    MultiTaskForward(Block encoder, List<TaskHead> heads, TaskLossWeighting lossWeighting, boolean tokenTypes) {
        this.encoder = encoder;
        this.heads = heads;
        this.lossWeighting = lossWeighting;
        this.tokenTypes = tokenTypes;
    }

    /**
     * Runs the encoder once over the batch and each present task's head over its rows; see {@link
     * MultiHeadModel#forward(NDManager, MultiTaskBatch, boolean, ParameterStore)}.
     *
     * @param stepManager the manager that owns the batch arrays and every result
     * @param batch the host batch
     * @param training true for a training forward (dropout on)
     * @param ps the parameter store for this step, on {@code stepManager}'s device
     * @return per-task logits and losses, owned by {@code stepManager}
     * @throws IllegalArgumentException if a slice's task has no head
     */
    MultiHeadModel.Output run(NDManager stepManager, MultiTaskBatch batch, boolean training, ParameterStore ps) {
        List<TaskSlice> slices = batch.slices();
        for (TaskSlice s : slices) {
            if (s.task() >= heads.size()) {
                throw new IllegalArgumentException("forward: task " + s.task() + " is outside [0, " + heads.size() + ")");
            }
        }
        // the rows of each unit (a task, or tasks whose heads stack) lie next to each other, so
        // one split hands every unit its rows as views, whose backward is one concatenation
        List<int[]> units = units(slices);
        int seqLen = batch.seqLen();
        int[] order = new int[batch.rows()];
        int[] unitStart = new int[units.size() + 1];
        int at = 0;
        for (int u = 0; u < units.size(); u++) {
            unitStart[u] = at;
            for (int k : units.get(u)) {
                for (int r : slices.get(k).rows()) {
                    order[at++] = r;
                }
            }
        }
        unitStart[units.size()] = at;
        int[] moved = null;
        for (int i = 0; i < order.length && moved == null; i++) {
            moved = order[i] == i ? null : order;
        }
        Shape grid = new Shape(batch.rows(), seqLen);
        // every host array reaches the device before any compute is queued, in one copy per data
        // type on a GPU (BatchUpload): a blocking copy made after the encoder would idle the device
        BatchUpload upload = new BatchUpload(stepManager);
        int ids = upload.add(inRowOrder(batch.inputIds(), moved, seqLen), grid);
        long[] hostMask = inRowOrder(batch.attentionMask(), moved, seqLen);
        int mask = upload.add(hostMask, grid);
        int segments = tokenTypes && batch.tokenTypeIds() != null
                ? upload.add(inRowOrder(batch.tokenTypeIds(), moved, seqLen), grid) : -1;
        StackedSlices[] stacks = new StackedSlices[units.size()];
        int[] labelsAt = new int[slices.size()];
        // heads that prepare their targets on the host take their loss in four device operations
        LossTargets[] targets = new LossTargets[slices.size()];
        // a head of its own reads the device mask unless it is built in: class heads ignore it, and
        // span heads take their padding rule as host offsets (one addition instead of five operations)
        boolean readsMask = false;
        int[] paddingAt = new int[slices.size()];
        for (int u = 0; u < units.size(); u++) {
            int[] members = units.get(u);
            if (members.length > 1) {
                stacks[u] = new StackedSlices(slices, members, heads);
                stacks[u].add(upload, hostMask, unitStart[u], seqLen, lossWeighting);
                continue;
            }
            int k = members[0];
            TaskSlice s = slices.get(k);
            QuestionAnsweringHead spans = spanHead(heads.get(s.task()));
            paddingAt[k] = -1;
            if (spans != null) {
                int rows = s.rows().length;
                paddingAt[k] = upload.add(HeadAdapter.paddingOffsets(hostMask, unitStart[u] * seqLen, rows * seqLen),
                        new Shape(rows, seqLen, 1));
            } else if (!builtIn(heads.get(s.task()))) {
                readsMask = true;
            }
            targets[k] = heads.get(s.task()).lossTargets(s.labels(), s.labelShape(), seqLen);
            if (targets[k] != null) {
                Shape ts = new Shape(targets[k].shape());
                labelsAt[k] = upload.add(targets[k].index(), ts);
                upload.add(targets[k].weights(), ts);
            } else {
                labelsAt[k] = upload.add(s.labels(), new Shape(s.labelShape()));
            }
        }
        NDArray[] sent = upload.send();
        NDList in = new NDList(sent[ids], sent[mask]);
        if (segments >= 0) {
            in.add(sent[segments]);
        }
        // a batch without padding needs no attention mask (on a GPU: flash attention)
        NDArray hidden = encoder.forward(ps, in, training, TransformerEncoder.forwardParameters(hostMask)).head();
        NDList hiddenParts;
        NDList maskParts = null;
        if (units.size() == 1) {
            hiddenParts = new NDList(hidden);
            maskParts = new NDList(sent[mask]);
        } else {
            long[] points = new long[units.size() - 1];
            for (int u = 1; u < units.size(); u++) {
                points[u - 1] = unitStart[u];
            }
            hiddenParts = hidden.split(points);
            if (readsMask) {
                maskParts = sent[mask].split(points);
            }
        }
        NDArray[] logits = new NDArray[slices.size()];
        NDArray[] taskLossSums = new NDArray[slices.size()];
        StackedSlices[] stackOf = new StackedSlices[slices.size()];
        int[] memberOf = new int[slices.size()];
        NDArray weighted = null;
        for (int u = 0; u < units.size(); u++) {
            NDArray contrib;
            if (stacks[u] != null) {
                contrib = stacks[u].lossSum(sent, ps, hiddenParts.get(u), training);
                int[] members = stacks[u].members();
                for (int i = 0; i < members.length; i++) {
                    stackOf[members[i]] = stacks[u];
                    memberOf[members[i]] = i;
                }
            } else {
                int k = units.get(u)[0];
                TaskHead head = heads.get(slices.get(k).task());
                NDArray lg;
                if (paddingAt[k] >= 0) {
                    lg = spanHead(head).spanLogits(ps, hiddenParts.get(u), training);
                    lg = lg.add(sent[paddingAt[k]].toType(lg.getDataType(), false));
                } else {
                    lg = head.logits(ps, hiddenParts.get(u), maskParts == null ? null : maskParts.get(u), training);
                }
                NDArray sum = targets[k] != null
                        ? HeadLosses.targetedSum(lg, sent[labelsAt[k]], sent[labelsAt[k] + 1], targets[k].axis())
                        : head.exampleLosses(lg, sent[labelsAt[k]]).sum();
                logits[k] = lg;
                taskLossSums[k] = sum;
                contrib = lossWeighting == TaskLossWeighting.LOG_NUM_LABELS
                        ? EngineScalars.div(sum, (float) Math.log(head.numLabels()))
                        : sum;
            }
            weighted = weighted == null ? contrib : weighted.add(contrib);
        }
        return new MultiHeadModel.Output(weighted, batch.numExamples(), taskLossSums, logits,
                k -> stackOf[k].taskLossSum(memberOf[k]), k -> stackOf[k].logits(memberOf[k]));
    }

    /** Whether a head is one of the built-in ones, whose logits ignore the mask or take {@link #spanHead}'s offsets. */
    private static boolean builtIn(TaskHead head) {
        // a head stacks with itself exactly when it is a built-in class or span head of one row per example
        return head instanceof HeadAdapter<?> a && a.stacksWith(a);
    }

    /** The block of a built-in span head, whose logits are its span logits plus the padding offsets; else null. */
    private static QuestionAnsweringHead spanHead(TaskHead head) {
        return builtIn(head) && ((HeadAdapter<?>) head).block() instanceof QuestionAnsweringHead q ? q : null;
    }

    /**
     * Groups a batch's slices into units, each a list of slice indices: the slices whose heads
     * stack ({@link HeadAdapter#stacksWith}) form one unit when there are two or more of them,
     * every other slice is a unit of its own. Units come in the order of their first slice.
     */
    List<int[]> units(List<TaskSlice> slices) {
        List<List<Integer>> groups = new ArrayList<>();
        boolean stacking = MultiHeadModel.stacksHeads();
        for (int k = 0; k < slices.size(); k++) {
            TaskHead head = heads.get(slices.get(k).task());
            List<Integer> joined = null;
            if (stacking && head instanceof HeadAdapter<?> adapter) {
                for (List<Integer> g : groups) {
                    if (adapter.stacksWith(heads.get(slices.get(g.get(0)).task()))) {
                        joined = g;
                        break;
                    }
                }
            }
            if (joined == null) {
                joined = new ArrayList<>();
                groups.add(joined);
            }
            joined.add(k);
        }
        List<int[]> out = new ArrayList<>(groups.size());
        for (List<Integer> g : groups) {
            out.add(g.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    /** The rows of a row-major {@code [rows, seqLen]} array in the given order; the array itself for null. */
    private static long[] inRowOrder(long[] values, int[] order, int seqLen) {
        if (order == null) {
            return values;
        }
        long[] out = new long[values.length];
        for (int i = 0; i < order.length; i++) {
            System.arraycopy(values, order[i] * seqLen, out, i * seqLen, seqLen);
        }
        return out;
    }
}
