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
     * Assembles the given units into a batch padded to its longest row.
     *
     * @param units unit indices in batch order; at least one
     * @return the padded inputs and targets
     */
    PaddedBatch batch(int[] units);
}
