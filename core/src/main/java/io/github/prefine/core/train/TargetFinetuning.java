package io.github.prefine.core.train;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.task.Split;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finetunes an encoder on one target task, one seed at a time: for each seed, load the encoder,
 * add a freshly initialised head, train with the same patience rule as pre-finetuning, predict
 * the validation and evaluation splits with the best epoch's weights and score them. The eval
 * module aggregates the per-seed values (mean ± std). This is prefine's one per-seed
 * finetuning path: the experiment grid ({@code io.github.prefine.core.grid}) runs each of its
 * finetuning units through {@link #runSeed}.
 *
 * <p>Each seed seeds the engine before loading the encoder and creating the head, so a seed's
 * head initialisation, dropout and sampling are reproducible. Every model and trainer is closed
 * before the next seed; the results hold no native memory. Immutable once built; not meant for
 * concurrent runs (the engine seed is process-wide).
 */
public final class TargetFinetuning {
    private static final Logger LOG = LoggerFactory.getLogger(TargetFinetuning.class);

    /** Loads an initialized encoder block on a manager. */
    @FunctionalInterface
    public interface EncoderFactory {
        /**
         * Loads the encoder (for example the pre-finetuned HF folder).
         *
         * @param manager the manager that should own its parameters
         * @return the initialized encoder
         * @throws IOException if loading fails
         */
        Block load(NDManager manager) throws IOException;
    }

    private final EncoderFactory encoder;
    private final int hiddenSize;
    private final String taskName;
    private final LongFunction<TaskHead> head;
    private final BatchSource data;
    private final Consumer<Trainer.Builder> trainerSettings;
    private final List<Long> seeds;
    private final Split evaluationSplit;
    private final ToDoubleFunction<TaskPredictions> metric;
    private final String metricName;
    private final Path checkpointRoot;

    private TargetFinetuning(Builder b) {
        this.encoder = b.encoder;
        this.hiddenSize = b.hiddenSize;
        this.taskName = b.taskName != null ? b.taskName : b.data.taskNames().get(0);
        this.head = b.head;
        this.data = b.data;
        this.trainerSettings = b.trainerSettings;
        this.seeds = List.copyOf(b.seeds);
        this.evaluationSplit = b.evaluationSplit;
        this.metric = b.metric;
        this.metricName = b.metricName;
        this.checkpointRoot = b.checkpointRoot;
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
     * Runs every seed.
     *
     * @param manager the parent of each seed's model manager (fixes the device)
     * @return one result per seed, in seed order
     * @throws IOException if loading the encoder, the data or checkpoints fails
     * @throws IllegalStateException if the metric gives a value that is not finite
     * @throws IllegalArgumentException if the trainer settings ({@link Builder#optTrainer}) set a
     *     checkpoint folder, before any seed trains
     */
    public List<SeedResult> run(NDManager manager) throws IOException {
        Objects.requireNonNull(manager, "manager");
        List<SeedResult> out = new ArrayList<>();
        for (long seed : seeds) {
            out.add(runSeed(manager, seed));
        }
        return out;
    }

    /**
     * Runs one seed, whether or not it is among the configured seeds.
     *
     * @param manager the parent of the seed's model manager (fixes the device)
     * @param seed the seed
     * @return the seed's result
     * @throws IOException if loading the encoder, the data or checkpoints fails
     * @throws NonFiniteLossException if training diverges
     * @throws IllegalStateException if the metric gives a value that is not finite
     * @throws IllegalArgumentException if the trainer settings ({@link Builder#optTrainer}) set a
     *     checkpoint folder, before any seed trains
     */
    public SeedResult runSeed(NDManager manager, long seed) throws IOException {
        return runSeed(manager, seed, (model, result) -> {});
    }

    /**
     * Runs one seed as {@link #runSeed(NDManager, long)} does, and hands the trained model (with
     * the best epoch's weights, those scored) to {@code use} before it is closed: the grid writes
     * the models it exports so.
     *
     * @param manager the parent of the seed's model manager (fixes the device)
     * @param seed the seed
     * @param use called once with the model and the seed's result; the model is closed after
     * @return the seed's result
     * @throws IOException if loading the encoder, the data or checkpoints fails, or {@code use} fails
     * @throws NonFiniteLossException if training diverges
     * @throws IllegalStateException if the metric gives a value that is not finite
     * @throws IllegalArgumentException if the trainer settings ({@link Builder#optTrainer}) set a
     *     checkpoint folder, before any seed trains
     */
    public SeedResult runSeed(NDManager manager, long seed, TrainedModelUse use) throws IOException {
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(use, "use");
        manager.getEngine().setRandomSeed(Long.hashCode(seed * 0x9E3779B97F4A7C15L));
        try (NDManager m = manager.newSubManager()) {
            Block enc = encoder.load(m);
            MultiHeadModel.Builder mb = MultiHeadModel.builder().setManager(m).setEncoder(enc, hiddenSize);
            // a TransformerEncoder gives the new head its config's initializer_range and dropouts
            // through setEncoder, as HF's task models take them
            try (MultiHeadModel model = mb.addHead(taskName, head.apply(seed)).build()) {
                // named for the log unless the caller's settings name it otherwise
                Trainer.Builder tb = Trainer.builder().setModel(model).setData(data)
                        .optName("target " + taskName + " seed " + seed);
                trainerSettings.accept(tb);
                if (tb.checkpointing()) {
                    // one folder for every seed: the second seed's run refused the first's checkpoint (its
                    // seed), or, beside optCheckpointRoot, the folder was replaced without a word. Checked
                    // here, not at build(): settings may have effects (the grid's start a progress line)
                    throw new IllegalArgumentException("target finetuning: optTrainer sets a checkpoint folder, which"
                            + " every seed's run would share; leave optCheckpointDir out of optTrainer and give"
                            + " optCheckpointRoot, under which each seed checkpoints into seed-<n>");
                }
                tb.optSeed(seed);
                if (checkpointRoot != null) {
                    tb.optCheckpointDir(checkpointRoot, checkpointRoot.resolve("seed-" + seed));
                }
                try (Trainer trainer = tb.build()) {
                    FitResult fit = trainer.fit();
                    TaskPredictions validation = trainer.predict(0, Split.VALIDATION);
                    double validationScore = score(seed, validation);
                    TaskPredictions p = validation;
                    double score = validationScore;
                    if (evaluationSplit != Split.VALIDATION) {
                        p = trainer.predict(0, evaluationSplit);
                        score = score(seed, p);
                    }
                    LOG.info("target {} seed {}: {} {} on {}, the model after epoch {} of {} (lowest validation loss)",
                            taskName, seed, metricName, score, evaluationSplit, fit.bestEpoch() + 1, fit.epochs().size());
                    SeedResult result = new SeedResult(seed, validationScore, score, p, fit);
                    use.accept(model, result);
                    return result;
                }
            }
        }
    }

    /** Applies the metric, refusing a value that no mean over seeds or comparison of rates can take. */
    private double score(long seed, TaskPredictions predictions) {
        double value = metric.applyAsDouble(predictions);
        if (!Double.isFinite(value)) {
            throw new IllegalStateException("target finetuning: seed " + seed + ": the metric gave " + value + " on the "
                    + predictions.split() + " split; setMetric must give a finite score (higher is better), which the"
                    + " summary over seeds and the choice of learning rate compare");
        }
        return value;
    }

    /** What to do with a seed's trained model before it is closed. */
    @FunctionalInterface
    public interface TrainedModelUse {
        /**
         * Uses the model (writes it, say); it must not keep it, as it is closed after.
         *
         * @param model the trained model, holding the best epoch's weights
         * @param result the seed's scores
         * @throws IOException if using it fails
         */
        void accept(MultiHeadModel model, SeedResult result) throws IOException;
    }

    /**
     * One seed's outcome.
     *
     * @param seed the seed
     * @param validationMetric the metric on the validation split (what a learning-rate sweep
     *     selects on)
     * @param metric the metric on the evaluation split; equal to {@code validationMetric} when that
     *     split is validation
     * @param predictions the logits on the evaluation split
     * @param fit the training history
     */
    public record SeedResult(long seed, double validationMetric, double metric, TaskPredictions predictions,
            FitResult fit) {}

    /**
     * Returns the metric values in seed order, in percent, the input of the eval module's {@link
     * io.github.prefine.eval.evaluator.SeedSummary#of(double[], io.github.prefine.eval.evaluator.StdKind)}
     * (mean ± std over the seeds).
     *
     * @param results per-seed results
     * @return the metric of each seed
     */
    public static double[] metrics(List<SeedResult> results) {
        return results.stream().mapToDouble(SeedResult::metric).toArray();
    }

    /** Builds a {@link TargetFinetuning}; mutable, single-threaded. */
    public static final class Builder {
        private EncoderFactory encoder;
        private int hiddenSize;
        private String taskName;
        private LongFunction<TaskHead> head;
        private BatchSource data;
        private Consumer<Trainer.Builder> trainerSettings = b -> {};
        private List<Long> seeds = List.of(1L, 2L, 3L, 4L, 5L);
        private Split evaluationSplit = Split.VALIDATION;
        private ToDoubleFunction<TaskPredictions> metric;
        private String metricName = "metric";
        private Path checkpointRoot;

        private Builder() {}

        /**
         * Sets how to load the encoder for each seed (required).
         *
         * @param encoder the loader
         * @param hiddenSize its hidden size
         * @return this builder
         */
        public Builder setEncoder(EncoderFactory encoder, int hiddenSize) {
            this.encoder = Objects.requireNonNull(encoder, "encoder");
            this.hiddenSize = hiddenSize;
            return this;
        }

        /**
         * Sets the factory of fresh heads (required); called once per seed, after the engine is
         * seeded.
         *
         * @param head makes a new, uninitialized head given the seed
         * @return this builder
         */
        public Builder setHead(LongFunction<TaskHead> head) {
            this.head = Objects.requireNonNull(head, "head");
            return this;
        }

        /**
         * Sets the target task's data (required): a one-task source.
         *
         * @param data the data
         * @return this builder
         */
        public Builder setData(BatchSource data) {
            this.data = Objects.requireNonNull(data, "data");
            return this;
        }

        /**
         * Sets the metric computed from a split's predictions (required), higher is better; it is
         * called for the validation split and for the evaluation split
         * ({@link TaskPredictions#split()} tells which), and must give a finite value (a run
         * whose metric gives NaN or an infinity fails, naming the seed and the split).
         *
         * @param metric the metric
         * @return this builder
         */
        public Builder setMetric(ToDoubleFunction<TaskPredictions> metric) {
            this.metric = Objects.requireNonNull(metric, "metric");
            return this;
        }

        /**
         * Names the metric in the log line of each seed's score ({@code target ner seed 1: SPAN_F1
         * 45.0 on VALIDATION, ...}), so the number says what it measures; default {@code metric}.
         *
         * @param name the metric's name, not blank
         * @return this builder
         * @throws IllegalArgumentException if the name is blank
         */
        public Builder optMetricName(String name) {
            if (Objects.requireNonNull(name, "name").isBlank()) {
                throw new IllegalArgumentException("target finetuning: optMetricName must name the metric, found '"
                        + name + "'");
            }
            this.metricName = name.strip();
            return this;
        }

        /**
         * Sets the task name; default the data's task name (the trainer checks that the two agree).
         *
         * @param taskName the name
         * @return this builder
         */
        public Builder optTaskName(String taskName) {
            this.taskName = Objects.requireNonNull(taskName, "taskName");
            return this;
        }

        /**
         * Applies trainer settings (learning rate, batch size, patience...) to each seed's trainer;
         * default none (Trainer defaults). The model, data, seed and checkpoint folder are set here:
         * settings that set a checkpoint folder are refused when a seed's run applies them, before
         * it trains, as every seed's run would share it ({@link #optCheckpointRoot} gives each its
         * own).
         *
         * @param settings the settings
         * @return this builder
         */
        public Builder optTrainer(Consumer<Trainer.Builder> settings) {
            this.trainerSettings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Sets the seeds; default 1..5 (the paper's five runs).
         *
         * @param seeds one run per seed, distinct (checked at {@link #build()})
         * @return this builder
         */
        public Builder optSeeds(List<Long> seeds) {
            Objects.requireNonNull(seeds, "seeds");
            for (int i = 0; i < seeds.size(); i++) {
                Objects.requireNonNull(seeds.get(i), "seeds[" + i + "]");
            }
            this.seeds = List.copyOf(seeds);
            return this;
        }

        /**
         * Sets the split predicted and scored; default {@link Split#VALIDATION}. {@link #build()}
         * refuses the training split (each run early-stops on validation, and a score of the
         * examples trained on selects nothing) and a split the data has no units of.
         *
         * @param split the split, validation or test
         * @return this builder
         */
        public Builder optEvaluationSplit(Split split) {
            this.evaluationSplit = Objects.requireNonNull(split, "split");
            return this;
        }

        /**
         * Sets a folder under which each seed checkpoints into {@code seed-<n>}; default none.
         *
         * @param root the folder
         * @return this builder
         */
        public Builder optCheckpointRoot(Path root) {
            this.checkpointRoot = Objects.requireNonNull(root, "root");
            return this;
        }

        /**
         * Builds the runner.
         *
         * @return the runner
         * @throws IllegalArgumentException if a required value is missing, the data has other than
         *     one task, no seed is given, a seed is given twice, or the evaluation split is the
         *     training split or one the data has no units of
         */
        public TargetFinetuning build() {
            if (encoder == null || head == null || data == null || metric == null) {
                throw new IllegalArgumentException("target finetuning: setEncoder, setHead, setData and setMetric are required");
            }
            if (hiddenSize <= 0) {
                throw new IllegalArgumentException("target finetuning: hiddenSize must be positive, found " + hiddenSize);
            }
            if (data.numTasks() != 1) {
                throw new IllegalArgumentException("target finetuning: data must hold exactly one task, found " + data.numTasks());
            }
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("target finetuning: at least one seed is required");
            }
            // found only once the first seed had trained, when its predictions were scored
            if (evaluationSplit == Split.TRAIN) {
                throw new IllegalArgumentException("target finetuning: optEvaluationSplit must be VALIDATION or TEST,"
                        + " found TRAIN: a score of the examples trained on selects nothing");
            }
            if (data.size(0, evaluationSplit) == 0) {
                throw new IllegalArgumentException("target finetuning: optEvaluationSplit(" + evaluationSplit + "): task "
                        + data.taskNames().get(0) + " has no " + evaluationSplit + " units to score; give it that split,"
                        + " or score VALIDATION");
            }
            // a repeated seed repeats one run, which the mean and std would then count twice
            if (new HashSet<>(seeds).size() != seeds.size()) {
                throw new IllegalArgumentException("target finetuning: seeds must be distinct, found " + seeds
                        + " (a repeated seed reruns the same run; use runSeed to rerun one)");
            }
            return new TargetFinetuning(this);
        }
    }
}
