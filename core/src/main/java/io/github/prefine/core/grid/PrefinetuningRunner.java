package io.github.prefine.core.grid;

import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.checkpoint.PlainFolders;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import io.github.prefine.core.train.EpochReport;
import io.github.prefine.core.train.FeatureBatchSource;
import io.github.prefine.core.train.FitResult;
import io.github.prefine.core.train.HeterogeneousBatchSampler;
import io.github.prefine.core.train.LearningRateSweep;
import io.github.prefine.core.train.NonFiniteLossException;
import io.github.prefine.core.train.Precision;
import io.github.prefine.core.train.StepReport;
import io.github.prefine.core.train.SweepDivergedException;
import io.github.prefine.core.train.Trainer;
import io.github.prefine.core.train.TrainingListener;
import io.github.prefine.eval.internal.JsonShapes;
import io.github.prefine.eval.report.CostRecord;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.sampling.HeterogeneousSampler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs pre-finetuning units and finishes their sweeps for a {@link GridSession}: one encoder
 * trained on a setting's tasks with heterogeneous batches, its history and encoder kept in the
 * unit's folder; then the sweep's choice. Not thread-safe.
 */
final class PrefinetuningRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PrefinetuningRunner.class);
    static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    /** Retries of a diverged run: none, since the same seed and data diverge again the same way. */
    static final int RETRIES = 0;

    private final GridSession session;
    private final Grid grid;
    private final Map<String, SettingTasks> settingTasks = new HashMap<>();

    /** A setting's featurized tasks (source task i is {@code featurized.get(i)}) and those left out. */
    private record SettingTasks(List<FeaturizedTask> featurized, List<String> dropped, FeatureBatchSource source) {}

    PrefinetuningRunner(GridSession session) {
        this.session = session;
        this.grid = session.grid();
    }

    private SettingTasks tasks(Setting s) throws IOException {
        SettingTasks st = settingTasks.get(s.name());
        if (st != null) {
            return st;
        }
        List<FeaturizedTask> fts = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (Task t : session.plan().prefinetuningTasks(s)) {
            List<String> why = session.tasks().featurizable(t);
            if (why.isEmpty()) {
                fts.add(session.tasks().featurized(t));
            } else {
                LOG.warn("setting {}: task {} left out, it {}", s.name(), t.name(), why.get(0));
                dropped.add(t.name() + ": " + why.get(0));
            }
        }
        if (fts.isEmpty()) {
            // as certain as a divergence to happen again: the sweep fails with this reason, the grid goes on
            throw new SweepFailedException("setting " + s.name() + ": no task can be featurized: " + dropped);
        }
        st = new SettingTasks(List.copyOf(fts), List.copyOf(dropped), session.tasks().source(fts));
        settingTasks.put(s.name(), st);
        session.recordReads();
        return st;
    }

    PrefinetuningResult run(PrefinetuningUnit u) throws IOException {
        return new PrefinetuningResult(u, history(u).get("bestAverageValidationLoss").getAsDouble());
    }

    /** Finishes a sweep: runs what is left, keeps the winner's encoder, writes the choice and the cost record. */
    void finish(PrefinetuningSweep sweep) throws IOException {
        Setting s = sweep.setting();
        List<PrefinetuningUnit> units = sweep.units();
        Map<Double, JsonObject> histories = new HashMap<>();
        LearningRateSweep.SweepResult r;
        try {
            r = LearningRateSweep.run(sweep.learningRates(), lr -> {
                JsonObject h = history(new PrefinetuningUnit(s, lr, sweep.seed()));
                histories.put(lr, h);
                return h.get("bestAverageValidationLoss").getAsDouble();
            }, false);
        } catch (SweepDivergedException e) {
            // only divergence: any other failure inside a trial is no outcome of the sweep and keeps its own message
            throw new SweepFailedException("pre-finetuning diverged at every learning rate " + sweep.learningRates()
                    + "; try lower rates", e);
        }
        double best = r.bestLearningRate();
        JsonObject h = histories.get(best);
        for (PrefinetuningUnit u : units) {
            if (u.learningRate() != best) {
                PlainFolders.deleteTree(grid.layout.root(), grid.layout.learningRateDir(u).resolve("encoder"));
            }
        }
        JsonObject result = new JsonObject();
        result.addProperty("setting", s.name());
        result.addProperty("learningRate", best);
        result.addProperty("encoder", GridLayout.learningRateName(best) + "/encoder");
        JsonArray left = new JsonArray();
        tasks(s).dropped().forEach(left::add);
        result.add("tasksLeftOut", left);
        JsonArray trials = new JsonArray();
        for (int i = 0; i < r.learningRates().size(); i++) {
            JsonObject g = new JsonObject();
            g.addProperty("learningRate", r.learningRates().get(i));
            g.addProperty("bestAverageValidationLoss", r.scores().get(i));
            trials.add(g);
        }
        result.add("sweep", trials);
        result.add("history", h);
        AtomicFiles.write(grid.layout.root(), grid.layout.settingResult(s), GSON.toJson(result));
        JsonArray epochs = h.getAsJsonArray("epochs");
        double seconds = 0;
        long examples = 0;
        for (int e = 0; e < epochs.size(); e++) {
            seconds += epochs.get(e).getAsJsonObject().get("trainSeconds").getAsDouble();
            examples = Math.max(examples, epochs.get(e).getAsJsonObject().get("trainExamples").getAsLong());
        }
        CostRecord cost = new CostRecord(s.name(), seconds / Math.max(1, epochs.size()), examples);
        session.writeRecord(sweep.id(), ResultLog.line(cost));
        LOG.info("setting {}: best learning rate {} (validation loss {})", s.name(), best,
                h.get("bestAverageValidationLoss").getAsDouble());
    }

    /**
     * Reads a unit's history that an earlier run wrote, checking what the sweep's finish takes from
     * it: the best validation loss (NaN in a diverged run's history, with its error, and only
     * there) and, unless the run diverged, each epoch's time (finite) and examples.
     *
     * @param file the history
     * @return its object
     * @throws IOException naming the file and the line, or the member, that is not as written
     */
    static JsonObject storedHistory(Path file) throws IOException {
        String again = "run the unit again";
        JsonObject h = JsonFiles.object(file);
        JsonElement best = h.get("bestAverageValidationLoss");
        if (h.has("error")) {
            // a diverged run's history: its loss is NaN and it has no epochs; a number there would
            // win the sweep for a rate that has no encoder
            if (!StoredNumbers.isNumber(best) || !Double.isNaN(best.getAsDouble())) {
                throw StoredNumbers.notStored(file, "$.bestAverageValidationLoss", "NaN, as a diverged run's history"
                        + " (one with an error) holds", best, again);
            }
            return h;
        }
        // Infinity is the stopping rule's start, kept when no epoch had a validation loss; NaN is a
        // diverged run's, which has an error
        if (!StoredNumbers.isNumber(best) || Double.isNaN(best.getAsDouble())
                || best.getAsDouble() == Double.NEGATIVE_INFINITY) {
            throw StoredNumbers.notStored(file, "$.bestAverageValidationLoss", "a finite number, or Infinity where no"
                    + " epoch had a validation loss (NaN only in a diverged run's history, with its error)", best, again);
        }
        JsonElement epochs = h.get("epochs");
        if (epochs == null || !epochs.isJsonArray()) {
            throw StoredNumbers.notStored(file, "$.epochs", "an array of epochs", epochs, again);
        }
        for (int e = 0; e < epochs.getAsJsonArray().size(); e++) {
            JsonElement epoch = epochs.getAsJsonArray().get(e);
            String at = "$.epochs[" + e + "]";
            if (!epoch.isJsonObject()) {
                throw StoredNumbers.notStored(file, at, "an object", epoch, again);
            }
            double seconds = StoredNumbers.finite(epoch.getAsJsonObject().get("trainSeconds"), file, at + ".trainSeconds",
                    again);
            if (seconds < 0) {
                // the cost record refuses it later, bare
                throw StoredNumbers.notStored(file, at + ".trainSeconds", "a finite number of seconds >= 0",
                        epoch.getAsJsonObject().get("trainSeconds"), again);
            }
            JsonShapes.wholeLong(epoch.getAsJsonObject().get("trainExamples"), at + ".trainExamples",
                    (path, expected, found) -> StoredNumbers.notStored(file, path, expected, epoch.getAsJsonObject()
                            .get("trainExamples"), again));
        }
        return h;
    }

    /**
     * Reads the training-loss curve a killed run of a unit left, which its resumed run extends.
     *
     * @param file the curve's file, a JSON array of numbers
     * @return the losses
     * @throws IOException naming the file and the line, or the element, that is not as written
     */
    static List<Double> storedCurve(Path file) throws IOException {
        JsonElement read = JsonFiles.value(file, "an array of losses");
        if (!read.isJsonArray()) {
            throw new IOException(file + ": expected an array of losses, found " + JsonShapes.describe(read)
                    + "; delete the file to run the unit again");
        }
        List<Double> out = new ArrayList<>();
        JsonArray losses = read.getAsJsonArray();
        for (int i = 0; i < losses.size(); i++) {
            JsonElement e = losses.get(i);
            // Gson reads the NaN an epoch without a counted step wrote as a string; getAsDouble alone
            // took any string Java parses, so a byte changed into 0.7f read as a loss; no step's
            // mean is infinite
            if (!StoredNumbers.isNumber(e) || Double.isInfinite(e.getAsDouble())) {
                throw new IOException(file + " $[" + i + "]: expected a loss (a finite number, or NaN for an epoch"
                        + " without a counted step), found " + JsonShapes.describe(e) + "; delete the file to run the"
                        + " unit again");
            }
            out.add(e.getAsDouble());
        }
        return out;
    }

    /** Runs the unit unless its history exists; returns the history. */
    private JsonObject history(PrefinetuningUnit u) throws IOException {
        Path lrDir = grid.layout.learningRateDir(u);
        Path historyFile = grid.layout.history(u);
        if (Files.exists(historyFile)) {
            JsonObject read;
            try {
                read = storedHistory(historyFile);
            } catch (IOException e) {
                // a bad state, which stops the grid as before: no divergence, no failed sweep
                throw new IllegalStateException(e.getMessage(), e);
            }
            // a process killed after writing the history but before deleting the resume state
            // leaves it behind, and nothing else would delete it (gigabytes per run for base models)
            PlainFolders.deleteTree(grid.layout.root(), grid.layout.checkpoints(u));
            return read;
        }
        SettingTasks st = tasks(u.setting());
        deleteKilledWritersTemps(lrDir);
        Path curveFile = grid.layout.trainLoss(u);
        List<Double> trainLoss = new ArrayList<>();
        if (Files.exists(curveFile)) {
            trainLoss.addAll(storedCurve(curveFile));
        }
        FitResult fit = null;
        for (int attempt = 0; fit == null; attempt++) {
            try {
                fit = train(u, st, lrDir, trainLoss, curveFile);
            } catch (NonFiniteLossException e) {
                if (attempt < RETRIES) {
                    // an occasional non-finite step is retried from the last epoch checkpoint
                    LOG.warn("setting {} at learning rate {}: {}; retrying from the last checkpoint", u.setting().name(),
                            u.learningRate(), e.getMessage());
                    continue;
                }
                // a rate that keeps diverging loses the sweep; recorded so a restart does not retry it
                LOG.warn("setting {} at learning rate {} diverged: {}", u.setting().name(), u.learningRate(), e.getMessage());
                JsonObject h = new JsonObject();
                h.addProperty("learningRate", u.learningRate());
                h.addProperty("bestAverageValidationLoss", Double.NaN);
                h.addProperty("error", e.getMessage());
                AtomicFiles.write(grid.layout.root(), historyFile, GSON.toJson(h));
                PlainFolders.deleteTree(grid.layout.root(), grid.layout.checkpoints(u));
                return h;
            }
        }
        JsonObject h = history(fit, st.featurized(), trainLoss);
        if (grid.config.precision == Precision.FP16_MIXED) {
            h.addProperty(SkippedSteps.FIELD, fit.skippedSteps());
        }
        // the encoder says what made it, and keeps saying it once the checkpoints are cleaned
        AtomicFiles.write(grid.layout.root(), lrDir.resolve("encoder").resolve(RunManifest.ENCODER_FILE), GSON.toJson(RunManifest.encoder(
                session.manifest(), u, st.featurized().stream().map(FeaturizedTask::name).toList(),
                h.getAsJsonArray("epochs").size())));
        AtomicFiles.write(grid.layout.root(), historyFile, GSON.toJson(h));
        // the encoder and history are what later steps need; the resume state is not
        PlainFolders.deleteTree(grid.layout.root(), grid.layout.checkpoints(u));
        return h;
    }

    /**
     * Deletes the temp files that a killed run of this unit left in its folder and its encoder
     * folder (a history, a loss curve, an encoder file cut off): the unit runs under its claim, so
     * none is a live writer's, however young, while the session's clean-up waits an hour for them.
     * The checkpoints' own temp folders are the checkpoint store's.
     */
    private void deleteKilledWritersTemps(Path lrDir) throws IOException {
        for (Path dir : List.of(lrDir, lrDir.resolve("encoder"))) {
            ClaimedTemps.inDir(grid.layout.root(), dir, name -> true);
        }
    }

    private FitResult train(PrefinetuningUnit u, SettingTasks st, Path lrDir, List<Double> trainLoss, Path curveFile)
            throws IOException {
        NDManager root = session.root();
        root.getEngine().setRandomSeed(Long.hashCode(u.seed() * 0x9E3779B97F4A7C15L));
        FeatureBatchSource source = st.source();
        try (NDManager m = root.newSubManager()) {
            // the encoder alone: the checkpoint's other tensors (a pooler) would keep the file's
            // mapping for the whole unit, and past it until an old-generation collection
            TransformerEncoder encoder = EncoderCheckpoint.load(grid.config.encoder, m).encoder();
            MultiHeadModel.Builder mb = MultiHeadModel.builder().setManager(m).setEncoder(encoder, session.config().hiddenSize())
                    .optInitializerRange(encoder.config().initializerRange());
            for (FeaturizedTask t : st.featurized()) {
                mb.addHead(t.name(), session.tasks().head(t, u.seed()));
            }
            int[] sizes = new int[source.numTasks()];
            for (int t = 0; t < sizes.length; t++) {
                sizes[t] = source.size(t, Split.TRAIN);
            }
            HeterogeneousSampler sampler = grid.config.sampling.sampler(sizes, grid.config.batchSize, u.seed());
            String label = "pre-finetune " + u.setting().name() + " lr " + u.learningRate();
            try (MultiHeadModel model = mb.build();
                    Trainer trainer = Trainer.builder().setModel(model).setData(source)
                            .optSampler(new HeterogeneousBatchSampler(sampler)).optLearningRate(u.learningRate())
                            .optMaxEpochs(grid.config.maxEpochs).optScheduleEpochs(grid.config.scheduleEpochs)
                            .optWarmupSteps(session.warmupSteps(sampler.batchesPerEpoch(), grid.config.scheduleEpochs))
                            .optPatience(grid.config.patience).optSeed(u.seed()).optLogEvery(grid.config.logEvery)
                            .optEvalBatchSize(grid.config.batchSize).optPrecision(grid.config.precision)
                            .optCheckpointDir(grid.layout.root(), grid.layout.checkpoints(u))
                            .optName(label).addListener(grid.config.progress.apply(label))
                            .addListener(new EpochLoss(grid.layout.root(), trainLoss, curveFile)).build()) {
                FitResult fit = trainer.fit();
                EncoderCheckpoint.save(encoder, grid.layout.root(), lrDir.resolve("encoder"),
                        grid.config.encoder.resolve(EncoderCheckpoint.TOKENIZER_FILE));
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
        private final Path out;
        private final List<Double> losses;
        private final Path file;
        private double sum;
        private int steps;
        private int lastStep;

        EpochLoss(Path out, List<Double> losses, Path file) {
            this.out = out;
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
                AtomicFiles.write(out, file, new GsonBuilder().serializeSpecialFloatingPointValues().create().toJson(losses));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
