package io.github.prefine.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;
import io.github.prefine.kernels.EngineScalars;

/**
 * Losses of the task heads, computed as Hugging Face computes them, as static functions.
 *
 * <p>Everything stays on the logits' device: the functions read shapes (host metadata) but never
 * values, so they cause no host round trip. Every result and intermediate joins the manager of the
 * {@code logits} argument (for DJL, an operation's result joins its first input's manager; labels
 * or positions held by another manager are first copied into it), so call them inside the step's
 * sub-manager; they create nothing in the parameters' manager or in the labels'.
 * Results are differentiable in the logits.
 *
 * <p>Labels are integer arrays (int32 or int64). A label equal to {@link #IGNORE_INDEX}
 * contributes nothing; other labels must lie in {@code [0, numClasses)}, otherwise the engine
 * fails (its gather checks ranges). DJL's {@code SoftmaxCrossEntropyLoss} has no ignore index,
 * which is why these exist.
 *
 * <p>Unlike PyTorch, where a mean over zero positions is NaN, every function here returns 0 when
 * nothing is left to score.
 *
 * <p>Losses are float32 for float32, float16 and bfloat16 logits (float64 for float64 ones), as
 * PyTorch's autocast runs cross entropy on 16-bit logits in float32: 16-bit logits are copied to
 * float32 (differentiably) before the log-softmax, whose float16 output would round each
 * log-probability to 11 bits (bfloat16: 8), and a loss summed or counted in float16 would round a
 * count above 2,048 and make one above 65,504 infinite, so the mean would be 0 (bfloat16 rounds
 * past 256). Their gradient comes back in their dtype. DJL 0.36 reports a bfloat16 array's dtype
 * as {@code UNKNOWN} and cannot make one (core's {@code Casts} can); logits of that dtype are taken
 * as bfloat16 and are never handed to an operation that passes its dtype to the engine, which
 * would end the JVM.
 *
 * <p>Stateless and thread-safe.
 */
public final class HeadLosses {

    /** The label that marks a position to ignore, as PyTorch's and HF's default {@code -100}. */
    public static final int IGNORE_INDEX = -100;

    private static final NDIndex ALL = new NDIndex("...");

    private HeadLosses() {}

    /**
     * Cross entropy averaged over the positions whose label is not {@link #IGNORE_INDEX}, as
     * PyTorch's {@code CrossEntropyLoss(ignore_index=-100)} and so HF's sequence, token and
     * multiple-choice losses.
     *
     * @param logits {@code [d0, ..., dk, numClasses]} float32: for example {@code [batch,
     *     numLabels]} or {@code [batch, seqLen, numLabels]}
     * @param labels {@code [d0, ..., dk]} int32 or int64: class ids or {@link #IGNORE_INDEX}
     * @return a scalar (shape {@code ()}), float32 for 16-bit logits (see above); 0 when every
     *     label is ignored
     * @throws IllegalArgumentException if the shapes do not match or labels are not integers
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        checkPair("crossEntropy", logits, labels);
        NDArray own = inManagerOf(logits, labels);
        NDArray valid = EngineScalars.neq(own, IGNORE_INDEX);
        NDArray validF = valid.toType(sumType(logits), false);
        NDArray nll = maskedNll(logits, own, valid);
        return nll.sum().div(EngineScalars.maximum(validF.sum(), 1f));
    }

    /**
     * Cross entropy per example: for each row of the batch, the mean over its positions whose
     * label is not {@link #IGNORE_INDEX}.
     *
     * <p>With labels {@code [batch]} (sequence classification, multiple choice) each row has one
     * position; with labels {@code [batch, seqLen]} (token classification) a row's loss is the
     * mean over its scored tokens. If every row has the same number of scored positions, the mean
     * of the valid rows equals {@link #crossEntropy}; otherwise the two weight rows differently.
     *
     * @param logits {@code [batch, ..., numClasses]} float32
     * @param labels {@code [batch, ...]} int32 or int64, at least one axis
     * @return the per-row losses ({@code [batch]}, float32 for 16-bit logits) and valid flags
     *     ({@code [batch]} boolean)
     * @throws IllegalArgumentException if the shapes do not match or labels are not integers
     */
    public static RowLosses perExampleCrossEntropy(NDArray logits, NDArray labels) {
        checkPair("perExampleCrossEntropy", logits, labels);
        if (labels.getShape().dimension() < 1) {
            throw new IllegalArgumentException(
                    "perExampleCrossEntropy: labels need a batch axis, found shape "
                            + labels.getShape());
        }
        long batch = labels.getShape().get(0);
        NDArray own = inManagerOf(logits, labels);
        NDArray valid = EngineScalars.neq(own, IGNORE_INDEX);
        NDArray validF = valid.toType(sumType(logits), false);
        NDArray nll = maskedNll(logits, own, valid);
        // positions per row spelled out: PyTorch cannot infer a -1 axis next to a 0-row batch
        long perRow = batch == 0 ? 0 : labels.size() / batch;
        NDArray sums = nll.reshape(batch, perRow).sum(new int[] {1});
        NDArray counts = validF.reshape(batch, perRow).sum(new int[] {1});
        return new RowLosses(sums.div(EngineScalars.maximum(counts, 1f)), EngineScalars.gt(counts, 0f));
    }

    /**
     * The sum over examples of their losses, from targets prepared on the host ({@link
     * LossTargets}): {@code Σ weights · log_softmax(logits, axis).gather(index, axis)}. Equals the
     * sum of {@link #perExampleCrossEntropy} or {@link #perExampleSpanLoss(NDArray, NDArray)} up
     * to float rounding, in four operations (log-softmax, gather, multiply, sum) where those take
     * about twenty. An ignored target reads index 0 with weight 0, so the logits there must be
     * finite (a -inf gives NaN, where {@link #crossEntropy} skips the position), as heads' logits
     * and {@link HeadStack}'s masks are.
     *
     * @param logits float logits, shaped as the targets except along {@code axis}
     * @param index int64 gather indices ({@link LossTargets#toDevice})
     * @param weights float32 signed weights, shaped as {@code index}
     * @param axis the class (or position) axis of the logits
     * @return a scalar (shape {@code ()}), float32 for 16-bit logits and float32 weights;
     *     differentiable in the logits
     * @throws IllegalArgumentException if the shapes do not fit
     */
    public static NDArray targetedSum(NDArray logits, NDArray index, NDArray weights, int axis) {
        Objects.requireNonNull(logits, "logits");
        Shape ls = logits.getShape();
        Shape is = index.getShape();
        boolean fits = ls.dimension() == is.dimension() && is.equals(weights.getShape()) && axis >= 0
                && axis < ls.dimension() && is.get(axis) == 1;
        for (int d = 0; fits && d < ls.dimension(); d++) {
            fits = d == axis || ls.get(d) == is.get(d);
        }
        if (!fits) {
            throw new IllegalArgumentException("targetedSum: targets " + is + " (weights " + weights.getShape()
                    + ") do not fit logits " + ls + " over axis " + axis);
        }
        checkFloat("targetedSum", "logits", logits);
        if (index.getDataType() != DataType.INT64) {
            throw new IllegalArgumentException("targetedSum: index must be int64, found " + index.getDataType());
        }
        return logSoftmax(logits, axis).gather(index, axis).mul(weights).sum();
    }

    /**
     * The extractive QA span loss as HF computes it: positions are clamped to {@code [0,
     * seqLen]}, a clamped position equal to {@code seqLen} is ignored (so is any position at or
     * past the end, while a negative one becomes 0), and the loss is the mean of the start and end
     * cross entropies, each averaged over its non-ignored rows. A position equal to {@link
     * #IGNORE_INDEX} is ignored too, as every loss here ignores it (HF's clamp would score it at
     * position 0; no HF preprocessing marks a position so).
     *
     * @param startLogits {@code [batch, seqLen]} float32
     * @param endLogits {@code [batch, seqLen]} float32
     * @param startPositions {@code [batch]} int32 or int64: gold start token index
     * @param endPositions {@code [batch]} int32 or int64: gold end token index (inclusive)
     * @return a scalar (shape {@code ()}), float32 for 16-bit logits; a side with every row ignored
     *     contributes 0
     * @throws IllegalArgumentException if the shapes do not match or positions are not integers
     */
    public static NDArray spanLoss(
            NDArray startLogits, NDArray endLogits, NDArray startPositions, NDArray endPositions) {
        checkSpan("spanLoss", startLogits, endLogits, startPositions, endPositions);
        NDArray start = spanSide(startLogits, startPositions);
        NDArray end = spanSide(endLogits, endPositions);
        return EngineScalars.div(sideMean(start).add(sideMean(end)), 2f);
    }

    /**
     * The span loss per example: each row's loss is the mean of its non-ignored start and end
     * terms (see {@link #spanLoss} for clamping and ignoring), and a row is valid when either term
     * is scored. When no position is ignored, the mean over rows equals {@link #spanLoss}.
     *
     * @param startLogits {@code [batch, seqLen]} float32
     * @param endLogits {@code [batch, seqLen]} float32
     * @param startPositions {@code [batch]} int32 or int64
     * @param endPositions {@code [batch]} int32 or int64
     * @return the per-row losses ({@code [batch]}, float32 for 16-bit logits) and valid flags
     *     ({@code [batch]} boolean)
     * @throws IllegalArgumentException if the shapes do not match or positions are not integers
     */
    public static RowLosses perExampleSpanLoss(
            NDArray startLogits, NDArray endLogits, NDArray startPositions, NDArray endPositions) {
        checkSpan("perExampleSpanLoss", startLogits, endLogits, startPositions, endPositions);
        NDArray start = spanSide(startLogits, startPositions);
        NDArray end = spanSide(endLogits, endPositions);
        // column 0: masked nll, column 1: valid flag; see spanSide
        NDArray sums = start.get(":, 0").add(end.get(":, 0"));
        NDArray counts = start.get(":, 1").add(end.get(":, 1"));
        return new RowLosses(sums.div(EngineScalars.maximum(counts, 1f)), EngineScalars.gt(counts, 0f));
    }

    /**
     * The span loss per example on stacked logits, as {@link #perExampleSpanLoss(NDArray, NDArray,
     * NDArray, NDArray)} computes it on split ones: each row's loss is the mean of its non-ignored
     * start and end terms, a position outside {@code [0, seqLen)} (after clamping to {@code
     * seqLen}) or equal to {@link #IGNORE_INDEX} being ignored.
     *
     * @param spanLogits {@code [batch, seqLen, 2]} float32: start logits at index 0 of the last
     *     axis, end logits at 1
     * @param positions {@code [batch, 2]} int32 or int64: gold start and end token (inclusive)
     * @return the per-row losses ({@code [batch]}, float32 for 16-bit logits) and valid flags
     *     ({@code [batch]} boolean)
     * @throws IllegalArgumentException if the shapes do not match or positions are not integers
     */
    public static RowLosses perExampleSpanLoss(NDArray spanLogits, NDArray positions) {
        Objects.requireNonNull(spanLogits, "spanLogits");
        Objects.requireNonNull(positions, "positions");
        Shape s = spanLogits.getShape();
        if (s.dimension() != 3 || s.get(2) != 2 || !positions.getShape().equals(new Shape(s.get(0), 2))) {
            throw new IllegalArgumentException("perExampleSpanLoss: expected logits [batch, seqLen, 2] and positions"
                    + " [batch, 2], found " + s + " and " + positions.getShape());
        }
        checkFloat("perExampleSpanLoss", "spanLogits", spanLogits);
        checkInteger("perExampleSpanLoss", "positions", positions);
        long seqLen = s.get(1);
        NDArray own = inManagerOf(spanLogits, positions);
        NDArray clamped = EngineScalars.minimum(EngineScalars.maximum(own, 0f), seqLen);
        NDArray valid = spanValid(own, clamped, seqLen);
        NDArray validF = valid.toType(sumType(spanLogits), false);
        // ignored positions become 0 so gather stays in range; the mask zeroes their terms
        NDArray safe = clamped.mul(valid.toType(clamped.getDataType(), false)).toType(DataType.INT64, false);
        NDArray logProbs = logSoftmax(spanLogits, 1);
        NDArray picked = logProbs.gather(safe.expandDims(1), 1).squeeze(1); // [batch, 2]
        NDArray sums = scoredNll(picked, valid).sum(new int[] {1});
        NDArray counts = validF.sum(new int[] {1});
        return new RowLosses(sums.div(EngineScalars.maximum(counts, 1f)), EngineScalars.gt(counts, 0f));
    }

    /**
     * Returns {@code [rows, 2]}: per row the masked negative log-likelihood and the valid flag
     * (in {@link #sumType}), with HF's clamp-and-ignore rule for span positions.
     */
    private static NDArray spanSide(NDArray logits, NDArray positions) {
        long seqLen = logits.getShape().get(1);
        NDArray own = inManagerOf(logits, positions);
        NDArray clamped = EngineScalars.minimum(EngineScalars.maximum(own, 0f), seqLen);
        NDArray valid = spanValid(own, clamped, seqLen);
        NDArray validF = valid.toType(sumType(logits), false);
        NDArray nll = maskedNll(logits, clamped, valid);
        return nll.stack(validF, 1);
    }

    /**
     * Which span positions are scored: those whose clamped value is not {@code seqLen} (HF's rule)
     * and that are not {@link #IGNORE_INDEX}, which HF's clamp would score at position 0.
     */
    private static NDArray spanValid(NDArray positions, NDArray clamped, long seqLen) {
        return EngineScalars.neq(clamped, seqLen).logicalAnd(EngineScalars.neq(positions, IGNORE_INDEX));
    }

    /** Mean of column 0 (masked nll) over the rows flagged valid in column 1 of a spanSide result. */
    private static NDArray sideMean(NDArray side) {
        return side.get(":, 0").sum().div(EngineScalars.maximum(side.get(":, 1").sum(), 1f));
    }

    /**
     * Returns the labels (or positions) if the logits' manager holds them, else a copy held by it:
     * every array derived from them then joins that manager, not one that may outlive the step.
     */
    private static NDArray inManagerOf(NDArray logits, NDArray labels) {
        NDManager manager = logits.getManager();
        if (labels.getManager() == manager) {
            return labels;
        }
        NDArray copy = manager.create(labels.getShape(), labels.getDataType());
        copy.set(ALL, labels);
        return copy;
    }

    /** The dtype of the losses and of the sums over positions behind them (see the class comment). */
    private static DataType sumType(NDArray logits) {
        return logits.getDataType() == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
    }

    /**
     * The log-softmax over {@code axis}, in float32 for 16-bit logits (see the class comment): an
     * indexed copy into a float32 array, which autograd records, where DJL's {@code toType} would
     * cut the gradient.
     */
    private static NDArray logSoftmax(NDArray logits, int axis) {
        // DJL's log-softmax passes the input's dtype to the engine: UNKNOWN (bfloat16) would end the JVM
        if (logits.getDataType() != DataType.FLOAT16 && logits.getDataType() != DataType.UNKNOWN) {
            return logits.logSoftmax(axis);
        }
        NDArray wide = logits.getManager().create(logits.getShape(), DataType.FLOAT32);
        wide.set(ALL, logits);
        return wide.logSoftmax(axis);
    }

    /**
     * Returns {@code -log_softmax(logits)[label]} at valid positions and 0 elsewhere, shaped as
     * the labels, in {@link #sumType}.
     */
    private static NDArray maskedNll(NDArray logits, NDArray labels, NDArray valid) {
        // ignored labels (-100 or seqLen) become class 0 so gather stays in range; scoredNll drops them
        NDArray safe = labels.mul(valid.toType(labels.getDataType(), false))
                .toType(DataType.INT64, false);
        NDArray logProbs = logSoftmax(logits, -1);
        NDArray picked = logProbs.gather(safe.expandDims(-1), -1).squeeze(-1);
        return scoredNll(picked, valid);
    }

    /**
     * {@code -picked} where {@code valid}, else 0: selected rather than multiplied by the mask, as
     * an ignored position's stand-in class may have log-probability -inf (a masked logit), and
     * {@code -inf * 0} would make the loss NaN where PyTorch skips the position.
     */
    private static NDArray scoredNll(NDArray picked, NDArray valid) {
        return NDArrays.where(valid, picked.neg(), EngineScalars.constant(picked, 0f));
    }

    private static void checkPair(String where, NDArray logits, NDArray labels) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(labels, "labels");
        Shape ls = logits.getShape();
        if (ls.dimension() < 1 || !ls.slice(0, ls.dimension() - 1).equals(labels.getShape())) {
            throw new IllegalArgumentException(
                    where + ": labels must be logits' shape without the class axis, found logits "
                            + ls + " and labels " + labels.getShape());
        }
        checkInteger(where, "labels", labels);
        checkFloat(where, "logits", logits);
    }

    private static void checkSpan(
            String where, NDArray start, NDArray end, NDArray startPos, NDArray endPos) {
        Objects.requireNonNull(start, "startLogits");
        Objects.requireNonNull(end, "endLogits");
        Objects.requireNonNull(startPos, "startPositions");
        Objects.requireNonNull(endPos, "endPositions");
        Shape s = start.getShape();
        if (s.dimension() != 2
                || !s.equals(end.getShape())
                || !startPos.getShape().equals(new Shape(s.get(0)))
                || !endPos.getShape().equals(new Shape(s.get(0)))) {
            throw new IllegalArgumentException(
                    where + ": expected logits [batch, seqLen] twice and positions [batch] twice,"
                            + " found " + s + ", " + end.getShape() + ", " + startPos.getShape()
                            + ", " + endPos.getShape());
        }
        checkFloat(where, "startLogits", start);
        checkFloat(where, "endLogits", end);
        checkInteger(where, "startPositions", startPos);
        checkInteger(where, "endPositions", endPos);
    }

    private static void checkInteger(String where, String name, NDArray a) {
        DataType t = a.getDataType();
        if (t != DataType.INT32 && t != DataType.INT64) {
            throw new IllegalArgumentException(
                    where + ": " + name + " must be int32 or int64, found " + t);
        }
    }

    /** Refuses a non-float array; DJL's {@code UNKNOWN} passes as bfloat16 (see the class comment). */
    private static void checkFloat(String where, String name, NDArray a) {
        if (!a.getDataType().isFloating() && a.getDataType() != DataType.UNKNOWN) {
            throw new IllegalArgumentException(
                    where + ": " + name + " must be floating point, found " + a.getDataType());
        }
    }
}
