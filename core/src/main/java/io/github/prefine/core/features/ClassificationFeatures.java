package io.github.prefine.core.features;

/**
 * Sequence-classification features: one row per kept example and its label id.
 *
 * <p>Storage: the {@link TokenRows}, plus an {@code int} label and an {@code int} example index
 * per row. Immutable and thread-safe.
 */
public final class ClassificationFeatures extends FeaturesBase implements Features {
    private final int[] labels;

    ClassificationFeatures(TokenRows tokens, int[] labels, int[] exampleIndex, FeatureReport report) {
        super(tokens, exampleIndex, report);
        this.labels = labels;
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
