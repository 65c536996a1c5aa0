package io.github.prefine.core.features;

/**
 * The plumbing every {@link Features} implementation shares: the stored token rows, the example
 * index per unit and the report. {@link #size()} counts rows; implementations whose unit is not a
 * row override it. Immutable; package-private so the public feature types keep their API.
 */
abstract class FeaturesBase {
    final TokenRows tokens;
    final int[] exampleIndex;
    final FeatureReport report;

    FeaturesBase(TokenRows tokens, int[] exampleIndex, FeatureReport report) {
        this.tokens = tokens;
        this.exampleIndex = exampleIndex;
        this.report = report;
    }

    /**
     * Returns the number of units; one unit per row unless overridden.
     *
     * @return units available to batches
     */
    public int size() {
        return tokens.rowCount();
    }

    /**
     * Returns the longest of the given rows; units that are rows use it as their longest row.
     *
     * @param rows row indices
     * @return the longest length, in tokens
     */
    final int longestOf(int[] rows) {
        int t = 0;
        for (int r : rows) {
            t = Math.max(t, tokens.length(r));
        }
        return t;
    }

    /**
     * Returns the longest row of the given units, one row per unit unless overridden.
     *
     * @param units unit indices
     * @return the longest length, in tokens
     */
    public int longestRow(int[] units) {
        return longestOf(units);
    }

    /**
     * Returns the stored token rows.
     *
     * @return the rows
     */
    public TokenRows tokens() {
        return tokens;
    }

    /**
     * Returns the index, in the list given to the featurizer, of the example a unit came from.
     *
     * @param unit the unit index
     * @return the example index
     */
    public int exampleIndex(int unit) {
        return exampleIndex[unit];
    }

    /**
     * Returns how the features were made.
     *
     * @return the report
     */
    public FeatureReport report() {
        return report;
    }
}
