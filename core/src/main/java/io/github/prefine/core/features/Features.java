package io.github.prefine.core.features;

/**
 * The model-ready features of one task split, stored compactly, with the report of how they
 * were made.
 *
 * <p>A <em>unit</em> is what a sampler draws and a batch holds: a row for classification, token
 * classification and QA (a QA window), an example (all its choice rows) for multiple choice.
 * Implementations are immutable and thread-safe.
 */
public sealed interface Features
        permits ClassificationFeatures, TokenClassificationFeatures, QaFeatures, ChoiceFeatures {

    /**
     * Returns the number of units.
     *
     * @return units available to batches
     */
    int size();

    /**
     * Returns the stored token rows.
     *
     * @return the rows
     */
    TokenRows tokens();

    /**
     * Returns the index, in the list given to the featurizer, of the example a unit came from.
     *
     * @param unit the unit index
     * @return the example index
     */
    int exampleIndex(int unit);

    /**
     * Returns how the features were made.
     *
     * @return the report
     */
    FeatureReport report();

    /**
     * Returns the length of the longest row of the given units, so a batch of several tasks can
     * be padded once, to its longest row over all of them.
     *
     * @param units unit indices; at least one
     * @return the longest row, in tokens
     */
    int longestRow(int[] units);

    /**
     * Assembles the given units into a batch padded to a given length.
     *
     * @param units unit indices in batch order; at least one
     * @param seqLen the padded length, at least {@link #longestRow(int[]) longestRow(units)}
     * @return the padded inputs and targets
     * @throws IllegalArgumentException if a row is longer than {@code seqLen}
     */
    PaddedBatch batch(int[] units, int seqLen);

    /**
     * Assembles the given units into a batch padded to its longest row.
     *
     * @param units unit indices in batch order; at least one
     * @return the padded inputs and targets
     */
    default PaddedBatch batch(int[] units) {
        return batch(units, longestRow(units));
    }
}
