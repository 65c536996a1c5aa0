package io.github.prefine.core.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.core.model.internal.TensorArchive;
import io.github.prefine.core.precision.LossScaler;
import io.github.prefine.core.task.Split;
import io.github.prefine.kernels.DropoutSeeds;
import io.github.prefine.kernels.EngineScalars;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One optimiser step of a {@link MultiHeadModel} on a sampled batch: forward and backward over
 * the micro-batches and devices, then one flat {@link AdamW} update. The {@link Trainer} runs it
 * in its loop; {@code bench} times it as it is.
 *
 * <p>The model's parameters become views of a {@link FlatParameters} buffer when the step is
 * built, which is what lets clipping, the update and the loss-scale check be a constant number of
 * operations. Under {@link Precision#FP16_MIXED} the forward reads the encoder's projections
 * through one float16 cast of the buffer's prefix, the loss is multiplied by the {@link
 * LossScaler}'s scale, and the update unscales, checks and, on overflow, skips itself on the
 * device. {@link Precision#BF16_MIXED} reads them through one bfloat16 cast, without loss
 * scaling. The only host-to-device copies of a step are the batch's, made at its start; on a GPU
 * they do not wait for the device either (one non-blocking copy per data type, see {@link
 * MultiHeadModel#forward(NDManager, MultiTaskBatch, boolean, ParameterStore)}), so the host can
 * queue the next step while the device runs this one.
 *
 * <p>Not thread-safe. {@link #close()} frees the optimiser, the scaler and the replicas, and gives
 * the model's parameters arrays of their own again; it does not close the model. One open step (or
 * {@link Trainer}) per model: {@link Builder#build()} refuses a model whose parameters another
 * open one holds.
 */
public final class TrainingStep implements AutoCloseable {
    private final MultiHeadModel model;
    private final BatchSource data;
    private final Precision precision;
    private final int accumulation;
    private final FlatParameters flat;
    private final AdamW optimizer;
    private final LossScaler scaler;
    private final Replicas replicas;
    private final List<Device> devices;
    private final java.util.SplittableRandom seeds;
    /** Mixed precision: steps skipped for overflow, float32 on the device. */
    private final NDArray skipped;
    /** Loss scaling: optimiser updates made (steps not skipped), int64 on the device. */
    private final NDArray updates;
    /** Loss scaling: the schedule's rate per update, float32 on the device, for {@link #tableOf}. */
    private LinearSchedule tableOf;
    private NDArray rateTable;
    private NDArray lastUpdate;
    private final NDManager stateManager;
    private java.util.function.Consumer<NDArray> gradientHook;
    private NDArray lastOverflow;
    private boolean closed;

    private TrainingStep(Builder b) {
        this.model = b.model;
        this.data = b.data;
        this.precision = b.precision;
        this.accumulation = b.accumulation;
        this.seeds = new java.util.SplittableRandom(b.seed);
        NDManager mm = model.getManager();
        // the parameters become views of one buffer, filled in place: not to be recorded
        GradMode.offInThisThread(mm.getEngine());
        List<List<NamedParameter>> groups = new ArrayList<>();
        groups.add(model.encoderParameters());
        for (int t = 0; t < model.numTasks(); t++) {
            groups.add(model.headParameters(t));
        }
        // the layout and the update read one filter, the default one on each head key within its head
        java.util.function.Predicate<String> decays = AdamW.forModel(b.optimizer.decayFilter(), model);
        this.flat = FlatParameters.of(mm, groups, precision.isMixed()
                ? model.halfPrecisionParameters() : java.util.Set.of(), decays);
        this.devices = b.devices.isEmpty() ? List.of(mm.getDevice()) : List.copyOf(b.devices);
        AdamW adamW = null;
        LossScaler lossScaler = null;
        try {
            adamW = b.optimizer.setParameters(flat).build(decays);
            lossScaler = precision == Precision.FP16_MIXED
                    ? (b.lossScaler != null ? b.lossScaler : LossScaler.builder()).setManager(mm).build()
                    : null;
            this.replicas = devices.size() > 1 ? new Replicas(flat, devices.subList(1, devices.size())) : null;
        } catch (RuntimeException e) {
            // refused settings or an unreachable device: no step exists to close, so give the
            // parameters their own arrays back and free what was made, or a copy of the model stays
            // in its manager
            if (lossScaler != null) {
                lossScaler.close();
            }
            if (adamW != null) {
                adamW.close();
            }
            flat.close();
            throw e;
        }
        this.optimizer = adamW;
        this.scaler = lossScaler;
        this.stateManager = mm.newSubManager();
        this.skipped = stateManager.zeros(new ai.djl.ndarray.types.Shape(), DataType.FLOAT32);
        this.updates = stateManager.zeros(new ai.djl.ndarray.types.Shape(), DataType.INT64);
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
     * Runs one step: forward and backward over {@code accumulation x devices} contiguous parts
     * of the batch, each part's loss normalised by the whole batch's size (so the summed gradient
     * equals one big batch's), then the update of the encoder and the heads of the tasks present.
     *
     * @param stepManager the step's manager on the model's device; owns every temporary
     * @param batch the sampled batch
     * @param lr the learning rate of this step
     * @return the step's mean loss, a float32 array of shape (1) on the model's device (not read)
     */
    public NDArray run(NDManager stepManager, SampledBatch batch, double lr) {
        return run(stepManager, batch, lr, seeds.nextLong(), phase -> { });
    }

    /**
     * Like {@link #run(NDManager, SampledBatch, double)} with an explicit dropout seed, telling a
     * listener as the step moves through its phases (bench uses this to time and count each
     * phase). The {@link Trainer} derives the seed from its run seed and the global step, so a
     * resumed run draws the same masks.
     *
     * @param stepManager the step's manager on the model's device; owns every temporary
     * @param batch the sampled batch
     * @param lr the learning rate of this step
     * @param dropoutSeed the seed of this step's dropout masks on a CPU (see {@link
     *     io.github.prefine.kernels.DropoutSeeds}); a GPU uses PyTorch's generator
     * @param phases told when each phase starts
     * @return the step's mean loss, a float32 array of shape (1) on the model's device (not read)
     */
    public NDArray run(NDManager stepManager, SampledBatch batch, double lr, long dropoutSeed,
            StepPhase.Listener phases) {
        checkOpen();
        try (DropoutSeeds masks = DropoutSeeds.open(dropoutSeed)) {
            return runSeeded(stepManager, batch, lr, null, phases);
        }
    }

    /**
     * Like {@link #run(NDManager, SampledBatch, double, long, StepPhase.Listener)} with the rate
     * of a schedule, whose step k is the k-th optimiser update, as Hugging Face's trainer counts
     * it: under {@link Precision#FP16_MIXED} a step skipped for overflow is no update, so it does
     * not advance the schedule. This step counts the updates on the device and looks the rate up
     * there, in a table of the schedule's rates (4 bytes a step of its horizon), with no host
     * read; the other precisions skip no step and take {@code schedule.lr(globalStep)}.
     *
     * @param stepManager the step's manager on the model's device; owns every temporary
     * @param batch the sampled batch
     * @param schedule the learning-rate schedule
     * @param globalStep the steps run before this one, skipped ones included
     * @param dropoutSeed the seed of this step's dropout masks on a CPU
     * @param phases told when each phase starts
     * @return the step's mean loss, a float32 array of shape (1) on the model's device (not read)
     */
    public NDArray run(NDManager stepManager, SampledBatch batch, LinearSchedule schedule, long globalStep,
            long dropoutSeed, StepPhase.Listener phases) {
        checkOpen();
        if (scaler == null) {
            return run(stepManager, batch, schedule.lr(globalStep), dropoutSeed, phases);
        }
        try (DropoutSeeds masks = DropoutSeeds.open(dropoutSeed)) {
            return runSeeded(stepManager, batch, Double.NaN, schedule, phases);
        }
    }

    /** The rate of the update to come, on the device: the schedule's table at the update count. */
    private NDArray scheduledRate(NDManager stepManager, LinearSchedule schedule) {
        if (!schedule.equals(tableOf)) {
            long last = schedule.totalSteps() == Long.MAX_VALUE ? schedule.warmupSteps() : schedule.totalSteps();
            if (last >= Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("schedule: " + last + " steps are too many for a table of rates;"
                        + " at most " + (Integer.MAX_VALUE - 9));
            }
            float[] rates = new float[(int) last + 1];
            for (int k = 0; k < rates.length; k++) {
                rates[k] = (float) schedule.lr(k);
            }
            if (rateTable != null) {
                rateTable.close();
                lastUpdate.close();
            }
            // past the table the rate stays its last value: 0 after the decay, the peak without one
            rateTable = stateManager.create(rates);
            lastUpdate = stateManager.full(new ai.djl.ndarray.types.Shape(), last, DataType.INT64);
            tableOf = schedule;
        }
        NDArray at = own(stepManager, updates.minimum(lastUpdate));
        return own(stepManager, rateTable.take(stepManager, at));
    }

    /** The step; {@code onDevice}, when not null, gives the rate on the device instead of {@code lr}. */
    private NDArray runSeeded(NDManager stepManager, SampledBatch batch, double lr, LinearSchedule onDevice,
            StepPhase.Listener phases) {
        phases.enter(StepPhase.ASSEMBLY);
        int n = batch.size();
        boolean[] active = new boolean[flat.numGroups()];
        active[0] = true;
        for (int t : batch.tasks()) {
            active[1 + t] = true;
        }
        FlatParameters.Step main = flat.newStep(stepManager);
        Replicas.Step others = replicas == null ? null : replicas.newStep(stepManager);
        DataType compute = precision.computeType();
        int parts = accumulation * devices.size();
        NDArray total = null;
        try (GradientCollector gc = model.getManager().getEngine().newGradientCollector()) {
            for (int j = 0; j < parts; j++) {
                int from = (int) ((long) j * n / parts);
                int to = (int) ((long) (j + 1) * n / parts);
                if (from == to) {
                    continue;
                }
                int d = j % devices.size();
                NDManager dm = d == 0 ? stepManager : others.manager(d - 1);
                if (j > 0) {
                    phases.enter(StepPhase.ASSEMBLY);
                }
                MultiTaskBatch mb = data.assemble(Split.TRAIN, Arrays.copyOfRange(batch.tasks(), from, to),
                        Arrays.copyOfRange(batch.examples(), from, to));
                phases.enter(StepPhase.FORWARD);
                ParameterStore ps = d == 0 ? main.store(compute) : others.store(d - 1);
                MultiHeadModel.Output out = model.forward(dm, mb, true, ps);
                NDArray loss = EngineScalars.div(out.lossSum(), (float) n);
                phases.enter(StepPhase.BACKWARD);
                gc.backward(scaler == null ? loss : scaler.scale(loss));
                NDArray detached = loss.stopGradient();
                detached.attach(stepManager);
                if (d != 0) {
                    NDArray moved = detached.toDevice(devices.get(0), false);
                    moved.attach(stepManager);
                    detached = moved;
                }
                total = total == null ? detached : own(stepManager, total.add(detached));
            }
        }
        phases.enter(StepPhase.OPTIMIZER);
        NDArray gradient = main.gradient();
        if (others != null) {
            others.addGradientsTo(gradient);
        }
        if (gradientHook != null) {
            gradientHook.accept(gradient);
        }
        NDArray inverseScale = scaler == null ? null : own(stepManager, scaler.inverseScale());
        NDArray found = onDevice == null ? optimizer.step(stepManager, gradient, active, lr, inverseScale)
                : optimizer.step(stepManager, gradient, active, scheduledRate(stepManager, onDevice), inverseScale);
        lastOverflow = found;
        if (found != null) {
            // the flag is float32 0/1, as both the scaler's kernel and the skip count take it
            scaler.update(found);
            skipped.addi(found);
            // int64 += bool: torch promotes the boolean in place, no cast of its own
            updates.addi(own(stepManager, found.lt(EngineScalars.constant(found, 0.5f))));
        }
        if (replicas != null) {
            replicas.sync();
        }
        NDArray result = own(stepManager, total.reshape(1));
        phases.enter(StepPhase.DONE);
        return result;
    }

    private static NDArray own(NDManager m, NDArray a) {
        a.attach(m);
        return a;
    }

    /**
     * Returns how many steps mixed precision skipped for a non-finite gradient (a host read).
     *
     * @return the count, 0 under float32
     */
    public long skippedSteps() {
        checkOpen();
        return Math.round(skipped.getFloat());
    }

    /**
     * Returns the last step's skipped-step flag (mixed precision), owned by that step's manager.
     *
     * @return a float32 scalar on the device, 1 for a skipped step and 0 otherwise, or null under
     *     float32
     */
    NDArray lastOverflow() {
        return lastOverflow;
    }

    /** Sets the counts of steps run and skipped (after a restore). */
    void restoreSteps(long globalStep, long skippedCount) {
        if (skippedCount < 0 || skippedCount > globalStep) {
            throw new IllegalArgumentException("restore: " + skippedCount + " skipped of " + globalStep + " steps");
        }
        try (NDManager tmp = stateManager.newSubManager()) {
            ai.djl.ndarray.types.Shape scalar = new ai.djl.ndarray.types.Shape();
            TensorArchive.copyInto(tmp.full(scalar, skippedCount, DataType.FLOAT32), skipped);
            TensorArchive.copyInto(tmp.full(scalar, globalStep - skippedCount, DataType.INT64), updates);
        }
    }

    /** For tests: sees (and may change) each step's flat gradient before the update; null for none. */
    void inspectGradients(java.util.function.Consumer<NDArray> hook) {
        this.gradientHook = hook;
    }

    /**
     * Returns the optimiser.
     *
     * @return the optimiser, owned by this step
     */
    public AdamW optimizer() {
        return optimizer;
    }

    /**
     * Returns the loss scaler of mixed precision.
     *
     * @return the scaler, or null under {@link Precision#FLOAT32}
     */
    LossScaler scaler() {
        return scaler;
    }

    /**
     * Returns the parameters an evaluation pass reads, in this step's precision: under mixed
     * precision the encoder's projections come from one 16-bit cast of the buffer's prefix, made
     * here once for the whole pass (as Hugging Face evaluates under autocast); under float32 the
     * parameters themselves. Call after the last update the pass must see.
     *
     * @param passManager the manager of the pass: owns the cast, which the forwards read
     * @return the store to give {@link MultiHeadModel#forward(NDManager, MultiTaskBatch, boolean,
     *     ParameterStore)}
     */
    ParameterStore evaluationStore(NDManager passManager) {
        checkOpen();
        DataType compute = precision.computeType();
        return compute == DataType.FLOAT32 ? new ParameterStore(passManager, false)
                : flat.store(passManager, flat.master(), compute);
    }

    /**
     * Returns the flat parameters the model's parameters view.
     *
     * @return the buffer
     */
    public FlatParameters parameters() {
        return flat;
    }

    /** Copies the model's values to every device replica (after a restore). */
    void syncReplicas() {
        if (replicas != null) {
            replicas.sync();
        }
    }

    /**
     * Returns a copy of one replica's values, for tests.
     *
     * @param device the device index, from 1
     * @return values in {@code model.parameters()} order
     */
    List<float[]> replicaValues(int device) {
        return replicas.values(device - 1, model.parameters());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("training step: already closed");
        }
    }

    /** Frees the optimiser state, the loss scaler and the replicas; later calls do nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            optimizer.close();
            if (scaler != null) {
                scaler.close();
            }
            if (replicas != null) {
                replicas.close();
            }
            flat.close();
            stateManager.close();
        }
    }

    /**
     * The checks a step's settings must pass, shared with {@link Trainer.Builder}, which runs them
     * before it creates anything.
     *
     * @param lossScaler the loss scaler's settings, or null when none were given
     * @throws IllegalArgumentException naming {@code who} and the setting at fault, or, under
     *     FP16_MIXED, each encoder weight whose float16 copy would be infinite (65520 or more in
     *     magnitude)
     * @throws IllegalStateException if the model is closed, or another open trainer or step holds
     *     its parameters
     */
    static void check(String who, MultiHeadModel model, BatchSource data, Precision precision, int accumulation,
            List<Device> devices, LossScaler.Builder lossScaler) {
        if (!model.getManager().isOpen()) {
            throw new IllegalStateException(who + ": the model is closed (or the manager given to its builder is)");
        }
        if (FlatParameters.anyHeld(model.parameters())) {
            // named as the user knows the model: FlatParameters' own refusal names a parameter key
            throw new IllegalStateException(who + ": the model with heads " + model.taskNames() + " is still held by"
                    + " another open Trainer (or TrainingStep), which trains its parameters in place; close that"
                    + " trainer first (close(), or the end of its try-with-resources block), then build this one");
        }
        if (!data.taskNames().equals(model.taskNames())) {
            throw new IllegalArgumentException(who + ": data has tasks " + data.taskNames() + " but the model has heads "
                    + model.taskNames() + "; build both from the same tasks in the same order"
                    + " (MultiHeadModel.Builder.addTasks and FeatureBatchSource.of over one TaskSet)");
        }
        if (accumulation <= 0) {
            throw new IllegalArgumentException(who + ": gradient accumulation must be positive, found " + accumulation);
        }
        if (!devices.isEmpty() && !devices.get(0).equals(model.getManager().getDevice())) {
            throw new IllegalArgumentException(who + ": the first device must be the model's "
                    + model.getManager().getDevice() + ", found " + devices.get(0));
        }
        if (devices.size() > 1 && precision.isMixed()) {
            throw new IllegalArgumentException(who + ": " + precision + " runs on one device, found " + devices.size());
        }
        if (precision.isMixed() && model.halfPrecisionParameters().isEmpty()) {
            throw new IllegalArgumentException(who + ": " + precision + " needs an encoder with 16-bit parameters (an "
                    + "io.github.prefine.core.encoder.Encoder such as TransformerEncoder), found "
                    + model.encoder().getClass().getName());
        }
        if (lossScaler != null && precision != Precision.FP16_MIXED) {
            // BF16 has float32's range and needs no scaling: settings that cannot act are refused, not ignored
            throw new IllegalArgumentException(who + ": a loss scaler applies to FP16_MIXED only, found precision "
                    + precision);
        }
        if (precision == Precision.FP16_MIXED) {
            refuseFloat16Overflow(who, model);
        }
    }

    /** The least float32 magnitude that PyTorch's cast to float16 makes infinite (float16's largest finite is 65504). */
    private static final float FLOAT16_OVERFLOW = 65520f;

    /**
     * Refuses FP16_MIXED for a model whose float16 copies would be infinite: each step casts the
     * float32 weights of {@link MultiHeadModel#halfPrecisionParameters()} to float16, so one of
     * 65520 or more in magnitude makes an infinite copy, every loss and gradient overflows, and the
     * loss scaler skips every step without saying why. One host read for all of them, when a
     * trainer or step is built, not per step.
     */
    private static void refuseFloat16Overflow(String who, MultiHeadModel model) {
        List<String> over = float16Overflows(model);
        if (!over.isEmpty()) {
            throw new IllegalArgumentException(who + ": FP16_MIXED casts the encoder's projections to float16 each step,"
                    + " and " + String.join(", ", over) + " would become infinite there, beyond float16's largest"
                    + " finite value 65504: every step would overflow and be skipped; train in FLOAT32 or BF16_MIXED"
                    + " (bfloat16 has float32's range)");
        }
    }

    /**
     * The encoder's projections whose float32 masters the cast to float16 would make infinite, each
     * as {@code name (values up to x in magnitude)}: at build, and again when a run diverges, since
     * a weight can grow past float16's range while training. One host read for all of them.
     */
    static List<String> float16Overflows(MultiHeadModel model) {
        Set<Parameter> half = model.halfPrecisionParameters();
        List<NamedParameter> cast = new ArrayList<>();
        for (NamedParameter p : model.encoderParameters()) {
            if (half.contains(p.parameter())) {
                cast.add(p);
            }
        }
        if (cast.isEmpty()) {
            return List.of();
        }
        float[] max;
        try (NDManager scratch = model.getManager().newSubManager()) {
            NDList maxima = new NDList(cast.size());
            for (NamedParameter p : cast) {
                NDArray abs = p.parameter().getArray().abs();
                abs.attach(scratch);
                NDArray m = abs.max().toType(DataType.FLOAT32, false);
                m.attach(scratch);
                maxima.add(m);
            }
            NDArray all = NDArrays.stack(maxima);
            all.attach(scratch);
            max = all.toFloatArray();
        }
        List<String> over = new ArrayList<>();
        for (int i = 0; i < max.length; i++) {
            // a NaN or infinite weight is a diverged model, not a dtype's range: other checks name it
            if (Float.isFinite(max[i]) && max[i] >= FLOAT16_OVERFLOW) {
                over.add(cast.get(i).key() + " (values up to " + max[i] + " in magnitude)");
            }
        }
        return over;
    }

    /** Builds a {@link TrainingStep}; mutable, single-threaded. */
    public static final class Builder {
        private MultiHeadModel model;
        private BatchSource data;
        private Precision precision = Precision.FLOAT32;
        private int accumulation = 1;
        private AdamW.Builder optimizer = AdamW.builder();
        /** Null until optLossScaler: LossScaler.builder() under FP16_MIXED, refused under the others. */
        private LossScaler.Builder lossScaler;
        private List<Device> devices = List.of();
        private long seed = 42;

        private Builder() {}

        /**
         * Sets the seed of the dropout-seed stream of {@link TrainingStep#run(NDManager,
         * SampledBatch, double)}; default 42. (The {@link Trainer} passes each step's seed itself.)
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the model (required).
         *
         * @param model the model; its parameters become views of the step's buffer
         * @return this builder
         */
        public Builder setModel(MultiHeadModel model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * Sets the data the batches are assembled from (required).
         *
         * @param data the data
         * @return this builder
         */
        public Builder setData(BatchSource data) {
            this.data = Objects.requireNonNull(data, "data");
            return this;
        }

        /**
         * Sets the precision; default {@link Precision#FLOAT32}.
         *
         * @param precision the precision
         * @return this builder
         */
        public Builder optPrecision(Precision precision) {
            this.precision = Objects.requireNonNull(precision, "precision");
            return this;
        }

        /**
         * Sets the micro-batches per step; default 1.
         *
         * @param microBatches positive
         * @return this builder
         */
        public Builder optGradientAccumulation(int microBatches) {
            this.accumulation = microBatches;
            return this;
        }

        /**
         * Sets the optimiser's settings; default {@code AdamW.builder()}.
         *
         * @param optimizer a configured builder; the step sets its parameters
         * @return this builder
         */
        public Builder optOptimizer(AdamW.Builder optimizer) {
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
            return this;
        }

        /**
         * Sets the loss scaler's settings for {@link Precision#FP16_MIXED}; default {@code
         * LossScaler.builder()}. {@link #build()} refuses them under any other precision, which
         * scales no loss.
         *
         * @param lossScaler a configured builder; the step sets its manager
         * @return this builder
         */
        public Builder optLossScaler(LossScaler.Builder lossScaler) {
            this.lossScaler = Objects.requireNonNull(lossScaler, "lossScaler");
            return this;
        }

        /**
         * Splits each batch over several devices, the model's first (see {@link
         * Trainer.Builder#optDevices}); default the model's device alone.
         *
         * @param devices the devices
         * @return this builder
         */
        public Builder optDevices(List<Device> devices) {
            this.devices = List.copyOf(devices);
            return this;
        }

        /**
         * Builds the step; the model's parameters become views of its buffer.
         *
         * @return the step, which the caller must close
         * @throws IllegalArgumentException if a value is missing or inconsistent (a loss scaler
         *     without {@link Precision#FP16_MIXED} included), or under FP16_MIXED an encoder weight
         *     is 65520 or more in magnitude (its float16 copy would be infinite), naming it
         * @throws IllegalStateException if the model is closed, or another open step or
         *     {@link Trainer} holds its parameters
         */
        public TrainingStep build() {
            if (model == null || data == null) {
                throw new IllegalArgumentException("training step: setModel and setData are required");
            }
            check("training step", model, data, precision, accumulation, devices, lossScaler);
            return new TrainingStep(this);
        }
    }
}
