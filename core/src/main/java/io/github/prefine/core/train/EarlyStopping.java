package io.github.prefine.core.train;

import java.util.ArrayList;
import java.util.List;

/**
 * The paper's stopping rule: after each epoch, observe the average of the per-task validation
 * losses; stop once it has not improved (strictly decreased) on the best so far for {@code
 * patience} consecutive epochs. A NaN score never improves.
 *
 * <p>Pure Java, no native memory; not thread-safe. The full history is kept so a checkpoint can
 * restore the rule exactly by replaying it ({@link #replay}).
 */
public final class EarlyStopping {
    private final int patience;
    private final List<Double> history = new ArrayList<>();
    private int bestEpoch = -1;
    private double best = Double.POSITIVE_INFINITY;

    /**
     * Creates the rule.
     *
     * @param patience epochs without improvement before stopping, positive (the paper uses 3)
     */
    public EarlyStopping(int patience) {
        if (patience <= 0) {
            throw new IllegalArgumentException("early stopping: patience must be positive, found " + patience);
        }
        this.patience = patience;
    }

    /**
     * Rebuilds the rule from a recorded history.
     *
     * @param patience the patience
     * @param history the scores of the epochs observed so far
     * @return the rule in the same state as after observing them
     */
    public static EarlyStopping replay(int patience, List<Double> history) {
        EarlyStopping es = new EarlyStopping(patience);
        history.forEach(es::observe);
        return es;
    }

    /**
     * The score of an epoch: the mean of the tasks' validation losses, leaving out the tasks
     * without validation examples (NaN).
     *
     * @return the mean, or NaN when no task has a validation loss
     */
    static double score(double[] validationLosses) {
        double s = 0;
        int n = 0;
        for (double x : validationLosses) {
            if (!Double.isNaN(x)) {
                s += x;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    /**
     * Records the score of the next epoch.
     *
     * @param score the average validation loss (lower is better)
     * @return true if it improved on the best so far (this epoch is the new best)
     */
    public boolean observe(double score) {
        history.add(score);
        if (score < best) {
            best = score;
            bestEpoch = history.size() - 1;
            return true;
        }
        return false;
    }

    /**
     * Tells whether training should stop now.
     *
     * @return true when the last {@code patience} epochs did not improve on the best
     */
    public boolean shouldStop() {
        return !history.isEmpty() && epochsSinceBest() >= patience;
    }

    /**
     * Returns the epochs observed since the best one (all of them when none was finite).
     *
     * @return the count
     */
    public int epochsSinceBest() {
        return history.size() - 1 - bestEpoch;
    }

    /**
     * Returns the best epoch.
     *
     * @return its 0-based index, or -1 before any finite score
     */
    public int bestEpoch() {
        return bestEpoch;
    }

    /**
     * Returns the best score.
     *
     * @return the lowest score, or +infinity before any finite score
     */
    public double bestScore() {
        return best;
    }

    /**
     * Returns the scores observed, in epoch order.
     *
     * @return a copy of the history
     */
    public List<Double> history() {
        return List.copyOf(history);
    }

    /**
     * Returns the patience.
     *
     * @return epochs without improvement before stopping
     */
    public int patience() {
        return patience;
    }
}
