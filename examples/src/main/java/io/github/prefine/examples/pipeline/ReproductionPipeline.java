package io.github.prefine.examples.pipeline;

import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.LoadedCheckpoint;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.train.FeatureBatchSource;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.train.HeterogeneousBatchSampler;
import io.github.prefine.core.pipeline.TaskDataSource;
import io.github.prefine.core.pipeline.TaskScorer;
import io.github.prefine.core.task.GroupCombination;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskRegistry;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.train.EpochReport;
import io.github.prefine.core.train.FitResult;
import io.github.prefine.core.train.LearningRateSweep;
import io.github.prefine.core.train.NonFiniteLossException;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.train.StepReport;
import io.github.prefine.core.train.Trainer;
import io.github.prefine.core.train.TrainingListener;
import io.github.prefine.eval.evaluator.EvaluationResult;
import io.github.prefine.eval.report.CostRecord;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.RunRecord;
import io.github.prefine.sampling.HeterogeneousSampler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper's experiment as a resumable job: the baseline (the encoder as given), pre-finetuning
 * on every non-empty combination of the chosen task groups (each over a learning-rate grid, the
 * lowest average validation loss winning), then finetuning of every target under every setting
 * over the seeds (each seed over the target grid, the best validation metric winning, its
 * evaluation-split metric reported). Table 1, Table 2, the cost table and the plots are rewritten
 * in the output folder after every finished unit.
 *
 * <p><b>Output folder.</b> {@code records/} holds one file per finished unit (a {@link ResultLog}
 * line, written to a temporary file and renamed, so no crash leaves a torn record);
 * {@code results.jsonl} is their concatenation, rebuilt the same way; {@code prefinetune/<setting>/}
 * holds each learning rate's trainer checkpoints, encoder and history; {@code locks/} the unit
 * locks; tables and plots sit at the top.
 *
 * <p><b>Restarts and sharing.</b> A unit whose record exists is skipped; a pre-finetuning cut off
 * mid-way continues from the trainer's last epoch checkpoint. Each unit is claimed with an OS file
 * lock, so several processes started on the same folder split the work without duplicating it: a
 * unit locked by another process is skipped and revisited until it is finished.
 *
 * <p>Not thread-safe; one instance per process. Seeds the engine before every model it builds.
 */
public final class ReproductionPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(ReproductionPipeline.class);
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    /** Extra attempts after a non-finite loss before a run counts as diverged. */
    private static final int RETRIES = 2;

    /** The setting name of finetuning without pre-finetuning. */
    public static final String BASELINE = "Baseline";

    private final Path encoder;
    private final TaskDataSource data;
    private final List<Task> pool;
    private final List<TaskGroup> groups;
    private final List<Task> targets;
    private final Path out;
    private final List<Long> seeds;
    private final List<Double> learningRates;
    private final List<Double> targetLearningRates;
    private final int batchSize;
    private final int targetBatchSize;
    private final int maxEpochs;
    private final int targetMaxEpochs;
    private final int patience;
    private final double warmupRatio;
    private final int logEvery;
    private final long prefinetuneSeed;
    private final FeatureSettings features;
    private final ai.djl.Device device;
    private final io.github.prefine.core.train.Precision precision;
    private final boolean strict;
    private final Function<String, TrainingListener> progress;
    private final long pollMillis;

    private final Map<String, FeaturizedTask> featurized = new HashMap<>();
    private final Map<String, String> featureFailures = new HashMap<>();
    private final Reports reports;
    private EncoderConfig config;
    private SubwordTokenizer tokenizer;

    private ReproductionPipeline(Builder b) {
        this.encoder = b.encoder;
        this.data = b.data;
        this.pool = List.copyOf(b.pool);
        this.groups = List.copyOf(b.groups);
        this.targets = List.copyOf(b.targets);
        this.out = b.out;
        this.seeds = List.copyOf(b.seeds);
        this.learningRates = List.copyOf(b.learningRates);
        this.targetLearningRates = List.copyOf(b.targetLearningRates == null ? b.learningRates : b.targetLearningRates);
        this.batchSize = b.batchSize;
        this.targetBatchSize = b.targetBatchSize > 0 ? b.targetBatchSize : b.batchSize;
        this.maxEpochs = b.maxEpochs;
        this.targetMaxEpochs = b.targetMaxEpochs;
        this.patience = b.patience;
        this.warmupRatio = b.warmupRatio;
        this.logEvery = b.logEvery;
        this.prefinetuneSeed = b.prefinetuneSeed;
        this.features = b.features;
        this.device = b.device;
        this.precision = b.precision;
        this.strict = b.strict;
        this.progress = b.progress;
        this.pollMillis = b.pollMillis;
        this.reports = new Reports(out);
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
     * What a run did.
     *
     * @param missingTasks tasks left out because their data is missing, with the reason
     * @param settings the settings in table column order, baseline first
     * @param unitsRun units this process ran
     * @param unitsSkipped units already finished when this process reached them
     * @param report the tables as last written
     */
    public record Summary(Map<String, List<String>> missingTasks, List<String> settings, int unitsRun,
            int unitsSkipped, Reports.Written report) {}

    private enum Kind { PREFINETUNE, FINETUNE }

    private record Unit(String id, Kind kind, String setting, GroupCombination combination, Task target, long seed) {}

    /**
     * Runs (or continues) the whole grid.
     *
     * @return what was done and the final tables
     * @throws IOException if data, checkpoints or reports fail
     * @throws IllegalStateException with {@code strict} when a task's data is missing
     */
    public Summary run() throws IOException {
        Files.createDirectories(out);
        config = EncoderConfig.fromJson(encoder.resolve(EncoderCheckpoint.CONFIG_FILE));
        Map<String, List<String>> missing = new LinkedHashMap<>();
        Set<TaskGroup> chosen = new LinkedHashSet<>(groups);
        List<Task> usablePool = new ArrayList<>();
        for (Task t : pool) {
            if (!chosen.contains(t.group())) {
                continue;
            }
            List<String> m = data.missing(t);
            if (m.isEmpty()) {
                usablePool.add(t);
            } else {
                missing.put(t.name(), m);
            }
        }
        List<Task> usableTargets = new ArrayList<>();
        for (Task t : targets) {
            List<String> m = data.missing(t);
            if (m.isEmpty()) {
                m = featurizable(t);
            }
            if (m.isEmpty()) {
                usableTargets.add(t);
            } else {
                missing.put(t.name(), m);
            }
        }
        if (!missing.isEmpty()) {
            missing.forEach((k, v) -> LOG.warn("task {} skipped, data missing: {}", k, v));
            if (strict) {
                throw new IllegalStateException("strict: data missing for " + missing.keySet());
            }
        }
        if (usableTargets.isEmpty()) {
            throw new IllegalStateException("no target task has its data; missing " + missing.keySet());
        }
        TaskRegistry registry = TaskRegistry.builder().registerAll(usablePool).build();
        List<GroupCombination> combos = new ArrayList<>();
        for (GroupCombination c : TaskRegistry.combinations(groups)) {
            if (registry.tasks(c).isEmpty()) {
                LOG.warn("setting {} skipped: none of its tasks has data", c.name());
            } else {
                combos.add(c);
            }
        }
        List<String> settings = new ArrayList<>();
        settings.add(BASELINE);
        combos.forEach(c -> settings.add(c.name()));
        reports.setLayout(settings, usableTargets);

        List<Unit> plan = new ArrayList<>();
        for (GroupCombination c : combos) {
            plan.add(new Unit("prefinetune-" + safe(c.name()), Kind.PREFINETUNE, c.name(), c, null, prefinetuneSeed));
        }
        for (String s : settings) {
            for (Task t : usableTargets) {
                for (long seed : seeds) {
                    plan.add(new Unit("run-" + safe(s) + "-" + safe(t.name()) + "-seed" + seed, Kind.FINETUNE, s,
                            null, t, seed));
                }
            }
        }
        LOG.info("plan: {} pre-finetuning settings, {} targets, {} seeds: {} units", combos.size(),
                usableTargets.size(), seeds.size(), plan.size());
        int ran = 0;
        int skipped = 0;
        Reports.Written written = reports.write();
        try (NDManager root = NDManager.newBaseManager(device)) {
            List<Unit> pending = new ArrayList<>(plan);
            Set<String> announced = new LinkedHashSet<>();
            while (!pending.isEmpty()) {
                boolean progressed = false;
                for (Iterator<Unit> it = pending.iterator(); it.hasNext(); ) {
                    Unit u = it.next();
                    if (isDone(u)) {
                        it.remove();
                        skipped++;
                        continue;
                    }
                    if (u.kind() == Kind.FINETUNE && !encoderReady(u.setting())) {
                        continue;
                    }
                    Optional<UnitLock> lock = UnitLock.tryAcquire(out.resolve("locks").resolve(u.id() + ".lock"));
                    if (lock.isEmpty()) {
                        if (announced.add(u.id())) {
                            LOG.info("{} is being run by another process; coming back to it later", u.id());
                        }
                        continue;
                    }
                    try (UnitLock l = lock.get()) {
                        if (isDone(u)) {
                            it.remove();
                            skipped++;
                            continue;
                        }
                        LOG.info("unit {} ({} left)", u.id(), pending.size());
                        if (u.kind() == Kind.PREFINETUNE) {
                            prefinetune(root, u, registry.tasks(u.combination()));
                        } else {
                            finetune(root, u);
                        }
                    }
                    it.remove();
                    ran++;
                    progressed = true;
                    written = reports.write();
                }
                if (!progressed && !pending.isEmpty()) {
                    try {
                        Thread.sleep(pollMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while waiting for units locked by other processes", e);
                    }
                }
            }
        } finally {
            if (tokenizer != null) {
                tokenizer.close();
            }
        }
        written = reports.write();
        return new Summary(missing, settings, ran, skipped, written);
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._+-]", "_");
    }

    private Path record(Unit u) {
        return out.resolve("records").resolve(u.id() + ".jsonl");
    }

    private boolean isDone(Unit u) {
        return Files.exists(record(u));
    }

    private Path settingDir(String setting) {
        return out.resolve("prefinetune").resolve(safe(setting));
    }

    private boolean encoderReady(String setting) {
        return BASELINE.equals(setting) || Files.exists(out.resolve("records").resolve("prefinetune-" + safe(setting) + ".jsonl"));
    }

    private Path encoderOf(String setting) throws IOException {
        if (BASELINE.equals(setting)) {
            return encoder;
        }
        JsonObject o = JsonParser.parseString(Files.readString(settingDir(setting).resolve("result.json"))).getAsJsonObject();
        return settingDir(setting).resolve(o.get("encoder").getAsString());
    }

    private SubwordTokenizer tokenizer() throws IOException {
        if (tokenizer == null) {
            tokenizer = SubwordTokenizer.builder().setTokenizerPath(encoder.resolve(EncoderCheckpoint.TOKENIZER_FILE)).build();
        }
        return tokenizer;
    }

    private FeaturizedTask featurized(Task t) throws IOException {
        FeaturizedTask f = featurized.get(t.name());
        if (f == null) {
            TaskData d = data.load(t);
            if (!targets.contains(t) && d.splits().containsKey(Split.TEST)) {
                // pre-finetuning never scores a test split: do not featurize it
                Map<Split, List<io.github.prefine.core.data.Example>> kept =
                        new LinkedHashMap<>(d.splits());
                kept.remove(Split.TEST);
                d = new TaskData(d.task(), d.labels(), kept, d.reports());
            }
            f = FeaturizedTask.featurize(d, tokenizer(), features);
            LOG.info("task {}: {} train / {} validation units", t.name(), f.features().get(Split.TRAIN).size(),
                    f.features().get(Split.VALIDATION).size());
            featurized.put(t.name(), f);
        }
        return f;
    }

    /** Featurizes a task now; returns why it cannot be used, or nothing. */
    private List<String> featurizable(Task t) throws IOException {
        if (featureFailures.containsKey(t.name())) {
            return List.of(featureFailures.get(t.name()));
        }
        try {
            featurized(t);
            return List.of();
        } catch (IllegalArgumentException e) {
            featureFailures.put(t.name(), "cannot be featurized: " + e.getMessage());
            return List.of(featureFailures.get(t.name()));
        }
    }

    // ---------------------------------------------------------------- pre-finetuning

    private void prefinetune(NDManager root, Unit u, List<Task> tasks) throws IOException {
        List<FeaturizedTask> fts = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (Task t : tasks) {
            List<String> why = featurizable(t);
            if (why.isEmpty()) {
                fts.add(featurized(t));
            } else {
                LOG.warn("setting {}: task {} left out, it {}", u.setting(), t.name(), why.get(0));
                dropped.add(t.name() + ": " + why.get(0));
            }
        }
        if (fts.isEmpty()) {
            throw new IllegalStateException("setting " + u.setting() + ": no task can be featurized: " + dropped);
        }
        FeatureBatchSource source = FeatureBatchSource.of(TaskSet.of(fts));
        Path dir = settingDir(u.setting());
        Map<Double, JsonObject> histories = new LinkedHashMap<>();
        LearningRateSweep.SweepResult sweep = LearningRateSweep.run(learningRates, lr -> {
            JsonObject h = prefinetuneAt(root, u, fts, source, dir.resolve(lrName(lr)), lr);
            histories.put(lr, h);
            return h.get("bestAverageValidationLoss").getAsDouble();
        }, false);
        double best = sweep.bestLearningRate();
        JsonObject h = histories.get(best);
        for (double lr : learningRates) {
            if (lr != best) {
                deleteTree(dir.resolve(lrName(lr)).resolve("encoder"));
            }
        }
        JsonObject result = new JsonObject();
        result.addProperty("setting", u.setting());
        result.addProperty("learningRate", best);
        result.addProperty("encoder", lrName(best) + "/encoder");
        JsonArray left = new JsonArray();
        dropped.forEach(left::add);
        result.add("tasksLeftOut", left);
        JsonArray grid = new JsonArray();
        for (int i = 0; i < sweep.learningRates().size(); i++) {
            JsonObject g = new JsonObject();
            g.addProperty("learningRate", sweep.learningRates().get(i));
            g.addProperty("bestAverageValidationLoss", sweep.scores().get(i));
            grid.add(g);
        }
        result.add("sweep", grid);
        result.add("history", h);
        AtomicFiles.write(dir.resolve("result.json"), GSON.toJson(result));
        JsonArray epochs = h.getAsJsonArray("epochs");
        double seconds = 0;
        long examples = 0;
        for (int e = 0; e < epochs.size(); e++) {
            seconds += epochs.get(e).getAsJsonObject().get("trainSeconds").getAsDouble();
            examples = Math.max(examples, epochs.get(e).getAsJsonObject().get("trainExamples").getAsLong());
        }
        CostRecord cost = new CostRecord(u.setting(), seconds / Math.max(1, epochs.size()), examples);
        writeRecord(u, file -> ResultLog.append(file, cost));
        LOG.info("setting {}: best learning rate {} (validation loss {})", u.setting(), best,
                h.get("bestAverageValidationLoss").getAsDouble());
    }

    private long warmup(int batchesPerEpoch, int epochs) {
        return Math.round(warmupRatio * batchesPerEpoch * (double) epochs);
    }

    private static String lrName(double lr) {
        return "lr-" + String.format(Locale.ROOT, "%.0e", lr).replace("+", "");
    }

    private JsonObject prefinetuneAt(NDManager root, Unit u, List<FeaturizedTask> fts, FeatureBatchSource source, Path lrDir,
            double lr)
            throws IOException {
        Path historyFile = lrDir.resolve("history.json");
        if (Files.exists(historyFile)) {
            return JsonParser.parseString(Files.readString(historyFile)).getAsJsonObject();
        }
        Path curveFile = lrDir.resolve("train-loss.json");
        List<Double> trainLoss = new ArrayList<>();
        if (Files.exists(curveFile)) {
            JsonParser.parseString(Files.readString(curveFile)).getAsJsonArray().forEach(e -> trainLoss.add(e.getAsDouble()));
        }
        FitResult fit = null;
        for (int attempt = 0; fit == null; attempt++) {
            try {
                fit = prefinetuneOnce(root, u, fts, source, lrDir, lr, trainLoss, curveFile);
            } catch (NonFiniteLossException e) {
                if (attempt < RETRIES) {
                    // an occasional non-finite step is retried from the last epoch checkpoint
                    LOG.warn("setting {} at learning rate {}: {}; retrying from the last checkpoint", u.setting(), lr,
                            e.getMessage());
                    continue;
                }
                // a rate that keeps diverging loses the sweep; recorded so a restart does not retry it
                LOG.warn("setting {} at learning rate {} diverged: {}", u.setting(), lr, e.getMessage());
                JsonObject h = new JsonObject();
                h.addProperty("learningRate", lr);
                h.addProperty("bestAverageValidationLoss", Double.NaN);
                h.addProperty("error", e.getMessage());
                AtomicFiles.write(historyFile, GSON.toJson(h));
                deleteTree(lrDir.resolve("checkpoints"));
                return h;
            }
        }
        JsonObject h = history(fit, fts, trainLoss);
        AtomicFiles.write(historyFile, GSON.toJson(h));
        // the encoder and history are what later steps need; the resume state is not
        deleteTree(lrDir.resolve("checkpoints"));
        return h;
    }

    private FitResult prefinetuneOnce(NDManager root, Unit u, List<FeaturizedTask> fts, FeatureBatchSource source,
            Path lrDir, double lr,
            List<Double> trainLoss, Path curveFile) throws IOException {
        root.getEngine().setRandomSeed(Long.hashCode(u.seed() * 0x9E3779B97F4A7C15L));
        try (NDManager m = root.newSubManager()) {
            LoadedCheckpoint ck = EncoderCheckpoint.load(encoder, m);
            MultiHeadModel.Builder mb = MultiHeadModel.builder().setManager(m).setEncoder(ck.encoder())
                    .optHeadSeed(u.seed()).addTasks(source.tasks());
            HeterogeneousBatchSampler sampler = HeterogeneousBatchSampler.of(source.tasks(),
                    HeterogeneousSampler.builder().setBatchSize(batchSize).optSeed(u.seed()));
            try (MultiHeadModel model = mb.build();
                    Trainer trainer = Trainer.builder().setModel(model).setData(source)
                            .optSampler(sampler).optLearningRate(lr).optMaxEpochs(maxEpochs)
                            .optWarmupSteps(warmup(sampler.batchesPerEpoch(), maxEpochs))
                            .optPatience(patience).optSeed(u.seed()).optLogEvery(logEvery).optEvalBatchSize(batchSize)
                            .optPrecision(precision).optCheckpointDir(lrDir.resolve("checkpoints"))
                            .addListener(progress.apply("pre-finetune " + u.setting() + " lr " + lr))
                            .addListener(new EpochLoss(trainLoss, curveFile)).build()) {
                FitResult fit = trainer.fit();
                EncoderCheckpoint.save(ck.encoder(), lrDir.resolve("encoder"), encoder.resolve(EncoderCheckpoint.TOKENIZER_FILE));
                return fit;
            }
        }
    }

    private static JsonObject history(FitResult fit, List<FeaturizedTask> fts, List<Double> trainLoss) {
        JsonObject h = new JsonObject();
        h.addProperty("learningRate", fit.learningRate());
        h.addProperty("bestEpoch", fit.bestEpoch());
        h.addProperty("bestAverageValidationLoss", fit.bestAverageValidationLoss());
        h.addProperty("stoppedEarly", fit.stoppedEarly());
        JsonArray tasks = new JsonArray();
        fts.forEach(t -> tasks.add(t.name()));
        h.add("tasks", tasks);
        JsonArray epochs = new JsonArray();
        for (EpochReport r : fit.epochs()) {
            JsonObject e = new JsonObject();
            JsonArray v = new JsonArray();
            r.validationLosses().forEach(v::add);
            e.add("validationLosses", v);
            e.addProperty("averageValidationLoss", r.averageValidationLoss());
            e.addProperty("trainLoss", r.epoch() < trainLoss.size() ? trainLoss.get(r.epoch()) : Double.NaN);
            e.addProperty("trainSeconds", r.trainSeconds());
            e.addProperty("trainExamples", r.trainExamples());
            epochs.add(e);
        }
        h.add("epochs", epochs);
        return h;
    }

    /** Keeps each epoch's mean training loss, persisted so a resumed run still plots every epoch. */
    private static final class EpochLoss implements TrainingListener {
        private final List<Double> losses;
        private final Path file;
        private double sum;
        private int steps;
        private int lastStep;

        EpochLoss(List<Double> losses, Path file) {
            this.losses = losses;
            this.file = file;
        }

        @Override
        public void onSteps(StepReport r) {
            int n = r.stepInEpoch() - lastStep;
            sum += r.meanLoss() * n;
            steps += n;
            lastStep = r.stepInEpoch();
        }

        @Override
        public void onEpoch(EpochReport r) {
            while (losses.size() > r.epoch()) {
                losses.remove(losses.size() - 1);
            }
            losses.add(steps == 0 ? Double.NaN : sum / steps);
            sum = 0;
            steps = 0;
            lastStep = 0;
            try {
                AtomicFiles.write(file, new GsonBuilder().serializeSpecialFloatingPointValues().create().toJson(losses));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // ---------------------------------------------------------------- finetuning

    private void finetune(NDManager root, Unit u) throws IOException {
        FeaturizedTask ft = featurized(u.target());
        Path enc = encoderOf(u.setting());
        Map<Double, double[]> scores = new LinkedHashMap<>();
        LearningRateSweep.SweepResult sweep = LearningRateSweep.run(targetLearningRates, lr -> {
            double[] s = null;
            for (int attempt = 0; s == null; attempt++) {
                try {
                    s = finetuneAt(root, u, ft, enc, lr);
                } catch (NonFiniteLossException e) {
                    LOG.warn("{} at learning rate {}: {}{}", u.id(), lr, e.getMessage(), attempt < RETRIES ? "; retrying" : "");
                    if (attempt >= RETRIES) {
                        s = new double[] {Double.NaN, Double.NaN};
                    }
                }
            }
            scores.put(lr, s);
            return s[0];
        }, true);
        double best = sweep.bestLearningRate();
        double value = scores.get(best)[1];
        JsonObject detail = new JsonObject();
        detail.addProperty("setting", u.setting());
        detail.addProperty("target", u.target().name());
        detail.addProperty("seed", u.seed());
        detail.addProperty("metric", u.target().metric().name());
        detail.addProperty("evaluationSplit", ft.evaluationSplit().name());
        detail.addProperty("learningRate", best);
        JsonArray grid = new JsonArray();
        scores.forEach((lr, s) -> {
            JsonObject g = new JsonObject();
            g.addProperty("learningRate", lr);
            g.addProperty("validation", s[0]);
            g.addProperty("evaluation", s[1]);
            grid.add(g);
        });
        detail.add("sweep", grid);
        AtomicFiles.write(out.resolve("finetune").resolve(u.id() + ".json"), GSON.toJson(detail));
        writeRecord(u, file -> ResultLog.append(file,
                new RunRecord(u.setting(), u.target().name(), u.target().group().name(), u.seed(), value)));
        LOG.info("{} on {} seed {}: {} {} (lr {})", u.setting(), u.target().name(), u.seed(),
                u.target().metric(), String.format(Locale.ROOT, "%.2f", value), best);
    }

    /** Returns {validation metric, evaluation-split metric}, both in percent. */
    private double[] finetuneAt(NDManager root, Unit u, FeaturizedTask ft, Path enc, double lr) throws IOException {
        root.getEngine().setRandomSeed(Long.hashCode(u.seed() * 0x9E3779B97F4A7C15L));
        FeatureBatchSource source = FeatureBatchSource.of(TaskSet.of(ft));
        try (NDManager m = root.newSubManager()) {
            LoadedCheckpoint ck = EncoderCheckpoint.load(enc, m);
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(m).setEncoder(ck.encoder())
                            .optHeadSeed(u.seed()).addTask(ft).build();
                    Trainer trainer = Trainer.builder().setModel(model).setData(source).optBatchSize(targetBatchSize)
                            .optLearningRate(lr).optMaxEpochs(targetMaxEpochs).optPatience(patience).optSeed(u.seed())
                            .optWarmupSteps(warmup((source.size(0, Split.TRAIN) + targetBatchSize - 1) / targetBatchSize,
                                    targetMaxEpochs))
                            .optLogEvery(logEvery).optEvalBatchSize(batchSize).optPrecision(precision)
                            .addListener(progress.apply(u.setting() + " → " + ft.name() + " seed " + u.seed() + " lr " + lr))
                            .build()) {
                trainer.fit();
                EvaluationResult val = TaskScorer.score(ft, Split.VALIDATION, trainer.predict(0, Split.VALIDATION));
                EvaluationResult ev = ft.evaluationSplit() == Split.VALIDATION ? val
                        : TaskScorer.score(ft, ft.evaluationSplit(), trainer.predict(0, ft.evaluationSplit()));
                return new double[] {val.percent(), ev.percent()};
            }
        }
    }

    @FunctionalInterface
    private interface RecordWriter {
        void write(Path file) throws IOException;
    }

    private void writeRecord(Unit u, RecordWriter w) throws IOException {
        Path dir = out.resolve("records");
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + u.id(), ".tmp");
        try {
            Files.delete(tmp);
            w.write(tmp);
            AtomicFiles.write(record(u), Files.readString(tmp, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Builds a {@link ReproductionPipeline}; mutable, single-threaded. */
    public static final class Builder {
        private Path encoder;
        private TaskDataSource data;
        private List<Task> pool;
        private List<TaskGroup> groups;
        private List<Task> targets;
        private Path out;
        private io.github.prefine.core.train.Precision precision = io.github.prefine.core.train.Precision.FLOAT32;
        private List<Long> seeds = List.of(1L, 2L, 3L, 4L, 5L);
        private List<Double> learningRates = Trainer.defaultLearningRates();
        private List<Double> targetLearningRates;
        private int batchSize = 128;
        private int targetBatchSize;
        private int maxEpochs = 20;
        private int targetMaxEpochs = 20;
        private int patience = 3;
        private double warmupRatio;
        private int logEvery = 50;
        private long prefinetuneSeed = 42;
        private FeatureSettings features = FeatureSettings.paper();
        private ai.djl.Device device = ai.djl.Device.cpu();
        private boolean strict;
        private Function<String, TrainingListener> progress = label -> new TrainingListener() {};
        private long pollMillis = 2000;

        private Builder() {}

        /**
         * Sets the base encoder (required): an HF folder with {@code config.json}, weights and
         * {@code tokenizer.json}.
         *
         * @param folder the folder
         * @return this builder
         */
        public Builder setEncoder(Path folder) {
            this.encoder = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /**
         * Sets where task data comes from (required).
         *
         * @param data the source
         * @return this builder
         */
        public Builder setData(TaskDataSource data) {
            this.data = Objects.requireNonNull(data, "data");
            return this;
        }

        /**
         * Sets the pre-finetuning tasks (required); those of the chosen groups are used.
         *
         * @param pool the tasks, for example {@code TaskCatalog.prefinetuning()}
         * @return this builder
         */
        public Builder setPrefinetuningTasks(List<Task> pool) {
            this.pool = List.copyOf(pool);
            return this;
        }

        /**
         * Sets the groups whose non-empty combinations are pre-finetuned (required).
         *
         * @param groups the groups, in combination-naming order
         * @return this builder
         */
        public Builder setGroups(List<TaskGroup> groups) {
            this.groups = List.copyOf(groups);
            return this;
        }

        /**
         * Sets the target tasks (required).
         *
         * @param targets the targets, in table row order
         * @return this builder
         */
        public Builder setTargets(List<Task> targets) {
            this.targets = List.copyOf(targets);
            return this;
        }

        /**
         * Sets the output folder (required).
         *
         * @param out the folder, created if absent
         * @return this builder
         */
        public Builder setOutput(Path out) {
            this.out = Objects.requireNonNull(out, "out");
            return this;
        }

        /**
         * Sets the finetuning seeds; default 1..5.
         *
         * @param seeds the seeds
         * @return this builder
         */
        public Builder optSeeds(List<Long> seeds) {
            this.seeds = List.copyOf(seeds);
            return this;
        }

        /**
         * Sets the pre-finetuning learning-rate grid; default the paper's {@link Trainer#defaultLearningRates()}.
         *
         * @param grid the rates
         * @return this builder
         */
        public Builder optLearningRates(List<Double> grid) {
            this.learningRates = List.copyOf(grid);
            return this;
        }

        /**
         * Sets the target learning-rate grid; default the pre-finetuning grid.
         *
         * @param grid the rates
         * @return this builder
         */
        public Builder optTargetLearningRates(List<Double> grid) {
            this.targetLearningRates = List.copyOf(grid);
            return this;
        }

        /**
         * Sets the batch size; default 128.
         *
         * @param batchSize examples per step
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the finetuning batch size; default the pre-finetuning batch size.
         *
         * @param batchSize examples per step
         * @return this builder
         */
        public Builder optTargetBatchSize(int batchSize) {
            this.targetBatchSize = batchSize;
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
            this.maxEpochs = prefinetune;
            this.targetMaxEpochs = target;
            return this;
        }

        /**
         * Sets the early-stopping patience; default 3.
         *
         * @param patience epochs
         * @return this builder
         */
        public Builder optPatience(int patience) {
            this.patience = patience;
            return this;
        }

        /**
         * Sets the share of each run's optimiser steps spent warming the learning rate up
         * linearly; default 0 (HF Trainer's default). Post-LN encoders trained from scratch at high
         * rates need some.
         *
         * @param ratio in [0, 1)
         * @return this builder
         */
        public Builder optWarmupRatio(double ratio) {
            this.warmupRatio = ratio;
            return this;
        }

        /**
         * Sets how often training progress is read from the device; default every 50 steps.
         *
         * @param steps steps
         * @return this builder
         */
        public Builder optLogEvery(int steps) {
            this.logEvery = steps;
            return this;
        }

        /**
         * Sets the pre-finetuning seed; default 42.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optPrefinetuneSeed(long seed) {
            this.prefinetuneSeed = seed;
            return this;
        }

        /**
         * Sets lengths and example caps; default {@link FeatureSettings#paper()}.
         *
         * @param features the settings
         * @return this builder
         */
        public Builder optFeatures(FeatureSettings features) {
            this.features = Objects.requireNonNull(features, "features");
            return this;
        }

        /**
         * Sets the training precision of every unit; default {@link
         * io.github.prefine.core.train.Precision#FLOAT32}.
         *
         * @param precision the precision
         * @return this builder
         */
        public Builder optPrecision(io.github.prefine.core.train.Precision precision) {
            this.precision = Objects.requireNonNull(precision, "precision");
            return this;
        }

        /**
         * Sets the device; default CPU.
         *
         * @param device the device
         * @return this builder
         */
        public Builder optDevice(ai.djl.Device device) {
            this.device = Objects.requireNonNull(device, "device");
            return this;
        }

        /**
         * Refuses to run when any task's data is missing, instead of skipping it; default false.
         *
         * @param strict true to refuse
         * @return this builder
         */
        public Builder optStrict(boolean strict) {
            this.strict = strict;
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
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /**
         * Sets how long to wait before revisiting units locked by other processes; default 2 s.
         *
         * @param millis milliseconds
         * @return this builder
         */
        public Builder optPollMillis(long millis) {
            this.pollMillis = millis;
            return this;
        }

        /**
         * Checks the values and builds the pipeline.
         *
         * @return the pipeline
         * @throws IllegalArgumentException if a required value is missing or a value is out of range
         */
        public ReproductionPipeline build() {
            if (encoder == null || data == null || pool == null || groups == null || targets == null || out == null) {
                throw new IllegalArgumentException(
                        "pipeline: setEncoder, setData, setPrefinetuningTasks, setGroups, setTargets and setOutput are required");
            }
            if (groups.isEmpty() || targets.isEmpty() || seeds.isEmpty() || learningRates.isEmpty()) {
                throw new IllegalArgumentException("pipeline: groups, targets, seeds and learning rates must be non-empty");
            }
            if (!(warmupRatio >= 0 && warmupRatio < 1)) {
                throw new IllegalArgumentException("pipeline: warmupRatio must be in [0, 1), found " + warmupRatio);
            }
            if (batchSize <= 0 || targetBatchSize < 0 || maxEpochs <= 0 || targetMaxEpochs <= 0 || patience <= 0 || logEvery <= 0) {
                throw new IllegalArgumentException("pipeline: batch size, epochs, patience and logEvery must be positive, found "
                        + batchSize + ", " + maxEpochs + "/" + targetMaxEpochs + ", " + patience + ", " + logEvery);
            }
            return new ReproductionPipeline(this);
        }
    }
}
