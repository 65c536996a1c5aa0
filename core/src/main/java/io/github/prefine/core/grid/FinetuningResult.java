package io.github.prefine.core.grid;

import java.util.Objects;

/**
 * What one finetuning run scored, in percent of the target's metric.
 *
 * <p>Immutable and thread-safe.
 *
 * @param unit the unit
 * @param validation the metric on the validation split (what a sweep selects on); NaN when the
 *     run diverged
 * @param evaluation the metric on the target's evaluation split (what the tables report); equal
 *     to {@code validation} when that split is validation; NaN when the run diverged
 */
public record FinetuningResult(FinetuningUnit unit, double validation, double evaluation) {
    /**
     * Checks the unit.
     *
     * @param unit the unit
     * @param validation the metric on the validation split (what a sweep selects on); NaN when the
     *     run diverged
     * @param evaluation the metric on the target's evaluation split (what the tables report); equal
     *     to {@code validation} when that split is validation; NaN when the run diverged
     */
    public FinetuningResult {
        Objects.requireNonNull(unit, "unit");
    }
}
