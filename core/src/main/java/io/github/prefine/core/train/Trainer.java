package io.github.prefine.core.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.core.model.internal.TensorArchive;
import io.github.prefine.core.precision.HalfPrecisionStore;
import io.github.prefine.core.precision.LossScaler;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.train.internal.CheckpointStore;
import io.github.prefine.core.train.internal.TrainState;
import io.github.prefine.kernels.EngineScalars;
import io.github.prefine.sampling.HeterogeneousSampler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link MultiHeadModel} on the tasks of a {@link BatchSource}: heterogeneous batches
 * from a {@link BatchSampler}, the batch loss being the plain mean of the examples' task losses,
 * {@link AdamW} with a {@link LinearSchedule}, and the paper's early stopping: after each epoch,
 * the validation loss of each task; stop when their average has not improved for {@code patience}
 * epochs, then restore the best epoch's weights.
 *
 * <p><b>Determinism.</b> {@link #fit()} seeds the engine ({@code Engine.setRandomSeed}, the
 * process-global generator behind dropout) at the start of every epoch with a seed derived from
 * the run seed and the epoch index. DJL exposes no way to save the generator's state, so seeding
 * at each epoch boundary is what lets a run resumed from an epoch checkpoint draw the same numbers
 * as an uninterrupted one. Sampling uses its own seed split from the run seed. On CPU, the same
 * seed gives the same weights bit for bit. Parameter initialization happens before the trainer
 * exists: seed the engine once at the entry point before building the model.
 *
 * <p><b>Checkpoints.</b> With a checkpoint folder, after every epoch the model, the optimiser's
 * moments and step counts, the schedule step, the sampler state, the early-stopping history and
 * the best weights are written atomically, with a run manifest (seed, hyper-parameters, Java, OS,
 * architecture, engine, device) in its {@code state.json}. {@link #fit()} on a folder holding a checkpoint
 * continues from it; a run killed at any point and restarted ends with the same weights and
 * validation losses as an uninterrupted one.
 *
 * <p><b>Non-finite losses.</b> A device-side scalar keeps the first step whose loss was NaN or
 * infinite; it is read only at logging points (every {@code logEvery} steps and at epoch end),
 * where a {@link NonFiniteLossException} names that step and the tasks of its batch.
 *
 * <p><b>Mixed precision.</b> With {@link Precision#FP16_MIXED} each step reads the encoder's
 * projection weights through a {@link HalfPrecisionStore} (float16 copies of the float32 masters),
 * back-propagates the loss times a {@link LossScaler} scale, unscales the float32 master gradients
 * (before clipping), and calls {@link AdamW#step(List, double, NDArray)}, which skips the update on
 * the device when a gradient overflowed; the scaler then backs off or grows. No host read is
 * added. Checkpoints hold the float32 masters. The scale itself is not checkpointed: a resumed run
 * starts again from the initial scale.
 *
 * <p><b>Devices.</b> Everything runs on the model manager's device unless {@link
 * Builder#optDevices} lists more: then each batch is split into one contiguous part per device
 * (per micro-batch when accumulating), every further device runs forward and backward on a
 * replica of the parameters, the gradients are summed onto the first device, the optimiser steps
 * there, and the updated values are copied back to the replicas. Every part's loss is normalised
 * by the whole batch's example count, so the update equals gradient accumulation over the same
 * parts. Devices are driven in turn from the training thread; mixed precision is single-device.
 * The only host reads are at logging points, validation and checkpoints.
 *
 * <p><b>Native memory.</b> The trainer owns sub-managers of the model's manager: one for the
 * optimiser's moments, one for its own state (best weights, loss and step scalars, device
 * replicas), and one per step for the batch and all intermediates, closed at the end of the step.
 * {@link #close()} frees the trainer's arrays (not the model) and is idempotent. Not thread-safe;
 * call {@link #fit()} once per trainer.
 */
public final class Trainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final AtomicBoolean MALLOC_HINT_GIVEN = new AtomicBoolean();

    private final MultiHeadModel model;
    private final BatchSource data;
    private final BatchSampler sampler;
    private final AdamW optimizer;
    private final LinearSchedule schedule;
    private final int patience;
    private final int maxEpochs;
    private final int accumulation;
    private final int logEvery;
    private final int evalBatchSize;
    private final long seed;
    private final Precision precision;
    private final CheckpointStore store;
    private final List<TrainingListener> listeners;
    /** Mixed precision only (else null): the loss scaler and the parameters computed in float16. */
    private final LossScaler scaler;
    private final Set<Parameter> halfParameters;

    private final NDManager stateManager;
    private final NDManager stepRoot;
    /** The devices a batch is split over; the first is the model's. */
    private final List<Device> devices;
    /** For each device after the first, a replica of every parameter, in {@code model.parameters()} order. */
    private final List<List<NDArray>> replicas = new ArrayList<>();
    /** The same replicas, looked up by parameter for the forward. */
    private final List<Map<Parameter, NDArray>> replicaLookup = new ArrayList<>();
    private final NDArray intervalLoss;
    private final NDArray firstBadStep;
    private final NDArray stepCounter;
    /** The last steps' (global step, epoch, tasks present), for naming a non-finite step's tasks. */
    private final ArrayDeque<RecentStep> recentSteps = new ArrayDeque<>();

    private long globalStep;
    private EarlyStopping stopping;
    private final List<EpochReport> epochs = new ArrayList<>();
    private Map<String, NDArray> best;
    private boolean closed;

    private Trainer(Builder b, CheckpointStore store) {
        this.model = b.model;
        this.data = b.data;
        this.patience = b.patience;
        this.maxEpochs = b.maxEpochs;
        this.accumulation = b.accumulation;
        this.logEvery = b.logEvery;
        this.evalBatchSize = b.evalBatchSize;
        this.seed = b.seed;
        this.precision = b.precision;
        this.store = store;
        this.listeners = List.copyOf(b.listeners);
        SplittableRandom root = new SplittableRandom(seed);
        long samplerSeed = root.split().nextLong();
        this.sampler = b.sampler != null
                ? b.sampler
                : new HeterogeneousBatchSampler(HeterogeneousSampler.builder()
                        .setTaskSizes(trainSizes(b.data))
                        .setBatchSize(b.batchSize)
                        .optSeed(samplerSeed)
                        .build());
        long total = (long) maxEpochs * sampler.batchesPerEpoch();
        this.schedule = b.linearDecay
                ? new LinearSchedule(b.learningRate, Math.min(b.warmupSteps, total), total)
                : new LinearSchedule(b.learningRate, b.warmupSteps, Long.MAX_VALUE);
        NDManager mm = model.getManager();
        this.stateManager = mm.newSubManager();
        this.stepRoot = mm.newSubManager();
        this.optimizer = b.optimizer.setManager(mm).build();
        if (precision == Precision.FP16_MIXED) {
            this.scaler = b.lossScaler.setManager(mm).build();
            this.halfParameters = ((TransformerEncoder) model.encoder()).matrixParameters();
        } else {
            this.scaler = null;
            this.halfParameters = Set.of();
        }
        this.intervalLoss = stateManager.zeros(new Shape(1), DataType.FLOAT32);
        this.firstBadStep = stateManager.create(new long[] {-1L});
        this.stepCounter = stateManager.zeros(new Shape(1), DataType.INT64);
        this.stopping = new EarlyStopping(patience);
        this.devices = b.devices.isEmpty() ? List.of(mm.getDevice()) : List.copyOf(b.devices);
        for (int d = 1; d < devices.size(); d++) {
            Device dev = devices.get(d);
            NDManager rm = stateManager.newSubManager(dev);
            List<NDArray> list = new ArrayList<>();
            Map<Parameter, NDArray> lookup = new IdentityHashMap<>();
            for (NamedParameter p : model.parameters()) {
                NDArray src = p.parameter().getArray();
                // toDevice onto the same device would alias the parameter, so clone there instead
                NDArray a = src.getDevice().equals(dev) ? src.duplicate() : src.toDevice(dev, true);
                a.attach(rm);
                a.setRequiresGradient(true);
                list.add(a);
                lookup.put(p.parameter(), a);
            }
            replicas.add(list);
            replicaLookup.add(lookup);
        }
    }

    private static int[] trainSizes(BatchSource data) {
        int[] s = new int[data.numTasks()];
        for (int t = 0; t < s.length; t++) {
            s[t] = data.size(t, Split.TRAIN);
        }
        return s;
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
     * Returns the optimiser.
     *
     * @return the optimiser, owned by the trainer
     */
    public AdamW optimizer() {
        return optimizer;
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
     * Trains until early stopping or the epoch limit, continuing from the checkpoint folder's
     * checkpoint if there is one, and leaves the best epoch's weights in the model.
     *
     * @return the epochs' reports and the best epoch
     * @throws IOException if a checkpoint cannot be read or written
     * @throws NonFiniteLossException if a training loss becomes NaN or infinite
     */
    public FitResult fit() throws IOException {
        hintMallocSettings();
        checkOpen();
        int startEpoch = 0;
        if (store != null) {
            Optional<Path> latest = store.latest();
            if (latest.isPresent()) {
                TrainState st = restore(latest.get());
                if (st.finished()) {
                    LOG.info("run in {} already finished after {} epochs", latest.get(), st.epochsDone());
                    return result(st.stoppedEarly());
                }
                startEpoch = st.epochsDone();
                LOG.info("resuming from {} after {} epochs", latest.get(), startEpoch);
            }
        }
        syncReplicas(model.parameters());
        Engine engine = model.getManager().getEngine();
        for (int epoch = startEpoch; epoch < maxEpochs && !stopping.shouldStop(); epoch++) {
            engine.setRandomSeed(epochSeed(epoch));
            List<SampledBatch> plan = sampler.nextEpoch();
            long start = System.nanoTime();
            long intervalStart = start;
            long examples = 0;
            long intervalExamples = 0;
            int intervalSteps = 0;
            for (int i = 0; i < plan.size(); i++) {
                SampledBatch b = plan.get(i);
                trainStep(b, epoch);
                examples += b.size();
                intervalExamples += b.size();
                intervalSteps++;
                if ((i + 1) % logEvery == 0 || i == plan.size() - 1) {
                    long now = System.nanoTime();
                    double meanLoss = readInterval(intervalSteps);
                    StepReport r = new StepReport(epoch, i + 1, plan.size(), globalStep, meanLoss,
                            schedule.lr(globalStep - 1), intervalExamples / Math.max(1e-9, (now - intervalStart) / 1e9),
                            (now - start) / 1e9);
                    LOG.debug("epoch {} step {}/{}: loss {}", epoch, i + 1, plan.size(), meanLoss);
                    listeners.forEach(l -> l.onSteps(r));
                    intervalStart = now;
                    intervalExamples = 0;
                    intervalSteps = 0;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double[] val = validationLosses();
            double avg = average(val);
            boolean improved = stopping.observe(avg);
            if (improved) {
                snapshotBest();
            }
            EpochReport report = new EpochReport(epoch, boxed(val), avg, improved, seconds, examples);
            epochs.add(report);
            LOG.info("epoch {}: average validation loss {} (best epoch {}), {} s", epoch, avg, stopping.bestEpoch(), seconds);
            listeners.forEach(l -> l.onEpoch(report));
            if (store != null) {
                int done = epoch + 1;
                Path dir = store.write(done, false, d -> writeCheckpoint(d, done, false, false));
                listeners.forEach(l -> l.onCheckpoint(dir, done));
            }
        }
        boolean stoppedEarly = stopping.shouldStop();
        restoreBest();
        if (store != null) {
            int done = epochs.size();
            Path dir = store.write(done, true, d -> writeCheckpoint(d, done, true, stoppedEarly));
            listeners.forEach(l -> l.onCheckpoint(dir, done));
        }
        return result(stoppedEarly);
    }

    private FitResult result(boolean stoppedEarly) {
        return new FitResult(epochs, stopping.bestEpoch(), stopping.bestScore(), stoppedEarly, globalStep,
                schedule.peak());
    }

    private int epochSeed(int epoch) {
        return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1L))).nextInt();
    }

    /**
     * Runs one optimiser step on a sampled batch (split into micro-batches when accumulating).
     * Package-private for tests.
     *
     * @param b the batch
     * @param epoch its epoch, for error messages
     */
    void trainStep(SampledBatch b, int epoch) {
        int[] present = b.presentTasks();
        List<NamedParameter> active = model.activeParameters(present);
        double lr = schedule.lr(globalStep);
        int n = b.size();
        try (NDManager sm = stepRoot.newSubManager()) {
            int parts = accumulation * devices.size();
            List<NDArray> losses = new ArrayList<>(parts);
            try (GradientCollector gc = model.getManager().getEngine().newGradientCollector()) {
                for (int j = 0; j < parts; j++) {
                    int from = (int) ((long) j * n / parts);
                    int to = (int) ((long) (j + 1) * n / parts);
                    if (from == to) {
                        continue;
                    }
                    int d = j % devices.size();
                    NDManager dm = d == 0 ? sm : sm.newSubManager(devices.get(d));
                    ParameterStore ps = d == 0 ? parameterStore(dm) : new ReplicaStore(dm, replicaLookup.get(d - 1));
                    MultiTaskBatch mb = data.assemble(Split.TRAIN, Arrays.copyOfRange(b.tasks(), from, to),
                            Arrays.copyOfRange(b.examples(), from, to));
                    MultiHeadModel.Output out = model.forward(dm, mb, true, ps);
                    // normalised by the whole batch, so the summed gradients equal one big batch's
                    NDArray loss = EngineScalars.div(out.lossSum(), (float) n);
                    gc.backward(scaler == null ? loss : scaler.scale(loss));
                    losses.add(d == 0 ? loss : tmp(sm, loss.stopGradient().toDevice(devices.get(0), false)));
                }
            }
            if (devices.size() > 1) {
                optimizer.step(active, sumReplicaGradients(sm, active), lr);
                zeroGradients(active);
                syncReplicas(active);
            } else if (scaler == null) {
                optimizer.step(active, lr);
            } else {
                mixedPrecisionStep(sm, active, lr);
            }
            NDArray stepLoss = losses.get(0).stopGradient();
            for (int j = 1; j < losses.size(); j++) {
                stepLoss = stepLoss.add(losses.get(j).stopGradient());
            }
            stepLoss = stepLoss.reshape(1);
            intervalLoss.addi(stepLoss);
            NDArray bad = stepLoss.isNaN().logicalOr(stepLoss.isInfinite());
            NDArray notYet = tmp(sm, firstBadStep.lt(0));
            NDArray fresh = bad.logicalAnd(notYet);
            NDArray updated = tmp(sm, NDArrays.where(fresh, stepCounter, firstBadStep));
            TensorArchive.copyInto(updated, firstBadStep);
            stepCounter.addi(1L);
        }
        recentSteps.addLast(new RecentStep(globalStep, epoch, present));
        while (recentSteps.size() > Math.max(2L * logEvery, 64)) {
            recentSteps.removeFirst();
        }
        globalStep++;
    }

    /** Sums each active parameter's gradient over the devices, onto the first device. */
    private List<NDArray> sumReplicaGradients(NDManager sm, List<NamedParameter> active) {
        Map<Parameter, Integer> index = new IdentityHashMap<>();
        List<NamedParameter> all = model.parameters();
        for (int i = 0; i < all.size(); i++) {
            index.put(all.get(i).parameter(), i);
        }
        List<NDArray> grads = new ArrayList<>(active.size());
        for (NamedParameter p : active) {
            NDArray g = tmp(sm, p.parameter().getArray().getGradient());
            int i = index.get(p.parameter());
            for (List<NDArray> rep : replicas) {
                NDArray rg = tmp(sm, rep.get(i).getGradient());
                g = tmp(sm, g.add(tmp(sm, rg.toDevice(g.getDevice(), false))));
            }
            grads.add(g);
        }
        return grads;
    }

    private void zeroGradients(List<NamedParameter> active) {
        Map<Parameter, Integer> index = new IdentityHashMap<>();
        List<NamedParameter> all = model.parameters();
        for (int i = 0; i < all.size(); i++) {
            index.put(all.get(i).parameter(), i);
        }
        AdamW.zeroGradients(active);
        for (List<NDArray> rep : replicas) {
            for (NamedParameter p : active) {
                NDArray a = rep.get(index.get(p.parameter()));
                try (NDArray g = a.getGradient()) {
                    g.subi(g);
                }
            }
        }
    }

    /** Copies the first device's values of the given parameters to every replica. */
    private void syncReplicas(List<NamedParameter> params) {
        if (replicas.isEmpty()) {
            return;
        }
        Map<Parameter, Integer> index = new IdentityHashMap<>();
        List<NamedParameter> all = model.parameters();
        for (int i = 0; i < all.size(); i++) {
            index.put(all.get(i).parameter(), i);
        }
        for (List<NDArray> rep : replicas) {
            for (NamedParameter p : params) {
                TensorArchive.copyInto(p.parameter().getArray(), rep.get(index.get(p.parameter())));
            }
        }
    }

    /**
     * Returns a copy of one replica's values, for tests.
     *
     * @param device the device index, from 1
     * @return values in {@code model.parameters()} order
     */
    List<float[]> replicaValues(int device) {
        List<float[]> out = new ArrayList<>();
        for (NDArray a : replicas.get(device - 1)) {
            out.add(a.toFloatArray());
        }
        return out;
    }

    /** Serves a device replica's arrays to the blocks of a forward on that device. */
    private static final class ReplicaStore extends ParameterStore {
        private final Map<Parameter, NDArray> values;

        ReplicaStore(NDManager manager, Map<Parameter, NDArray> values) {
            super(manager, false);
            this.values = values;
        }

        @Override
        public NDArray getValue(Parameter parameter, Device device, boolean training) {
            if (parameter == null) {
                return null;
            }
            NDArray a = values.get(parameter);
            if (a == null) {
                throw new IllegalStateException("replica: parameter " + parameter.getName() + " has no replica");
            }
            return a;
        }
    }

    // ---- mixed precision (h-speed) ----

    private ParameterStore parameterStore(NDManager sm) {
        return scaler == null ? new ParameterStore(sm, false) : new HalfPrecisionStore(sm, halfParameters);
    }

    /** Unscales the master gradients, steps unless they overflowed, updates the scale; no host sync. */
    private void mixedPrecisionStep(NDManager sm, List<NamedParameter> active, double lr) {
        List<NDArray> grads = new ArrayList<>(active.size());
        for (NamedParameter p : active) {
            NDArray g = p.parameter().getArray().getGradient();
            g.attach(sm);
            grads.add(g);
        }
        NDArray found = scaler.unscale(grads, sm);
        optimizer.step(active, lr, found);
        scaler.update(found);
    }

    /**
     * Returns the loss scaler of mixed-precision training.
     *
     * @return the scaler, owned by the trainer, or empty under {@link Precision#FLOAT32}
     */
    public Optional<LossScaler> lossScaler() {
        return Optional.ofNullable(scaler);
    }

    private record RecentStep(long step, int epoch, int[] tasks) {}

    /** Once per JVM: on Linux CPUs, glibc's defaults re-fault every activation page each step. */
    private void hintMallocSettings() {
        boolean cpu = devices.stream().allMatch(d -> d.getDeviceType().equals(Device.Type.CPU));
        if (cpu && System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("linux")
                && !MallocSettings.chosenIn(System.getenv()) && MALLOC_HINT_GIVEN.compareAndSet(false, true)) {
            LOG.info("training on CPU with glibc's default malloc settings, which return freed activations to the"
                    + " kernel every step; starting the JVM with {} makes steps faster (docs/cpu.md)",
                    MallocSettings.describe(MallocSettings.RECOMMENDED));
        }
    }

    private static NDArray tmp(NDManager sm, NDArray a) {
        a.attach(sm);
        return a;
    }

    private double readInterval(int steps) {
        long bad = firstBadStep.toLongArray()[0];
        if (bad >= 0) {
            throw nonFinite(bad);
        }
        float sum = intervalLoss.toFloatArray()[0];
        intervalLoss.subi(intervalLoss);
        return sum / steps;
    }

    private NonFiniteLossException nonFinite(long step) {
        for (RecentStep s : recentSteps) {
            if (s.step() == step) {
                List<String> names = new ArrayList<>();
                for (int t : s.tasks()) {
                    names.add(model.taskNames().get(t));
                }
                return new NonFiniteLossException(step, s.epoch(), names);
            }
        }
        return new NonFiniteLossException(step, -1, List.of());
    }

    /**
     * Computes each task's mean validation loss with the current weights (no dropout).
     *
     * @return per task, NaN for a task without validation examples
     */
    public double[] validationLosses() {
        checkOpen();
        double[] out = new double[model.numTasks()];
        try (NDManager sm = stepRoot.newSubManager()) {
            NDArray[] sums = new NDArray[out.length];
            for (int t = 0; t < out.length; t++) {
                int n = data.size(t, Split.VALIDATION);
                for (int from = 0; from < n; from += evalBatchSize) {
                    int to = Math.min(n, from + evalBatchSize);
                    try (NDManager bm = sm.newSubManager()) {
                        MultiTaskBatch batch = data.assemble(Split.VALIDATION, filled(t, to - from), range(from, to));
                        NDArray s = model.forward(bm, batch, false).taskLossSums().get(0);
                        s.attach(sm);
                        sums[t] = sums[t] == null ? s : sums[t].add(s);
                    }
                }
            }
            for (int t = 0; t < out.length; t++) {
                int n = data.size(t, Split.VALIDATION);
                out[t] = n == 0 ? Double.NaN : sums[t].toType(DataType.FLOAT64, false).getDouble() / n;
            }
        }
        return out;
    }

    /**
     * Returns a task's logits on a split, with the current weights (no dropout).
     *
     * @param task the task index
     * @param split the split
     * @return one logits entry per example
     */
    public TaskPredictions predict(int task, Split split) {
        checkOpen();
        int n = data.size(task, split);
        List<float[]> logits = new ArrayList<>(n);
        int width = -1;
        try (NDManager sm = stepRoot.newSubManager()) {
            for (int from = 0; from < n; from += evalBatchSize) {
                int to = Math.min(n, from + evalBatchSize);
                try (NDManager bm = sm.newSubManager()) {
                    MultiTaskBatch batch = data.assemble(split, filled(task, to - from), range(from, to));
                    NDArray lg = model.forward(bm, batch, false).logits().get(0);
                    Shape shape = lg.getShape();
                    width = (int) shape.getLastDimension();
                    float[] all = lg.toType(DataType.FLOAT32, false).toFloatArray();
                    int per = all.length / (to - from);
                    for (int i = 0; i < to - from; i++) {
                        logits.add(Arrays.copyOfRange(all, i * per, (i + 1) * per));
                    }
                }
            }
        }
        return new TaskPredictions(task, split, range(0, n), logits, width);
    }

    private static int[] filled(int v, int n) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    private static int[] range(int from, int to) {
        int[] a = new int[to - from];
        for (int i = 0; i < a.length; i++) {
            a[i] = from + i;
        }
        return a;
    }

    private static double average(double[] v) {
        double s = 0;
        int n = 0;
        for (double x : v) {
            if (!Double.isNaN(x)) {
                s += x;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    private static List<Double> boxed(double[] v) {
        List<Double> l = new ArrayList<>(v.length);
        for (double x : v) {
            l.add(x);
        }
        return l;
    }

    private void snapshotBest() {
        if (best != null) {
            best.values().forEach(NDArray::close);
        }
        best = new LinkedHashMap<>();
        for (NamedParameter p : model.parameters()) {
            NDArray copy = p.parameter().getArray().duplicate();
            copy.attach(stateManager);
            best.put(p.key(), copy);
        }
    }

    private void restoreBest() {
        if (best == null) {
            return;
        }
        try {
            model.setValues(best, best.keySet(), "best epoch weights");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        syncReplicas(model.parameters());
    }

    private void writeCheckpoint(Path dir, int epochsDone, boolean finished, boolean stoppedEarly) throws IOException {
        TensorArchive.write(dir.resolve("model.ndlist"), MultiHeadModel.arrays(model.parameters()));
        Map<String, NDArray> moments = optimizer.momentArrays();
        if (!moments.isEmpty()) {
            TensorArchive.write(dir.resolve("optimizer.ndlist"), moments);
        }
        if (best != null) {
            TensorArchive.write(dir.resolve("best.ndlist"), best);
        }
        List<TrainState.EpochRecord> recs = new ArrayList<>();
        for (EpochReport r : epochs) {
            recs.add(new TrainState.EpochRecord(r.validationLosses(), r.averageValidationLoss(), r.improved(),
                    r.trainSeconds(), r.trainExamples()));
        }
        new TrainState(TrainState.FORMAT, epochsDone, globalStep, schedule.peak(), seed, sampler.saveState(),
                stopping.history(), recs, optimizer.stepCounts(), finished, stoppedEarly, manifest(),
                scaler == null ? null : scaler.readScale(), scaler == null ? null : scaler.readGrowthTracker())
                .write(dir.resolve("state.json"));
    }

    private Map<String, String> manifest() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("arch", System.getProperty("os.arch"));
        Engine e = model.getManager().getEngine();
        m.put("engine", e.getEngineName() + " " + e.getVersion());
        m.put("device", model.getManager().getDevice().toString());
        m.put("precision", precision.name());
        m.put("tasks", String.join(",", model.taskNames()));
        m.put("patience", Integer.toString(patience));
        m.put("maxEpochs", Integer.toString(maxEpochs));
        m.put("accumulation", Integer.toString(accumulation));
        m.put("schedule", schedule.toString());
        return m;
    }

    private TrainState restore(Path dir) throws IOException {
        TrainState st = TrainState.read(dir.resolve("state.json"));
        if (st.seed() != seed || Double.compare(st.learningRate(), schedule.peak()) != 0) {
            throw new IOException(dir + ": checkpoint of seed " + st.seed() + " and learning rate " + st.learningRate()
                    + " cannot resume a run of seed " + seed + " and learning rate " + schedule.peak());
        }
        try (NDManager tmp = stateManager.newSubManager()) {
            Map<String, NDArray> values = TensorArchive.read(dir.resolve("model.ndlist"), tmp);
            Map<String, NDArray> all = MultiHeadModel.arrays(model.parameters());
            model.setValues(values, all.keySet(), dir.toString());
            Path opt = dir.resolve("optimizer.ndlist");
            Map<String, NDArray> moments = Files.exists(opt) ? TensorArchive.read(opt, tmp) : Map.of();
            optimizer.restore(moments, st.stepCounts());
        }
        if (scaler != null) {
            if (st.lossScale() != null && st.lossScaleGrowthTracker() != null) {
                scaler.restore(st.lossScale(), st.lossScaleGrowthTracker());
            } else {
                LOG.warn("{}: checkpoint holds no loss scale (a float32 run or an older checkpoint); "
                        + "the mixed-precision run resumes from the initial scale", dir);
            }
        }
        Path bestFile = dir.resolve("best.ndlist");
        if (best != null) {
            best.values().forEach(NDArray::close);
            best = null;
        }
        if (Files.exists(bestFile)) {
            best = TensorArchive.read(bestFile, stateManager);
        }
        sampler.restoreState(st.samplerState());
        stopping = EarlyStopping.replay(patience, st.scores());
        epochs.clear();
        for (int e = 0; e < st.epochs().size(); e++) {
            TrainState.EpochRecord r = st.epochs().get(e);
            epochs.add(new EpochReport(e, r.validationLosses(), r.average(), r.improved(), r.trainSeconds(), r.trainExamples()));
        }
        globalStep = st.globalStep();
        try (NDManager tmp = stateManager.newSubManager()) {
            TensorArchive.copyInto(tmp.create(new long[] {globalStep}), stepCounter);
        }
        return st;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("trainer: already closed");
        }
    }

    /** Frees the optimiser state and the trainer's arrays (not the model); later calls do nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            optimizer.close();
            if (scaler != null) {
                scaler.close();
            }
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
        private double learningRate = 5e-5;
        private long warmupSteps;
        private boolean linearDecay = true;
        private AdamW.Builder optimizer = AdamW.builder();
        private int patience = 3;
        private int maxEpochs = 20;
        private int accumulation = 1;
        private int logEvery = 50;
        private int evalBatchSize = 128;
        private long seed = 42;
        private Precision precision = Precision.FLOAT32;
        private LossScaler.Builder lossScaler = LossScaler.builder();
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
         * @param sampler the sampler (its batch size then wins over {@link #optBatchSize})
         * @return this builder
         */
        public Builder optSampler(BatchSampler sampler) {
            this.sampler = Objects.requireNonNull(sampler, "sampler");
            return this;
        }

        /**
         * Sets the batch size of the default sampler; default 128 (the paper's).
         *
         * @param batchSize examples per optimiser step
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
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
         * @param warmupSteps steps, {@code >= 0}
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
         *
         * @param lossScaler a configured builder
         * @return this builder
         */
        public Builder optLossScaler(LossScaler.Builder lossScaler) {
            this.lossScaler = Objects.requireNonNull(lossScaler, "lossScaler");
            return this;
        }

        /**
         * Sets the precision; default {@link Precision#FLOAT32}. {@link Precision#FP16_MIXED}
         * needs a {@link TransformerEncoder} in the model.
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
            this.checkpointDir = Objects.requireNonNull(dir, "dir");
            return this;
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
         * @throws IllegalArgumentException if a value is missing or out of range
         * @throws IOException if the checkpoint folder cannot be created
         */
        public Trainer build() throws IOException {
            if (model == null || data == null) {
                throw new IllegalArgumentException("trainer: setModel and setData are required");
            }
            if (!data.taskNames().equals(model.taskNames())) {
                throw new IllegalArgumentException("trainer: data has tasks " + data.taskNames() + " but the model has heads "
                        + model.taskNames());
            }
            long train = Arrays.stream(trainSizes(data)).asLongStream().sum();
            if (train == 0) {
                throw new IllegalArgumentException("trainer: no task has training examples");
            }
            if (batchSize <= 0 || evalBatchSize <= 0) {
                throw new IllegalArgumentException("trainer: batch sizes must be positive, found " + batchSize + " and "
                        + evalBatchSize);
            }
            if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
                throw new IllegalArgumentException("trainer: learningRate must be finite and >= 0, found " + learningRate);
            }
            if (warmupSteps < 0) {
                throw new IllegalArgumentException("trainer: warmupSteps must be >= 0, found " + warmupSteps);
            }
            if (patience <= 0 || maxEpochs <= 0) {
                throw new IllegalArgumentException("trainer: patience and maxEpochs must be positive, found " + patience
                        + " and " + maxEpochs);
            }
            if (accumulation <= 0 || logEvery <= 0) {
                throw new IllegalArgumentException("trainer: gradient accumulation and logEvery must be positive, found "
                        + accumulation + " and " + logEvery);
            }
            if (!devices.isEmpty() && !devices.get(0).equals(model.getManager().getDevice())) {
                throw new IllegalArgumentException("trainer: the first device must be the model's " + model.getManager().getDevice()
                        + ", found " + devices.get(0));
            }
            if (devices.size() > 1 && precision == Precision.FP16_MIXED) {
                throw new IllegalArgumentException("trainer: FP16_MIXED runs on one device, found " + devices.size());
            }
            if (precision == Precision.FP16_MIXED && !(model.encoder() instanceof TransformerEncoder)) {
                throw new IllegalArgumentException("trainer: FP16_MIXED needs a TransformerEncoder, found "
                        + model.encoder().getClass().getName());
            }
            CheckpointStore store = checkpointDir == null ? null : new CheckpointStore(checkpointDir);
            return new Trainer(this, store);
        }
    }
}
