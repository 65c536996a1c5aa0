package io.github.prefine.core.features;

/**
 * Sequence-classification features: one row per kept example and its label id.
 *
 * <p>Storage: the {@link TokenRows}, plus an {@code int} label and an {@code int} example index
 * per row. Immutable and thread-safe.
 */
public final class ClassificationFeatures implements Features {
    private final TokenRows tokens;
    private final int[] labels;
    private final int[] exampleIndex;
    private final FeatureReport report;

    ClassificationFeatures(TokenRows tokens, int[] labels, int[] exampleIndex, FeatureReport report) {
        this.tokens = tokens;
        this.labels = labels;
        this.exampleIndex = exampleIndex;
        this.report = report;
    }

    /**
     * Returns the label id of a row.
     *
     * @param row the row index
     * @return the label id, or -1 for an unlabelled example
     */
    public int label(int row) {
        return labels[row];
    }

    @Override
    public int size() {
        return tokens.rowCount();
    }

    @Override
    public TokenRows tokens() {
        return tokens;
    }

    @Override
    public int exampleIndex(int unit) {
        return exampleIndex[unit];
    }

    @Override
    public FeatureReport report() {
        return report;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Labels have shape {@code [rows]}.
     */
    @Override
    public PaddedBatch batch(int[] units) {
        long[] l = new long[units.length];
        for (int i = 0; i < units.length; i++) {
            l[i] = labels[units[i]];
        }
        return PaddedBatch.inputsOf(tokens, units).withLabels(l);
    }

    static long bytes(int rows) {
        return 8L * rows;
    }
}
