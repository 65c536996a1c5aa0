package io.github.prefine.examples.cli;

import io.github.prefine.core.data.ReadProgress;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.features.FeaturizationProgress;
import io.github.prefine.core.train.EpochReport;
import io.github.prefine.core.train.EvaluationProgress;
import io.github.prefine.core.train.StepReport;
import io.github.prefine.core.train.TrainingListener;
import java.util.Locale;
import java.util.Objects;

/**
 * Draws a trainer's progress with a {@link ConsoleProgress}: one bar per epoch (steps, ETA), with
 * the interval's loss and examples per second, then one per validation or prediction pass (units,
 * ETA, the task being run); {@link #featurization} draws one per split read and one per
 * featurized split. Not thread-safe.
 */
public final class TrainingProgress implements TrainingListener {
    private final ConsoleProgress bar;
    private final String label;
    private int epoch = -1;

    /**
     * Creates a listener for one training run.
     *
     * @param bar the bar to draw on
     * @param label the run's label
     */
    public TrainingProgress(ConsoleProgress bar, String label) {
        this.bar = Objects.requireNonNull(bar, "bar");
        this.label = Objects.requireNonNull(label, "label");
    }

    @Override
    public void onSteps(StepReport r) {
        if (r.epoch() != epoch) {
            epoch = r.epoch();
            bar.start(label + " epoch " + (epoch + 1), r.stepsPerEpoch(), "steps", r.epochElapsedSeconds());
        }
        bar.update(r.stepInEpoch(), String.format(Locale.ROOT, "loss %.4f | %.0f ex/s", r.meanLoss(), r.examplesPerSecond()));
    }

    @Override
    public void onEpoch(EpochReport r) {
        bar.finishLine();
    }

    /** A bar per validation or prediction pass, which on a large split runs for minutes after the epoch's last step. */
    @Override
    public void onEvaluation(EvaluationProgress p) {
        boolean validation = p.pass() == EvaluationProgress.Pass.VALIDATION_LOSS;
        if (p.done() == 0) {
            String what = validation
                    ? " validation" + (epoch >= 0 ? " epoch " + (epoch + 1) : "")
                    : " predict " + p.task() + " " + p.split().name().toLowerCase(Locale.ROOT);
            bar.start(label + what, p.total(), "units", p.elapsedSeconds());
        }
        bar.update(p.done(), validation ? p.task() : "");
        if (p.done() >= p.total()) {
            bar.finishLine();
        }
    }

    /**
     * A bar per split read from a task's files, in bytes, then one per featurized split, in
     * examples: reading a large task's files (SQuAD's tens of MB) takes seconds and featurizing it
     * (87,599 training questions) seconds to tens of seconds before the first step.
     *
     * @param bar the console
     * @return the listener, for {@code Grid.Builder.optFeaturizationListener}, {@code
     *     FeaturizedTask.featurize} or {@code Task.load}
     */
    public static FeaturizationListener featurization(ConsoleProgress bar) {
        Objects.requireNonNull(bar, "bar");
        return new FeaturizationListener() {
            @Override
            public void onFeaturization(FeaturizationProgress p) {
                // an empty split (a task without test examples) has nothing to show
                draw(bar, "featurize " + p.name(), p.done(), p.total(), "ex");
            }

            @Override
            public void onRead(ReadProgress p) {
                draw(bar, "read " + p.name(), p.done(), p.total(), ConsoleProgress.BYTES);
            }
        };
    }

    /** Starts a bar at a report of 0 done, draws it, and ends its line at the total; draws nothing for a total of 0. */
    private static void draw(ConsoleProgress bar, String label, long done, long total, String unit) {
        if (total == 0) {
            return;
        }
        if (done == 0) {
            bar.start(label, total, unit);
        }
        bar.update(done, "");
        if (done >= total) {
            bar.finishLine();
        }
    }

    /**
     * A factory of progress bars for a grid, each run's bar preceded by the whole run's status line,
     * which is drawn again after each epoch but a run's last; the runs' step reports give the status
     * the share of the running unit done, for an ETA before the first unit ends.
     *
     * @param bar the console
     * @param status the run's status
     * @return the factory, for {@code Grid.Builder.optProgress}
     */
    static java.util.function.Function<String, io.github.prefine.core.train.TrainingListener> withStatus(
            ConsoleProgress bar, RunStatus status) {
        return label -> {
            // the grid names its runs by their unit (PrefinetuningRunner, FinetuningRunner)
            status.runStarted(label);
            bar.status(status.line());
            TrainingProgress drawn = new TrainingProgress(bar, label);
            return new TrainingListener() {
                @Override
                public void onSteps(StepReport r) {
                    status.steps(r);
                    drawn.onSteps(r);
                }

                @Override
                public void onResume(int epochsDone) {
                    status.resumed(epochsDone);
                }

                @Override
                public void onEpoch(EpochReport r) {
                    drawn.onEpoch(r);
                    status.epochEnded(r.epoch());
                    if (status.epochsLeftAfter(r.epoch())) {
                        bar.status(status.line());
                    }
                }

                @Override
                public void onEvaluation(EvaluationProgress p) {
                    drawn.onEvaluation(p);
                }
            };
        };
    }

    /** How the grid's pre-finetuning run labels begin. */
    static final String PREFINETUNING_LABEL = "pre-finetune ";
}
