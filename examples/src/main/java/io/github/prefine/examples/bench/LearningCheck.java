package io.github.prefine.examples.bench;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.hub.MiniLmArtifact;
import io.github.prefine.core.pipeline.TaskFinetuning;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.train.TargetFinetuning;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The real-data learning check: all-MiniLM-L6-v2 finetuned on one task of the catalog through the
 * grid's per-seed path ({@link TaskFinetuning}: encoder folder, fresh head, patience on the
 * validation loss, best epoch restored), as the Baseline column of {@code reproduce} does, and
 * scored on validation.
 *
 * <p>{@link #main} runs it at full size (issue 13): the whole of WNUT17 with the protocol HF
 * Transformers' reference used, lr 5e-5 decaying linearly to 0 over 8 epochs, batch 32, at most
 * 8 epochs, patience 3, length 128, one seed; about 12 minutes on two CPU cores.
 *
 * <pre>{@code
 * java -cp 'examples/target/prefine.jar:examples/target/lib/*' io.github.prefine.examples.bench.LearningCheck ../shared/data
 * }</pre>
 *
 * <p>{@code RealDataLearningTest} runs a CPU-sized one as a test.
 */
public final class LearningCheck {
    /** The usage line that {@code --help} prints and a wrong argument count is refused with. */
    static final String USAGE = "usage: LearningCheck [dataRoot]";
    private final String task;
    private final FeatureSettings settings;
    private final int batchSize;
    private final double learningRate;
    private final int epochs;

    /**
     * Describes a check.
     *
     * @param task the catalog name of the task, e.g. {@code wnut17}
     * @param settings lengths and the training/validation sample sizes
     * @param batchSize examples per step
     * @param learningRate the peak rate, decaying linearly to 0 over {@code epochs}
     * @param epochs at most this many epochs (patience 3 on the validation loss)
     */
    public LearningCheck(String task, FeatureSettings settings, int batchSize, double learningRate, int epochs) {
        this.task = Objects.requireNonNull(task, "task");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.batchSize = batchSize;
        this.learningRate = learningRate;
        this.epochs = epochs;
    }

    /**
     * What a check gave.
     *
     * @param seed the finetuning's result for seed 1 (metric in percent, the fit's epochs)
     * @param line one line saying what ran and what it scored
     */
    public record Result(TargetFinetuning.SeedResult seed, String line) {}

    /**
     * Runs the check.
     *
     * @param data the data root in the TaskCatalog layout
     * @param workDir an empty or absent folder for the encoder (MiniLM, written from the classpath)
     * @return the result
     * @throws IOException if the data, the encoder or training fail
     */
    public Result run(Path data, Path workDir) throws IOException {
        Path encoder = workDir.resolve("minilm");
        MiniLmArtifact.fromClasspath().writeHfFolder(encoder);
        Task t = TaskCatalog.task(task);
        io.github.prefine.examples.data.FetchedData.check(data, t);
        TaskData d = t.load(data, Leniency.LENIENT);
        long start = System.nanoTime();
        try (SubwordTokenizer tokenizer = SubwordTokenizer.builder()
                .setTokenizerPath(encoder.resolve(EncoderCheckpoint.TOKENIZER_FILE)).build()) {
            FeaturizedTask ft = FeaturizedTask.featurize(d, tokenizer, settings);
            TargetFinetuning finetuning = TaskFinetuning.builder(encoder, ft)
                    .optTrainer(b -> b.optBatchSize(batchSize).optLearningRate(learningRate).optMaxEpochs(epochs)
                            .optScheduleEpochs(epochs).optPatience(3))
                    .optSeeds(List.of(1L))
                    .build();
            try (NDManager root = NDManager.newBaseManager()) {
                TargetFinetuning.SeedResult r = finetuning.runSeed(root, 1L);
                String losses = r.fit().epochs().stream()
                        .map(e -> String.format(Locale.ROOT, "%.3f", e.averageValidationLoss()))
                        .collect(Collectors.joining(", "));
                String sample = settings.maxTrainExamples() > 0
                        ? settings.maxTrainExamples() + " train / " + settings.maxEvalExamples() + " validation examples"
                        : "all examples";
                String line = String.format(Locale.ROOT, "%s (MiniLM, %s, length %d, lr %s over %d epochs, batch %d,"
                        + " patience 3): %s %.2f on %s, epoch %d (from 1) of validation losses [%s], %.0f s", task,
                        sample, settings.maxLength(),
                        new java.math.BigDecimal(learningRate).round(new java.math.MathContext(3)).stripTrailingZeros()
                                .toPlainString(), epochs, batchSize,
                        t.metric().name().toLowerCase(Locale.ROOT).replace('_', ' '), r.metric(),
                        Split.VALIDATION, r.fit().bestEpoch() + 1, losses, (System.nanoTime() - start) / 1e9);
                return new Result(r, line);
            }
        }
    }

    /**
     * Checks the arguments, at most a data root, without reading it; the documentation's command
     * lines are checked through it.
     *
     * @param args the arguments
     */
    static void checkArguments(String... args) {
        if (args.length > 1) {
            throw new IllegalArgumentException(USAGE + ", found " + args.length + " arguments");
        }
    }

    /**
     * Runs the full-size check on WNUT17 and prints its line; a bad argument or a missing data root
     * ends it with exit 2 and one line, before MiniLM is written.
     *
     * @param args the data root in the TaskCatalog layout (default {@code ../shared/data})
     * @throws Exception if data, encoder or training fail
     */
    public static void main(String[] args) throws Exception {
        BenchArguments.usageIfAsked(USAGE, args);
        Path data = Path.of(args.length > 0 ? args[0] : "../shared/data");
        BenchArguments.checkOrExit("LearningCheck", () -> {
            checkArguments(args);
            BenchArguments.existingDirectory("dataRoot", data, "the data root in the TaskCatalog layout"
                    + " (docs/data-layout.md)");
        });
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        Path work = Files.createTempDirectory("prefine-learning-check");
        try {
            LearningCheck check = new LearningCheck("wnut17", new FeatureSettings(128, 384, 128, 0, 0, 1L), 32, 5e-5, 8);
            System.out.println(check.run(data, work).line());
        } finally {
            AtomicFiles.deleteTree(work);
        }
    }
}
