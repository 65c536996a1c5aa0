package io.github.prefine.eval.evaluator;

import io.github.prefine.eval.metrics.MetricType;
import java.util.Objects;

/**
 * The score of one run on one task.
 *
 * <p>{@code value} is on the metric's native scale, as the Python reference returns it: a fraction
 * in [0, 1] for accuracy, F1 and span F1, and percent for the SQuAD metrics (the script prints
 * {@code 100 * mean}). {@link #percent()} gives every metric in percent, the scale of the paper's
 * tables.
 *
 * <p>Immutable and thread-safe.
 *
 * @param metric the metric
 * @param value the score on the metric's native scale
 * @param count the number of scored items (examples, sentences or questions)
 */
public record EvaluationResult(MetricType metric, double value, int count) {

    /**
     * Validates the fields.
     *
     * @param metric see the record description
     * @param value see the record description
     * @param count see the record description
     * @throws IllegalArgumentException if the count is negative or the value is not on the metric's
     *     native scale ([0, 1], or [0, 100] for the SQuAD metrics)
     */
    public EvaluationResult {
        Objects.requireNonNull(metric, "metric");
        if (count < 0 || Double.isNaN(value)) {
            throw new IllegalArgumentException("result needs count >= 0 and a number, found count " + count + ", value " + value);
        }
        double top = isPercentScale(metric) ? 100.0 : 1.0;
        if (!(value >= 0 && value <= top)) {
            // a percent handed over as a fraction, or the reverse, would be off by 100 in every aggregate
            throw new IllegalArgumentException(metric + " result must lie in [0, " + (int) top + "] (its native scale), found "
                    + value);
        }
    }

    /**
     * The score in percent.
     *
     * @return value for the SQuAD metrics, 100 * value for the others
     */
    public double percent() {
        return isPercentScale(metric) ? value : 100.0 * value;
    }

    /**
     * Whether a metric's native scale is percent.
     *
     * @param metric the metric
     * @return true for SQUAD_F1 and SQUAD_EM
     */
    public static boolean isPercentScale(MetricType metric) {
        return metric == MetricType.SQUAD_F1 || metric == MetricType.SQUAD_EM;
    }
}
