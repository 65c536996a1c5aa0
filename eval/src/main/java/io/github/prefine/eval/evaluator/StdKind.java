package io.github.prefine.eval.evaluator;

/**
 * Which standard deviation a seed aggregate reports.
 *
 * <p>Immutable and thread-safe.
 */
public enum StdKind {
    /** Sample standard deviation, divisor n - 1 (NumPy {@code ddof=1}, pandas default); the default. */
    SAMPLE,
    /** Population standard deviation, divisor n (NumPy {@code np.std} default). */
    POPULATION
}
