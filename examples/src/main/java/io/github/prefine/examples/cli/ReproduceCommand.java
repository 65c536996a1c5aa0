package io.github.prefine.examples.cli;

import ai.djl.Device;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.grid.DataReport;
import io.github.prefine.core.grid.Grid;
import io.github.prefine.core.grid.GridReports;
import io.github.prefine.core.grid.GridSummary;
import io.github.prefine.core.grid.LearningRateSelection;
import io.github.prefine.core.grid.ModelExports;
import io.github.prefine.core.grid.Verdicts;
import io.github.prefine.core.pipeline.TaskDataSource;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskRegistry;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import io.github.prefine.core.train.Precision;
import io.github.prefine.eval.internal.Counts;
import io.github.prefine.eval.internal.JsonShapes;
import io.github.prefine.eval.report.TableWriter;
import io.github.prefine.eval.stats.SeedDifference;
import io.github.prefine.examples.data.DataStatus;
import io.github.prefine.examples.data.FetchedData;
import io.github.prefine.examples.data.IncompleteFetchException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code prefine reproduce}: the paper's grid on real data (baseline, every group combination,
 * every target over seeds), resumable and shareable between processes; a thin layer over
 * {@link Grid}.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true, versionProvider = PrefineVersion.class, sortOptions = false,
        description = {"Reproduce the paper: baseline, pre-finetuning on every combination of the groups, "
                + "finetuning of every target over seeds; tables and plots are rewritten after every finished run.",
            "Restart the same command to resume; start it twice on one --out to share the work."})
public final class ReproduceCommand implements Callable<Integer>, GridCommand, PreLaunchChecks {
    private static final Logger LOG = LoggerFactory.getLogger(ReproduceCommand.class);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "../shared/data",
            description = "data root in the TaskCatalog layout (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--encoder", defaultValue = "FacebookAI/xlm-roberta-base",
            description = "HF model id (HF cache, then Hub), a local HF folder, or 'minilm' (all-MiniLM-L6-v2 from its "
                    + "Maven artifact) (default: ${DEFAULT-VALUE})")
    String encoder;

    @Option(names = "--groups", split = ",", preprocessor = OptionValues.ListValue.class, defaultValue = "SL,QA,C",
            description = "pre-finetuning groups; every non-empty combination is run (default: ${DEFAULT-VALUE})")
    List<String> groups;

    @Option(names = "--targets", split = ",",
            preprocessor = OptionValues.ListValue.class, description = "target tasks (default: all 12 of the paper)")
    List<String> targets;

    @Option(names = "--seeds", defaultValue = "5", description = "finetuning seeds 1..N (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--lr", split = ",",
            preprocessor = OptionValues.ListValue.class, defaultValue = "1e-5,3e-5,1e-4,3e-4,1e-3",
            description = "pre-finetuning learning-rate grid (default: ${DEFAULT-VALUE})")
    List<Double> learningRates;

    @Option(names = "--target-lr", split = ",",
            preprocessor = OptionValues.ListValue.class, description = "target learning-rate grid (default: the --lr grid)")
    List<Double> targetLearningRates;

    @Option(names = "--batch-size", defaultValue = "128",
            description = "pre-finetuning examples per step (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--target-batch-size", defaultValue = "" + Grid.DEFAULT_TARGET_BATCH_SIZE,
            description = "finetuning examples per step; the paper states none (default: ${DEFAULT-VALUE})")
    int targetBatchSize;

    @Option(names = "--report-split", defaultValue = "validation",
            description = "split every target is scored on: validation (the paper's) or test (where a target has one)"
                    + " (default: ${DEFAULT-VALUE})")
    String reportSplit;

    @Option(names = "--lr-selection", defaultValue = "per-target",
            description = "per-target: one target learning rate per (setting, target), by the mean validation score over"
                    + " seeds (the paper's one configuration per cell); per-seed: one per seed (default: ${DEFAULT-VALUE})")
    String lrSelection;

    @Option(names = "--max-length", defaultValue = "128",
            description = "max sub-tokens of SL, classification and choice rows (default: ${DEFAULT-VALUE})")
    int maxLength;

    @Option(names = "--qa-max-length", defaultValue = "384", description = "QA window length (default: ${DEFAULT-VALUE})")
    int qaMaxLength;

    @Option(names = "--qa-stride", defaultValue = "128", description = "QA window overlap (default: ${DEFAULT-VALUE})")
    int qaStride;

    @Option(names = "--epochs", defaultValue = "20", description = "pre-finetuning epoch limit (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--target-epochs", defaultValue = "20", description = "finetuning epoch limit (default: ${DEFAULT-VALUE})")
    int targetEpochs;

    @Option(names = "--schedule-epochs", defaultValue = "20",
            description = "pre-finetuning learning rate decays linearly to 0 over this many epochs, whatever --epochs"
                    + " is (default: ${DEFAULT-VALUE})")
    int scheduleEpochs;

    @Option(names = "--target-schedule-epochs", defaultValue = "20",
            description = "finetuning learning rate decays linearly to 0 over this many epochs, whatever"
                    + " --target-epochs is (default: ${DEFAULT-VALUE})")
    int targetScheduleEpochs;

    @Option(names = "--patience", defaultValue = "3", description = "early-stopping patience in epochs (default: ${DEFAULT-VALUE})")
    int patience;

    @Option(names = "--max-train-examples", defaultValue = "0",
            description = "cap each task's training examples to a seeded sample, 0 = all (default: ${DEFAULT-VALUE})")
    int maxTrainExamples;

    @Option(names = "--max-eval-examples", defaultValue = "0",
            description = "cap each task's validation and test examples, 0 = all (default: ${DEFAULT-VALUE})")
    int maxEvalExamples;

    @Option(names = "--precision", defaultValue = "fp32", description = Precision.CHOICES + " (default: ${DEFAULT-VALUE})")
    String precision;

    @Option(names = "--device", defaultValue = "auto",
            description = "auto, cpu, gpu, gpu:K, or a GPU count N (one worker process per GPU) (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--threads", description = "PyTorch intra-op threads on CPU (default: the engine's, one per core;"
            + " with --workers, each worker's share of the cores)")
    Integer threads;

    @Option(names = "--workers", defaultValue = "1", description = "processes that share the run on each device, this"
            + " one included: a small model leaves a GPU idle between the kernels one process launches. "
            + Workers.LIMIT_HELP + " (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--log-every", defaultValue = "50", description = "steps between progress reads (default: ${DEFAULT-VALUE})")
    int logEvery;

    @Option(names = "--alpha", defaultValue = "0.05", description = ALPHA_HELP + " (default: ${DEFAULT-VALUE})")
    double alpha;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "reproduce-out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--strict", description = "every input defect is an error: every task's files are read strictly"
            + " before any work, and a malformed row, a label outside a task's declared set, an empty validation file"
            + " or a task without data stops the run with the file and line (default: skip malformed rows and count"
            + " them, with file:line samples, in --out/data-report.json; skip tasks without data and say so)")
    boolean strict;

    @Option(names = "--allow-partial", description = "run settings some of whose groups have no data, named for what "
            + "they lack, e.g. 'SL+QA (no QA data)' (default: refuse them)")
    boolean allowPartial;

    @Option(names = "--force", description = "when --out holds a run with other options or data (see its run.json), "
            + "delete its results and start anew in place (default: refuse, naming the differences)")
    boolean force;

    @Option(names = "--export-models", defaultValue = "none", paramLabel = "none|best|all",
            description = EXPORT_HELP + " (default: ${DEFAULT-VALUE})")
    String exportModels;

    /** {@code --alpha}'s help, shared with {@code demo}. */
    static final String ALPHA_HELP = "significance level of the tables' t-tests against the baseline: a cell is marked"
            + " when its Holm-adjusted p is at most this; reports only, so a resumed run may change it";

    /** The help of {@code --export-models}, shared with {@code demo}. */
    static final String EXPORT_HELP = "once every run is finished, write finetuned models for `prefine predict` to"
            + " --out/models/<target>/<setting>-seed<N>: best, per target, the setting of the best mean validation score"
            + " and its best seed; all, every (target, setting, seed). Each is finetuned again (one run each) and takes"
            + " one model's size on disk (about 1.1 GB for XLM-R base); a finished run restarted with it reuses its"
            + " results";

    /** Pre-finetuning tasks of the chosen groups that {@link #check} found with data, in catalog order. */
    private final List<Task> poolWithData = new ArrayList<>();
    /** Targets that {@link #check} found with data, in order. */
    private final List<Task> targetsWithData = new ArrayList<>();

    /** Creates the command; picocli fills the fields. */
    public ReproduceCommand() {}

    /** The featurization the options ask for. */
    private FeatureSettings features() {
        return new FeatureSettings(maxLength, qaMaxLength, qaStride, maxTrainExamples, maxEvalExamples, 1L);
    }

    @Override
    public Integer call() throws Exception {
        // System.out itself: a PrintStream wrapped around it encodes in the default charset, which is
        // ASCII under LANG=C even where System.out was switched to UTF-8 (ConsoleEncoding)
        PrintStream o = System.out;
        int planned = check();
        // before the engine starts (parsing --device auto starts it), which reads them once
        Integer perWorker = Workers.threadsPerWorker(threads, workers);
        Workers.useThreads(perWorker);
        Device dev = DeviceOption.parse(device);
        if (Workers.isWorker()) {
            // the starting process has checked and written run.json: its options stay there
            grid(dev).build().runAsWorker();
            return 0;
        }
        Workers.checkCount(workers, DeviceOption.gpuCount(device), dev, planned); // needs the device: before any work
        List<DataStatus.Row> rows = DataStatus.of(data, false);
        o.print(DataStatus.table(rows));
        ConsoleProgress bar = ConsoleProgress.onStderr();
        RunStatus.Shape shape = shape();
        List<String> others = Workers.devices(DeviceOption.gpuCount(device), dev, workers);
        RunStatus status = new RunStatus(out, planned, System::nanoTime, shape, plannedWork(rows, shape), others.size() + 1);
        Grid grid = grid(dev).optProgress(TrainingProgress.withStatus(bar, status))
                .optFeaturizationListener(TrainingProgress.featurization(bar)).build();
        long start = System.nanoTime();
        GridSummary s;
        try (StopNotice stop = StopNotice.install(spec.qualifiedName(), StopNotice.commandLine(spec), out, status)) {
            s = Workers.run(grid, others, spec, perWorker);
        }
        status.gridReturned();
        bar.status(status.line());
        printSummary(o, s, (System.nanoTime() - start) / 1e9);
        printModels(o, out);
        return exitCode(s);
    }

    /**
     * The exit code of a grid command that ran to its end: 0, or {@link CliErrors#SWEEPS_FAILED} when
     * sweeps failed (the others all ran; {@link #printSummary} names the failed ones), so that a
     * script sees what the summary says.
     *
     * @param s the grid's summary
     * @return 0 or {@link CliErrors#SWEEPS_FAILED}
     */
    public static int exitCode(GridSummary s) {
        return s.failures().isEmpty() ? 0 : CliErrors.SWEEPS_FAILED;
    }

    /**
     * The units the grid will plan, with their planned work, from the example counts of the data
     * status (fetch records; no data file is read): the tasks {@link #check} found with data.
     */
    private List<PlannedWork.Unit> plannedWork(List<DataStatus.Row> rows, RunStatus.Shape shape) {
        Map<String, PlannedWork.Size> sizes = new LinkedHashMap<>();
        for (DataStatus.Row r : rows) {
            Integer train = r.counts().get(Split.TRAIN);
            if (train != null) {
                sizes.put(r.task(), new PlannedWork.Size(train, r.counts().getOrDefault(Split.VALIDATION, 0)));
            }
        }
        return PlannedWork.of(groups(), poolWithData, targetsWithData, seeds,
                lrSelection() == LearningRateSelection.PER_TARGET, sizes, features(), shape);
    }

    /** The training runs of a unit: a run per learning rate, and per seed too in a per-target sweep. */
    private RunStatus.Shape shape() {
        int targetRates = (targetLearningRates == null ? learningRates : targetLearningRates).size();
        boolean perTarget = lrSelection() == LearningRateSelection.PER_TARGET;
        return new RunStatus.Shape(learningRates.size(), epochs, targetRates * (perTarget ? seeds : 1), targetEpochs,
                patience);
    }

    @Override
    public int check() throws java.io.IOException {
        checkBeforeLaunch();
        List<TaskGroup> g = groups();
        List<Task> t = targets();
        TaskDataSource source = source();
        refuseIncompleteFetches(g, t);
        int planned = checkData(source, g, t);
        if (strict) {
            readStrictly(source, g, t);
        }
        return planned;
    }

    /** The option values, then the data root and the output folder, before any file is read. */
    @Override
    public void checkBeforeLaunch() {
        checkValues();
        OptionChecks.inputFolder("--data", data, "the data root in the TaskCatalog layout (docs/data-layout.md)");
        OptionChecks.outputFolder("--out", out);
    }

    /**
     * The data root, read strictly (file:line errors) under --strict, else counting what it skips;
     * a task that a data fetch left half replaced is refused.
     */
    private TaskDataSource source() {
        return FetchedData.source(data, strict ? Leniency.STRICT : Leniency.LENIENT);
    }

    /** Before any work, as the grid would refuse such a task only when its unit runs. */
    private void refuseIncompleteFetches(List<TaskGroup> g, List<Task> t) throws IncompleteFetchException {
        for (Task task : t) {
            FetchedData.check(data, task);
        }
        for (Task task : TaskCatalog.prefinetuning()) {
            if (g.contains(task.group())) {
                FetchedData.check(data, task);
            }
        }
    }

    @Override
    public Grid.Builder grid(Device dev) throws java.io.IOException {
        // where nothing has started the engine yet (a Spark executor's first unit)
        Workers.useThreads(threads);
        Path enc = EncoderOption.resolve(encoder, out);
        checkLengthsFit(enc);
        return Grid.builder().setEncoder(enc)
                .setData(source())
                .setPrefinetuningTasks(TaskCatalog.prefinetuning()).setGroups(groups()).setTargets(targets()).setOutput(out)
                .optSeeds(LongStream.rangeClosed(1, seeds).boxed().toList())
                .optLearningRates(learningRates)
                .optTargetLearningRates(targetLearningRates == null ? learningRates : targetLearningRates)
                .optBatchSize(batchSize).optTargetBatchSize(targetBatchSize).optReportSplit(reportSplit())
                .optLearningRateSelection(lrSelection())
                .optScheduleEpochs(scheduleEpochs, targetScheduleEpochs)
                .optAllowPartial(allowPartial).optForce(force).optOptions(GridCommand.options(spec)).optAlpha(alpha)
                .optExportModels(exports(exportModels))
                .optMaxEpochs(epochs, targetEpochs).optPatience(patience).optLogEvery(logEvery)
                .optFeatures(features())
                .optDevice(dev).optPrecision(Precision.parse(precision, dev)).optStrict(strict);
    }

    /** Refuses a length beyond the encoder's positions, for the targets and the chosen groups' tasks. */
    private void checkLengthsFit(Path enc) throws java.io.IOException {
        List<TaskGroup> g = groups();
        List<Task> used = new ArrayList<>(targets());
        TaskCatalog.prefinetuning().stream().filter(t -> g.contains(t.group())).forEach(used::add);
        OptionChecks.lengthsFitEncoder(enc, used, maxLength, qaMaxLength);
    }

    @Override
    public String device() {
        return device;
    }

    private LearningRateSelection lrSelection() {
        return OptionValues.keyword("--lr-selection", lrSelection, LearningRateSelection.class,
                LearningRateSelection::optionName);
    }

    /** Reads {@code --export-models}, demo's and reproduce's. */
    static ModelExports exports(String value) {
        return OptionValues.keyword("--export-models", value, ModelExports.class, ModelExports::optionName);
    }

    private Split reportSplit() {
        if (OptionValues.is(reportSplit, "validation")) {
            return Split.VALIDATION;
        }
        if (OptionValues.is(reportSplit, "test")) {
            return Split.TEST;
        }
        throw new IllegalArgumentException("--report-split: expected validation or test, found '" + reportSplit + "'");
    }

    /** The groups of {@code --groups}, in the registry's order (SL, QA, C), which names the combinations. */
    List<TaskGroup> groups() {
        return parseGroups(groups);
    }

    /**
     * Parses a {@code --groups} list: known groups only, each once, at least one; sorted in the
     * registry's order (SL, QA, C).
     */
    static List<TaskGroup> parseGroups(List<String> groups) {
        List<TaskGroup> g = new ArrayList<>();
        // registry group order (SL, QA, C): combinations are named in it whatever order --groups lists
        List<TaskGroup> known = TaskRegistry.builder().registerAll(TaskCatalog.prefinetuning()).build().groups();
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("--groups: expected some of " + known.stream().map(TaskGroup::name).toList()
                    + ", comma-separated, found none");
        }
        for (String s : groups) {
            String name = s.trim();
            TaskGroup group = known.stream().filter(k -> OptionValues.is(name, k.name())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--groups: no pre-finetuning group named '" + name
                            + "'; expected some of " + known.stream().map(TaskGroup::name).toList() + ", comma-separated"));
            if (g.contains(group)) {
                throw new IllegalArgumentException("--groups: " + group.name() + " is listed twice; list each group once");
            }
            g.add(group);
        }
        g.sort(Comparator.comparingInt(known::indexOf));
        return g;
    }

    private List<Task> targets() {
        if (targets == null) {
            return TaskCatalog.targets();
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("--targets: expected some of "
                    + TaskCatalog.targets().stream().map(Task::name).toList() + ", comma-separated, found none");
        }
        List<Task> t = new ArrayList<>();
        List<String> known = TaskCatalog.targets().stream().map(Task::name).toList();
        for (String s : targets) {
            String name = s.trim();
            Task task = TaskCatalog.targets().stream().filter(k -> k.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--targets: no target task named '" + name
                            + "'; expected some of " + known + ", comma-separated"));
            t.add(task); // listed twice is refused when parsed (OptionValues.ListValue)
        }
        return t;
    }

    /**
     * Checks every option's value on its own, reading no file and starting no engine; the
     * documentation's command lines are checked through it.
     */
    @Override
    public void checkValues() {
        OptionChecks.notBlank("--encoder", encoder, "an HF model id, a local HF folder or minilm");
        exports(exportModels);
        groups();
        targets();
        OptionChecks.atLeast("--seeds", seeds, 1);
        OptionChecks.learningRates("--lr", learningRates);
        OptionChecks.learningRates("--target-lr", targetLearningRates);
        OptionChecks.atLeast("--batch-size", batchSize, 1);
        OptionChecks.atLeast("--target-batch-size", targetBatchSize, 1);
        OptionChecks.atLeast("--schedule-epochs", scheduleEpochs, 1);
        OptionChecks.atLeast("--target-schedule-epochs", targetScheduleEpochs, 1);
        OptionChecks.featureLengths(maxLength, qaMaxLength, qaStride);
        OptionChecks.atLeast("--epochs", epochs, 1);
        OptionChecks.atLeast("--target-epochs", targetEpochs, 1);
        OptionChecks.atLeast("--patience", patience, 1);
        OptionChecks.atLeast("--max-train-examples", maxTrainExamples, 0);
        OptionChecks.atLeast("--max-eval-examples", maxEvalExamples, 0);
        OptionChecks.atLeast("--log-every", logEvery, 1);
        if (threads != null) {
            OptionChecks.atLeast("--threads", threads, 1);
        }
        OptionChecks.atLeast("--workers", workers, 1);
        SeedDifference.checkLevel("--alpha", alpha);
        reportSplit();
        lrSelection();
        Precision.parse(precision, Device.cpu()); // a bad name is refused before any work
        DeviceOption.checkForm(device);
    }

    /**
     * Missing data is found here, before any work, rather than by the pipeline after the encoder is
     * written; returns the units the pipeline will plan, for the run's status line.
     */
    private int checkData(TaskDataSource source, List<TaskGroup> g, List<Task> t) {
        poolWithData.clear();
        targetsWithData.clear();
        Map<String, List<String>> missing = new LinkedHashMap<>();
        Set<TaskGroup> withData = new LinkedHashSet<>();
        for (Task task : TaskCatalog.prefinetuning()) {
            if (g.contains(task.group())) {
                List<String> m = source.missing(task);
                if (!m.isEmpty()) {
                    missing.put(task.name(), m);
                } else {
                    withData.add(task.group());
                    poolWithData.add(task);
                }
            }
        }
        int usableTargets = 0;
        for (Task task : t) {
            List<String> m = source.missing(task);
            if (m.isEmpty()) {
                usableTargets++;
                targetsWithData.add(task);
            } else {
                missing.put(task.name(), m);
            }
        }
        if (strict && !missing.isEmpty()) {
            Map.Entry<String, List<String>> first = missing.entrySet().iterator().next();
            throw new IllegalArgumentException("--strict: data missing for " + Counts.counted(missing.size(), "task")
                    + " under " + data + ", first " + first.getKey() + ": " + first.getValue()
                    + "; add the files (docs/data-layout.md), choose --targets and --groups that have data, or run without --strict");
        }
        if (usableTargets == 0) {
            throw new IllegalArgumentException("--data " + data + ": none of the " + t.size() + " target tasks has its"
                    + " data (first missing, " + t.get(0).name() + ": " + missing.get(t.get(0).name())
                    + "); expected the TaskCatalog layout"
                    + " (docs/data-layout.md); check --data and --targets");
        }
        List<TaskGroup> empty = g.stream().filter(group -> !withData.contains(group)).toList();
        if (!empty.isEmpty() && !allowPartial) {
            throw new IllegalArgumentException("--groups: no task of " + String.join(", ", empty.stream().map(TaskGroup::name)
                    .toList()) + " has data under " + data + ", so settings named for it would run without it; add the"
                    + " data (docs/data-layout.md), leave it out of --groups, or pass --allow-partial to run such settings"
                    + " named for what they lack");
        }
        long combinations = TaskRegistry.combinations(g).stream()
                .filter(c -> c.groups().stream().anyMatch(withData::contains)).count();
        // one record per sweep: per (setting, target), or per seed too
        return RunStatus.plannedUnits((int) combinations, usableTargets,
                lrSelection() == LearningRateSelection.PER_TARGET ? 1 : seeds);
    }

    /**
     * Reads every task strictly before the encoder is resolved or any training starts, so that a
     * defect deep in a pre-finetuning file stops the run now, naming its file and line, rather
     * than hours into it; the grid reads the files again when it needs them.
     */
    private void readStrictly(TaskDataSource source, List<TaskGroup> g, List<Task> t) throws java.io.IOException {
        List<Task> all = new ArrayList<>(t);
        TaskCatalog.prefinetuning().stream().filter(task -> g.contains(task.group())).forEach(all::add);
        // a worker reads them again as its parent did, and is quiet as its grid is
        FeaturizationListener reads = Workers.isWorker() ? FeaturizationListener.NONE
                : TrainingProgress.featurization(ConsoleProgress.onStderr());
        for (Task task : all) {
            if (source.missing(task).isEmpty()) {
                source.load(task, reads);
            }
        }
        LOG.info("--strict: the files of {} read without a defect", Counts.counted(all.size(), "task"));
    }

    /**
     * Prints the exported model folders that the output folder's {@code run.json} lists, one line
     * each with its size, and nothing when it lists none. The file is read strictly, as the grid
     * reads it, and each model's scores must be finite, as the export writes them: a NaN or a number
     * past a double's range put in by hand is refused naming the member, not printed as a score.
     *
     * @param o where to print
     * @param out the output folder
     * @throws java.io.IOException if {@code run.json} cannot be read, or naming it and the JSON path
     *     of a model member that is missing, of another type or not finite
     */
    static void printModels(PrintStream o, Path out) throws java.io.IOException {
        Path manifest = out.resolve("run.json");
        if (!java.nio.file.Files.exists(manifest)) {
            return;
        }
        com.google.gson.JsonObject run = JsonFiles.strictObject(manifest);
        if (!run.has("models")) {
            return;
        }
        JsonShapes.Mismatch<java.io.IOException> notAsWritten = (at, expected, found) -> new java.io.IOException(manifest
                + " " + at + ": expected " + expected + ", found " + found + "; the next run with --export-models lists the"
                + " exported folders anew");
        com.google.gson.JsonArray models = JsonShapes.array(run.get("models"), "$.models", notAsWritten);
        o.println("Finetuned models (use them with prefine predict --model DIR --task TARGET):");
        for (int i = 0; i < models.size(); i++) {
            String at = "$.models[" + i + "]";
            com.google.gson.JsonObject m = JsonShapes.object(models.get(i), at, notAsWritten);
            // the grid's score and the export's own; neither is printed when either is not finite
            JsonShapes.finite(m.get("reproducedValidation"), at + ".reproducedValidation", notAsWritten);
            o.printf(java.util.Locale.ROOT, "  %s  (%s, %.1f MB, validation %s %.2f)%n",
                    out.resolve(JsonShapes.string(m.get("path"), at + ".path", notAsWritten)),
                    JsonShapes.string(m.get("setting"), at + ".setting", notAsWritten),
                    JsonShapes.wholeLong(m.get("bytes"), at + ".bytes", notAsWritten) / 1e6,
                    JsonShapes.string(m.get("metric"), at + ".metric", notAsWritten),
                    JsonShapes.finite(m.get("validation"), at + ".validation", notAsWritten));
        }
    }

    /**
     * Says which tasks a grid left out: one line for those whose files are missing, one per task
     * whose files are present but whose data featurization refused, with the reason (the settings
     * or the encoder are then what to change, not the data root).
     *
     * @param left the tasks left out, with their reasons ({@link GridSummary#missingTasks})
     * @return the lines, none when nothing was left out
     */
    static List<String> skippedLines(Map<String, List<String>> left) {
        List<String> missing = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        left.forEach((task, reasons) -> {
            List<String> unusable = reasons.stream().filter(r -> r.startsWith(GridSummary.UNFEATURIZABLE))
                    .map(r -> r.substring(GridSummary.UNFEATURIZABLE.length())).toList();
            if (unusable.isEmpty()) {
                missing.add(task);
            } else {
                lines.add("Left out, its data cannot be used: " + String.join("; ", unusable));
            }
        });
        if (!missing.isEmpty()) {
            lines.add(0, "Skipped for missing data: " + String.join(", ", missing));
        }
        return lines;
    }

    /**
     * Prints what a grid did: skipped tasks, failed sweeps, the three tables, the paper's verdicts
     * and the time taken.
     *
     * @param o where to print
     * @param s the grid's summary
     * @param seconds the wall time
     */
    public static void printSummary(PrintStream o, GridSummary s, double seconds) {
        skippedLines(s.missingTasks()).forEach(o::println);
        if (!s.failures().isEmpty()) {
            o.println(s.failures().size() + " sweeps failed (the grid went on without them; delete their"
                    + " records/*.failed to run them again):");
            s.failures().forEach(f -> o.println("  " + f));
        }
        GridReports.Written w = s.report();
        TableWriter tw = TableWriter.withDecimals(1);
        o.println();
        o.println(tw.toMarkdown(w.table1()));
        o.println(tw.toMarkdown(w.table2()));
        o.println(TableWriter.standard().toMarkdown(w.cost()));
        // with the layout, settings that lack different targets of one count get no verdict either
        boolean layout = w.layout() != null;
        (layout ? Verdicts.relatedness(w.table1(), w.table2(), w.layout()) : Verdicts.relatedness(w.table2()))
                .forEach(o::println);
        (layout ? Verdicts.multiTask(w.table1(), w.table2(), w.layout()) : Verdicts.multiTask(w.table2()))
                .forEach(o::println);
        Verdicts.stability(w.table1()).forEach(o::println);
        // beyond the paper's claims, after them so that their lines read as before
        Verdicts.significance(w.table1()).forEach(o::println);
        s.skippedSteps().summaryLine().ifPresent(o::println);
        s.data().summary(w.files().isEmpty() ? DataReport.FILE
                : w.files().get(0).getParent().resolve(DataReport.FILE).toString()).forEach(o::println);
        double cpu = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis() / 1e3).orElse(Double.NaN);
        o.printf(java.util.Locale.ROOT,
                "%d units run here, %d by workers or earlier runs, in %.0f s (%.0f s of CPU here); tables and plots in %s%n",
                s.sweepsRun(), s.sweepsSkipped(), seconds, cpu,
                w.files().isEmpty() ? "the output folder" : w.files().get(0).getParent());
    }
}
