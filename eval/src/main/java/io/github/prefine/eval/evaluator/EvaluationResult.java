package io.github.prefine.eval.evaluator;

import io.github.prefine.eval.metrics.MetricType;
import java.util.Objects;

/**
 * The score of one run on one task, in percent whatever the metric.
 *
 * <p>The metric functions of {@code io.github.prefine.eval.metrics} keep the scale of their Python
 * reference: a fraction in [0, 1] for accuracy, F1 and span F1 (scikit-learn, seqeval), and percent
 * for the SQuAD metrics (the v1.1 script prints {@code 100 * mean}). A result holds every metric in
 * percent, the scale of the paper's tables, of the results log and of {@link SeedSummary}, so the
 * results of several tasks (as {@code TaskScorer.scoreAll} returns them) can be compared and
 * averaged as they are. {@link #fraction()} gives the same score in [0, 1].
 *
 * <p>Immutable and thread-safe.
 *
 * @param metric the metric
 * @param percent the score in percent, in [0, 100]
 * @param count the number of scored items (examples, sentences or questions)
 */
public record EvaluationResult(MetricType metric, double percent, int count) {

    /**
     * Validates the fields.
     *
     * @param metric see the record description
     * @param percent see the record description
     * @param count see the record description
     * @throws IllegalArgumentException if the count is negative or the score is not in [0, 100]
     */
    public EvaluationResult {
        Objects.requireNonNull(metric, "metric");
        if (count < 0 || !(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException(metric + " result needs count >= 0 and a score in [0, 100] percent, found count "
                    + count + ", score " + percent);
        }
    }

    /**
     * A result from a score on its metric's native scale, as the functions of {@code
     * io.github.prefine.eval.metrics} return it.
     *
     * @param metric the metric
     * @param nativeScore the score: in [0, 100] for the SQuAD metrics, in [0, 1] for the others
     * @param count the number of scored items
     * @return the result, in percent
     * @throws IllegalArgumentException if the score is off its metric's native scale (a percent handed
     *     over as a fraction, or the reverse, would be off by 100 in every aggregate) or the count is
     *     negative
     */
    public static EvaluationResult ofNativeScale(MetricType metric, double nativeScore, int count) {
        Objects.requireNonNull(metric, "metric");
        double top = isPercentScale(metric) ? 100.0 : 1.0;
        if (!(nativeScore >= 0 && nativeScore <= top)) {
            throw new IllegalArgumentException(metric + " score must lie in [0, " + (int) top + "] (its native scale), found "
                    + nativeScore);
        }
        return new EvaluationResult(metric, isPercentScale(metric) ? nativeScore : 100.0 * nativeScore, count);
    }

    /**
     * The score as a fraction.
     *
     * @return {@link #percent()} / 100, in [0, 1]; for a metric whose native scale is a fraction it
     *     may differ from the metric function's own value in the last bit
     */
    public double fraction() {
        return percent / 100.0;
    }

    /**
     * Whether a metric's native scale, that of its function in {@code io.github.prefine.eval.metrics},
     * is percent.
     *
     * @param metric the metric
     * @return true for SQUAD_F1 and SQUAD_EM, false for the fractions in [0, 1]
     */
    public static boolean isPercentScale(MetricType metric) {
        return metric == MetricType.SQUAD_F1 || metric == MetricType.SQUAD_EM;
    }
}
