package io.github.prefine.core.train;

/**
 * The parts of a {@link TrainingStep}, in the order a one-part step enters them.
 *
 * <p>Immutable and thread-safe.
 */
public enum StepPhase {
    /** Assembling a micro-batch on the host and copying it to the device. */
    ASSEMBLY,
    /** Encoder, heads and losses. */
    FORWARD,
    /** Back-propagation into the flat gradient. */
    BACKWARD,
    /** Clipping, the loss-scale check, AdamW and the replica refresh. */
    OPTIMIZER,
    /** The step has returned. */
    DONE;

    /** Notified as a step moves from phase to phase (for profiling; the step never waits for it). */
    @FunctionalInterface
    public interface Listener {
        /**
         * Called when a phase starts.
         *
         * @param phase the phase entered
         */
        void enter(StepPhase phase);
    }
}
