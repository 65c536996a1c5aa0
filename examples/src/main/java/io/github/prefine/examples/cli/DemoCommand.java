package io.github.prefine.examples.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.github.prefine.core.checkpoint.PlainFolders;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.ModelFamily;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.grid.Grid;
import io.github.prefine.core.grid.GridSession;
import io.github.prefine.core.grid.GridSummary;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.train.Precision;
import io.github.prefine.eval.stats.SeedDifference;
import io.github.prefine.examples.demo.SyntheticSuite;
import io.github.prefine.examples.demo.SyntheticTaskSet;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code prefine demo}: the experiment {@link Grid}, scaled down, on the {@link SyntheticSuite}:
 * nothing is downloaded and no file outside the output folder is read.
 *
 * <p>By default the encoder is a small BERT initialised from a seed, with the suite's word-level
 * tokenizer; {@code --minilm} uses the pretrained all-MiniLM-L6-v2 from its Maven artifact with
 * its own WordPiece tokenizer instead (the invented words are split into sub-words; that is
 * enough for the demo). The pipeline is the one {@code reproduce} runs: baseline, the seven group
 * combinations of SL, QA and C, every synthetic target over the seeds, tables and plots.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = PrefineVersion.class, sortOptions = false,
        description = {"Run the whole pipeline, scaled down, on a synthetic task suite (CPU, a few minutes).",
            "Prints Table 1 and Table 2 and writes them with the plots to --out."})
public final class DemoCommand implements Callable<Integer>, GridCommand, PreLaunchChecks {
    /** The groups the demo combines. */
    private static final List<TaskGroup> GROUPS = List.of(TaskGroup.SL, TaskGroup.QA, TaskGroup.C);
    /** Early-stopping patience of both kinds of run, in epochs. */
    private static final int PATIENCE = 3;
    /** Short rows and windows: the synthetic examples are a few dozen tokens. */
    private static final FeatureSettings FEATURES = new FeatureSettings(64, 64, 16, 0, 0, 1L);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "demo-out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--minilm", description = "use the pretrained all-MiniLM-L6-v2 (Maven artifact) instead of a small random BERT")
    boolean minilm;

    @Option(names = "--seeds", defaultValue = "3", description = "finetuning seeds (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--epochs", defaultValue = "6", description = "pre-finetuning epoch limit (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--target-epochs", defaultValue = "20", description = "finetuning epoch limit (default: ${DEFAULT-VALUE})")
    int targetEpochs;

    @Option(names = "--lr", description = "pre-finetuning learning rate (default: 1e-3 for the random BERT, 1e-4 for MiniLM)")
    Double learningRate;

    @Option(names = "--target-lr", description = "finetuning learning rate (default: 3e-3 for the random BERT, 3e-4 for MiniLM)")
    Double targetLearningRate;

    @Option(names = "--suite-seed", defaultValue = "7", description = "seed of the synthetic suite (default: ${DEFAULT-VALUE})")
    long suiteSeed;

    @Option(names = "--precision", defaultValue = "fp32", description = Precision.CHOICES + " (default: ${DEFAULT-VALUE})")
    String precision;

    @Option(names = "--device", defaultValue = "auto",
            description = "auto (the first GPU if there is one, else the CPU), cpu, gpu or gpu:K (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--workers", defaultValue = "auto", description = "processes that share the run, this one"
            + " included, or auto: one per core, at most 4 (on a CPU each trains on one thread; on a GPU several fill"
            + " the gaps between one process's kernel launches). The tables do not depend on it. "
            + Workers.LIMIT_HELP + " (default: ${DEFAULT-VALUE})")
    String workers;

    @Option(names = "--force", description = "when --out holds a run with other options or another suite (see its "
            + "run.json), delete its results and start anew in place (default: refuse, naming the differences)")
    boolean force;

    @Option(names = "--export-models", defaultValue = "none", paramLabel = "none|best|all",
            description = ReproduceCommand.EXPORT_HELP + " (default: ${DEFAULT-VALUE})")
    String exportModels;

    @Option(names = "--alpha", defaultValue = "0.05", description = ReproduceCommand.ALPHA_HELP
            + " (default: ${DEFAULT-VALUE})")
    double alpha;

    private SyntheticSuite generated;

    /** The random encoder's size: small enough for a 2-core CPU, big enough to learn the suite. */
    static EncoderConfig demoConfig(int vocabSize) {
        return EncoderConfig.builder().setModelType(ModelFamily.BERT).setVocabSize(vocabSize).setHiddenSize(64)
                .setNumHiddenLayers(2).setNumAttentionHeads(4).setIntermediateSize(128).optMaxPositionEmbeddings(128)
                .optTypeVocabSize(2).build();
    }

    /** Rejects bad values before anything is generated, written or trained. */
    @Override
    public void checkBeforeLaunch() {
        checkValues();
        OptionChecks.outputFolder("--out", out);
    }

    /**
     * Checks every option's value on its own, reading no file and starting no engine; the
     * documentation's command lines are checked through it.
     */
    @Override
    public void checkValues() {
        ReproduceCommand.exports(exportModels);
        SeedDifference.checkLevel("--alpha", alpha);
        OptionChecks.atLeast("--seeds", seeds, 1);
        OptionChecks.atLeast("--epochs", epochs, 1);
        OptionChecks.atLeast("--target-epochs", targetEpochs, 1);
        OptionChecks.learningRate("--lr", learningRate);
        OptionChecks.learningRate("--target-lr", targetLearningRate);
        workers(); // refuses a bad value before any work
        Precision.parse(precision, Device.cpu()); // likewise, before the base encoder is written
        DeviceOption.checkForm(device);
    }

    /**
     * The {@code --workers} count. {@code auto} is one per core, at most 4, on a GPU as
     * on a CPU: on an H100 four processes ran the demo in 36 s where one took 70 s, with the same
     * tables, since the demo's tiny model leaves the GPU idle while one host thread launches its
     * kernels (docs/gpu.md).
     */
    int workers() {
        if (OptionValues.is(workers, "auto")) {
            return autoWorkers(Runtime.getRuntime().availableProcessors());
        }
        // an optional + as in every whole-number option (--seeds +3)
        if (!workers.trim().matches("\\+?\\d{1,4}") || Integer.parseInt(workers.trim()) < 1) {
            throw new IllegalArgumentException("--workers: expected auto or a whole number of at least 1, found '" + workers
                    + "'; pass for example --workers 2");
        }
        return Integer.parseInt(workers.trim());
    }

    /**
     * What {@code --workers auto} gives, whatever the device: one process per core, at most 4.
     *
     * @param cores the CPU cores
     * @return the process count, at least 1
     */
    static int autoWorkers(int cores) {
        return Math.max(1, Math.min(4, cores));
    }

    /** Creates the command; picocli fills the fields. */
    public DemoCommand() {}

    @Override
    public Integer call() throws Exception {
        PrintStream o = System.out;
        int planned = check();
        // before the engine starts (parsing --device auto starts it), which reads them once
        oneThread();
        Device dev = DeviceOption.parse(device);
        if (Workers.isWorker()) {
            // the starting process has checked and written run.json: its options stay there
            grid(dev).build().runAsWorker();
            return 0;
        }
        int count = workers();
        if (!OptionValues.is(workers, "auto")) {
            Workers.checkCount(count, 0, dev, planned); // needs the device: before any work
        }
        ConsoleProgress bar = ConsoleProgress.onStderr();
        // seven combinations of SL, QA and C, each with synthetic data; one sweep per (setting, target)
        // one learning rate each; a finetuning unit trains every seed of its (setting, target)
        RunStatus.Shape shape = new RunStatus.Shape(1, epochs, seeds, targetEpochs, PATIENCE);
        List<String> others = Workers.devices(0, dev, count);
        RunStatus status = new RunStatus(out, planned, System::nanoTime, shape, plannedWork(shape), others.size() + 1);
        Grid grid = grid(dev).optProgress(TrainingProgress.withStatus(bar, status))
                .optFeaturizationListener(TrainingProgress.featurization(bar)).build();
        long start = System.nanoTime();
        GridSummary s;
        try (StopNotice stop = StopNotice.install(spec.qualifiedName(), StopNotice.commandLine(spec), out, status)) {
            s = Workers.run(grid, others, spec, null);
        }
        status.gridReturned();
        bar.status(status.line());
        ReproduceCommand.printSummary(o, s, (System.nanoTime() - start) / 1e9);
        ReproduceCommand.printModels(o, out);
        return ReproduceCommand.exitCode(s);
    }

    @Override
    public int check() {
        checkBeforeLaunch();
        return RunStatus.plannedUnits(7, SyntheticTaskSet.of(suite()).targets().size(), 1);
    }

    /** The units of the demo's grid with their planned work, from the generated suite's sizes. */
    List<PlannedWork.Unit> plannedWork(RunStatus.Shape shape) {
        SyntheticTaskSet set = SyntheticTaskSet.of(suite());
        Map<String, PlannedWork.Size> sizes = new java.util.HashMap<>();
        suite().tasks().forEach(t -> sizes.put(t.name(), new PlannedWork.Size(t.train().size(), t.validation().size())));
        return PlannedWork.of(GROUPS, set.prefinetuning(), set.targets(), seeds, true, sizes, FEATURES, shape);
    }

    /** The suite, generated once: both the check and the grid need it. */
    private SyntheticSuite suite() {
        if (generated == null) {
            generated = SyntheticSuite.generate(suiteSeed, sizes());
        }
        return generated;
    }

    /**
     * System property that replaces the suite's split sizes, {@link SyntheticSuite.Sizes#demo()},
     * with four whole numbers ({@code pretrainTrain,targetTrain,validation,test}): a test-only hook,
     * not an option. The CLI's tests of folders, workers and exports run the whole pipeline, every
     * unit and file, on a few examples per task, which shows them as well in a fraction of the
     * time. Workers inherit it with this JVM's options; the sizes enter the data's hash in {@code
     * run.json}, so a folder of one size refuses a run of another.
     */
    static final String SIZES_PROPERTY = "prefine.demo.sizes";

    /** The split sizes: {@link SyntheticSuite.Sizes#demo()} unless {@link #SIZES_PROPERTY} is set. */
    static SyntheticSuite.Sizes sizes() {
        String v = System.getProperty(SIZES_PROPERTY);
        if (v == null) {
            return SyntheticSuite.Sizes.demo();
        }
        int[] n;
        try {
            n = java.util.Arrays.stream(v.split(",", -1)).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            n = new int[0];
        }
        if (n.length != 4 || java.util.Arrays.stream(n).anyMatch(k -> k < 1)) {
            throw new IllegalArgumentException(SIZES_PROPERTY + ": expected four positive whole numbers,"
                    + " pretrainTrain,targetTrain,validation,test, found '" + v + "'");
        }
        return new SyntheticSuite.Sizes(n[0], n[1], n[2], n[3]);
    }

    /**
     * One PyTorch thread per process: tiny models are bound by per-operation overhead, so the
     * cores do more as workers, and the tables do not depend on the machine's core count (the
     * order of a sum split over threads does). Override with -D on the command line. Until this
     * release the setting came after {@code --device auto} had started the engine, which then
     * used a thread per core. A process that starts the engine itself before building the demo's
     * grid (a benchmark that samples the process first) calls this before that.
     */
    public static void oneThread() {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    @Override
    public Grid.Builder grid(Device dev) throws java.io.IOException {
        // where nothing has started the engine yet (a Spark executor's first unit)
        oneThread();
        SyntheticSuite suite = suite();
        SyntheticTaskSet set = SyntheticTaskSet.of(suite);
        Files.createDirectories(out);
        Path encoder;
        if (minilm) {
            encoder = EncoderOption.resolve(EncoderOption.MINILM, out);
        } else {
            encoder = demoEncoder(suite, PlainFolders.create(out, out.resolve("base-encoder")), force);
        }
        double lr = learningRate != null ? learningRate : minilm ? 1e-4 : 1e-3;
        double targetLr = targetLearningRate != null ? targetLearningRate : minilm ? 3e-4 : 3e-3;
        return Grid.builder().setEncoder(encoder).setData(set.data())
                .setPrefinetuningTasks(set.prefinetuning()).setGroups(GROUPS)
                .setTargets(set.targets()).setOutput(out)
                .optSeeds(LongStream.rangeClosed(1, seeds).boxed().toList())
                .optLearningRates(List.of(lr)).optTargetLearningRates(List.of(targetLr))
                .optBatchSize(64).optTargetBatchSize(16).optWarmupRatio(0.1).optMaxEpochs(epochs, targetEpochs)
                // a fixed, short budget: the schedule spans the caps
                .optScheduleEpochs(epochs, targetEpochs).optPatience(PATIENCE).optLogEvery(10)
                .optFeatures(FEATURES)
                .optDevice(dev).optPrecision(Precision.parse(precision, dev)).optStrict(true).optForce(force).optAlpha(alpha)
                .optExportModels(ReproduceCommand.exports(exportModels)).optOptions(GridCommand.options(spec));
    }

    /**
     * Writes the random BERT the demo uses for a suite, unless the folder holds it already: same
     * configuration and seed every time, so the encoder hash of one suite is always the same. A
     * folder holding another suite's encoder (another vocabulary) is left as it is, for the run's
     * manifest to refuse the other data, unless {@code replace} (a forced run) rebuilds it.
     *
     * @param suite the synthetic suite
     * @param dir the encoder folder
     * @param replace whether to rebuild another suite's encoder
     * @return the folder
     * @throws IOException if writing fails
     */
    static Path demoEncoder(SyntheticSuite suite, Path dir, boolean replace) throws IOException {
        Path tokenizer = Files.createTempFile("prefine-demo-tokenizer", ".json");
        try {
            suite.writeTokenizerJson(tokenizer);
            Path kept = dir.resolve(EncoderCheckpoint.TOKENIZER_FILE);
            if (Files.exists(dir.resolve(EncoderCheckpoint.CONFIG_FILE))) {
                if (!replace || Files.exists(kept) && Files.mismatch(kept, tokenizer) == -1) {
                    return dir;
                }
                // a process still running its suite in this folder loads this encoder for every unit
                try (Closeable alone = GridSession.claimAlone(dir.toAbsolutePath().getParent(), dir)) {
                    MoreFiles.deleteRecursively(dir, RecursiveDeleteOption.ALLOW_INSECURE);
                    writeEncoder(suite, dir, tokenizer);
                }
                return dir;
            }
            writeEncoder(suite, dir, tokenizer);
            return dir;
        } finally {
            Files.deleteIfExists(tokenizer);
        }
    }

    private static void writeEncoder(SyntheticSuite suite, Path dir, Path tokenizer) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerEncoder enc = TransformerEncoder.builder().setConfig(demoConfig(suite.vocabulary().size())).build();
            enc.initializeRandom(m, 2024L);
            // the folder above is the user's (--out): this one is entered below it, never followed
            EncoderCheckpoint.save(enc, dir.toAbsolutePath().getParent(), dir, tokenizer);
        }
    }

    @Override
    public String device() {
        return device;
    }
}
