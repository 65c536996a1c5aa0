package io.github.prefine.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Objects;

/**
 * A batch's labels prepared on the host for {@link HeadLosses#targetedSum}: for each scored
 * target, the class (or position) to read from the log-probabilities and a weight that already
 * holds the minus sign and each example's averaging.
 *
 * <p>Everything a per-example mean needs to know (which labels are ignored, how many targets each
 * example has) is known on the host when the batch is assembled, so it is worked out there once
 * instead of as a dozen small device operations per head and step. The sum {@code Σ weight ·
 * log_softmax(logits)[index]} then equals the sum over examples of {@link
 * HeadLosses#perExampleCrossEntropy} (or {@link HeadLosses#perExampleSpanLoss(NDArray, NDArray)}),
 * up to float rounding, in four device operations and their four backward ones.
 *
 * <p>Holds host arrays only; the factories keep nothing of their arguments.
 *
 * <p>Safe to read from several threads as long as nobody changes its arrays.
 *
 * @param index gather indices, row-major, laid out as {@code shape}; ignored targets read index 0
 *     and weigh 0
 * @param weights {@code -1 / (scored targets of the example)} for scored targets, 0 for ignored ones
 * @param shape the shape of {@code index} and {@code weights}: the logits' shape with the {@code
 *     axis} dimension set to 1
 * @param axis the logits' axis the log-softmax runs over and the indices select on
 */
public record LossTargets(long[] index, float[] weights, long[] shape, int axis) {

    /**
     * Checks that the arrays match the shape.
     *
     * @param index gather indices, row-major, laid out as {@code shape}; ignored targets read index 0
     *     and weigh 0
     * @param weights {@code -1 / (scored targets of the example)} for scored targets, 0 for ignored ones
     * @param shape the shape of {@code index} and {@code weights}: the logits' shape with the {@code
     *     axis} dimension set to 1
     * @param axis the logits' axis the log-softmax runs over and the indices select on
     * @throws IllegalArgumentException if sizes disagree, a dimension is negative or above {@link
     *     Integer#MAX_VALUE} (see {@link #checkShapeHolds}), or the axis is outside the shape
     */
    public LossTargets {
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(shape, "shape");
        checkShapeHolds("LossTargets", shape, index.length);
        if (weights.length != index.length) {
            throw new IllegalArgumentException("LossTargets: " + weights.length + " weights for " + index.length
                    + " indices of shape " + Arrays.toString(shape));
        }
        if (axis < 0 || axis >= shape.length || shape[axis] != 1) {
            throw new IllegalArgumentException("LossTargets: axis " + axis + " must be a size-1 axis of "
                    + Arrays.toString(shape));
        }
    }

    /**
     * Checks that a row-major host array of {@code length} values is laid out as {@code shape}: the
     * one check of {@link LossTargets} and core's {@code HeadLabels}. The count is exact up to
     * {@link Integer#MAX_VALUE} and stops just past it, where no array's length matches: a long
     * product of large dimensions could wrap around to one that does, as could two negative
     * dimensions' product.
     *
     * @param where what is checked, leading the message (for example {@code "head labels"})
     * @param shape the dimensions
     * @param length the array's length
     * @throws IllegalArgumentException naming {@code where} and the shape, if a dimension is negative
     *     or above {@link Integer#MAX_VALUE}, or the shape does not hold {@code length} values (the
     *     message gives the count it holds, or says it is above {@link Integer#MAX_VALUE})
     */
    public static void checkShapeHolds(String where, long[] shape, int length) {
        Objects.requireNonNull(shape, "shape");
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(where + ": shape " + Arrays.toString(shape)
                        + " has a negative dimension");
            }
            if (d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(where + ": shape " + Arrays.toString(shape)
                        + " has a dimension above " + Integer.MAX_VALUE);
            }
            // past the int range no array's length matches: stopping the count just past it keeps the
            // product below 2^62, and exact below it
            n = Math.min(n, Integer.MAX_VALUE + 1L) * d;
        }
        if (n != length) {
            throw new IllegalArgumentException(where + ": shape " + Arrays.toString(shape) + " holds "
                    + (n > Integer.MAX_VALUE ? "more than " + Integer.MAX_VALUE : n) + " values, found " + length);
        }
    }

    /**
     * Targets of class logits (sequence classification, multiple choice, token tagging): the
     * class axis is the last, and each example's loss is the mean over its labels that are not
     * {@link HeadLosses#IGNORE_INDEX}, as {@link HeadLosses#perExampleCrossEntropy} computes it.
     *
     * @param labels row-major class ids or {@link HeadLosses#IGNORE_INDEX}, example axis first
     * @param labelShape the labels' shape: the logits' shape without its class axis
     * @param numClasses the logits' class count; a label outside {@code [0, numClasses)} that is
     *     not ignored is an error here rather than an engine failure later
     * @return the targets, shaped {@code labelShape + [1]}
     * @throws IllegalArgumentException if the sizes disagree or a label is out of range
     */
    public static LossTargets ofClasses(int[] labels, long[] labelShape, int numClasses) {
        Objects.requireNonNull(labels, "labels");
        if (labelShape.length == 0 || labelShape[0] <= 0 || labels.length % labelShape[0] != 0) {
            throw new IllegalArgumentException("LossTargets: label shape " + Arrays.toString(labelShape)
                    + " must start with the example count and hold " + labels.length + " labels");
        }
        int examples = Math.toIntExact(labelShape[0]);
        int per = labels.length / examples;
        long[] index = new long[labels.length];
        float[] weights = new float[labels.length];
        for (int e = 0; e < examples; e++) {
            int scored = 0;
            for (int i = e * per; i < (e + 1) * per; i++) {
                int label = labels[i];
                if (label == HeadLosses.IGNORE_INDEX) {
                    continue;
                }
                if (label < 0 || label >= numClasses) {
                    throw new IllegalArgumentException("LossTargets: label " + label + " at position " + i
                            + " is outside [0, " + numClasses + ") and is not the ignore index "
                            + HeadLosses.IGNORE_INDEX);
                }
                index[i] = label;
                scored++;
            }
            float w = scored == 0 ? 0f : -1f / scored;
            for (int i = e * per; i < (e + 1) * per; i++) {
                if (labels[i] != HeadLosses.IGNORE_INDEX) {
                    weights[i] = w;
                }
            }
        }
        long[] shape = Arrays.copyOf(labelShape, labelShape.length + 1);
        shape[labelShape.length] = 1;
        return new LossTargets(index, weights, shape, labelShape.length);
    }

    /**
     * Targets of span logits {@code [examples, seqLen, 2]} (start at 0, end at 1 of the last
     * axis), with Hugging Face's rule: a position is clamped to {@code [0, seqLen]} and ignored
     * when the clamped value is {@code seqLen}; a position equal to {@link HeadLosses#IGNORE_INDEX}
     * is ignored too; each example's loss is the mean of its scored start and end terms, as {@link
     * HeadLosses#perExampleSpanLoss(NDArray, NDArray)} computes it.
     *
     * @param positions row-major {@code [examples, 2]}: gold start and end token (inclusive)
     * @param seqLen the logits' sequence length
     * @return the targets, shaped {@code [examples, 1, 2]}, over axis 1
     * @throws IllegalArgumentException if {@code positions} is empty or of odd length
     */
    public static LossTargets ofSpans(int[] positions, int seqLen) {
        Objects.requireNonNull(positions, "positions");
        if (positions.length == 0 || positions.length % 2 != 0) {
            throw new IllegalArgumentException("LossTargets: span positions must be [examples, 2], found "
                    + positions.length + " values");
        }
        int examples = positions.length / 2;
        long[] index = new long[positions.length];
        float[] weights = new float[positions.length];
        for (int e = 0; e < examples; e++) {
            long start = spanPosition(positions[2 * e], seqLen);
            long end = spanPosition(positions[2 * e + 1], seqLen);
            int scored = (start != seqLen ? 1 : 0) + (end != seqLen ? 1 : 0);
            if (start != seqLen) {
                index[2 * e] = start;
                weights[2 * e] = -1f / scored;
            }
            if (end != seqLen) {
                index[2 * e + 1] = end;
                weights[2 * e + 1] = -1f / scored;
            }
        }
        return new LossTargets(index, weights, new long[] {examples, 1, 2}, 1);
    }

    /** A gold position clamped as HF does, {@link HeadLosses#IGNORE_INDEX} becoming the ignored {@code seqLen}. */
    private static long spanPosition(int position, int seqLen) {
        return position == HeadLosses.IGNORE_INDEX ? seqLen : Math.min(Math.max(position, 0), seqLen);
    }

    /**
     * Copies the indices (int64) and weights (float32) to the device of {@code manager}.
     *
     * @param manager the owner of the two arrays
     * @return {index, weights}
     */
    public NDArray[] toDevice(NDManager manager) {
        Shape s = new Shape(shape);
        return new NDArray[] {manager.create(index, s), manager.create(weights, s)};
    }
}
