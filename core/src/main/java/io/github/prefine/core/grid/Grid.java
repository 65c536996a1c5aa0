package io.github.prefine.core.grid;

import ai.djl.Device;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.pipeline.TaskDataSource;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.train.Precision;
import io.github.prefine.core.train.Trainer;
import io.github.prefine.core.train.TrainingListener;
import io.github.prefine.eval.stats.SeedDifference;
import io.github.prefine.sampling.HeterogeneousSampler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The paper's experiment grid as a resumable job: the baseline (the encoder as given),
 * pre-finetuning on every non-empty combination of the chosen task groups (each over a
 * learning-rate sweep, the lowest average validation loss winning), then finetuning of every
 * target under every setting over the seeds (by default one target learning rate per (setting,
 * target), the highest mean validation metric over the seeds winning, and every target scored on
 * validation, as the paper; see {@link Builder#optLearningRateSelection} and {@link
 * Builder#optReportSplit}). Table 1, Table 2, the cost table and the plots are rewritten in the
 * output folder after every finished sweep; their titles name the protocol ({@link #protocol()}).
 *
 * <pre>{@code
 * Grid grid = Grid.builder().setEncoder(encoderFolder).setData(TaskDataSource.dataRoot(dataRoot, Leniency.LENIENT))
 *         .setPrefinetuningTasks(TaskCatalog.prefinetuning()).setGroups(List.of(TaskGroup.SL, TaskGroup.QA, TaskGroup.C))
 *         .setTargets(TaskCatalog.targets()).setOutput(Path.of("reproduce-out")).build();
 * GridSummary summary = grid.run();
 * }</pre>
 *
 * <p><b>Work.</b> A {@link GridPlan} lists {@link Setting}s and the sweeps over them: one
 * {@link PrefinetuningSweep} per pre-finetuned setting, one {@link FinetuningSweep} per (setting,
 * target) (per (setting, target, seed) with per-seed selection). Each sweep is a list of units (one training at one learning rate), each unit
 * idempotent: its outcome is written atomically under the output folder ({@link GridLayout}) and
 * read back when it is run again. {@link #run()} runs everything; {@link #open()} gives a
 * {@link GridSession} that runs one unit or sweep at a time, for other schedulers.
 *
 * <p><b>Restarts and sharing.</b> A sweep whose record exists is skipped; a pre-finetuning cut off
 * mid-way continues from the trainer's last epoch checkpoint. Each sweep is claimed with an OS
 * file lock, so several processes started on the same folder split the work without duplicating
 * it: a sweep locked by another process is skipped and revisited until it is finished. A folder
 * holding a run with other settings or data is refused ({@link RunMismatchException}) unless
 * forced ({@link Builder#optForce}), except a grid that only adds targets to the recorded run: its
 * finished sweeps are kept and only the added targets' finetuning runs.
 *
 * <p><b>Models.</b> The grid keeps scores only, unless {@link Builder#optExportModels} asks
 * {@link #run()} to write, once every sweep is finished, each target's best model or every model as
 * a folder that {@code core.predict.FinetunedModel} loads ({@code OUT/models/<target>/<setting>-seed<N>}).
 *
 * <p>Immutable; {@link #run()} is not thread-safe (one run per process, as it seeds the engine
 * before every model it builds). Variants come from {@link #toBuilder()}.
 */
public final class Grid {
    /** The default finetuning batch size, an interpretation (docs/protocol.md). */
    public static final int DEFAULT_TARGET_BATCH_SIZE = 32;

    /** Hours {@link GridSession#runClaimed} waits for a unit another process holds, unless set. */
    public static final int DEFAULT_CLAIM_TIMEOUT_HOURS = 24;

    /** This grid's values, a copy that nothing writes (see {@link GridConfig}). */
    final GridConfig config;
    final GridLayout layout;

    private Grid(Builder b) {
        this.config = b.config.copy();
        this.layout = new GridLayout(config.out);
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a builder holding this grid's values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Returns where the grid writes.
     *
     * @return the output folder's layout
     */
    public GridLayout layout() {
        return layout;
    }

    /**
     * Returns the finetuning seeds.
     *
     * @return the seeds, in run order
     */
    public List<Long> seeds() {
        return config.seeds;
    }

    /**
     * Returns the pre-finetuning learning-rate sweep.
     *
     * @return the rates, in trial order
     */
    public List<Double> learningRates() {
        return config.learningRates;
    }

    /**
     * Returns the target learning-rate sweep.
     *
     * @return the rates, in trial order
     */
    public List<Double> targetLearningRates() {
        return config.targetLearningRates == null ? config.learningRates : config.targetLearningRates;
    }

    /**
     * Returns the examples per finetuning step.
     *
     * @return the target batch size
     */
    public int targetBatchSize() {
        return config.targetBatchSize;
    }

    /**
     * Returns whether the grid starts anew in a folder holding a run with other settings or data
     * ({@link Builder#optForce}). A folder whose run this grid only adds targets to keeps its results
     * unless forced: forced, it starts anew too, as for any other change.
     *
     * @return true when forced
     */
    public boolean force() {
        return config.force;
    }

    /**
     * Returns the split every target is scored on.
     *
     * @return {@link Split#VALIDATION} (the paper's) or {@link Split#TEST} (where a target has one)
     */
    public Split reportSplit() {
        return config.reportSplit;
    }

    /**
     * Returns how the target learning rate is chosen.
     *
     * @return the selection
     */
    public LearningRateSelection learningRateSelection() {
        return config.lrSelection;
    }

    /**
     * Describes the finetuning protocol in a few words, for run records and table titles.
     *
     * @return for example {@code scored on validation, one lr per target by mean over seeds, target batch 32,
     *     lr decay over 20/20 epochs}, followed by the pre-finetuning sampling where it is not the
     *     paper's proportional one ({@code , pre-finetuning sampling temperature T=2.0})
     */
    public String protocol() {
        return "scored on " + (config.reportSplit == Split.VALIDATION ? "validation" : "test where a target has one")
                + (config.lrSelection == LearningRateSelection.PER_TARGET ? ", one lr per target by mean over seeds"
                        : ", one lr per seed")
                + ", target batch " + config.targetBatchSize + ", lr decay over " + config.scheduleEpochs + "/"
                + config.targetScheduleEpochs + " epochs"
                + (config.sampling.isDefault() ? "" : ", pre-finetuning sampling " + config.sampling.describe());
    }

    /**
     * Runs (or continues) the whole grid: every sweep not finished yet, in plan order, claiming
     * each with its lock, and the reports after each.
     *
     * @return what was done and the final tables
     * @throws IOException if data, checkpoints or reports fail
     * @throws IllegalStateException with {@code strict} when a task's data is missing, or (without
     *     {@code allowPartial}) when a chosen group has no data
     * @throws IllegalArgumentException before any unit, if models are to be exported ({@link
     *     Builder#optExportModels}) with a feature length beyond the encoder's positions, if {@code
     *     -Dprefine.maxLineBytes} is out of range, or when no target can be used (its files missing,
     *     or its data refused at featurization)
     * @throws RunMismatchException when the output folder holds a run with other settings or data
     *     and the grid is not forced
     */
    public GridSummary run() throws IOException {
        return run(open());
    }

    /**
     * Runs the grid as {@link #run()} does, in a session opened with {@link #openWorker()}: for a
     * process that another has started on the same folder after checking and writing its {@code
     * run.json} (the CLI's {@code --workers}), so that the manifest keeps the options and
     * environment of the command the user ran, not those of the last worker to start. The reports
     * are the starting process's to write: a worker rewrites them after the sweeps it runs, but not
     * at its start, nor at its end when it ran none ({@link GridSummary#report()} then lists no
     * files), so that a finished run started again with workers writes each report once.
     *
     * @return what this process did and the tables
     * @throws IOException as {@link #run()}, or if the folder has no {@code run.json}
     */
    public GridSummary runAsWorker() throws IOException {
        return run(openWorker());
    }

    private static GridSummary run(GridSession opened) throws IOException {
        try (GridSession session = opened) {
            GridSummary summary = new GridScheduler(session).run();
            session.exportModels();
            return summary;
        }
    }

    /**
     * Opens a session that runs this grid's units and sweeps one at a time; it owns the engine
     * manager, the tokenizer and the featurized tasks of this process.
     *
     * @return the session, to be closed
     * @throws IOException if the encoder's config cannot be read
     * @throws IllegalArgumentException if models are to be exported ({@link Builder#optExportModels})
     *     with a feature length beyond the encoder's positions, or if {@code -Dprefine.maxLineBytes}
     *     (the line cap of the files read a line at a time) is not a whole number from 1 to 1 GiB
     * @throws RunMismatchException when the output folder holds a run with other settings or data
     *     and the grid is not forced
     */
    public GridSession open() throws IOException {
        return new GridSession(this, false);
    }

    /**
     * Opens a session as a worker of a run whose {@code run.json} another process (a cluster
     * driver) has already checked and written: the session reads that manifest and neither hashes
     * the data nor rewrites the file, so workers on other machines, with the data at other paths,
     * can share the run. Use it only for units and sweeps the checking process planned.
     *
     * @return the session, to be closed
     * @throws IOException if the encoder's config or the manifest cannot be read
     * @throws IllegalStateException if the output folder has no {@code run.json}
     * @throws IllegalArgumentException if {@code -Dprefine.maxLineBytes} is not a whole number from
     *     1 to 1 GiB
     */
    public GridSession openWorker() throws IOException {
        return new GridSession(this, true);
    }

    /** Builds a {@link Grid}; mutable, single-threaded. */
    public static final class Builder {
        /** The values set so far, over the defaults; {@link GridChecks} reads them. */
        final GridConfig config;
        /** Turned into {@code sampling} by {@link #build()}, which checks them. */
        private HeterogeneousSampler.Builder samplingSettings;

        private Builder() {
            this.config = new GridConfig();
        }

        private Builder(Grid g) {
            this.config = g.config.copy();
        }

        /**
         * Sets the base encoder (required): an HF folder with {@code config.json}, weights and
         * {@code tokenizer.json}.
         *
         * @param folder the folder
         * @return this builder
         */
        public Builder setEncoder(Path folder) {
            config.encoder = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /**
         * Sets where task data comes from (required).
         *
         * @param data the source
         * @return this builder
         */
        public Builder setData(TaskDataSource data) {
            config.data = Objects.requireNonNull(data, "data");
            return this;
        }

        /**
         * Sets the pre-finetuning tasks (required); those of the chosen groups are used.
         *
         * @param pool the tasks, for example {@code TaskCatalog.prefinetuning()}
         * @return this builder
         */
        public Builder setPrefinetuningTasks(List<Task> pool) {
            config.pool = GridChecks.copy("pool", pool);
            return this;
        }

        /**
         * Sets the groups whose non-empty combinations are pre-finetuned (required).
         *
         * @param groups the groups, distinct, in combination-naming order, each with at least one
         *     pre-finetuning task ({@link #setPrefinetuningTasks})
         * @return this builder
         */
        public Builder setGroups(List<TaskGroup> groups) {
            config.groups = GridChecks.copy("groups", groups);
            return this;
        }

        /**
         * Sets the target tasks (required).
         *
         * @param targets the targets, distinct by name, in table row order; none may be a
         *     pre-finetuning task of a chosen group (targets are unseen)
         * @return this builder
         */
        public Builder setTargets(List<Task> targets) {
            config.targets = GridChecks.copy("targets", targets);
            return this;
        }

        /**
         * Sets the output folder (required).
         *
         * @param out the folder, created if absent
         * @return this builder
         */
        public Builder setOutput(Path out) {
            config.out = Objects.requireNonNull(out, "out");
            return this;
        }

        /**
         * Sets the finetuning seeds; default 1..5.
         *
         * @param seeds the seeds, distinct
         * @return this builder
         */
        public Builder optSeeds(List<Long> seeds) {
            config.seeds = GridChecks.copy("seeds", seeds);
            return this;
        }

        /**
         * Sets the pre-finetuning learning-rate grid; default the paper's {@link Trainer#defaultLearningRates()}.
         * The lowest best-epoch average validation loss wins; a tie goes to the rate listed first.
         *
         * @param grid the rates
         * @return this builder
         */
        public Builder optLearningRates(List<Double> grid) {
            config.learningRates = GridChecks.copy("grid", grid);
            return this;
        }

        /**
         * Sets the target learning-rate grid; default the pre-finetuning grid. The highest mean
         * validation metric wins; a tie, common on small validation splits, goes to the rate listed
         * first.
         *
         * @param grid the rates
         * @return this builder
         */
        public Builder optTargetLearningRates(List<Double> grid) {
            config.targetLearningRates = GridChecks.copy("grid", grid);
            return this;
        }

        /**
         * Sets the batch size; default 128.
         *
         * @param batchSize examples per step
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            config.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the finetuning batch size; default {@value Grid#DEFAULT_TARGET_BATCH_SIZE} (the paper
         * states none; 128, the pre-finetuning size, gives the small targets a few steps per epoch).
         *
         * @param batchSize examples per step
         * @return this builder
         */
        public Builder optTargetBatchSize(int batchSize) {
            config.targetBatchSize = batchSize;
            return this;
        }

        /**
         * Sets the pre-finetuning and target epoch limits; default 20 each.
         *
         * @param prefinetune pre-finetuning epochs
         * @param target target epochs
         * @return this builder
         */
        public Builder optMaxEpochs(int prefinetune, int target) {
            config.maxEpochs = prefinetune;
            config.targetMaxEpochs = target;
            return this;
        }

        /**
         * Sets the early-stopping patience; default 3.
         *
         * @param patience epochs
         * @return this builder
         */
        public Builder optPatience(int patience) {
            config.patience = patience;
            return this;
        }

        /**
         * Sets the share of each run's optimiser steps spent warming the learning rate up
         * linearly, rounded up to whole steps as HF's {@code warmup_ratio} is; default 0 (HF
         * Trainer's default). Post-LN encoders trained from scratch at high rates need some.
         *
         * @param ratio in [0, 1)
         * @return this builder
         */
        public Builder optWarmupRatio(double ratio) {
            config.warmupRatio = ratio;
            return this;
        }

        /**
         * Sets how pre-finetuning draws its batches; default the paper's proportional sampling. The
         * settings' strategy, temperature, size cap, epoch size and drop-last apply; each run
         * replaces their task sizes with its tasks', their batch size with {@link #optBatchSize}
         * and their seed with its own. A strategy other than the default is part of the run's
         * fingerprint and of the table titles ({@link Grid#protocol()}).
         *
         * @param settings for example {@code HeterogeneousSampler.builder().optStrategy(SamplingStrategy.TEMPERATURE)
         *     .optTemperature(2)}; checked by {@link #build()}
         * @return this builder
         */
        public Builder optSampling(HeterogeneousSampler.Builder settings) {
            this.samplingSettings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Sets how often training progress is read from the device; default every 50 steps.
         *
         * @param steps steps
         * @return this builder
         */
        public Builder optLogEvery(int steps) {
            config.logEvery = steps;
            return this;
        }

        /**
         * Sets the pre-finetuning seed; default 42.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optPrefinetuneSeed(long seed) {
            config.prefinetuneSeed = seed;
            return this;
        }

        /**
         * Sets lengths and example caps; default {@link FeatureSettings#paper()}.
         *
         * @param features the settings
         * @return this builder
         */
        public Builder optFeatures(FeatureSettings features) {
            config.features = Objects.requireNonNull(features, "features");
            return this;
        }

        /**
         * Sets the significance level of the tables' comparisons with the baseline (a cell is
         * marked when its Holm-adjusted p-value is at most this); default 0.05. It changes the
         * reports only, not what is trained, so a run resumed with another level keeps its results.
         *
         * @param alpha the level, in (0, 1)
         * @return this builder
         * @throws IllegalArgumentException if alpha is outside (0, 1)
         */
        public Builder optAlpha(double alpha) {
            config.alpha = SeedDifference.checkLevel("alpha", alpha);
            return this;
        }

        /**
         * Sets the training precision of every unit; default {@link Precision#FLOAT32}.
         *
         * @param precision the precision
         * @return this builder
         */
        public Builder optPrecision(Precision precision) {
            config.precision = Objects.requireNonNull(precision, "precision");
            return this;
        }

        /**
         * Sets the device; default CPU.
         *
         * @param device the device
         * @return this builder
         */
        public Builder optDevice(Device device) {
            config.device = Objects.requireNonNull(device, "device");
            return this;
        }

        /**
         * Refuses to run when any task's data is missing, instead of skipping it; default false.
         *
         * @param strict true to refuse
         * @return this builder
         */
        public Builder optStrict(boolean strict) {
            config.strict = strict;
            return this;
        }

        /**
         * Sets a factory of progress listeners, one per training run, given the run's label;
         * default none.
         *
         * @param progress the factory
         * @return this builder
         */
        public Builder optProgress(Function<String, TrainingListener> progress) {
            config.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /**
         * Sets who hears each task's reading and featurization (every split, once per session,
         * before its first training), in the steps {@link FeaturizationListener} documents (reads
         * from a {@code TaskDataSource.dataRoot}'s files through {@link FeaturizationListener#onRead});
         * default none.
         *
         * @param featurization the listener, called on the grid's thread
         * @return this builder
         */
        public Builder optFeaturizationListener(FeaturizationListener featurization) {
            config.featurization = Objects.requireNonNull(featurization, "featurization");
            return this;
        }

        /**
         * Sets how long to wait before revisiting units locked by other processes; default 2 s.
         *
         * @param millis milliseconds, positive
         * @return this builder
         */
        public Builder optPollMillis(long millis) {
            config.pollMillis = millis;
            return this;
        }

        /**
         * Sets how long {@link GridSession#runClaimed} waits for a unit that another live process
         * holds before it gives up with a {@link UnitBusyException}; default {@value
         * #DEFAULT_CLAIM_TIMEOUT_HOURS} hours. Set it above the longest a unit may take, so that only
         * a holder that is stuck (hung, or paused and never resumed) is given up on. One past what a
         * long counts in nanoseconds (about 292 years) waits without a limit.
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if it is zero or negative
         */
        public Builder optClaimTimeout(java.time.Duration timeout) {
            config.claimTimeout = GridChecks.claimTimeout(timeout);
            return this;
        }

        /**
         * Sets the split every target is scored on; default {@link Split#VALIDATION}, as the paper
         * reports "the average validation set performance". With {@link Split#TEST}, targets that
         * have a test split are scored on it, the others on validation.
         *
         * @param split validation or test
         * @return this builder
         */
        public Builder optReportSplit(Split split) {
            config.reportSplit = Objects.requireNonNull(split, "split");
            return this;
        }

        /**
         * Sets how the target learning rate is chosen; default {@link LearningRateSelection#PER_TARGET}.
         *
         * @param selection the selection
         * @return this builder
         */
        public Builder optLearningRateSelection(LearningRateSelection selection) {
            config.lrSelection = Objects.requireNonNull(selection, "selection");
            return this;
        }

        /**
         * Sets the epochs over which the learning rate decays linearly to 0, for pre-finetuning and
         * for targets; default 20 each. The horizon is fixed, so the epoch caps are only safety
         * limits: raising a cap above the epoch where patience stops a run leaves it unchanged.
         *
         * @param prefinetune pre-finetuning decay epochs
         * @param target target decay epochs
         * @return this builder
         */
        public Builder optScheduleEpochs(int prefinetune, int target) {
            config.scheduleEpochs = prefinetune;
            config.targetScheduleEpochs = target;
            return this;
        }

        /**
         * Runs settings some of whose groups have no data, under a name that says so ({@code SL+QA
         * (no QA data)}); default false: such a setting is refused, so that no column silently
         * means something else than its name.
         *
         * @param allow true to run them
         * @return this builder
         */
        public Builder optAllowPartial(boolean allow) {
            config.allowPartial = allow;
            return this;
        }

        /**
         * Sets the options the grid was made from (a command line), recorded as given in the output
         * folder's {@code run.json}; default none.
         *
         * @param options option name to value, in display order
         * @return this builder
         */
        public Builder optOptions(java.util.Map<String, String> options) {
            config.options = new java.util.LinkedHashMap<>(Objects.requireNonNull(options, "options"));
            return this;
        }

        /**
         * Starts anew in place when the output folder holds a run with other settings or data: its
         * records, finetuning and pre-finetuning files are deleted; default false, such a folder is
         * refused with a one-line diff of its {@code run.json}.
         *
         * @param force true to start anew
         * @return this builder
         */
        public Builder optForce(boolean force) {
            config.force = force;
            return this;
        }

        /**
         * Sets which finetuned models {@link #run()} writes once every sweep is finished, each a
         * {@code core.predict.ModelExport} folder at {@code OUT/models/<target>/<setting>-seed<N>}
         * that {@code FinetunedModel.load} reads; default {@link ModelExports#NONE}. Each is
         * finetuned again at its chosen rate (see {@code GridExporter}): about one finetuning run
         * and one model's size on disk per folder (about 1.1 GB for XLM-R base). A session opened
         * with a feature length (QA: its window) beyond the encoder's positions is refused then,
         * before any unit, as {@code ModelExport.checkLength} would refuse the folders at the end; so
         * is an encoder folder whose {@code tokenizer.json} gives more ids than its {@code
         * vocab_size} or pads with another id than its {@code pad_token_id}, where that is not null
         * ({@code ModelExport.checkTokenizer}).
         *
         * @param exports none, each target's best, or all
         * @return this builder
         */
        public Builder optExportModels(ModelExports exports) {
            config.exportModels = Objects.requireNonNull(exports, "exports");
            return this;
        }

        /**
         * Checks the values and builds the grid.
         *
         * @return the grid
         * @throws IllegalArgumentException if a required value is missing, a value is out of range,
         *     the sampling settings do not fit their strategy,
         *     a seed, group, target or pre-finetuning task repeats, a target is also a pre-finetuning
         *     task of a chosen group (targets are unseen), a chosen group has no pre-finetuning task
         *     (its settings would pre-finetune on nothing), two groups, two targets or two settings
         *     would share the grid's files (names equal once {@link GridLayout#safe} and case are
         *     applied), two learning rates of a grid share a
         *     folder name ({@link GridLayout#learningRateName}), or a QA task of the grid would get
         *     windows shorter than {@link FeatureSettings#MIN_QA_WINDOW}
         */
        public Grid build() {
            GridChecks.check(config);
            if (samplingSettings != null) {
                try {
                    config.sampling = GridSampling.of(samplingSettings);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("grid: sampling: " + e.getMessage(), e);
                }
                samplingSettings = null;
            }
            return new Grid(this);
        }
    }
}
