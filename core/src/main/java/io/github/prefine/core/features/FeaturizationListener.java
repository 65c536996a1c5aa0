package io.github.prefine.core.features;

import io.github.prefine.core.data.ReadProgress;

/**
 * Hears how a featurization advances, so that an application can show progress over a large task
 * (SQuAD's 87,599 training questions take seconds to tens of seconds), and, through {@link
 * #onRead}, how the reading of the task's files before it advances.
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

    /**
     * Receives one report of reading a task's split from its files ({@code Task.load} with a
     * listener), by default ignored.
     *
     * <p>A split whose files hold {@code n} bytes reports {@code done = 0} before its first byte,
     * then each time at least {@link ReadProgress#STEP_BYTES} more have been read, and last
     * {@code done = n} once its reader has returned: each count once, never backwards. An empty
     * file reports {@code 0} of {@code 0} once; a read that fails reports no end. The names are
     * {@code task/split}, and {@code task/train+validation} for a one-file dataset held out 4:1.
     * Called on the reading thread; it should return quickly.
     *
     * @param progress the read's name and byte counts
     */
    default void onRead(ReadProgress progress) {}
}
