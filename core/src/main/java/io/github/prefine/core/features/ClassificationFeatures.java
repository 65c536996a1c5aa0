package io.github.prefine.core.features;

import java.util.BitSet;

/**
 * Sequence-classification features: one row per kept example and its label id.
 *
 * <p>Storage: the {@link TokenRows}, plus an {@code int} label and an {@code int} example index
 * per row, and the set of rows the maximum length cut. Immutable and thread-safe.
 */
public final class ClassificationFeatures extends FeaturesBase implements Features {
    private final int[] labels;
    /** Rows the maximum length truncated. */
    private final BitSet cutRows;

    ClassificationFeatures(TokenRows tokens, int[] labels, int[] exampleIndex, BitSet cutRows, FeatureReport report) {
        super(tokens, exampleIndex, report);
        this.labels = labels;
        this.cutRows = cutRows;
    }

    /**
     * Tells whether the maximum length cut a row's text (for a pair, the longer text first): its
     * last tokens are not in the row, so the prediction does not read them.
     *
     * @param row the row index
     * @return whether tokens were cut off
     */
    public boolean truncated(int row) {
        return cutRows.get(row);
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

    /**
     * {@inheritDoc}
     *
     * <p>Labels have shape {@code [rows]}.
     */
    @Override
    public PaddedBatch batch(int[] units, int seqLen) {
        long[] l = new long[units.length];
        for (int i = 0; i < units.length; i++) {
            l[i] = labels[units[i]];
        }
        return PaddedBatch.inputsOf(tokens, units, seqLen).withLabels(l);
    }

    static long bytes(int rows) {
        return 8L * rows;
    }
}
