package io.github.prefine.core.train;

import java.nio.file.Path;

/**
 * Receives training progress; the library itself never prints. Callbacks run on the training
 * thread and should return quickly. All methods default to doing nothing.
 */
public interface TrainingListener {
    /**
     * Called every {@code logEvery} optimiser steps and at the end of each epoch, the only points
     * where values are read from the device.
     *
     * @param report the interval's figures
     */
    default void onSteps(StepReport report) {}

    /**
     * Called once when {@link Trainer#fit} restores a checkpoint, before any step: the epochs it
     * covers were trained before the restart. A run resumed from its final checkpoint trains no
     * epoch and gives no step report, so this is the only sign of them.
     *
     * @param epochsDone the epochs the restored checkpoint covers
     */
    default void onResume(int epochsDone) {}

    /**
     * Called after each epoch's validation.
     *
     * @param report the epoch's figures
     */
    default void onEpoch(EpochReport report) {}

    /**
     * Called during the forward passes that train nothing (each epoch's validation losses, and
     * {@link Trainer#predict}): once at 0 done before the first batch, then after each batch. A
     * split without data gives no pass and no call.
     *
     * @param progress the pass's figures
     */
    default void onEvaluation(EvaluationProgress progress) {}

    /**
     * Called after a checkpoint is complete on disk.
     *
     * @param dir the checkpoint folder
     * @param epochsDone the epochs it covers
     */
    default void onCheckpoint(Path dir, int epochsDone) {}
}
