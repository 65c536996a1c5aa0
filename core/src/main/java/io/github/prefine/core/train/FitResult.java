package io.github.prefine.core.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#fit()}: the model then holds the best epoch's weights.
 *
 * <p>Immutable and thread-safe.
 *
 * @param epochs every epoch's report, in order
 * @param bestEpoch the 0-based epoch whose weights were restored, -1 if none was finite
 * @param bestAverageValidationLoss that epoch's early-stopping score
 * @param stoppedEarly true if patience ran out before the epoch limit (false
 *     where it ran out on the last allowed epoch, which the limit ended anyway)
 * @param globalSteps optimiser steps taken
 * @param learningRate the peak learning rate used
 * @param skippedSteps steps skipped for a non-finite gradient under mixed precision (0 in float32)
 */
public record FitResult(List<EpochReport> epochs, int bestEpoch, double bestAverageValidationLoss,
        boolean stoppedEarly, long globalSteps, double learningRate, long skippedSteps) {
    /**
     * Copies the list.
     *
     * @param epochs every epoch's report, in order
     * @param bestEpoch the 0-based epoch whose weights were restored, -1 if none was finite
     * @param bestAverageValidationLoss that epoch's early-stopping score
     * @param stoppedEarly true if patience ran out before the epoch limit (false where it ran
     *     out on the last allowed epoch)
     * @param globalSteps optimiser steps taken
     * @param learningRate the peak learning rate used
     * @param skippedSteps steps skipped for a non-finite gradient under mixed precision (0 in float32)
     */
    public FitResult {
        epochs = List.copyOf(epochs);
    }

    /**
     * A result without skipped steps (float32 training).
     *
     * @param epochs the epochs' reports
     * @param bestEpoch the best epoch, -1 if none
     * @param bestAverageValidationLoss its average validation loss
     * @param stoppedEarly whether patience ran out before the epoch limit
     * @param globalSteps optimiser steps taken
     * @param learningRate the peak learning rate
     */
    public FitResult(List<EpochReport> epochs, int bestEpoch, double bestAverageValidationLoss, boolean stoppedEarly,
            long globalSteps, double learningRate) {
        this(epochs, bestEpoch, bestAverageValidationLoss, stoppedEarly, globalSteps, learningRate, 0);
    }

    /**
     * Returns the best epoch's per-task validation losses.
     *
     * @return losses in task order, or an empty list if there was no best epoch
     */
    public List<Double> bestValidationLosses() {
        return bestEpoch < 0 ? List.of() : epochs.get(bestEpoch).validationLosses();
    }
}
