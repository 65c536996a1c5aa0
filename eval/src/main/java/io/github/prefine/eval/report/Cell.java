package io.github.prefine.eval.report;

import io.github.prefine.eval.stats.SeedDifference;

/**
 * One table cell: a value with an optional standard deviation, or empty for a missing result. A
 * Table 1 or Table 2 cell of a setting other than the baseline may also carry how its seeds compare
 * with the baseline's in the same row ({@link #vsBaseline()}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the value (mean), NaN when empty
 * @param std the standard deviation, NaN when the cell has none
 * @param vsBaseline the comparison with the baseline's cell of the same row, null when the cell
 *     was not compared (the baseline itself, Table 1's averages, a side without runs, other tables)
 */
public record Cell(double value, double std, SeedDifference vsBaseline) {

    /**
     * A cell without a comparison.
     *
     * @param value see the record description
     * @param std see the record description
     */
    public Cell(double value, double std) {
        this(value, std, null);
    }

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

    /**
     * The same cell with a comparison with the baseline.
     *
     * @param comparison the comparison, null for none
     * @return the copy
     */
    public Cell withVsBaseline(SeedDifference comparison) {
        return new Cell(value, std, comparison);
    }

    /**
     * Returns whether the cell differs from the baseline after the correction for the table's
     * family of tests (see {@link SeedDifference#significant()}).
     *
     * @return false when not compared or not significant
     */
    public boolean differsFromBaseline() {
        return vsBaseline != null && vsBaseline.significant();
    }
}
