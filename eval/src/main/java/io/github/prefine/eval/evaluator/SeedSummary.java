package io.github.prefine.eval.evaluator;

import io.github.prefine.eval.internal.Counts;
import io.github.prefine.eval.internal.NumpySum;
import java.util.List;
import java.util.Objects;

/**
 * Mean and standard deviation of one score over several seeds.
 *
 * <p>The sample standard deviation (divisor n - 1) of a single run is undefined: it is NaN here, as
 * NumPy's {@code np.std(x, ddof=1)} gives for one value, and {@link #hasStd()} is false, so that a
 * reader of "mean ± std over seeds" never mistakes one seed for a perfectly stable score. (Commons
 * Math returns 0 there.) Table 1 shows such a cell's mean only, and its "Average Std. Dev." row and
 * the grid's std verdict leave it out. The population standard deviation of one run is 0, as NumPy's
 * {@code np.std(x)}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param mean arithmetic mean
 * @param std standard deviation of the kind given; NaN for the sample kind of a single run
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
     * @throws IllegalArgumentException if n is below 1, or the std is NaN where it is defined or a
     *     number where it is not (the sample kind of one run)
     */
    public SeedSummary {
        Objects.requireNonNull(stdKind, "stdKind");
        if (n < 1) {
            throw new IllegalArgumentException("a seed summary needs n >= 1 runs, found " + n);
        }
        boolean undefined = stdKind == StdKind.SAMPLE && n == 1;
        if (undefined != Double.isNaN(std)) {
            throw new IllegalArgumentException("a seed summary of " + Counts.counted(n, "run") + " with " + stdKind
                    + " std needs " + (undefined ? "std NaN (undefined for one run)" : "a number for std") + ", found " + std);
        }
    }

    /**
     * Whether the standard deviation is defined.
     *
     * @return false for the sample standard deviation of a single run, true otherwise
     */
    public boolean hasStd() {
        return !Double.isNaN(std);
    }

    /**
     * Aggregates run values as {@code np.mean} and {@code np.std} with the kind's ddof compute them.
     *
     * @param values one score per seed, at least one
     * @param kind sample or population standard deviation
     * @return the summary; its std is NaN for the sample kind of one value
     * @throws IllegalArgumentException if values is empty or a value is NaN or infinite, naming it
     * @throws NullPointerException if an argument or a value is null, naming it
     */
    public static SeedSummary of(List<Double> values, StdKind kind) {
        Objects.requireNonNull(values, "values");
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a seed summary needs at least one value, found none");
        }
        double[] array = new double[values.size()];
        for (int i = 0; i < array.length; i++) {
            int run = i;
            array[i] = Objects.requireNonNull(values.get(i), () -> "seed summary: value " + run + " is null");
        }
        return of(array, kind);
    }

    /**
     * Aggregates run values as {@code np.mean} and {@code np.std} with the kind's ddof compute them, to the
     * last bit, from the array that {@code
     * TargetFinetuning.metrics} returns.
     *
     * @param values one score per seed, at least one; not modified
     * @param kind sample or population standard deviation
     * @return the summary; its std is NaN for the sample kind of one value
     * @throws IllegalArgumentException if values is empty or a value is NaN or infinite, naming it
     * @throws NullPointerException if an argument is null, naming it
     */
    public static SeedSummary of(double[] values, StdKind kind) {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(kind, "kind");
        if (values.length == 0) {
            throw new IllegalArgumentException("a seed summary needs at least one value, found none");
        }
        for (int i = 0; i < values.length; i++) {
            // a NaN or infinite run would make the mean one, printed in a table as a score
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("a seed summary needs finite scores, found value " + i + " = "
                        + values[i] + " of " + values.length);
            }
        }
        // NumPy's order of operations, not Commons Math's corrected mean: the last bit decides how a
        // near-tie cell prints, and readers recompute tables with NumPy or pandas
        double mean = NumpySum.mean(values);
        int ddof = kind == StdKind.SAMPLE ? 1 : 0;
        double std = Double.NaN;
        if (values.length > ddof) {
            double[] squares = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                squares[i] = (values[i] - mean) * (values[i] - mean);
            }
            std = Math.sqrt(NumpySum.sum(squares) / (values.length - ddof));
        }
        return new SeedSummary(mean, std, values.length, kind);
    }
}
