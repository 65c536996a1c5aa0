package io.github.prefine.core.grid;

import java.util.Objects;

/**
 * What one pre-finetuning run achieved.
 *
 * <p>Immutable and thread-safe.
 *
 * @param unit the unit
 * @param bestAverageValidationLoss the average over tasks of the validation loss at the best
 *     epoch; NaN when the run diverged (it then never wins a sweep)
 */
public record PrefinetuningResult(PrefinetuningUnit unit, double bestAverageValidationLoss) {
    /**
     * Checks the unit.
     *
     * @param unit the unit
     * @param bestAverageValidationLoss the average over tasks of the validation loss at the best
     *     epoch; NaN when the run diverged (it then never wins a sweep)
     */
    public PrefinetuningResult {
        Objects.requireNonNull(unit, "unit");
    }
}
