package io.github.prefine.core.train;

import java.util.List;

/**
 * One epoch's validation and cost figures (the paper's cost table uses the last two).
 *
 * <p>Immutable and thread-safe.
 *
 * @param epoch the 0-based epoch
 * @param validationLosses mean validation loss of each task, in task order (NaN for a task
 *     without validation data, left out of the average)
 * @param averageValidationLoss the mean of the finite per-task losses, the early-stopping score
 * @param improved true if this epoch is the new best
 * @param trainSeconds wall-clock seconds of the epoch's training steps (validation excluded)
 * @param trainExamples training examples seen in the epoch
 */
public record EpochReport(int epoch, List<Double> validationLosses, double averageValidationLoss, boolean improved,
        double trainSeconds, long trainExamples) {
    /**
     * Copies the list.
     *
     * @param epoch the 0-based epoch
     * @param validationLosses mean validation loss of each task, in task order (NaN for a task
     *     without validation data, left out of the average)
     * @param averageValidationLoss the mean of the finite per-task losses, the early-stopping score
     * @param improved true if this epoch is the new best
     * @param trainSeconds wall-clock seconds of the epoch's training steps (validation excluded)
     * @param trainExamples training examples seen in the epoch
     */
    public EpochReport {
        validationLosses = List.copyOf(validationLosses);
    }
}
