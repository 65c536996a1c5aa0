package io.github.prefine.eval.evaluator;

import java.util.List;
import java.util.Objects;
import org.apache.commons.math3.stat.descriptive.moment.Mean;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;

/**
 * Mean and standard deviation of one score over several seeds.
 *
 * <p>The standard deviation of a single run is 0 for both kinds (Commons Math's convention).
 *
 * <p>Immutable and thread-safe.
 *
 * @param mean arithmetic mean
 * @param std standard deviation of the kind given
 * @param n number of runs
 * @param stdKind sample (n - 1) or population (n)
 */
public record SeedSummary(double mean, double std, int n, StdKind stdKind) {

    /**
     * Validates the fields.
     *
     * @param mean see the record description
     * @param std see the record description
     * @param n see the record description
     * @param stdKind see the record description
     */
    public SeedSummary {
        Objects.requireNonNull(stdKind, "stdKind");
        if (n < 1) {
            throw new IllegalArgumentException("a seed summary needs n >= 1 runs, found " + n);
        }
    }

    /**
     * Aggregates run values with Commons Math.
     *
     * @param values one score per seed, at least one
     * @param kind sample or population standard deviation
     * @return the summary
     * @throws IllegalArgumentException if values is empty
     */
    public static SeedSummary of(List<Double> values, StdKind kind) {
        Objects.requireNonNull(values, "values");
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a seed summary needs at least one value, found none");
        }
        return of(values.stream().mapToDouble(Double::doubleValue).toArray(), kind);
    }

    /**
     * Aggregates run values with Commons Math, from the array that {@code
     * TargetFinetuning.metrics} returns.
     *
     * @param values one score per seed, at least one; not modified
     * @param kind sample or population standard deviation
     * @return the summary
     * @throws IllegalArgumentException if values is empty
     */
    public static SeedSummary of(double[] values, StdKind kind) {
        Objects.requireNonNull(values, "values");
        if (values.length == 0) {
            throw new IllegalArgumentException("a seed summary needs at least one value, found none");
        }
        double mean = new Mean().evaluate(values);
        double std = new StandardDeviation(kind == StdKind.SAMPLE).evaluate(values);
        return new SeedSummary(mean, std, values.length, kind);
    }
}
