package io.github.prefine.core.train;

import java.util.List;

/**
 * Thrown by {@link LearningRateSweep} when no trial produced a finite score: every learning rate
 * of the grid diverged (or failed, as its trial reported with NaN or an infinite score).
 *
 * <p>It is an {@link IllegalStateException}, as the sweep documents, but a type of its own, so
 * that a caller can treat divergence as an outcome of the sweep and let any other illegal state
 * (a bug, an unreadable file) surface with its own message.
 */
public final class SweepDivergedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final List<Double> learningRates;

    /**
     * Creates the exception.
     *
     * @param learningRates the grid, every rate of which diverged
     * @param scores the trials' scores, in grid order, none finite
     */
    public SweepDivergedException(List<Double> learningRates, List<Double> scores) {
        super("sweep: no trial's score was finite over grid " + learningRates + ", found " + scores);
        this.learningRates = List.copyOf(learningRates);
    }

    /**
     * Returns the learning rates tried.
     *
     * @return the grid, in trial order
     */
    public List<Double> learningRates() {
        return learningRates;
    }
}
