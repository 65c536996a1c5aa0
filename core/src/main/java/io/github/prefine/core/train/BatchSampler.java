package io.github.prefine.core.train;

import java.util.List;

/**
 * Plans the training batches of each epoch; seeded, and able to save and restore its state so a
 * resumed run draws the same batches.
 *
 * <p>The trainer calls {@link #nextEpoch()} once per epoch and checkpoints {@link #saveState()}
 * after it, at epoch boundaries only. {@link HeterogeneousBatchSampler} adapts the {@code sampling}
 * module's {@code HeterogeneousSampler}, whose proportional mode is the paper's default.
 *
 * <p>Implementations are mutable and confined to one thread, the trainer's. A sampler belongs to
 * the one trainer whose {@code fit()} draws from it, which leaves it after its last epoch: another
 * trainer refuses it at {@code build()} (or at {@code fit()}, where it was built with the sampler
 * first), so each trainer (each seed of a loop) gets a new one. A {@code fit()} that failed before
 * it restored or drew from the sampler (an unreadable checkpoint), or whose checkpoint's state
 * {@link #restoreState} refused, leaves it to the next trainer.
 */
public interface BatchSampler {
    /**
     * Returns how many batches each epoch has (used to size the learning-rate schedule); {@link
     * #nextEpoch()} must plan exactly this many, and the trainer refuses an epoch of another count.
     *
     * @return batches per epoch, positive
     */
    int batchesPerEpoch();

    /**
     * Plans the next epoch and advances the state.
     *
     * @return the epoch's batches, in training order
     */
    List<SampledBatch> nextEpoch();

    /**
     * Serializes the state (enough to reproduce every later epoch).
     *
     * @return the state bytes
     */
    byte[] saveState();

    /**
     * Restores a state written by {@link #saveState()} of an identically configured sampler.
     *
     * @param state the state bytes
     * @throws IllegalArgumentException if the bytes are not a state of this sampler, which then
     *     keeps its own state: the trainer refuses the checkpoint and leaves the sampler, unchanged,
     *     to the next trainer
     */
    void restoreState(byte[] state);
}
