package io.github.prefine.core.train;

/**
 * Progress over a logging interval of optimiser steps.
 *
 * <p>Immutable and thread-safe.
 *
 * @param epoch the 0-based epoch
 * @param stepInEpoch optimiser steps done in this epoch
 * @param stepsPerEpoch optimiser steps of this epoch (for an ETA)
 * @param globalStep optimiser steps done in the run
 * @param meanLoss the mean of the interval's batch losses
 * @param learningRate the rate of the interval's last step
 * @param examplesPerSecond training examples per wall-clock second over the interval
 * @param epochElapsedSeconds wall-clock seconds since the epoch began (for an ETA)
 */
public record StepReport(int epoch, int stepInEpoch, int stepsPerEpoch, long globalStep, double meanLoss,
        double learningRate, double examplesPerSecond, double epochElapsedSeconds) {}
