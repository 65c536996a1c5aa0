package io.github.prefine.eval.report;

/**
 * One table cell: a value with an optional standard deviation, or empty for a missing result.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the value (mean), NaN when empty
 * @param std the standard deviation, NaN when the cell has none
 */
public record Cell(double value, double std) {

    /**
     * Returns the empty cell of a result that is not in the log yet.
     *
     * @return the empty cell of a result that is not in the log yet
     */
    public static Cell empty() {
        return new Cell(Double.NaN, Double.NaN);
    }

    /**
     * A cell with a value only.
     *
     * @param value the value
     * @return the cell
     */
    public static Cell of(double value) {
        return new Cell(value, Double.NaN);
    }

    /**
     * A cell with mean and standard deviation.
     *
     * @param mean the mean
     * @param std the standard deviation
     * @return the cell
     */
    public static Cell of(double mean, double std) {
        return new Cell(mean, std);
    }

    /**
     * Returns whether the cell has no value.
     *
     * @return whether the cell has no value
     */
    public boolean isEmpty() {
        return Double.isNaN(value);
    }

    /**
     * Returns whether the cell has a standard deviation.
     *
     * @return whether the cell has a standard deviation
     */
    public boolean hasStd() {
        return !Double.isNaN(std);
    }
}
