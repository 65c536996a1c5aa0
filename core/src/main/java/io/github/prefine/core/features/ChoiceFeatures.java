package io.github.prefine.core.features;

import java.util.BitSet;

/**
 * Multiple-choice features: for each kept example, one encoded pair per choice in consecutive
 * rows, and the index of the correct choice.
 *
 * <p>A unit is an example. Storage: the {@link TokenRows}, plus per example a first-row offset, a
 * label and an example index (12 bytes), and the set of examples the maximum length cut.
 * Immutable and thread-safe.
 */
public final class ChoiceFeatures extends FeaturesBase implements Features {
    private final int[] firstRow;
    private final int[] labels;
    /** Units any of whose choice rows the maximum length truncated. */
    private final BitSet cutUnits;

    ChoiceFeatures(TokenRows tokens, int[] firstRow, int[] labels, int[] exampleIndex, BitSet cutUnits,
            FeatureReport report) {
        super(tokens, exampleIndex, report);
        this.firstRow = firstRow;
        this.labels = labels;
        this.cutUnits = cutUnits;
    }

    /**
     * Tells whether the maximum length cut any choice row of an example (the longer of its premise
     * and choice first): the tokens cut off are not in the row, so the prediction does not read them.
     *
     * @param unit the example unit
     * @return whether tokens of any of its choice rows were cut off
     */
    public boolean truncated(int unit) {
        return cutUnits.get(unit);
    }

    /**
     * Returns how many choices (rows) an example has.
     *
     * @param unit the example unit
     * @return its number of choices
     */
    public int choiceCount(int unit) {
        return firstRow[unit + 1] - firstRow[unit];
    }

    /**
     * Returns the row holding one choice of an example.
     *
     * @param unit the example unit
     * @param choice the choice index
     * @return the row index in {@link #tokens()}
     */
    public int row(int unit, int choice) {
        return firstRow[unit] + choice;
    }

    /**
     * Returns the correct choice.
     *
     * @param unit the example unit
     * @return the choice index, or -1 when unlabelled
     */
    public int label(int unit) {
        return labels[unit];
    }

    @Override
    public int size() {
        return labels.length;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Inputs have {@code units.length * C} rows, the C choices of each example consecutive;
     * labels have shape {@code [units.length]}.
     *
     * @throws IllegalArgumentException when the examples have different numbers of choices
     */
    @Override
    public int longestRow(int[] units) {
        int t = 0;
        for (int u : units) {
            for (int k = 0; k < choiceCount(u); k++) {
                t = Math.max(t, tokens.length(firstRow[u] + k));
            }
        }
        return t;
    }

    @Override
    public PaddedBatch batch(int[] units, int seqLen) {
        if (units.length == 0) {
            throw new IllegalArgumentException("a batch needs at least one example, found 0");
        }
        int c = choiceCount(units[0]);
        int[] rows = new int[units.length * c];
        long[] l = new long[units.length];
        for (int i = 0; i < units.length; i++) {
            if (choiceCount(units[i]) != c) {
                throw new IllegalArgumentException(
                        "batch: every example needs " + c + " choices, found " + choiceCount(units[i])
                                + " in unit " + units[i]);
            }
            for (int k = 0; k < c; k++) {
                rows[i * c + k] = firstRow[units[i]] + k;
            }
            l[i] = labels[units[i]];
        }
        return PaddedBatch.inputsOf(tokens, rows, seqLen).withGroups(c, l);
    }
}
