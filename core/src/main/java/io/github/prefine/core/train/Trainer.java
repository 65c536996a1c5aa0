package io.github.prefine.core.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.prefine.core.internal.OneLineNames;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.precision.LossScaler;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.train.internal.CheckpointStore;
import io.github.prefine.core.train.internal.TrainState;
import io.github.prefine.eval.internal.Counts;
import io.github.prefine.sampling.HeterogeneousSampler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link MultiHeadModel} on the tasks of a {@link BatchSource}: heterogeneous batches
 * from a {@link BatchSampler}, the batch loss being the plain mean of the examples' task losses,
 * {@link AdamW} with a {@link LinearSchedule}, and the paper's early stopping: after each epoch,
 * the validation loss of each task; stop when their average has not improved for {@code patience}
 * epochs, then restore the best epoch's weights.
 *
 * <p>The trainer is a short loop over parts with one job each: the {@link TrainingStep} (forward,
 * backward, the flat optimiser update, mixed precision and device replicas), a loss watch (the
 * interval loss and the first non-finite step, read at logging points), the evaluation passes, the best
 * weights, and the checkpoints.
 *
 * <p><b>Determinism.</b> Randomness comes from seed streams split from the run seed (in {@code
 * RunSeeds}): the sampler's, and on a CPU each step's dropout masks, seeded from the run seed and
 * the global step (see {@link io.github.prefine.kernels.DropoutSeeds}), so a resumed run draws what
 * an uninterrupted one would. On a GPU, PyTorch's own dropout draws from the engine's generator, which DJL cannot
 * save; {@link #fit()} therefore also reseeds the engine ({@code Engine.setRandomSeed}) at every
 * epoch from the run seed and the epoch index. On CPU, the same seed gives the same weights bit
 * for bit. Parameter initialization happens before the trainer
 * exists: seed the engine once at the entry point before building the model.
 *
 * <p><b>Checkpoints.</b> With a checkpoint folder, after every epoch the model, the optimiser's
 * moments and step counts, the loss scale, the schedule step, the sampler state, the
 * early-stopping history and the best weights are written atomically, with a run manifest (seed,
 * hyper-parameters, Java, OS, architecture, engine, device, precision) in its {@code state.json}.
 * {@link #fit()} on a folder holding a checkpoint continues from it; a run killed at any point
 * and restarted ends with the same weights and validation losses as an uninterrupted one. A
 * checkpoint of another seed, peak learning rate, schedule, precision, gradient accumulation,
 * number of replicas ({@link Builder#optDevices}, which with the accumulation splits each batch into
 * the parts whose dropout masks are drawn) or optimiser setting (betas, epsilon, weight decay and
 * the parameters it decays, clipping norm) is refused rather than continued, with each difference
 * named; one of another evaluation batch size resumes with a warning, as the validation losses (and
 * so the early stopping) then differ by rounding only. One written before the optimiser's settings,
 * the replicas or the evaluation batch size were recorded resumes with a warning that they could
 * not be checked, and a fp16-mixed one
 * written before the steps skipped for overflow were counted takes the count from the optimiser's
 * step counts (which a skipped step leaves), with a warning naming it. A finished run is read back,
 * not continued (its checkpoint holds the best epoch's weights, not the last epoch's): an epoch cap
 * or patience under which it would have trained on is refused, and these warnings are not given for
 * it, as its recorded epochs come back without being trained or evaluated again. A resume is all or
 * nothing: every file of the checkpoint is read into host memory (one extra copy of the
 * checkpoint, held while resuming) and checked against the model and the run (keys, shapes,
 * dtypes, step counts, the state's counts and their relations: steps = epochs x batches per epoch,
 * the encoder's updates = steps - skipped steps, no head updated more often) before anything changes, so a damaged file, or one
 * written for another model, fails {@link #fit()} naming the file, what it should hold and what
 * to do, and leaves the model, the optimiser and the sampler as they were.
 *
 * <p><b>Non-finite losses.</b> Each step's loss stays on the device until a logging point (every
 * {@code logEvery} steps and at epoch end), where the steps since the last one are read in one copy
 * and a {@link NonFiniteLossException} names the first whose loss was NaN or infinite and the tasks
 * of its batch. Under {@link Precision#FP16_MIXED} such a step is an overflow the optimiser skipped,
 * and only a run of 50 in a row ends training. A task's validation loss that is not finite after
 * an epoch ends it too.
 *
 * <p><b>Native memory.</b> While it is open, the trainer's step holds the model's parameters in
 * one flat buffer (see {@link FlatParameters}); {@link #close()} gives them arrays of their own
 * again and frees the optimiser's moments and the trainer's arrays (not the model). Idempotent.
 * Not thread-safe; call {@link #fit()} once per trainer (a second call throws). One open trainer
 * per model: building a second one over a model whose trainer is still open throws. Close the
 * trainer before the model; a trainer whose model (or the model's manager) was closed first refuses
 * work and closes without error, since its arrays died with the model's.
 */
public final class Trainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final MultiHeadModel model;
    private final BatchSource data;
    /** Each task's training units, as the builder checked them. */
    private final int[] trainSizes;
    private final BatchSampler sampler;
    private final LinearSchedule schedule;
    private final TrainingStep step;
    private final int patience;
    private final int maxEpochs;
    private final int accumulation;
    private final int logEvery;
    /** The run's name in log lines, with its separator, or empty. */
    private final String logName;
    private final RunSeeds seeds;
    private final Precision precision;
    private final List<Device> devices;
    private final CheckpointStore store;
    private final List<TrainingListener> listeners;
    private final NDManager stateManager;
    private final NDManager stepRoot;
    private final LossWatch watch;
    private final Evaluation evaluation;
    private final BestWeights best;
    private final TrainerCheckpoints checkpoints;

    private long globalStep;
    private EarlyStopping stopping;
    private final List<EpochReport> epochs = new ArrayList<>();
    private boolean closed;
    /** Whether {@link #fit()} has been called: a second call would run past the schedule's end. */
    private boolean fitCalled;
    /** Whether {@link #fit()} has restored or drawn from the sampler, which is then this trainer's. */
    private boolean drivesSampler;

    private Trainer(Builder b, CheckpointStore store, int[] trainSizes) {
        this.model = b.model;
        this.data = b.data;
        this.patience = b.patience;
        this.maxEpochs = b.maxEpochs;
        this.accumulation = b.accumulation;
        this.logEvery = b.logEvery;
        this.logName = b.name.isEmpty() ? "" : b.name + ": ";
        this.seeds = new RunSeeds(b.seed);
        this.precision = b.precision;
        this.store = store;
        this.listeners = List.copyOf(b.listeners);
        this.trainSizes = trainSizes;
        this.sampler = b.sampler != null
                ? b.sampler
                : new HeterogeneousBatchSampler(HeterogeneousSampler.builder()
                        .setTaskSizes(trainSizes)
                        .setBatchSize(b.batchSize)
                        .optSeed(seeds.sampler())
                        .build());
        // the decay horizon may differ from the cap, so that the cap is only a safety limit
        this.schedule = LinearSchedule.ofRun(b.learningRate, b.warmupSteps, b.linearDecay,
                b.scheduleEpochs > 0 ? b.scheduleEpochs : maxEpochs, sampler.batchesPerEpoch());
        NDManager mm = model.getManager();
        this.devices = b.devices.isEmpty() ? List.of(mm.getDevice()) : List.copyOf(b.devices);
        TrainingStep.Builder stepBuilder = TrainingStep.builder().setModel(model).setData(data).optPrecision(precision)
                .optGradientAccumulation(accumulation).optOptimizer(b.optimizer).optDevices(devices);
        if (b.lossScaler != null) {
            stepBuilder.optLossScaler(b.lossScaler);
        }
        this.step = stepBuilder.build();
        this.stateManager = mm.newSubManager();
        this.stepRoot = mm.newSubManager();
        // two intervals of steps to name a bad one's tasks; in long so that a huge logEvery does not wrap
        this.watch = new LossWatch(stateManager, (int) Math.min(Integer.MAX_VALUE, Math.max(2L * logEvery, 64)),
                precision == Precision.FP16_MIXED);
        this.evaluation = new Evaluation(model, data, b.evalBatchSize, step::evaluationStore, listeners);
        this.best = new BestWeights(model, stateManager);
        this.stopping = new EarlyStopping(patience);
        Map<String, String> manifest = new LinkedHashMap<>();
        manifest.put("precision", precision.name());
        manifest.put("patience", Integer.toString(patience));
        manifest.put("maxEpochs", Integer.toString(maxEpochs));
        manifest.put("accumulation", Integer.toString(accumulation));
        manifest.put("schedule", schedule.toString());
        // the batch's parts are accumulation x replicas, which changes the dropout masks; the
        // evaluation batch size changes the validation losses, and with them the stopping, by rounding
        manifest.put(TrainerCheckpoints.REPLICAS, Integer.toString(devices.size()));
        manifest.put(TrainerCheckpoints.EVAL_BATCH_SIZE, Integer.toString(b.evalBatchSize));
        this.checkpoints = new TrainerCheckpoints(model, step, best, sampler, stateManager, seeds.run(), schedule.peak(),
                manifest);
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
     * The paper's learning-rate grid.
     *
     * @return {1e-5, 3e-5, 1e-4, 3e-4, 1e-3}
     */
    public static List<Double> defaultLearningRates() {
        return List.of(1e-5, 3e-5, 1e-4, 3e-4, 1e-3);
    }

    /**
     * Returns the model being trained.
     *
     * @return the model (not owned by the trainer)
     */
    public MultiHeadModel model() {
        return model;
    }

    /**
     * Returns the data being trained on, whose units {@link #predict} predicts.
     *
     * @return the source given to {@link Builder#setData}
     */
    public BatchSource data() {
        return data;
    }

    /**
     * Returns the optimiser.
     *
     * @return the optimiser, owned by the trainer
     */
    public AdamW optimizer() {
        return step.optimizer();
    }

    /**
     * Returns the learning-rate schedule.
     *
     * @return the schedule
     */
    public LinearSchedule schedule() {
        return schedule;
    }

    /**
     * Returns the loss scaler of mixed-precision training.
     *
     * @return the scaler, owned by the trainer, or empty under {@link Precision#FLOAT32}
     */
    public Optional<LossScaler> lossScaler() {
        return Optional.ofNullable(step.scaler());
    }

    /**
     * Trains until early stopping or the epoch limit, continuing from the checkpoint folder's
     * checkpoint if there is one, and leaves the best epoch's weights in the model.
     *
     * @return the epochs' reports and the best epoch
     * @throws IOException if a checkpoint cannot be read or written, does not match the model (a
     *     key, shape or dtype), or was written by a run of other settings (see the class
     *     documentation), or holds a finished run that this trainer's epoch cap or patience would
     *     train on from; a checkpoint refused on resuming has changed nothing
     * @throws NonFiniteLossException if a training loss becomes NaN or infinite (under {@link
     *     Precision#FP16_MIXED}: 50 steps in a row overflowed and were skipped), or a task's
     *     validation loss after an epoch does
     * @throws IllegalStateException if the trainer or its model is closed, {@code fit()} was
     *     called before, a sampler given with {@link Builder#optSampler} draws a task or
     *     training unit the data lacks or plans another number of batches than its {@link
     *     BatchSampler#batchesPerEpoch()} (checked per epoch, before its first step), or another
     *     trainer's {@code fit()} has drawn from that sampler since this trainer was built. A
     *     {@code fit()} that fails before it restores or draws from the sampler (a checkpoint that
     *     cannot be read, does not match the model or was written under other settings) leaves the
     *     sampler to a new trainer
     */
    public FitResult fit() throws IOException {
        checkOpen();
        if (fitCalled) {
            throw new IllegalStateException("trainer: fit() was already called; build a new trainer to train again"
                    + " (with the same checkpoint folder to continue a run)");
        }
        // before any restore or step: a trainer built with the sampler before another's fit() drew from it
        DataChecks.checkNotDriven(sampler);
        fitCalled = true;
        MallocHint.giveOnce(devices);
        GradMode.offInThisThread(model.getManager().getEngine());
        int startEpoch = 0;
        if (store != null) {
            Optional<Path> latest = store.latest();
            if (latest.isPresent()) {
                TrainState st = restore(latest.get());
                // a finished run trains no epoch and gives no step report: the only word of its epochs
                listeners.forEach(l -> l.onResume(st.epochsDone()));
                if (st.finished()) {
                    LOG.info("{}run in {} already finished after {}", logName, latest.get(), Counts.counted(st.epochsDone(), "epoch"));
                    return result(stoppedEarly(st));
                }
                startEpoch = st.epochsDone();
                LOG.info("{}resuming from {} after {}", logName, latest.get(), Counts.counted(startEpoch, "epoch"));
            }
        }
        step.syncReplicas();
        Engine engine = model.getManager().getEngine();
        for (int epoch = startEpoch; epoch < maxEpochs && !stopping.shouldStop(); epoch++) {
            engine.setRandomSeed(seeds.epoch(epoch));
            trainEpoch(epoch);
        }
        // patience that runs out on the last allowed epoch saves no epoch: the limit ended that run
        boolean stoppedEarly = stopping.shouldStop() && epochs.size() < maxEpochs;
        if (best.restore()) {
            step.syncReplicas();
        }
        logEnd(stoppedEarly);
        if (store != null) {
            int done = epochs.size();
            Path dir = store.write(done, true, (a, d) -> writeCheckpoint(a, d, done, true, stoppedEarly));
            listeners.forEach(l -> l.onCheckpoint(dir, done));
        }
        return result(stoppedEarly);
    }

    /**
     * The interval's mean loss. A mixed-precision run diverges when every step overflows float16;
     * where a projection's master weight has grown past float16's range during training, its copy
     * is infinite whatever the loss scale: the exception names the weight (a host read, at the end
     * of the run only).
     */
    private double readInterval() {
        try {
            return watch.readInterval(model.taskNames());
        } catch (NonFiniteLossException e) {
            if (precision != Precision.FP16_MIXED) {
                throw e;
            }
            List<String> over = TrainingStep.float16Overflows(model);
            if (over.isEmpty()) {
                throw e;
            }
            NonFiniteLossException named = new NonFiniteLossException(e.step(), e.epoch(), e.tasks(), e.reason()
                    + "; " + String.join(", ", over) + " grew past float16's largest finite value 65504 while training,"
                    + " so its float16 copy is infinite: train in BF16_MIXED (float32's range) or FLOAT32");
            named.initCause(e);
            throw named;
        }
    }

    private void trainEpoch(int epoch) throws IOException {
        driveSampler();
        List<SampledBatch> plan = sampler.nextEpoch();
        DataChecks.checkPlan(plan, epoch, sampler.batchesPerEpoch(), data, trainSizes);
        long start = System.nanoTime();
        long intervalStart = start;
        long examples = 0;
        long intervalExamples = 0;
        for (int i = 0; i < plan.size(); i++) {
            SampledBatch b = plan.get(i);
            trainStep(b, epoch);
            examples += b.size();
            intervalExamples += b.size();
            if ((i + 1) % logEvery == 0 || i == plan.size() - 1) {
                long now = System.nanoTime();
                double meanLoss = readInterval();
                StepReport r = new StepReport(epoch, i + 1, plan.size(), globalStep, meanLoss,
                        lastRate(), intervalExamples / Math.max(1e-9, (now - intervalStart) / 1e9),
                        (now - start) / 1e9);
                LOG.debug("epoch {} step {}/{}: loss {}", epoch, i + 1, plan.size(), meanLoss);
                listeners.forEach(l -> l.onSteps(r));
                intervalStart = now;
                intervalExamples = 0;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] val = validationLosses();
        for (int t = 0; t < val.length; t++) {
            if (!Double.isFinite(val[t]) && data.size(t, Split.VALIDATION) > 0) {
                // the training losses stayed finite (or were never read after the last update), but
                // the weights did not: the run diverged
                throw new NonFiniteLossException(globalStep - 1, epoch, List.of(model.taskNames().get(t)),
                        "the validation loss of " + model.taskNames().get(t) + " is " + val[t]
                                + " after this epoch's updates: the weights diverged; lower the learning rate");
            }
        }
        double avg = EarlyStopping.score(val);
        boolean improved = stopping.observe(avg);
        if (improved) {
            best.snapshot();
        }
        EpochReport report = new EpochReport(epoch, Arrays.stream(val).boxed().toList(), avg, improved, seconds, examples);
        epochs.add(report);
        if (LOG.isInfoEnabled()) { // epochs from 1, as the bar and the grid's result lines count them
            int bestEpoch = stopping.bestEpoch();
            LOG.info("{}epoch {} of {}: average validation loss {} (best epoch {}), {} s training{}{}", logName, epoch + 1,
                    maxEpochs, String.format(Locale.ROOT, "%.4f", avg), bestEpoch < 0 ? "none" : bestEpoch + 1,
                    String.format(Locale.ROOT, "%.1f", seconds), precision == Precision.FP16_MIXED
                            ? ", " + step.skippedSteps() + " steps skipped for overflow so far" : "", perTask(val));
        }
        listeners.forEach(l -> l.onEpoch(report));
        if (store != null) {
            int done = epoch + 1;
            Path dir = store.write(done, false, (a, d) -> writeCheckpoint(a, d, done, false, false));
            listeners.forEach(l -> l.onCheckpoint(dir, done));
        }
    }

    /**
     * Each task's validation loss for the epoch line, where the average alone hides a task that
     * learns nothing beside one that learns fast; empty for one task, {@code -} for a task without
     * validation examples (left out of the average).
     */
    private String perTask(double[] val) {
        if (val.length < 2) {
            return "";
        }
        List<String> names = model.taskNames();
        StringBuilder sb = new StringBuilder("; validation loss per task:");
        for (int t = 0; t < val.length; t++) {
            sb.append(t == 0 ? " " : ", ").append(names.get(t)).append(' ')
                    .append(Double.isNaN(val[t]) ? "-" : String.format(Locale.ROOT, "%.4f", val[t]));
        }
        return sb.toString();
    }

    /** The rate of the last optimiser update, for the logs (at a logging point: the host read is one of several). */
    private double lastRate() {
        long updates = precision == Precision.FP16_MIXED ? globalStep - step.skippedSteps() : globalStep;
        return schedule.lr(Math.max(0, updates - 1));
    }

    /** Says what ended the run, and which epoch's weights the model now holds. */
    private void logEnd(boolean stoppedEarly) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        int done = epochs.size();
        String end;
        if (stoppedEarly) {
            end = "stopped early after " + done + " of " + Counts.counted(maxEpochs, "epoch")
                    + ": the average validation loss did not improve for " + Counts.counted(patience, "epoch")
                    + " (patience " + patience + ")";
        } else if (done > maxEpochs) {
            // a checkpoint resumed under a lower limit than it had already trained past
            end = "trained no further: the checkpoint had already trained " + Counts.counted(done, "epoch")
                    + ", past the epoch limit of " + Counts.counted(maxEpochs, "epoch");
        } else {
            end = "reached the epoch limit after " + done + " of " + Counts.counted(maxEpochs, "epoch")
                    + (stopping.shouldStop() ? " (patience " + patience + " ran out on the last epoch as well, which"
                            + " saved no epoch)" : "");
        }
        int bestEpoch = stopping.bestEpoch();
        LOG.info("{}{}; {}", logName, end, bestEpoch < 0
                ? "no epoch had a finite average validation loss, so the last epoch's weights stay"
                : "best epoch " + (bestEpoch + 1) + " restored");
    }

    /**
     * Whether a finished run stopped early. Versions before 2026-12-07 recorded true also where
     * patience ran out on the last allowed epoch, which the limit in its manifest shows.
     */
    private static boolean stoppedEarly(TrainState st) {
        return st.stoppedEarly() && !Integer.toString(st.epochsDone()).equals(st.manifest().get("maxEpochs"));
    }

    private FitResult result(boolean stoppedEarly) {
        return new FitResult(epochs, stopping.bestEpoch(), stopping.bestScore(), stoppedEarly, globalStep,
                schedule.peak(), step.skippedSteps());
    }

    /**
     * Runs one optimiser step on a sampled batch. Package-private for tests.
     *
     * @param b the batch
     * @param epoch its epoch, for error messages
     */
    void trainStep(SampledBatch b, int epoch) {
        int[] present = b.presentTasks();
        try (NDManager sm = stepRoot.newSubManager()) {
            NDArray loss = step.run(sm, b, schedule, globalStep, seeds.stepMasks(globalStep), phase -> { });
            watch.record(loss, step.lastOverflow(), globalStep, epoch, present);
        }
        globalStep++;
    }

    /** The step this trainer runs, for tests. */
    TrainingStep trainingStep() {
        return step;
    }

    /** The steps run so far, skipped ones included, for tests. */
    long globalStep() {
        return globalStep;
    }

    /**
     * Returns a copy of one replica's values, for tests.
     *
     * @param device the device index, from 1
     * @return values in {@code model.parameters()} order
     */
    List<float[]> replicaValues(int device) {
        return step.replicaValues(device);
    }

    /**
     * Computes each task's mean validation loss with the current weights (no dropout), in the
     * trainer's precision: under mixed precision the encoder's projections are read through one
     * 16-bit cast for the whole pass, as Hugging Face evaluates under autocast.
     *
     * @return per task, NaN for a task without validation examples
     */
    public double[] validationLosses() {
        checkOpen();
        return evaluation.validationLosses(stepRoot);
    }

    /**
     * Returns a task's logits on a split, with the current weights (no dropout), in the trainer's
     * precision (see {@link #validationLosses()}).
     *
     * @param task the task index
     * @param split the split
     * @return one logits entry per example
     * @throws IndexOutOfBoundsException if {@code task} is not in {@code [0, numTasks)}
     * @throws IllegalArgumentException if the data has no units of the task on that split (the split
     *     is absent or empty), which have no logits and no width
     * @throws IllegalStateException if the trainer or its model is closed
     */
    public TaskPredictions predict(int task, Split split) {
        checkOpen();
        Objects.requireNonNull(split, "split");
        if (task < 0 || task >= model.numTasks()) {
            throw new IndexOutOfBoundsException("trainer: task " + task + " is out of range [0, " + model.numTasks()
                    + ") of " + model.taskNames());
        }
        if (data.size(task, split) == 0) {
            // an empty result with width -1 met its caller later, as nothing to score or average
            throw new IllegalArgumentException("trainer: task " + model.taskNames().get(task) + " has no " + split
                    + " units to predict (the data's " + split + " split is absent or empty); predict a split it has"
                    + " units of");
        }
        return evaluation.predict(stepRoot, task, split);
    }

    private void writeCheckpoint(Path anchor, Path dir, int epochsDone, boolean finished, boolean stoppedEarly)
            throws IOException {
        checkpoints.write(anchor, dir, new TrainerCheckpoints.Progress(epochsDone, globalStep, finished, stoppedEarly,
                stopping.history(), epochs, precision == Precision.FP16_MIXED ? watch.overflowStreak() : null));
    }

    /**
     * Claims the sampler for this trainer just before its state first changes, not at the start of
     * {@link #fit()}: a fit() that failed before (a checkpoint that cannot be read, or one of other
     * settings) leaves it to the next trainer, which draws what a fresh sampler of its seed draws.
     */
    private void driveSampler() {
        if (!drivesSampler) {
            DataChecks.driving(sampler);
            drivesSampler = true;
        }
    }

    /**
     * Resumes a checkpoint all or nothing: every file is read and checked first, and a checkpoint
     * refused there (damaged, of another model, of other settings) leaves the model, the optimiser
     * and the sampler as they were, so a new trainer over them starts afresh.
     */
    private TrainState restore(Path dir) throws IOException {
        TrainState st;
        try (TrainerCheckpoints.Staged staged = checkpoints.stage(dir)) {
            st = staged.state();
            refuseToExtendFinished(dir, st);
            boolean claims = !drivesSampler;
            driveSampler();
            try {
                staged.restoreSampler();
            } catch (IOException e) {
                // the sampler refused its state and kept its own: it stays free for the next trainer
                if (claims) {
                    DataChecks.release(sampler);
                    drivesSampler = false;
                }
                throw e;
            }
            staged.apply();
        }
        stopping = EarlyStopping.replay(patience, st.scores());
        epochs.clear();
        for (int e = 0; e < st.epochs().size(); e++) {
            TrainState.EpochRecord r = st.epochs().get(e);
            epochs.add(new EpochReport(e, r.validationLosses(), r.average(), r.improved(), r.trainSeconds(), r.trainExamples()));
        }
        globalStep = st.globalStep();
        watch.setStep(globalStep);
        if (st.overflowStreak() != null) {
            watch.setOverflowStreak(st.overflowStreak());
        }
        return st;
    }

    /**
     * Refuses a finished run that this trainer's cap or patience would train on from: its
     * checkpoint holds the best epoch's weights, not the last epoch's, so training on would make a
     * run that is neither, and returning the finished result would hand back fewer epochs than asked.
     */
    private void refuseToExtendFinished(Path dir, TrainState st) throws IOException {
        if (!st.finished() || st.epochsDone() >= maxEpochs || EarlyStopping.replay(patience, st.scores()).shouldStop()) {
            return;
        }
        Map<String, String> recorded = st.manifest();
        String why = stoppedEarly(st)
                ? "when patience ran out (patience " + recorded.getOrDefault("patience", "unrecorded") + ")"
                : "at its epoch cap (maxEpochs " + recorded.getOrDefault("maxEpochs", "unrecorded") + ")";
        throw new IOException(dir + ": the run there finished after " + Counts.counted(st.epochsDone(), "epoch") + " "
                + why + ", and this trainer would train on (maxEpochs " + maxEpochs + ", patience " + patience
                + "); a finished checkpoint holds the best epoch's weights, not the last epoch's, so it cannot be"
                + " continued. Build the trainer with the recorded maxEpochs and patience to read the finished run"
                + " back, or train in another checkpoint folder");
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("trainer: this trainer is closed, which freed its optimiser state; build a"
                    + " new trainer over the model (with the same checkpoint folder to continue a run)");
        }
        if (!model.getManager().isOpen()) {
            throw new IllegalStateException("trainer: its model is closed (or the manager given to the model's builder"
                    + " is); close the trainer first");
        }
    }

    /** Frees the optimiser state and the trainer's arrays (not the model); later calls do nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            step.close();
            watch.close();
            stepRoot.close();
            stateManager.close();
        }
    }

    /** Builds a {@link Trainer}; mutable, single-threaded. */
    public static final class Builder {
        private MultiHeadModel model;
        private BatchSource data;
        private BatchSampler sampler;
        private int batchSize = 128;
        private boolean batchSizeSet;
        private double learningRate = 5e-5;
        private long warmupSteps;
        private boolean linearDecay = true;
        private int scheduleEpochs;
        private AdamW.Builder optimizer = AdamW.builder();
        private int patience = 3;
        private int maxEpochs = 20;
        private int accumulation = 1;
        private int logEvery = 50;
        private String name = "";
        private int evalBatchSize = 128;
        private long seed = 42;
        private Precision precision = Precision.FLOAT32;
        /** Null until optLossScaler: the step's default under FP16_MIXED, refused under the others. */
        private LossScaler.Builder lossScaler;
        private Path checkpointAnchor;
        private Path checkpointDir;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private List<Device> devices = List.of();

        private Builder() {}

        /**
         * Splits every batch over several devices (data parallel): the first must be the model's
         * device; each other device holds a replica of the parameters, runs forward and backward
         * on its contiguous part of the batch, and its gradients are summed onto the first device
         * before the optimiser step, after which the replicas are refreshed. Devices are driven
         * from one thread, in turn. The update equals gradient accumulation over the same parts.
         * A device may be listed twice (a second replica on the same device), which is only
         * useful for testing. Default: the model's device alone.
         *
         * @param devices the devices, the model's first
         * @return this builder
         */
        public Builder optDevices(List<Device> devices) {
            Objects.requireNonNull(devices, "devices");
            for (int i = 0; i < devices.size(); i++) {
                Objects.requireNonNull(devices.get(i), "devices[" + i + "]");
            }
            this.devices = List.copyOf(devices);
            return this;
        }

        /**
         * Sets the model to train (required); the trainer does not close it.
         *
         * @param model the model
         * @return this builder
         */
        public Builder setModel(MultiHeadModel model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * Sets the tasks' training and validation data (required), task-indexed like the model.
         *
         * @param data the data
         * @return this builder
         */
        public Builder setData(BatchSource data) {
            this.data = Objects.requireNonNull(data, "data");
            return this;
        }

        /**
         * Sets the batch sampler; default a proportional {@link HeterogeneousSampler} (the paper's) over all training examples with
         * {@link #optBatchSize} and a seed split from {@link #optSeed}.
         *
         * @param sampler the sampler, which sets the batch size (a {@link HeterogeneousBatchSampler}
         *     beside an {@link #optBatchSize} of another size is refused at {@link #build()}); it must
         *     draw the data's task indices and training units (a {@link HeterogeneousBatchSampler}
         *     over named task sizes must name the data's tasks, in order), and be one no other trainer's
         *     {@code fit()} has drawn from (its state is then that trainer's: a new one per trainer;
         *     a {@code fit()} that failed before restoring or drawing from it leaves it free)
         * @return this builder
         */
        public Builder optSampler(BatchSampler sampler) {
            this.sampler = Objects.requireNonNull(sampler, "sampler");
            return this;
        }

        /**
         * Sets the batch size of the default sampler; default 128 (the paper's). A sampler given with
         * {@link #optSampler} draws batches of its own size.
         *
         * @param batchSize examples per optimiser step
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            this.batchSizeSet = true;
            return this;
        }

        /**
         * Sets the peak learning rate; default 5e-5 (HF Trainer's). The paper sweeps {@link
         * Trainer#defaultLearningRates()} with {@link LearningRateSweep}.
         *
         * @param learningRate the rate, {@code >= 0}
         * @return this builder
         */
        public Builder optLearningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /**
         * Sets linear warm-up steps; default 0.
         *
         * @param warmupSteps steps, {@code >= 0}; with linear decay, at most the decay's steps
         * @return this builder
         */
        public Builder optWarmupSteps(long warmupSteps) {
            this.warmupSteps = warmupSteps;
            return this;
        }

        /**
         * Chooses linear decay to 0 at {@code maxEpochs * batchesPerEpoch} steps (HF's default
         * schedule) or a constant rate after warm-up; default true.
         *
         * @param linearDecay true to decay
         * @return this builder
         */
        public Builder optLinearDecay(boolean linearDecay) {
            this.linearDecay = linearDecay;
            return this;
        }

        /**
         * Sets the epochs over which the linear decay runs: the rate reaches 0 at {@code epochs *
         * batchesPerEpoch} steps whatever {@code maxEpochs} is; default 0, meaning {@code maxEpochs}.
         * With a fixed horizon, raising the epoch cap above the stopping epoch changes nothing.
         *
         * @param epochs epochs, {@code >= 0}
         * @return this builder
         */
        public Builder optScheduleEpochs(int epochs) {
            this.scheduleEpochs = epochs;
            return this;
        }

        /**
         * Sets the optimiser's settings; default {@code AdamW.builder()} (HF defaults). The trainer
         * sets its manager.
         *
         * @param optimizer a configured builder
         * @return this builder
         */
        public Builder optOptimizer(AdamW.Builder optimizer) {
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
            return this;
        }

        /**
         * Sets the early-stopping patience in epochs; default 3 (the paper's).
         *
         * @param patience epochs without improvement before stopping
         * @return this builder
         */
        public Builder optPatience(int patience) {
            this.patience = patience;
            return this;
        }

        /**
         * Sets the epoch limit; default 20.
         *
         * @param maxEpochs the most epochs to train
         * @return this builder
         */
        public Builder optMaxEpochs(int maxEpochs) {
            this.maxEpochs = maxEpochs;
            return this;
        }

        /**
         * Splits each batch into this many micro-batches whose gradients are summed before one
         * optimiser step (same effective batch, less memory); default 1.
         *
         * @param microBatches micro-batches per step, positive
         * @return this builder
         */
        public Builder optGradientAccumulation(int microBatches) {
            this.accumulation = microBatches;
            return this;
        }

        /**
         * Sets how often (in optimiser steps) values are read from the device and reported;
         * default 50.
         *
         * @param steps the interval, positive
         * @return this builder
         */
        public Builder optLogEvery(int steps) {
            this.logEvery = steps;
            return this;
        }

        /**
         * Names the run in the trainer's log lines, telling runs on one log apart; default none.
         * The name only prefixes log lines, so any one line of text will do ({@code /} included).
         *
         * @param name for example {@code pre-finetune SL+QA lr 1e-4}; leading and trailing blanks
         *     are dropped
         * @return this builder
         * @throws IllegalArgumentException if the name is blank (leave this option out for no name)
         *     or holds a control character, such as a line break that would split its log lines
         */
        public Builder optName(String name) {
            if (Objects.requireNonNull(name, "name").isBlank()) {
                throw new IllegalArgumentException("trainer: optName must name the run its log lines start with, found '"
                        + name + "' (leave optName out for no name)");
            }
            int i = OneLineNames.controlCharacterAt(name);
            if (i >= 0) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "trainer: optName must be one"
                        + " line (it starts each log line), found control character U+%04X at index %d of the name",
                        (int) name.charAt(i), i));
            }
            this.name = name.strip();
            return this;
        }

        /**
         * Sets the batch size for validation and prediction; default 128.
         *
         * @param evalBatchSize examples per evaluation batch
         * @return this builder
         */
        public Builder optEvalBatchSize(int evalBatchSize) {
            this.evalBatchSize = evalBatchSize;
            return this;
        }

        /**
         * Sets the run seed, from which the sampler's seed and each epoch's engine seed are split;
         * default 42.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the loss scaler's settings for {@link Precision#FP16_MIXED}; default {@code
         * LossScaler.builder()} (torch's GradScaler defaults). The trainer sets its manager.
         * {@link #build()} refuses them under any other precision, which scales no loss.
         *
         * @param lossScaler a configured builder
         * @return this builder
         */
        public Builder optLossScaler(LossScaler.Builder lossScaler) {
            this.lossScaler = Objects.requireNonNull(lossScaler, "lossScaler");
            return this;
        }

        /**
         * Sets the precision; default {@link Precision#FLOAT32}. {@link Precision#FP16_MIXED} and
         * {@link Precision#BF16_MIXED} need an {@link io.github.prefine.core.encoder.Encoder} with 16-bit parameters in the
         * model (a {@link io.github.prefine.core.encoder.TransformerEncoder} has them).
         *
         * @param precision the precision
         * @return this builder
         */
        public Builder optPrecision(Precision precision) {
            this.precision = Objects.requireNonNull(precision, "precision");
            return this;
        }

        /**
         * Sets the checkpoint folder; default none (no checkpoints, no resume).
         *
         * @param dir the folder, created if absent
         * @return this builder
         */
        public Builder optCheckpointDir(Path dir) {
            return optCheckpointDir(dir, dir);
        }

        /**
         * Sets the checkpoint folder below a folder the user named, as the grid keeps one below
         * {@code --out}: a symbolic link in place of it or of a folder between is refused, and the
         * checkpoints' files are written relative to the folders so entered; default none.
         *
         * @param anchor the folder the user named; links in it and above it are followed
         * @param dir the folder, the anchor or inside it, created if absent
         * @return this builder
         */
        public Builder optCheckpointDir(Path anchor, Path dir) {
            this.checkpointAnchor = Objects.requireNonNull(anchor, "anchor");
            this.checkpointDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** Whether a checkpoint folder was set, for runners that give each of their runs its own. */
        boolean checkpointing() {
            return checkpointDir != null;
        }

        /**
         * Adds a progress listener; default none.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder addListener(TrainingListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Builds the trainer.
         *
         * @return the trainer, which the caller must close
         * @throws IllegalArgumentException if a value is missing or out of range, a loss scaler is set
         *     without {@link Precision#FP16_MIXED}, no task has validation examples, or, without
         *     {@link #optSampler}, a task has no training examples; under {@link Precision#FP16_MIXED},
         *     if an encoder weight is 65520 or more in magnitude (its float16 copy would be infinite),
         *     naming each such weight
         * @throws IllegalArgumentException if a {@link HeterogeneousBatchSampler} given with
         *     {@link #optSampler} draws from other task sizes than the data's training splits, or
         *     the sampler was advanced by another trainer's {@link Trainer#fit()}, or its batch size
         *     differs from one set with {@link #optBatchSize}
         * @throws IllegalStateException if the model is closed, or another open trainer holds its
         *     parameters
         * @throws IOException if the checkpoint folder cannot be created
         */
        public Trainer build() throws IOException {
            if (model == null || data == null) {
                String missing = model == null && data == null ? "setModel and setData were"
                        : model == null ? "setModel was" : "setData was";
                throw new IllegalArgumentException("trainer: " + missing + " not called; build() needs setModel and"
                        + " setData");
            }
            TrainingStep.check("trainer", model, data, precision, accumulation, devices, lossScaler);
            int[] trainSizes = DataChecks.checkData(data, sampler);
            if (batchSize <= 0 || evalBatchSize <= 0) {
                throw new IllegalArgumentException("trainer: optBatchSize and optEvalBatchSize must be positive, found "
                        + batchSize + " and " + evalBatchSize);
            }
            if (batchSizeSet && sampler instanceof HeterogeneousBatchSampler given
                    && given.sampler().batchSize() != batchSize) {
                // the given sampler wins: a batch size set beside it would be dropped without a word
                throw new IllegalArgumentException("trainer: optBatchSize(" + batchSize + ") sizes only the default"
                        + " sampler, and the sampler given with optSampler draws batches of " + given.sampler().batchSize()
                        + "; leave optBatchSize out, or build the sampler with setBatchSize(" + batchSize + ")");
            }
            if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
                throw new IllegalArgumentException("trainer: learningRate must be finite and >= 0, found " + learningRate);
            }
            if (scheduleEpochs < 0) {
                throw new IllegalArgumentException("trainer: scheduleEpochs must be >= 0, found " + scheduleEpochs);
            }
            if (warmupSteps < 0) {
                throw new IllegalArgumentException("trainer: warmupSteps must be >= 0, found " + warmupSteps);
            }
            if (patience <= 0 || maxEpochs <= 0) {
                throw new IllegalArgumentException("trainer: patience and maxEpochs must be positive, found " + patience
                        + " and " + maxEpochs);
            }
            if (logEvery <= 0) {
                throw new IllegalArgumentException("trainer: logEvery must be positive, found " + logEvery);
            }
            CheckpointStore store = checkpointDir == null ? null : new CheckpointStore(checkpointAnchor, checkpointDir);
            return new Trainer(this, store, trainSizes);
        }
    }

}
