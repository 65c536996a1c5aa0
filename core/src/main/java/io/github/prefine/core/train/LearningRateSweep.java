package io.github.prefine.core.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one training per learning rate of a grid and keeps the best: lowest average validation
 * loss for pre-finetuning, or highest validation metric for target tasks. The paper sweeps {@link
 * Trainer#defaultLearningRates()}.
 *
 * <p>Each trial builds, trains and closes its own model, so trials start from the same weights
 * when the trial seeds the engine the same way. Pure Java; holds no native memory itself.
 *
 * <p>A trial whose training diverges (throws {@link NonFiniteLossException}, as the paper's
 * largest rate can for some encoders) loses: it scores NaN, is logged and listed in {@link
 * SweepResult#divergences()}, and the sweep goes on; only a grid where no trial has a finite
 * score throws ({@link SweepDivergedException}).
 *
 * <p>Stateless and thread-safe.
 */
public final class LearningRateSweep {
    private static final Logger LOG = LoggerFactory.getLogger(LearningRateSweep.class);

    private LearningRateSweep() {}

    /** One training at a given learning rate, returning its score. */
    @FunctionalInterface
    public interface Trial {
        /**
         * Trains at a learning rate and scores the result.
         *
         * @param learningRate the peak learning rate
         * @return the score (NaN or infinite for a failed trial, which never wins)
         * @throws IOException if the trial's data or checkpoints fail
         */
        double run(double learningRate) throws IOException;
    }

    /** One pre-finetuning at a given learning rate. */
    @FunctionalInterface
    public interface FitTrial {
        /**
         * Trains at a learning rate.
         *
         * @param learningRate the peak learning rate
         * @return the fit result
         * @throws IOException if the trial's data or checkpoints fail
         */
        FitResult run(double learningRate) throws IOException;
    }

    /**
     * Sweeps pre-finetuning runs, keeping the lowest best-epoch average validation loss.
     *
     * @param grid learning rates, tried in order
     * @param trial trains at one rate
     * @return the sweep's scores and winner; a diverged trial scores NaN and is listed in {@link
     *     SweepResult#divergences()}
     * @throws IOException if a trial fails with I/O
     * @throws SweepDivergedException if no trial produced a finite score (every one diverged, or
     *     had no finite epoch)
     */
    public static SweepResult byValidationLoss(List<Double> grid, FitTrial trial) throws IOException {
        Objects.requireNonNull(trial, "trial");
        return run(grid, lr -> trial.run(lr).bestAverageValidationLoss(), false);
    }

    /**
     * Sweeps trials scored by any function.
     *
     * @param grid learning rates, tried in order
     * @param trial trains at one rate and scores it; a {@link NonFiniteLossException} it throws
     *     makes its score NaN and is listed in {@link SweepResult#divergences()}
     * @param higherIsBetter true for metrics such as accuracy or F1, false for losses
     * @return the sweep's scores and winner (ties go to the earlier rate)
     * @throws IOException if a trial fails with I/O
     * @throws IllegalArgumentException if the grid is empty or holds a non-positive rate
     * @throws SweepDivergedException if no trial produced a finite score (an {@link
     *     IllegalStateException}); anything else a trial throws passes through unchanged
     */
    public static SweepResult run(List<Double> grid, Trial trial, boolean higherIsBetter) throws IOException {
        List<Double> rates = List.copyOf(grid);
        if (rates.isEmpty()) {
            throw new IllegalArgumentException("sweep: the learning-rate grid is empty");
        }
        for (double lr : rates) {
            if (!(lr > 0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException("sweep: learning rates must be finite and positive, found " + lr);
            }
        }
        List<Double> scores = new ArrayList<>();
        List<Divergence> divergences = new ArrayList<>();
        int best = -1;
        for (int i = 0; i < rates.size(); i++) {
            double s;
            try {
                s = trial.run(rates.get(i));
            } catch (NonFiniteLossException e) {
                // a rate too high for the model is an outcome of the sweep, as the paper's 1e-3 can be for XLM-R
                LOG.warn("sweep: learning rate {} diverged, so it loses and the sweep goes on: {}", rates.get(i),
                        e.getMessage());
                divergences.add(new Divergence(rates.get(i), e.getMessage()));
                s = Double.NaN;
            }
            scores.add(s);
            if (!Double.isFinite(s)) {
                // a failed trial: NaN, or +infinity from a fit without any finite epoch
                continue;
            }
            if (best < 0 || (higherIsBetter ? s > scores.get(best) : s < scores.get(best))) {
                best = i;
            }
        }
        if (best < 0) {
            throw new SweepDivergedException(rates, scores, divergences);
        }
        return new SweepResult(rates.get(best), rates, scores, higherIsBetter, divergences);
    }

    /**
     * A trial whose training diverged.
     *
     * @param learningRate its rate
     * @param reason the {@link NonFiniteLossException}'s message: the step, its epoch and tasks
     */
    public record Divergence(double learningRate, String reason) {
        /**
         * Checks the reason.
         *
         * @param learningRate its rate
         * @param reason the exception's message
         */
        public Divergence {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The outcome of a sweep.
     *
     * @param bestLearningRate the winning rate
     * @param learningRates the grid, in trial order
     * @param scores each trial's score (NaN for a diverged trial)
     * @param higherIsBetter the direction used
     * @param divergences the trials that diverged, in trial order
     */
    public record SweepResult(double bestLearningRate, List<Double> learningRates, List<Double> scores,
            boolean higherIsBetter, List<Divergence> divergences) {
        /**
         * Copies the lists.
         *
         * @param bestLearningRate the winning rate
         * @param learningRates the grid, in trial order
         * @param scores each trial's score (NaN for a diverged trial)
         * @param higherIsBetter the direction used
         * @param divergences the trials that diverged, in trial order
         */
        public SweepResult {
            learningRates = List.copyOf(learningRates);
            scores = List.copyOf(scores);
            divergences = List.copyOf(divergences);
        }

        /**
         * A result without diverged trials.
         *
         * @param bestLearningRate the winning rate
         * @param learningRates the grid, in trial order
         * @param scores each trial's score
         * @param higherIsBetter the direction used
         */
        public SweepResult(double bestLearningRate, List<Double> learningRates, List<Double> scores,
                boolean higherIsBetter) {
            this(bestLearningRate, learningRates, scores, higherIsBetter, List.of());
        }
    }
}
