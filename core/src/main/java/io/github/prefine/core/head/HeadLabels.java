package io.github.prefine.core.head;

import io.github.prefine.heads.HeadLosses;
import io.github.prefine.heads.LossTargets;
import java.util.Objects;

/**
 * One task's labels in a batch, laid out as its head's loss reads them: row-major int32 values
 * and their shape, example axis first.
 *
 * <p>Layouts per format: {@code [examples]} for sequence classification and multiple choice,
 * {@code [examples, seqLen]} for token classification, {@code [examples, 2]} (start, end) for
 * extractive QA. {@link #IGNORE} marks a target the loss skips.
 *
 * <p>No-copy contract: the arrays are kept as given and returned by the accessors, because labels
 * are laid out once per batch on the hot path; nobody may modify them afterwards. Equality is
 * identity.
 *
 * <p>Safe to read from several threads under that contract.
 */
public final class HeadLabels {
    /** The label of a target the loss ignores: {@link HeadLosses#IGNORE_INDEX} ({@code -100}). */
    public static final int IGNORE = HeadLosses.IGNORE_INDEX;

    private final int[] values;
    private final long[] shape;

    /**
     * Wraps labels.
     *
     * @param values row-major int32 labels
     * @param shape their shape, example axis first
     * @throws IllegalArgumentException if the shape is empty, has a negative dimension or one above
     *     {@link Integer#MAX_VALUE}, or does not hold {@code values.length} values ({@link
     *     LossTargets#checkShapeHolds})
     */
    public HeadLabels(int[] values, long[] shape) {
        this.values = Objects.requireNonNull(values, "values");
        this.shape = Objects.requireNonNull(shape, "shape");
        if (shape.length == 0) {
            throw new IllegalArgumentException("head labels: shape [] has no example axis");
        }
        LossTargets.checkShapeHolds("head labels", shape, values.length);
    }

    /**
     * Returns the labels, row-major (not copied).
     *
     * @return int32 labels
     */
    public int[] values() {
        return values;
    }

    /**
     * Returns the shape (not copied).
     *
     * @return the shape, example axis first
     */
    public long[] shape() {
        return shape;
    }

    /**
     * Returns the number of examples, the first axis.
     *
     * @return the example count
     */
    public int numExamples() {
        return (int) shape[0];
    }
}
