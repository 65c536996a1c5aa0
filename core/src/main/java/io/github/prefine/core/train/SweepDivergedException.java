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
        this(learningRates, scores, List.of());
    }

    /**
     * Creates the exception, naming why each diverged trial stopped.
     *
     * @param learningRates the grid, every rate of which diverged
     * @param scores the trials' scores, in grid order, none finite
     * @param divergences the trials that threw {@link NonFiniteLossException}, in grid order
     */
    public SweepDivergedException(List<Double> learningRates, List<Double> scores,
            List<LearningRateSweep.Divergence> divergences) {
        super("sweep: no trial's score was finite over grid " + learningRates + ", found " + scores
                + reasons(divergences));
        this.learningRates = List.copyOf(learningRates);
    }

    private static String reasons(List<LearningRateSweep.Divergence> divergences) {
        StringBuilder sb = new StringBuilder();
        for (LearningRateSweep.Divergence d : divergences) {
            sb.append(sb.length() == 0 ? "; diverged: " : "; ").append("learning rate ").append(d.learningRate())
                    .append(": ").append(d.reason());
        }
        return sb.append(divergences.isEmpty() ? "" : "; try lower rates").toString();
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
