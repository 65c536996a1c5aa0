package io.github.prefine.examples.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.transformer.BertBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.encoder.ModelFamily;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.kernels.FusedAttention;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.model.TaskSlice;
import io.github.prefine.core.precision.HalfPrecisionStore;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.train.AdamW;
import io.github.prefine.core.train.BatchSource;
import io.github.prefine.core.train.LinearSchedule;
import io.github.prefine.core.train.MallocSettings;
import io.github.prefine.core.train.Precision;
import io.github.prefine.core.train.SampledBatch;
import io.github.prefine.core.train.StepPhase;
import io.github.prefine.core.train.TrainingStep;
import io.github.prefine.eval.internal.Counts;
import io.github.prefine.examples.cli.CliErrors;
import io.github.prefine.examples.cli.ConsoleProgress;
import io.github.prefine.examples.cli.DeviceOption;
import io.github.prefine.examples.cli.OptionValues;
import io.github.prefine.examples.cli.PreLaunchChecks;
import io.github.prefine.examples.cli.PrefineVersion;
import io.github.prefine.examples.cli.TrainingProgress;
import io.github.prefine.heads.HeadFamily;
import io.github.prefine.heads.HeadLosses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Measures training throughput in sequences per second: (a) the prefine encoder's forward plus
 * backward, (b) DJL's own {@link BertBlock} of the same size (the floor to beat), (c) a full
 * multi-task training step through the production path (the heads the task formats make, {@link MultiHeadModel},
 * {@link AdamW} with clipping at 1.0), and, with {@code --part FORWARD}, the encoder's inference forward. Random weights and random token ids;
 * every timed step ends with a host read of one scalar so that asynchronous devices are measured
 * to completion. Prints the median and min/max per step after warm-up: untimed steps until the
 * JVM's JIT compiler is idle, or a fixed number of them ({@code --warmup}, see {@link Warmup}).
 *
 * <p>{@code --part DATA} measures the data path instead, with no model: reading, featurizing and
 * scoring each catalogued task under {@code --data} (see {@code DataBench}).
 *
 * <p>On a GPU, run with a CUDA build of PyTorch through DJL's {@code PYTORCH_LIBRARY_PATH},
 * {@code PYTORCH_VERSION} and {@code PYTORCH_FLAVOR} variables (see {@code docs/gpu.md}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = PrefineVersion.class,
        description = "Training throughput of the encoder, DJL's BertBlock, and a full multi-task step; "
                + "or, with --part DATA, the time and heap of reading and featurizing each task.")
public final class BenchCommand implements Callable<Integer>, PreLaunchChecks {
    /** The rate of every timed step, given as a schedule as the trainer gives it (so fp16-mixed looks it up on the device). */
    private static final LinearSchedule RATE = LinearSchedule.constant(2e-5);

    /** Model sizes. */
    enum Size { DEMO, MINILM, XLMR_BASE }

    /** What to time. */
    enum Part { FORWARD, ENCODER, BERTBLOCK, FULL, ALL, PAIRED, DATA }

    /** Batch composition of the full step. */
    enum Formats { MIXED, TOKEN, SEQUENCE, SPAN }

    @Option(names = "--model", description = "DEMO (the demo's random BERT: 2x64, 4 heads, 128, vocab 2000), "
            + "MINILM (6x384, 12 heads, 1536, vocab 30522) or XLMR_BASE "
            + "(12x768, 12 heads, 3072, vocab 250002); random weights. Default: ${DEFAULT-VALUE}")
    Size size = Size.MINILM;

    @Option(names = "--layers", description = "Override the layer count (0 = the model's). Default: ${DEFAULT-VALUE}")
    int layers;

    @Option(names = "--batch", description = "Sequences per step. Default: ${DEFAULT-VALUE}")
    int batch = 32;

    @Option(names = "--length", description = "Tokens per sequence. Default: ${DEFAULT-VALUE}")
    int length = 128;

    @Option(names = "--precision", description = Precision.CHOICES + ". Default: ${DEFAULT-VALUE}")
    String precision = "fp32";

    @Option(names = "--device", description = "cpu, gpu, gpu:K or auto. Default: ${DEFAULT-VALUE}")
    String device = "cpu";

    @Option(names = "--part", description = "FORWARD (encoder inference forward only), ENCODER (encoder forward+backward), "
            + "BERTBLOCK, FULL, ALL (ENCODER, BERTBLOCK and FULL), or PAIRED (encoder and BertBlock steps "
            + "alternated, with the median of the per-pair speed-ups), or DATA (reading, featurizing and scoring the "
            + "catalogued tasks under --data, no model). Default: ${DEFAULT-VALUE}")
    Part part = Part.ALL;

    @Option(names = "--data", description = "With --part DATA: the data root (see docs/data-layout.md). Default: ${DEFAULT-VALUE}")
    Path data = Path.of("../shared/data");

    @Option(names = "--tokenizer", description = "With --part DATA: the tokenizer.json featurization uses. "
            + "Default: ${DEFAULT-VALUE}")
    Path tokenizer = Path.of("../shared/models/all-MiniLM-L6-v2/tokenizer.json");

    @Option(names = "--task", split = ",",
            preprocessor = OptionValues.ListValue.class, description = "With --part DATA: catalogued task names, comma-separated or "
            + "repeated. Default: every task with a file under --data")
    List<String> dataTasks = new ArrayList<>();

    @Option(names = "--formats", description = "With FULL or ALL: the full step's batch, MIXED (token, sequence, span thirds) or"
            + " one format. Default: ${DEFAULT-VALUE}")
    Formats formats = Formats.MIXED;

    @Option(names = "--tasks", description = "With FULL or ALL: tasks the full step's batch is spread over, each with its"
            + " own head (formats in turn: token, sequence, span; or all of the --formats one); the paper's batches draw from "
            + "up to 29. Default: 3 with MIXED (at most --batch), 1 with one format")
    int tasks;

    @Option(names = "--padded", description = "Give every other sequence a padded last quarter, as in batches of "
            + "texts of different lengths, so that the attention applies a mask. Without it no sequence has padding "
            + "and the attention needs no mask (on a GPU PyTorch may then run flash attention), as in Hugging Face's "
            + "peer benchmark.")
    boolean padded;

    @Option(names = "--warmup", description = "Untimed steps first: auto (until the JVM's JIT compiler is idle, at most"
            + " 60 s; see docs/cpu.md) or a whole number. Default: ${DEFAULT-VALUE}")
    String warmup = Warmup.AUTO;

    @Option(names = "--steps", description = "Timed steps. Default: ${DEFAULT-VALUE}")
    int steps = 5;

    @Option(names = "--seed", description = "Seed of weights and ids. Default: ${DEFAULT-VALUE}")
    long seed = 42;

    @Option(names = "--profile", description = "With ENCODER, FULL or ALL: also print the median seconds of each phase of"
            + " the step; with FULL or ALL, also each phase's seconds from steps that wait for the device, and the native"
            + " operations each phase dispatches, counted over one more step under PyTorch's profiler.")
    boolean profile;

    @Option(names = "--leak-check", description = "With FULL or ALL: count the native arrays alive in the model's manager"
            + " (parameters, optimiser state, the step's state) and in the engine's system manager (every managed array of"
            + " the process) once 2 steps have run (the warm-up's, or the first timed ones after a shorter warm-up: the"
            + " first step makes what the others reuse) and after the last timed step, print both, and exit with code 1"
            + " if either grew, or if no timed step came between them: a step must leave nothing behind in them.")
    boolean leakCheck;

    /**
     * Steps, untimed or timed, before the leak check's first count: the first step makes what the
     * others reuse, and a second shows that nothing more is made once.
     */
    static final int LEAK_CHECK_AFTER = 2;

    /** Called with the model's manager after the last timed step, before the leak check's second census; tests add an array. */
    Consumer<NDManager> afterTimedSteps = m -> { };

    private boolean mixed;
    /** Whether the leak check found arrays that the timed steps left behind. */
    private boolean leaked;
    private Precision precisionChoice;
    private Warmup warmupChoice;

    /** Refuses a whole-number option below its minimum, naming it and the value; the bench mains share it. */
    static void atLeast(String option, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(option + ": expected a whole number of at least " + min + ", found " + value
                    + "; pass for example " + option + " " + Math.max(min, 1) + " or leave it out for the default");
        }
    }

    @Spec
    private CommandSpec spec;

    /** Creates the command; picocli fills the fields. */
    public BenchCommand() {}

    /** The options only {@code --part DATA} reads; every other part reads none of them and all of {@link #MODEL_ONLY}. */
    private static final List<String> DATA_ONLY = List.of("--data", "--tokenizer", "--task");
    /** The options of the model parts, which {@code --part DATA} does not read. */
    private static final List<String> MODEL_ONLY = List.of("--model", "--layers", "--batch", "--length", "--precision",
            "--device", "--formats", "--tasks", "--padded", "--warmup", "--steps", "--seed", "--profile", "--leak-check");

    /**
     * Refuses an option given on the command line that the chosen {@code --part} does not read, as
     * {@code predict} and {@code eval} refuse the options of another task or format: it was ignored
     * without a word. Nothing to check where the command was not parsed from a command line.
     */
    void checkPartOptions() {
        CommandLine.ParseResult given = spec == null ? null : spec.commandLine().getParseResult();
        if (given == null) {
            return;
        }
        for (String o : part == Part.DATA ? MODEL_ONLY : DATA_ONLY) {
            if (given.hasMatchedOption(o)) {
                throw new IllegalArgumentException(o + " is for " + (part == Part.DATA ? "the model parts only (every --part"
                        + " but DATA)" : "--part DATA only") + ", found it with --part " + part + "; leave it out");
            }
        }
        if (given.hasMatchedOption("--profile") && part != Part.ENCODER && part != Part.FULL && part != Part.ALL) {
            throw new IllegalArgumentException("--profile is for --part ENCODER, FULL or ALL only, found it with --part "
                    + part + "; leave it out");
        }
        if (given.hasMatchedOption("--leak-check") && part != Part.FULL && part != Part.ALL) {
            throw new IllegalArgumentException("--leak-check is for --part FULL or ALL only, found it with --part " + part
                    + "; leave it out");
        }
    }

    /** The data part's folder and tokenizer file; every other part's option values. */
    @Override
    public void checkBeforeLaunch() {
        if (part == Part.DATA) {
            checkPartOptions();
            DataBench.checkInputs(data, tokenizer);
        } else {
            checkValues();
        }
    }

    /**
     * Checks every option's value on its own, reading no file and starting no engine; the
     * documentation's command lines are checked through it.
     */
    void checkValues() {
        checkPartOptions();
        // checked before the engine starts: --steps 0 used to end in an ArrayIndexOutOfBoundsException
        atLeast("--steps", steps, 1);
        warmupChoice = Warmup.parse(warmup);
        atLeast("--batch", batch, 1);
        // a span answer needs a token between the first and the last (length 2 used to fail deep in the batch)
        atLeast("--length", length, 3);
        atLeast("--layers", layers, 0);
        atLeast("--tasks", tasks, 0);
        if (tasks > batch) {
            throw new IllegalArgumentException("--tasks: at most one task per sequence, found " + tasks + " tasks for --batch "
                    + batch + "; pass a smaller --tasks or a larger --batch");
        }
        int positions = config().maxSequenceLength();
        if (length > positions) {
            // else the encoder refuses it at the first step, after the engine started, without naming the option
            throw new IllegalArgumentException("--length: expected at most " + positions + ", the positions of the " + size
                    + " encoder, found " + length + "; pass for example --length " + positions);
        }
        Precision.parse(precision, Device.cpu()); // names refused before any work; auto is resolved in call
        DeviceOption.checkForm(device);
        if (DeviceOption.gpuCount(device) > 0) {
            throw new IllegalArgumentException("--device: bench measures one device; expected cpu, gpu, gpu:K or auto, found "
                    + device);
        }
        checkFullStepOptions();
    }

    /**
     * Refuses {@code --formats} and {@code --tasks}, which only the full step reads, with a part
     * that runs none: they were ignored without a word. Checked after every value on its own, so
     * that a wrong value is named first.
     */
    private void checkFullStepOptions() {
        CommandLine.ParseResult given = spec == null ? null : spec.commandLine().getParseResult();
        if (given == null || part == Part.FULL || part == Part.ALL) {
            return;
        }
        for (String o : List.of("--formats", "--tasks")) {
            if (given.hasMatchedOption(o)) {
                throw new IllegalArgumentException(o + " is for --part FULL or ALL only, found it with --part " + part
                        + "; leave it out");
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        if (part == Part.DATA) {
            checkPartOptions();
            // no model and no engine: the tokenizer is the only native library this part loads
            new DataBench(data, tokenizer, dataTasks, FeatureSettings.paper(), System.out,
                    TrainingProgress.featurization(ConsoleProgress.onStderr())).run();
            return 0;
        }
        checkValues();
        if (tasks == 0) {
            // at most --batch, which checkValues found at least 1
            tasks = formats == Formats.MIXED ? Math.min(3, batch) : 1;
        }
        EncoderConfig cfg = config();
        Device dev = DeviceOption.parse(device);
        precisionChoice = Precision.parse(precision, dev);
        mixed = precisionChoice.isMixed();
        Engine engine = Engine.getInstance();
        engine.setRandomSeed((int) seed);
        System.out.printf(Locale.ROOT, "engine %s %s, device %s, %s, batch %d x %d, %s, threads: %s, malloc: %s%n",
                engine.getEngineName(), engine.getVersion(), dev, cfg, batch, length, precisionChoice.optionName(),
                threads(), MallocSettings.describe(System.getenv()));
        try (NDManager root = NDManager.newBaseManager(dev)) {
            if (part == Part.FORWARD) {
                report("encoder forward (inference)", encoderForward(root, cfg));
            }
            if (part == Part.ENCODER || part == Part.ALL) {
                report("encoder fwd+bwd", encoderOnly(root, cfg));
            }
            if (part == Part.BERTBLOCK || part == Part.ALL) {
                if (mixed) {
                    System.out.println("djl BertBlock: fp32 only (no mixed-precision path)");
                }
                report("djl BertBlock fwd+bwd", bertBlock(root, cfg));
            }
            if (part == Part.PAIRED) {
                paired(root, cfg);
            }
            if (part == Part.FULL || part == Part.ALL) {
                report("full step (" + formats + ")", fullStep(root, cfg));
            }
        }
        System.out.println("peak device memory: " + peakMemory(dev));
        if (leaked) {
            System.err.println("bench: the leak check failed (the LEAK line above says what the timed steps left behind, or why it could"
                    + " not compare); exit 1");
            return CliErrors.INTERNAL;
        }
        return 0;
    }

    private EncoderConfig config() {
        EncoderConfig.Builder b = EncoderConfig.builder().optHiddenDropoutProb(0.1f).optAttentionProbsDropoutProb(0.1f);
        if (size == Size.DEMO) {
            b.setModelType(ModelFamily.BERT).setVocabSize(2000).setHiddenSize(64).setNumHiddenLayers(2)
                    .setNumAttentionHeads(4).setIntermediateSize(128).optMaxPositionEmbeddings(128).optTypeVocabSize(2);
        } else if (size == Size.MINILM) {
            b.setModelType(ModelFamily.BERT).setVocabSize(30522).setHiddenSize(384).setNumHiddenLayers(6)
                    .setNumAttentionHeads(12).setIntermediateSize(1536);
        } else {
            b.setModelType(ModelFamily.XLM_ROBERTA).setVocabSize(250002).setHiddenSize(768).setNumHiddenLayers(12)
                    .setNumAttentionHeads(12).setIntermediateSize(3072).optMaxPositionEmbeddings(514)
                    .optTypeVocabSize(1).optLayerNormEps(1e-5f);
        }
        if (layers > 0) {
            b.setNumHiddenLayers(layers);
        }
        return b.build();
    }

    private static String threads() {
        return "intra-op " + System.getProperty("ai.djl.pytorch.num_threads", "default") + ", inter-op "
                + System.getProperty("ai.djl.pytorch.num_interop_threads", "default");
    }

    private long[] ids(EncoderConfig cfg) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] ids = new long[batch * length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % length == 0 ? 0 : 5 + r.nextInt(cfg.vocabSize() - 5);
        }
        return ids;
    }

    /** Real tokens of a row: all of them, or with {@code --padded} three quarters of every odd row. */
    private int realLength(int row) {
        return padded && row % 2 == 1 ? length - length / 4 : length;
    }

    /** The attention mask, row-major {@code [batch, length]}. */
    private long[] mask() {
        long[] m = new long[batch * length];
        for (int b = 0; b < batch; b++) {
            Arrays.fill(m, b * length, b * length + realLength(b), 1L);
        }
        return m;
    }


    /** Untimed steps of {@code --profile} that wait for the device at each phase, for its time per phase. */
    private static final int SYNCED_STEPS = 5;

    /**
     * A full step that adds each phase's nanoseconds to {@code ph}; with {@code sync}, it first
     * waits for the device at each phase change (a scalar read back), so that the seconds are the
     * device's, not the host's queueing.
     */
    private Step phasedStep(TrainingStep step, SampledBatch sampled, long[] ph, boolean sync) {
        int[] stepNo = {0};
        return sm -> {
            long[] last = {System.nanoTime()};
            StepPhase[] current = {StepPhase.ASSEMBLY};
            return step.run(sm, sampled, RATE, stepNo[0]++, seed, next -> {
                if (sync) {
                    try (NDArray z = sm.zeros(new Shape(1))) {
                        z.getFloat();
                    }
                }
                long now = System.nanoTime();
                ph[current[0].ordinal()] += now - last[0];
                last[0] = now;
                current[0] = next;
            });
        };
    }

    /** A timed step: runs one training step and returns a scalar to read (forcing completion). */
    private interface Step {
        NDArray run(NDManager stepManager);
    }

    private double[] time(NDManager root, String what, Step step) {
        return time(root, what, step, new long[0], new long[steps][0]);
    }

    private double[] time(NDManager root, String what, Step step, long[] phase, long[][] phases) {
        return time(root, what, step, phase, phases, left -> { });
    }

    /**
     * Prints the leak check's two censuses and, where a count grew, a LEAK line with what was added;
     * records it for the exit code. Where no timed step came after the first count, says so and
     * records that too: a check that compared nothing must not pass.
     */
    private void checkLeaks(int compared, ArrayCensus modelFirst, ArrayCensus modelLast, ArrayCensus engineFirst,
            ArrayCensus engineLast) {
        System.out.printf(Locale.ROOT, "live arrays after the first count (%d steps in): %d in the model's manager"
                + " (parameters, optimiser and step state), %d in the engine%n", LEAK_CHECK_AFTER, modelFirst.size(),
                engineFirst.size());
        System.out.printf(Locale.ROOT, "live arrays after the last timed step: %d in the model's manager, %d in the engine"
                + "%n", modelLast.size(), engineLast.size());
        if (compared == 0) {
            leaked = true;
            System.out.printf(Locale.ROOT, "LEAK not checked: no timed step came after the first count, which waits for"
                    + " %d steps, untimed or timed; pass more --warmup or --steps%n", LEAK_CHECK_AFTER);
        } else if (modelLast.size() > modelFirst.size() || engineLast.size() > engineFirst.size()) {
            leaked = true;
            System.out.printf(Locale.ROOT, "LEAK: the %d timed steps after the first count left %+d arrays in the model's"
                    + " manager %s and %+d in the engine %s%n", compared, modelLast.size() - modelFirst.size(),
                    modelFirst.addedBy(modelLast), engineLast.size() - engineFirst.size(),
                    engineFirst.addedBy(engineLast));
        } else {
            System.out.printf(Locale.ROOT, "no leak: the %d timed steps after the first count left no array in either%n",
                    compared);
        }
    }

    /**
     * Runs the warm-up, then the timed steps; after each timed step, copies what the step wrote into
     * {@code phase} (zeroed before each step) into the step's row of {@code phases}. {@code firstCount}
     * runs once {@value #LEAK_CHECK_AFTER} steps, untimed or timed, have run (before the first timed
     * step after a warm-up that long), and its argument is the number of timed steps still to come.
     */
    private double[] time(NDManager root, String what, Step step, long[] phase, long[][] phases,
            IntConsumer firstCount) {
        int warm = warmupChoice.run(what, () -> timeOnce(root, step), System.out);
        // the first step makes what every later one reuses (optimiser moments, the step's state, the
        // engine's shared constants): counting before it would call those a leak
        int countAfter = Math.min(steps, Math.max(0, LEAK_CHECK_AFTER - warm));
        double[] seconds = new double[steps];
        for (int i = 0; i < steps; i++) {
            if (i == countAfter) {
                firstCount.accept(steps - i);
            }
            seconds[i] = timePhases(root, step, phase, phases[i]);
        }
        if (countAfter == steps) {
            firstCount.accept(0);
        }
        return seconds;
    }

    /**
     * Times one step that writes its phases into {@code phase}, zeroed first, and copies them into
     * {@code row}.
     */
    private double timePhases(NDManager root, Step step, long[] phase, long[] row) {
        Arrays.fill(phase, 0);
        double s = timeOnce(root, step);
        System.arraycopy(phase, 0, row, 0, phase.length);
        return s;
    }

    /** Seconds of one step, including reading its scalar back (which waits for the device). */
    private static double timeOnce(NDManager root, Step step) {
        long t0 = System.nanoTime();
        try (NDManager sm = root.newSubManager()) {
            step.run(sm).getFloat();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private void report(String name, double[] s) {
        double[] sorted = s.clone();
        Arrays.sort(sorted);
        double median = median(s);
        System.out.printf(Locale.ROOT, "%-28s median %8.1f seq/s (%.3f s/step), min %.1f, max %.1f seq/s over %d steps%n",
                name, batch / median, median, batch / sorted[sorted.length - 1], batch / sorted[0], s.length);
    }

    /** The parameters an encoder-only step reads: 16-bit copies of the projections when mixed. */
    private ParameterStore store(NDManager sm, TransformerEncoder enc) {
        return mixed ? new HalfPrecisionStore(sm, enc.matrixParameters(), precisionChoice.computeType())
                : new ParameterStore(sm, false);
    }

    private double[] encoderOnly(NDManager root, EncoderConfig cfg) {
        try (NDManager pm = root.newSubManager()) {
            long[] phase = new long[2];
            long[][] phases = new long[steps][2];
            double[] s = time(root, "encoder fwd+bwd", encoderStep(pm, cfg, phase), phase, phases);
            printPhases(phases, new String[] {"forward", "backward"}, s);
            return s;
        }
    }

    /** An encoder forward+backward step; records its forward and backward nanoseconds in {@code ph}. */
    private Step encoderStep(NDManager pm, EncoderConfig cfg, long[] ph) {
        TransformerEncoder enc = TransformerEncoder.builder().setConfig(cfg).build();
        enc.initializeRandom(pm, seed);
        requireGradients(enc);
        long[] ids = ids(cfg);
        long[] mask = mask();
        PairList<String, Object> params = TransformerEncoder.forwardParameters(mask);
        return sm -> {
            long t0 = System.nanoTime();
            ParameterStore ps = store(sm, enc);
            NDArray loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray h = enc.forward(ps, new NDList(sm.create(ids, new Shape(batch, length)),
                        sm.create(mask, new Shape(batch, length))), true, params).get(0);
                loss = h.mean();
                ph[0] = System.nanoTime() - t0;
                gc.backward(loss);
            }
            ph[1] = System.nanoTime() - t0 - ph[0];
            return loss;
        };
    }

    private double[] encoderForward(NDManager root, EncoderConfig cfg) {
        TransformerEncoder enc = TransformerEncoder.builder().setConfig(cfg).build();
        try (NDManager pm = root.newSubManager()) {
            enc.initializeRandom(pm, seed);
            long[] ids = ids(cfg);
            long[] mask = mask();
            PairList<String, Object> params = TransformerEncoder.forwardParameters(mask);
            return time(root, "encoder forward", sm -> {
                ParameterStore ps = store(sm, enc);
                NDArray h = enc.forward(ps, new NDList(sm.create(ids, new Shape(batch, length)),
                        sm.create(mask, new Shape(batch, length))), false, params).get(0);
                return h.get(0, 0, 0);
            });
        }
    }

    private static void requireGradients(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            p.getValue().getArray().setRequiresGradient(true);
        }
    }

    private double[] bertBlock(NDManager root, EncoderConfig cfg) {
        try (NDManager pm = root.newSubManager()) {
            return time(root, "djl BertBlock fwd+bwd", bertBlockStep(pm, cfg));
        }
    }

    /** DJL's BertBlock forward+backward step, the floor to beat. */
    private Step bertBlockStep(NDManager pm, EncoderConfig cfg) {
        BertBlock block = BertBlock.builder().setTokenDictionarySize(cfg.vocabSize()).optTypeDictionarySize(2)
                .optEmbeddingSize(cfg.hiddenSize()).optTransformerBlockCount(cfg.numHiddenLayers())
                .optAttentionHeadCount(cfg.numAttentionHeads()).optHiddenSize(cfg.intermediateSize())
                .optHiddenDropoutProbability(0.1f).optMaxSequenceLength(length).build(); // DJL adds all max-length positions
        block.setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
        Shape s = new Shape(batch, length);
        block.initialize(pm, DataType.FLOAT32, s, s, s);
        long[] ids = ids(cfg);
        long[] types = new long[batch * length];
        long[] mask = mask();
        return sm -> {
            ParameterStore ps = new ParameterStore(sm, false);
            NDArray loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray h = block.forward(ps, new NDList(sm.create(ids, s), sm.create(types, s),
                        sm.create(mask, s).toType(DataType.FLOAT32, false)), true).get(0);
                loss = h.mean();
                gc.backward(loss);
            }
            return loss;
        };
    }

    /**
     * Encoder and BertBlock steps alternated, so that drifts in machine speed hit both alike;
     * prints each median and the median of the per-pair speed-ups.
     */
    private void paired(NDManager root, EncoderConfig cfg) {
        try (NDManager pm = root.newSubManager()) {
            Step encoder = encoderStep(pm, cfg, new long[2]);
            Step djl = bertBlockStep(pm, cfg);
            double[] e = new double[steps];
            double[] d = new double[steps];
            double[] ratio = new double[steps];
            warmupChoice.run("encoder and BertBlock pairs", () -> timeOnce(root, encoder) + timeOnce(root, djl), System.out);
            for (int i = 0; i < steps; i++) {
                e[i] = timeOnce(root, encoder);
                d[i] = timeOnce(root, djl);
                ratio[i] = d[i] / e[i];
            }
            report("encoder fwd+bwd", e);
            report("djl BertBlock fwd+bwd", d);
            double[] r = ratio.clone();
            Arrays.sort(r);
            System.out.printf(Locale.ROOT, "encoder vs BertBlock        median %.2fx over %d pairs, min %.2fx, max %.2fx%n",
                    median(ratio), steps, r[0], r[r.length - 1]);
        }
    }

    private double[] fullStep(NDManager root, EncoderConfig cfg) throws IOException {
        TransformerEncoder enc = TransformerEncoder.builder().setConfig(cfg).build();
        try (NDManager pm = root.newSubManager()) {
            enc.initializeRandom(pm, seed);
            HeadFamily fam = MultiHeadModel.headFamily(cfg.modelType());
            MultiTaskBatch fixed = batch(cfg);
            int[] rowTasks = new int[batch];
            for (TaskSlice sl : fixed.slices()) {
                for (int r : sl.rows()) {
                    rowTasks[r] = sl.task();
                }
            }
            int[] examples = new int[batch];
            for (int i = 0; i < batch; i++) {
                examples[i] = i;
            }
            SampledBatch sampled = new SampledBatch(rowTasks, examples);
            // the production path: the heads the task formats make, MultiHeadModel and the Trainer's TrainingStep
            // (flat AdamW, HF clipping at 1.0)
            MultiHeadModel.Builder mb = MultiHeadModel.builder().setManager(pm).setEncoder(enc);
            for (int t = 0; t < tasks; t++) {
                mb.addHead(taskName(t), taskFormat(t).newHead(numLabels(taskFormat(t)), fam, seed + t));
            }
            try (MultiHeadModel model = mb.build();
                    TrainingStep step = TrainingStep.builder().setModel(model).setData(new FixedBatch(fixed, tasks))
                            .optPrecision(precisionChoice).optOptimizer(AdamW.builder().optWeightDecay(0.01)).build()) {
                System.out.printf(Locale.ROOT, "full step: %s optimiser, %s attention%s, batch upload %s, %s, heads %s%n",
                        step.optimizer().fused() ? "fused AdamW" : "elementwise AdamW (fused kernel unavailable)",
                        FusedAttention.enabledOn(pm.getDevice()) ? "fused (scaled_dot_product_attention)" : "explicit",
                        padded ? " with a padding mask" : " without a mask (no padding)",
                        MultiHeadModel.batchUpload(pm.getDevice()), Counts.counted(tasks, "task"),
                        MultiHeadModel.stacksHeads() ? "stacked by kind" : "one by one");
                long[] phase = new long[StepPhase.values().length];
                long[][] phases = new long[steps][phase.length];
                ArrayCensus[] first = new ArrayCensus[2];
                int[] compared = new int[1];
                IntConsumer census = left -> {
                    if (leakCheck) {
                        first[0] = ArrayCensus.of(model.getManager());
                        first[1] = ArrayCensus.engineWide(root);
                        compared[0] = left;
                    }
                };
                double[] s = time(root, "full step", phasedStep(step, sampled, phase, false), phase, phases, census);
                if (leakCheck) {
                    afterTimedSteps.accept(model.getManager());
                    checkLeaks(compared[0], first[0], ArrayCensus.of(model.getManager()), first[1],
                            ArrayCensus.engineWide(root));
                }
                String[] names = {"batch assembly", "forward (encoder+heads+loss)", "backward", "optimizer (clip+AdamW)"};
                printPhases(phases, names, s);
                if (profile) {
                    // the timed steps never wait for the device between phases; these extra steps do, untimed
                    long[][] synced = new long[SYNCED_STEPS][phase.length];
                    Step each = phasedStep(step, sampled, phase, true);
                    for (int i = 0; i < SYNCED_STEPS; i++) {
                        timePhases(root, each, phase, synced[i]);
                    }
                    for (int k = 0; k < names.length; k++) {
                        double[] v = new double[SYNCED_STEPS];
                        for (int i = 0; i < SYNCED_STEPS; i++) {
                            v[i] = synced[i][k] / 1e9;
                        }
                        System.out.printf(Locale.ROOT, "  phase %-30s median %.4f s (device: %d more steps that wait"
                                + " for it at each phase)%n", names[k], median(v), SYNCED_STEPS);
                    }
                    countCalls(root, step, sampled);
                    countEvaluationCalls(root, model, step, fixed);
                }
                return s;
            }
        }
    }

    /** Serves one fixed batch, whatever is asked: the bench's data. */
    private static final class FixedBatch implements BatchSource {
        private final MultiTaskBatch batch;
        private final int tasks;

        FixedBatch(MultiTaskBatch batch, int tasks) {
            this.batch = batch;
            this.tasks = tasks;
        }

        @Override
        public int numTasks() {
            return tasks;
        }

        @Override
        public List<String> taskNames() {
            List<String> names = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                names.add(taskName(t));
            }
            return names;
        }

        @Override
        public int size(int task, Split split) {
            return batch.rows();
        }

        @Override
        public MultiTaskBatch assemble(Split split, int[] tasks, int[] examples) {
            return batch;
        }
    }

    /**
     * Runs one more step under PyTorch's profiler, stopped and restarted at each phase, and prints
     * how many operations each phase dispatches from the host (top-level aten operations: each is
     * at least one native call and, on a GPU, at least one kernel launch), and how many of them
     * are copies between host and device. With {@code -Dprefine.profile.dir=DIR} the traces (one per
     * phase, {@code phaseN.json}) are kept there; {@code -Dprefine.profile.histogram=true} prints
     * each phase's operations by name.
     */
    private void countCalls(NDManager root, TrainingStep step, SampledBatch sampled) throws IOException {
        String keep = System.getProperty("prefine.profile.dir");
        Path dir = keep != null ? Files.createDirectories(Path.of(keep)) : Files.createTempDirectory("prefine-profile");
        try {
            int[] file = {0};
            StepPhase[] current = {StepPhase.ASSEMBLY};
            long[][] counts = new long[StepPhase.values().length][2];
            JniUtils.startProfile(false, false, false);
            try (NDManager sm = root.newSubManager()) {
                step.run(sm, sampled, RATE, 0, seed, next -> {
                    Path out = dir.resolve("phase" + (file[0]++) + ".json");
                    JniUtils.stopProfile(out.toString());
                    long[] c;
                    try {
                        c = ProfileCounts.topLevelOps(out);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    counts[current[0].ordinal()][0] += c[0];
                    counts[current[0].ordinal()][1] += c[1];
                    current[0] = next;
                    if (next != StepPhase.DONE) {
                        JniUtils.startProfile(false, false, false);
                    }
                }).getFloat();
            }
            long total = 0;
            for (StepPhase p : StepPhase.values()) {
                if (p == StepPhase.DONE) {
                    continue;
                }
                total += counts[p.ordinal()][0];
                System.out.printf(Locale.ROOT, "  native calls %-26s %6d ops, %d casts or host-device copies%n",
                        p.name().toLowerCase(Locale.ROOT), counts[p.ordinal()][0], counts[p.ordinal()][1]);
            }
            System.out.printf(Locale.ROOT, "  native calls %-26s %6d ops (%d parameter tensors)%n", "whole step", total,
                    step.parameters().parameters().size());
            // the backward is one call from Java; the autograd engine dispatches its operations natively
            long fromJava = total - counts[StepPhase.BACKWARD.ordinal()][0] + 1;
            System.out.printf(Locale.ROOT, "  native calls %-26s %6d (the backward counted as its one call)%n", "from Java",
                    fromJava);
        } finally {
            if (keep == null) {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(dir);
            }
        }
    }

    /**
     * Counts, as {@link #countCalls} does, the operations of the bench batch's forward as an
     * evaluation pass runs one: the same rows, all the bench's tasks, without dropout or backward,
     * with the parameters read as the trainer's evaluation reads them (in float32 the arrays
     * themselves, under mixed precision through one 16-bit cast of the buffer made once per pass,
     * here by a first, uncounted forward). The trainer's evaluation batches hold one task each, so
     * theirs split no encoder output per head and run one head.
     */
    private void countEvaluationCalls(NDManager root, MultiHeadModel model, TrainingStep step, MultiTaskBatch batch)
            throws IOException {
        Path dir = Files.createTempDirectory("prefine-profile");
        Path out = dir.resolve("evaluation.json");
        try (NDManager sm = root.newSubManager()) {
            DataType compute = precisionChoice.computeType();
            ParameterStore ps = compute == DataType.FLOAT32 ? new ParameterStore(sm, false)
                    : step.parameters().newStep(sm).store(compute);
            model.forward(sm, batch, false, ps);
            JniUtils.startProfile(false, false, false);
            model.forward(sm, batch, false, ps).lossSum();
            JniUtils.stopProfile(out.toString());
            long[] c = ProfileCounts.topLevelOps(out);
            System.out.printf(Locale.ROOT, "  native calls %-26s %6d ops, %d casts or host-device copies (the bench "
                    + "batch's tasks, forward as in evaluation; an evaluation batch holds one task)%n",
                    "evaluation forward", c[0], c[1]);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Prints the median host time of each phase. The step never waits for the device between
     * phases, so on a GPU these are the seconds spent queueing each phase's work; the device's
     * completion (the closing scalar read) falls in no phase and is printed as the rest.
     */
    private void printPhases(long[][] phases, String[] names, double[] stepSeconds) {
        if (!profile) {
            return;
        }
        double[] rest = stepSeconds.clone();
        for (int k = 0; k < names.length; k++) {
            double[] v = new double[steps];
            for (int i = 0; i < steps; i++) {
                v[i] = phases[i][k] / 1e9;
                rest[i] -= v[i];
            }
            System.out.printf(Locale.ROOT, "  phase %-30s median %.4f s (host)%n", names[k], median(v));
        }
        System.out.printf(Locale.ROOT, "  phase %-30s median %.4f s%n", "rest (wait for the device)", median(rest));
    }

    private static double median(double[] s) {
        double[] sorted = s.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /** A batch of the chosen formats: thirds of token, sequence and span examples, or one format. */
    private MultiTaskBatch batch(EncoderConfig cfg) {
        SplittableRandom r = new SplittableRandom(seed + 1);
        List<TaskSlice> slices = new ArrayList<>();
        int row = 0;
        for (int t = 0; t < tasks; t++) {
            // contiguous, near-equal shares of the batch
            int n = (int) ((long) batch * (t + 1) / tasks - (long) batch * t / tasks);
            int[] rows = new int[n];
            int[] ex = new int[n];
            for (int i = 0; i < n; i++) {
                rows[i] = row++;
                ex[i] = i;
            }
            int[] labels;
            long[] shape;
            TaskFormat format = taskFormat(t);
            if (format == TaskFormat.TOKEN) {
                labels = new int[n * length];
                for (int i = 0; i < labels.length; i++) {
                    int pos = i % length;
                    labels[i] = pos == 0 || pos >= realLength(rows[i / length]) ? HeadLosses.IGNORE_INDEX : r.nextInt(9);
                }
                shape = new long[] {n, length};
            } else if (format == TaskFormat.SINGLE_TEXT) {
                labels = r.ints(n, 0, 3).toArray();
                shape = new long[] {n};
            } else {
                labels = new int[2 * n];
                for (int i = 0; i < n; i++) {
                    labels[2 * i] = 1 + r.nextInt(realLength(rows[i]) - 2);
                    labels[2 * i + 1] = labels[2 * i] + 1;
                }
                shape = new long[] {n, 2};
            }
            slices.add(new TaskSlice(t, rows, ex, labels, shape));
        }
        return new MultiTaskBatch(batch, length, ids(cfg), mask(), null, slices);
    }

    /** The format of task {@code t}: token, sequence and span in turn, or all of {@code --formats}'s one. */
    private TaskFormat taskFormat(int t) {
        return switch (formats) {
            case MIXED -> new TaskFormat[] {TaskFormat.TOKEN, TaskFormat.SINGLE_TEXT, TaskFormat.QA}[t % 3];
            case TOKEN -> TaskFormat.TOKEN;
            case SEQUENCE -> TaskFormat.SINGLE_TEXT;
            case SPAN -> TaskFormat.QA;
        };
    }

    private static int numLabels(TaskFormat format) {
        return format == TaskFormat.TOKEN ? 9 : format == TaskFormat.SINGLE_TEXT ? 3 : 2;
    }

    private static String taskName(int t) {
        return "task" + t;
    }

    private static String peakMemory(Device dev) {
        if (!dev.isGpu()) {
            return "n/a (cpu)";
        }
        try {
            // ai.djl.util.cuda.CudaUtils reports the device's used memory (not a true peak)
            java.lang.management.MemoryUsage u = ai.djl.util.cuda.CudaUtils.getGpuMemory(dev);
            return String.format(Locale.ROOT, "%.0f MiB used of %.0f MiB at the end (CUDA device; not a peak)",
                    u.getUsed() / 1048576.0, u.getMax() / 1048576.0);
        } catch (RuntimeException | LinkageError e) {
            return "n/a (" + e.getMessage() + ")";
        }
    }
}
