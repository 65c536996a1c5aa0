package io.github.prefine.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Objects;

/**
 * Per-example losses of one batch and which examples had anything to learn from.
 *
 * <p>Rows with nothing to score (all labels ignored) have loss 0, never NaN, and {@code valid}
 * false, so a multi-task batch can sum the rows of every task without masking them. prefine's
 * {@code MultiHeadModel} divides that sum by all the batch's rows (the plain mean its Javadoc
 * states, so such a row counts with loss 0); {@code valid} is there for a caller that averages
 * over the rows with something to learn instead.
 *
 * <p>Both arrays stay on the device and belong to the manager of the logits they came from; this
 * record does not own them and needs no closing. Equality is the records' default: identity of the
 * two arrays.
 *
 * <p>Not thread-safe: its arrays belong to the manager of the logits, and are used by one thread at
 * a time, as DJL arrays are.
 *
 * @param loss {@code [batch]}, float32 (float64 for float64 logits): each row's mean loss over its
 *     non-ignored positions, 0 where there are none; differentiable
 * @param valid {@code [batch]} boolean: whether the row has at least one non-ignored position
 */
public record RowLosses(NDArray loss, NDArray valid) {

    /**
     * Checks the two arrays.
     *
     * @param loss {@code [batch]}, float32 (float64 for float64 logits): each row's mean loss over its
     *     non-ignored positions, 0 where there are none; differentiable
     * @param valid {@code [batch]} boolean: whether the row has at least one non-ignored position
     * @throws IllegalArgumentException if the shapes differ or valid is not boolean
     */
    public RowLosses {
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(valid, "valid");
        if (!loss.getShape().equals(valid.getShape()) || loss.getShape().dimension() != 1) {
            throw new IllegalArgumentException(
                    "RowLosses: loss and valid must both be [batch], found " + loss.getShape()
                            + " and " + valid.getShape());
        }
        if (valid.getDataType() != DataType.BOOLEAN) {
            throw new IllegalArgumentException(
                    "RowLosses: valid must be boolean, found " + valid.getDataType());
        }
    }
}
