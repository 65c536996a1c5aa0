package io.github.prefine.core.features;

/**
 * Hears how a featurization advances, so that an application can show progress over a large task
 * (SQuAD's 87,599 training questions take seconds to tens of seconds).
 *
 * <p>A featurization of {@code n} examples reports {@code done = 0} before its first native batch,
 * then once after each batch of the featurizer's batch size (the builders'
 * {@code optBatchSize}), and last {@code done = n}: with batch size {@code b} and no
 * example skipped before encoding, {@code 0, b, 2b, ..., n}. An empty list reports {@code 0} of
 * {@code 0} once. A token-classification sentence skipped before encoding (a word holding
 * whitespace) is counted with the batch that follows it. Called on the featurizing thread; it
 * should return quickly.
 */
@FunctionalInterface
public interface FeaturizationListener {
    /** A listener that ignores every report. */
    FeaturizationListener NONE = progress -> {};

    /**
     * Receives one report.
     *
     * @param progress the featurization's name and counts
     */
    void onFeaturization(FeaturizationProgress progress);
}
