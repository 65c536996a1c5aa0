package io.github.prefine.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.prefine.core.checkpoint.HostTensors;
import io.github.prefine.core.kernels.FusedAdamW;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.kernels.EngineScalars;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * AdamW (Loshchilov and Hutter, <a href="https://arxiv.org/abs/1711.05101">arXiv:1711.05101</a>)
 * over a {@link FlatParameters} buffer, following {@code torch.optim.AdamW} with {@code
 * torch.nn.utils.clip_grad_norm_}: clip the global gradient norm, decay {@code w -= lr * wd * w},
 * then {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g²}, {@code w -= lr / (1 - b1^t) * m /
 * (sqrt(v) / sqrt(1 - b2^t) + eps)}, with {@code t} counted per parameter group (the encoder, each
 * head). Defaults are the Hugging Face Trainer's: betas 0.9/0.999, eps 1e-8, weight decay 0,
 * clipping at 1.0.
 *
 * <p><b>One update for all parameters.</b> A step is a fixed number of operations, whatever the
 * number of parameter tensors or heads. By default the update is PyTorch's fused AdamW kernel
 * (the one behind {@code torch.optim.AdamW(fused=True)}, reached through {@link FusedAdamW}): one
 * pass that reads weights, gradient and moments and writes weights and moments, over the
 * contiguous ranges of the flat buffer that belong to the groups of this step (one range per
 * group, two where weight decay splits it). Around it, the gradient norm, the clipping and
 * unscaling divisor and the overflow flag are a few scalar operations on the device, and one
 * {@code split} cuts the gradient into the ranges: 9 operations a step in float32 with clipping.
 *
 * <p>Where that kernel cannot run (a PyTorch without it), the optimiser says so once and updates
 * with elementwise operations instead ({@link ElementwiseAdamW}): also a fixed number of
 * operations, 44 on a GPU with clipping and weight decay, but about 29 passes over the parameters
 * where the kernel makes 8. On a CPU it updates the encoder in blocks of {@link #CPU_BLOCK}
 * elements, so that the temporaries stay small. Every constant lives on the device and the
 * learning rate reaches it as a kernel argument (or through {@code full}): the fused step makes no
 * host-to-device copy of its own, so it never waits for the device (the elementwise one copies the
 * step's group flags).
 *
 * <p><b>Absent heads.</b> Groups not marked active in a step keep their values, moments and step
 * counts exactly, as torch leaves a parameter whose gradient is {@code None}: the fused kernel is
 * not given their ranges, and the elementwise update gives them factors that change nothing.
 *
 * <p><b>Mixed precision.</b> Given the loss scale's inverse, the step unscales the gradient as it
 * clips it, and skips itself on the device when the gradient is not finite: weights, moments and
 * step counts stay bit for bit, and the returned flag drives the {@link
 * io.github.prefine.core.precision.LossScaler}.
 *
 * <p>Not thread-safe. {@link #close()} frees the moments and is idempotent.
 */
public final class AdamW implements AutoCloseable {
    /** Elements per block of the encoder update on a CPU: 16 Mi float32 = 64 MiB temporaries. */
    static final long CPU_BLOCK = 1L << 24;

    /**
     * The largest step count {@link #restore} takes: 2^24, the largest the float32 counts hold
     * exactly, and where they stop (2^24 + 1 rounds back to it), so a run past 2^24 steps
     * checkpoints this count; its bias correction is 1 in float32 there, as it would be at the true count.
     */
    public static final long MAX_STEP_COUNT = 1L << 24;

    private final FlatParameters flat;
    private final NDManager manager;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final double weightDecay;
    private final double maxGradNorm;
    private final Predicate<String> decays;
    private final long block;
    /** Both moments in one buffer, [2, size]: the first moment, then the second. */
    private NDArray moments;
    private NDArray firstMoment;
    private NDArray secondMoment;
    /** Step count of each group, float32 on the device (exact to 2^24 steps). */
    private NDArray steps;
    private boolean closed;

    /** The fused kernel, or null where this PyTorch cannot run it (the elementwise update then). */
    private final FusedAdamW kernel;
    /** The elementwise update, made with the moments where {@link #kernel} is null. */
    private ElementwiseAdamW elementwise;
    /** Contiguous ranges of one group, and of one decay variant where weight decay is on. */
    private final List<Range> ranges = new ArrayList<>();
    private final long[] rangeStarts;
    private final List<NDArray> rangeWeights = new ArrayList<>();
    private final List<NDArray> rangeFirst = new ArrayList<>();
    private final List<NDArray> rangeSecond = new ArrayList<>();
    private final List<NDArray> groupSteps = new ArrayList<>();

    private AdamW(Builder b, Predicate<String> decays) {
        this.flat = b.parameters;
        this.manager = flat.master().getManager().newSubManager();
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.epsilon = b.epsilon;
        this.weightDecay = b.weightDecay;
        this.maxGradNorm = b.maxGradNorm;
        this.decays = decays;
        this.block = flat.master().getDevice().isGpu() ? Long.MAX_VALUE : b.block;
        List<NamedParameter> ps = flat.parameters();
        this.steps = manager.zeros(new Shape(flat.numGroups()), DataType.FLOAT32);
        for (int i = 0; i < ps.size(); i++) {
            int g = flat.groupOf(i);
            boolean d = weightDecay > 0 && decays.test(ps.get(i).key());
            Range last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (last != null && last.group() == g && last.decayed() == d && last.to() == flat.offset(i)) {
                ranges.set(ranges.size() - 1, new Range(last.from(), flat.offset(i + 1), g, d));
            } else {
                ranges.add(new Range(flat.offset(i), flat.offset(i + 1), g, d));
            }
        }
        rangeStarts = ranges.stream().skip(1).mapToLong(Range::from).toArray();
        this.kernel = b.fused ? FusedAdamW.loadIfUsable(manager) : null;
    }

    /** True (a boolean scalar in {@code sm}) where the gradient norm is finite. */
    static NDArray finite(NDManager sm, NDArray norm) {
        // NaN < inf and inf < inf are false
        return own(sm, norm.lt(EngineScalars.constant(norm, Float.POSITIVE_INFINITY)));
    }

    /**
     * The found-inf flag of a step, as torch keeps it: a float32 scalar in {@code sm}, 1 where
     * {@code finite} is false, else 0; one {@code where}, whose result both fused kernels (AdamW's
     * and the loss scaler's) take with no cast.
     *
     * @param finite the boolean of {@link #finite}
     * @param norm the float32 gradient norm it was made from, which fixes the constants' device
     */
    static NDArray foundInf(NDManager sm, NDArray finite, NDArray norm) {
        return own(sm, NDArrays.where(finite, EngineScalars.constant(norm, 0f), EngineScalars.constant(norm, 1f)));
    }

    /** A range of the buffer [from, to) within one group, decayed or not. */
    private record Range(long from, long to, int group, boolean decayed) {}

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A device constant of the buffer's dtype and device (no host-to-device copy). */
    private NDArray constant(float value) {
        return EngineScalars.constant(flat.master(), value);
    }

    /**
     * Updates the parameters from a flat gradient (see the class description).
     *
     * @param gradient the step's flat gradient ({@link FlatParameters.Step#gradient()}); used as
     *     scratch space
     * @param active one flag per group: true for groups to update (the encoder and the heads of
     *     the tasks in the batch), false for groups to leave alone
     * @param lr the learning rate of this step
     * @param inverseScale for mixed precision, the loss scale's inverse (float32 scalar on the
     *     device): the gradient is unscaled, and the step skipped when it is not finite; null for
     *     float32 training
     * @param stepManager the step's manager, on the parameters' device: it owns the temporaries
     *     and the returned flag
     * @return with {@code inverseScale}, a float32 scalar on the device, 1 when the step was
     *     skipped and 0 otherwise (torch's {@code found_inf}, for {@link
     *     io.github.prefine.core.precision.LossScaler#update}); otherwise null
     */
    public NDArray step(NDManager stepManager, NDArray gradient, boolean[] active, double lr, NDArray inverseScale) {
        return update(stepManager, gradient, active, lr, null, inverseScale);
    }

    /**
     * Like {@link #step(NDManager, NDArray, boolean[], double, NDArray)} with the learning rate
     * read on the device, for a rate that depends on what earlier steps did (under loss scaling,
     * a skipped step does not advance the schedule) without a host read.
     *
     * @param stepManager the step's manager
     * @param gradient the step's flat gradient
     * @param active one flag per group
     * @param lr the learning rate, a float32 scalar on the parameters' device
     * @param inverseScale the loss scale's inverse, or null
     * @return as the other {@code step}
     */
    public NDArray step(NDManager stepManager, NDArray gradient, boolean[] active, NDArray lr, NDArray inverseScale) {
        return update(stepManager, gradient, active, Double.NaN, Objects.requireNonNull(lr, "lr"), inverseScale);
    }

    /** The update with the rate as a number, or on the device where {@code lrOnDevice} is not null. */
    private NDArray update(NDManager stepManager, NDArray gradient, boolean[] active, double lr, NDArray lrOnDevice,
            NDArray inverseScale) {
        checkOpen();
        Objects.requireNonNull(gradient, "gradient");
        Objects.requireNonNull(active, "active");
        if (gradient.size() != flat.size()) {
            throw new IllegalArgumentException("optimizer: gradient has " + gradient.size() + " elements, the parameters "
                    + flat.size());
        }
        if (active.length != flat.numGroups()) {
            throw new IllegalArgumentException("optimizer: " + active.length + " active flags for " + flat.numGroups()
                    + " groups");
        }
        ensureMoments();
        if (kernel != null) {
            return fusedStep(stepManager, gradient, active, lr, lrOnDevice, inverseScale);
        }
        return elementwise.step(stepManager, gradient, active, lr, lrOnDevice, inverseScale);
    }

    /**
     * The step through the fused kernel: the norm, the gradient's divisor and the overflow flag
     * on the device (a few scalar operations), one {@code split} of the gradient into the ranges,
     * and one kernel call for the ranges of the active groups.
     */
    private NDArray fusedStep(NDManager stepManager, NDArray gradient, boolean[] active, double lr,
            NDArray lrOnDevice, NDArray inverseScale) {
        try (NDManager sm = stepManager.newSubManager()) {
            // without loss scaling no step is skipped: the kernel takes no flag (one operation fewer)
            NDArray found = null;
            NDArray divisor = constant(1f);
            if (maxGradNorm > 0 || inverseScale != null) {
                NDArray norm = own(sm, gradient.norm());
                NDArray factor = null;
                if (inverseScale != null) {
                    found = foundInf(sm, finite(sm, norm), norm);
                    norm = own(sm, norm.mul(inverseScale));
                    factor = inverseScale;
                }
                if (maxGradNorm > 0) {
                    // torch's clip_grad_norm_: min(max / (norm + 1e-6), 1)
                    NDArray clip = own(sm, own(sm, constant((float) maxGradNorm)
                            .div(own(sm, norm.add(constant(1e-6f))))).minimum(constant(1f)));
                    factor = factor == null ? clip : own(sm, clip.mul(factor));
                }
                divisor = own(sm, constant(1f).div(factor));
            }
            NDList grads = new NDList(gradient);
            if (rangeStarts.length > 0) {
                grads = gradient.split(rangeStarts, 0);
                grads.attach(sm);
            }
            FusedAdamW.AdamLists decayedLists = FusedAdamW.AdamLists.empty();
            FusedAdamW.AdamLists plainLists = FusedAdamW.AdamLists.empty();
            for (int r = 0; r < ranges.size(); r++) {
                Range range = ranges.get(r);
                if (active[range.group()]) {
                    (range.decayed() ? decayedLists : plainLists).add(rangeWeights.get(r), grads.get(r),
                            rangeFirst.get(r), rangeSecond.get(r), groupSteps.get(range.group()));
                }
            }
            List<NDArray> counts = new ArrayList<>();
            for (int i = 0; i < active.length; i++) {
                if (active[i]) {
                    counts.add(groupSteps.get(i));
                }
            }
            if (lrOnDevice == null) {
                kernel.step(decayedLists, plainLists, counts, lr, beta1, beta2, weightDecay, epsilon, divisor,
                        found);
            } else {
                kernel.step(decayedLists, plainLists, counts, lrOnDevice, beta1, beta2, weightDecay, epsilon, divisor,
                        found);
            }
            if (found != null) {
                found.attach(stepManager);
            }
            return found;
        }
    }

    /** Makes the moments and the views a step updates, once. */
    private void ensureMoments() {
        if (moments != null) {
            return;
        }
        long n = flat.size();
        moments = own(manager, manager.zeros(new Shape(2, n), flat.master().getDataType()));
        firstMoment = own(manager, moments.get(0));
        secondMoment = own(manager, moments.get(1));
        NDArray w = flat.master();
        for (Range r : ranges) {
            NDIndex slice = new NDIndex("{}:{}", r.from(), r.to());
            rangeWeights.add(own(manager, w.get(slice)));
            rangeFirst.add(own(manager, firstMoment.get(slice)));
            rangeSecond.add(own(manager, secondMoment.get(slice)));
        }
        for (long g = 0; g < flat.numGroups(); g++) {
            groupSteps.add(own(manager, steps.get(g)));
        }
        if (kernel == null) {
            elementwise = new ElementwiseAdamW(flat, manager, beta1, beta2, epsilon, weightDecay, maxGradNorm, decays,
                    block, moments, steps);
        }
    }

    private static NDArray own(NDManager m, NDArray a) {
        a.attach(m);
        return a;
    }

    /**
     * Returns whether updates go through PyTorch's fused AdamW kernel (one pass over the
     * parameters and moments) rather than elementwise operations.
     *
     * @return true for the fused kernel
     */
    public boolean fused() {
        return kernel != null;
    }

    /**
     * Returns the parameters this optimiser updates.
     *
     * @return the flat parameters
     */
    public FlatParameters parameters() {
        return flat;
    }

    /**
     * Returns the settings that shape every update, as a checkpoint records them so that a resume
     * under other settings is refused: betas, epsilon, weight decay, clipping norm (floats written
     * with {@code toString}, which reads back bit for bit), and the weight-decay filter by what it
     * chose, as no filter can be named: the count of decayed parameters and a hash of their sorted keys.
     *
     * @return key ({@code optimizer.<setting>}) to value, in a fixed order
     */
    Map<String, String> settings() {
        SortedSet<String> decayed = new TreeSet<>();
        for (NamedParameter p : flat.parameters()) {
            if (weightDecay > 0 && decays.test(p.key())) {
                decayed.add(p.key());
            }
        }
        String chosen = decayed.size() + " of " + flat.parameters().size() + " parameters";
        if (!decayed.isEmpty()) {
            try {
                byte[] sha = MessageDigest.getInstance("SHA-256")
                        .digest(String.join("\n", decayed).getBytes(StandardCharsets.UTF_8));
                chosen += ", keys sha256 " + HexFormat.of().formatHex(sha, 0, 6);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required of every JVM", e);
            }
        }
        Map<String, String> s = new LinkedHashMap<>();
        s.put("optimizer.beta1", Float.toString(beta1));
        s.put("optimizer.beta2", Float.toString(beta2));
        s.put("optimizer.epsilon", Float.toString(epsilon));
        s.put("optimizer.weightDecay", Double.toString(weightDecay));
        s.put("optimizer.decayedParameters", chosen);
        s.put("optimizer.maxGradNorm", Double.toString(maxGradNorm));
        return s;
    }

    /**
     * Returns how many updates a parameter has received (a host read).
     *
     * @param key the parameter key
     * @return the step count {@code t} of its group, 0 if never updated
     * @throws IllegalArgumentException if no parameter has that key
     */
    public long stepCount(String key) {
        List<NamedParameter> ps = flat.parameters();
        for (int i = 0; i < ps.size(); i++) {
            if (ps.get(i).key().equals(key)) {
                return Math.round(steps.toFloatArray()[flat.groupOf(i)]);
            }
        }
        throw new IllegalArgumentException("optimizer: no parameter " + key);
    }

    /**
     * Returns the per-parameter step counts of parameters updated at least once, in buffer order
     * (a host read, at checkpoints only).
     *
     * @return a copy of key to count
     */
    public Map<String, Long> stepCounts() {
        float[] t = steps.toFloatArray();
        Map<String, Long> out = new LinkedHashMap<>();
        List<NamedParameter> ps = flat.parameters();
        for (int i = 0; i < ps.size(); i++) {
            long c = Math.round(t[flat.groupOf(i)]);
            if (c > 0) {
                out.put(ps.get(i).key(), c);
            }
        }
        return out;
    }

    /**
     * Returns the moments under keys {@code m.<key>} and {@code v.<key>}, as views of the flat
     * moments owned by {@code manager}, for checkpointing; empty before the first step.
     *
     * @param viewManager the manager that owns the views (not the moments)
     * @return key to moment view
     */
    public Map<String, NDArray> momentArrays(NDManager viewManager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        if (firstMoment == null) {
            return out;
        }
        List<NamedParameter> ps = flat.parameters();
        for (int i = 0; i < ps.size(); i++) {
            out.put("m." + ps.get(i).key(), own(viewManager, flat.slice(firstMoment, i)));
        }
        for (int i = 0; i < ps.size(); i++) {
            out.put("v." + ps.get(i).key(), own(viewManager, flat.slice(secondMoment, i)));
        }
        return out;
    }

    /**
     * Replaces the state with a checkpointed one, all or nothing: every key, shape, dtype and
     * count is checked before anything changes.
     *
     * @param moments arrays keyed as {@link #momentArrays}, of the parameters' shapes and the flat
     *     buffer's dtype; copied in, and a parameter without them gets zero moments
     * @param stepCounts per-parameter step counts, 0 to {@link #MAX_STEP_COUNT}; the parameters of
     *     one group must agree
     * @throws IllegalArgumentException if a key is unknown or not {@code m.}/{@code v.} prefixed,
     *     a moment is null, of another shape or dtype, or holds NaN or infinite values, a count is
     *     null, negative or over {@link #MAX_STEP_COUNT}, or a group's counts disagree; the state is
     *     then unchanged
     */
    public void restore(Map<String, NDArray> moments, Map<String, Long> stepCounts) {
        checkOpen();
        Map<String, Shape> shapes = momentShapes();
        DataType type = momentType();
        for (Map.Entry<String, NDArray> e : moments.entrySet()) {
            Shape expected = shapes.get(e.getKey());
            NDArray a = e.getValue();
            if (expected == null) {
                throw new IllegalArgumentException("optimizer state: key must be m.<parameter> or v.<parameter>, found "
                        + e.getKey());
            }
            if (a == null) {
                throw new IllegalArgumentException("optimizer state: " + e.getKey() + " is null, expected an array");
            }
            if (!a.getShape().equals(expected) || a.getDataType() != type) {
                throw new IllegalArgumentException("optimizer state: " + e.getKey() + " is " + a.getShape() + " "
                        + a.getDataType() + ", expected " + expected + " " + type);
            }
            // a NaN moment makes every weight of its parameter NaN at the next step
            if (!HostTensors.allFinite(a)) {
                throw new IllegalArgumentException("optimizer state: " + e.getKey()
                        + " holds NaN or infinite values, expected finite values");
            }
        }
        stepCounts.forEach((k, c) -> {
            // a count of -1 becomes 0 at the next step, whose bias correction 1 - beta^0 divides by 0
            if (c == null || c < 0) {
                throw new IllegalArgumentException("optimizer state: step count of " + k + " is " + c
                        + ", expected 0 or more");
            }
            if (c > MAX_STEP_COUNT) {
                throw new IllegalArgumentException("optimizer state: step count of " + k + " is " + c
                        + ", expected at most " + MAX_STEP_COUNT + ", the most the optimiser's float32 step counts"
                        + " hold exactly");
            }
        });
        float[] t = groupSteps(stepCounts);
        ensureMoments();
        Map<String, Integer> position = positions();
        try (NDManager tmp = manager.newSubManager()) {
            // a fill, not a product with 0: moments a diverged step left NaN or infinite must become 0 too
            this.moments.set(new NDIndex("..."), 0f);
            for (Map.Entry<String, NDArray> e : moments.entrySet()) {
                int i = position.get(e.getKey().substring(2));
                NDArray target = own(tmp, flat.slice(e.getKey().startsWith("m.") ? firstMoment : secondMoment, i));
                io.github.prefine.core.model.internal.TensorArchive.copyInto(e.getValue(), target);
            }
            NDArray restored = own(tmp, tmp.create(t).toDevice(steps.getDevice(), false));
            io.github.prefine.core.model.internal.TensorArchive.copyInto(restored, steps);
        }
    }

    /** Each parameter's position in the flat buffer, by key. */
    private Map<String, Integer> positions() {
        Map<String, Integer> position = new LinkedHashMap<>();
        List<NamedParameter> ps = flat.parameters();
        for (int i = 0; i < ps.size(); i++) {
            position.put(ps.get(i).key(), i);
        }
        return position;
    }

    /**
     * Returns each group's step count from per-parameter counts, changing nothing; for {@link
     * #restore} and for a trainer's check of a checkpoint before it restores any part of it.
     *
     * @param stepCounts per-parameter step counts, as {@link #stepCounts} returns them
     * @return per group, 0 where no parameter has a count
     * @throws IllegalArgumentException if a parameter is unknown or a group's counts disagree
     */
    float[] groupSteps(Map<String, Long> stepCounts) {
        Map<String, Integer> position = positions();
        float[] t = new float[flat.numGroups()];
        long[] seen = new long[t.length];
        java.util.Arrays.fill(seen, -1);
        for (Map.Entry<String, Long> e : stepCounts.entrySet()) {
            Integer i = position.get(e.getKey());
            if (i == null) {
                throw new IllegalArgumentException("optimizer state: step count of unknown parameter " + e.getKey());
            }
            int g = flat.groupOf(i);
            if (seen[g] >= 0 && seen[g] != e.getValue()) {
                throw new IllegalArgumentException("optimizer state: parameters of one group have step counts "
                        + seen[g] + " and " + e.getValue() + " (" + e.getKey() + ")");
            }
            seen[g] = e.getValue();
            t[g] = e.getValue();
        }
        return t;
    }

    /**
     * Returns how many updates the encoder (group 0) received, from per-parameter counts: every
     * update changes it and a skipped step leaves its count, so for a checkpoint that recorded no
     * count of skipped steps this gives it.
     *
     * @param stepCounts per-parameter step counts, as {@link #stepCounts} returns them (checked
     *     with {@link #groupSteps})
     * @return the count, 0 where no encoder parameter has one; empty if the encoder has no parameters
     */
    OptionalLong encoderSteps(Map<String, Long> stepCounts) {
        List<NamedParameter> ps = flat.parameters();
        boolean any = false;
        for (int i = 0; i < ps.size(); i++) {
            if (flat.groupOf(i) == 0) {
                any = true;
                Long c = stepCounts.get(ps.get(i).key());
                if (c != null) {
                    return OptionalLong.of(c);
                }
            }
        }
        return any ? OptionalLong.of(0) : OptionalLong.empty();
    }

    /**
     * Returns the shape of each array {@link #momentArrays} returns, by key and in its order,
     * without making the moments; for a trainer's check of a checkpoint.
     */
    Map<String, Shape> momentShapes() {
        Map<String, Shape> out = new LinkedHashMap<>();
        for (String prefix : List.of("m.", "v.")) {
            for (NamedParameter p : flat.parameters()) {
                out.put(prefix + p.key(), p.parameter().getArray().getShape());
            }
        }
        return out;
    }

    /** Returns the moments' dtype, the flat buffer's. */
    DataType momentType() {
        return flat.master().getDataType();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("optimizer: already closed");
        }
    }

    /** Frees the moments; later calls do nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }

    /** The default filter's rule on a key (see {@link Builder#defaultDecayFilter()}). */
    private static final Predicate<String> DEFAULT_DECAY = key -> {
        int last = key.lastIndexOf('.');
        String own = key.substring(last < 0 ? 0 : key.lastIndexOf('.', last - 1) + 1)
                .toLowerCase(java.util.Locale.ROOT);
        return !own.contains("bias") && !own.contains("norm");
    };

    /**
     * The filter a model's parameters are decayed by: a given filter as it is, the default one
     * applied to each head parameter's key within its head, so that the task's name never reaches
     * the two parts it reads (the encoder's keys are judged whole, which its {@code encoder.}
     * prefix cannot change).
     *
     * @param decays the builder's filter
     * @param model the model whose keys it judges
     * @return a filter on the model's keys (other keys as {@code decays} judges them)
     */
    static Predicate<String> forModel(Predicate<String> decays, io.github.prefine.core.model.MultiHeadModel model) {
        if (decays != DEFAULT_DECAY) {
            return decays;
        }
        Map<String, Boolean> heads = new java.util.HashMap<>();
        for (int t = 0; t < model.numTasks(); t++) {
            int prefix = ("heads." + model.taskNames().get(t) + ".").length();
            for (NamedParameter p : model.headParameters(t)) {
                heads.put(p.key(), DEFAULT_DECAY.test(p.key().substring(prefix)));
            }
        }
        return key -> heads.getOrDefault(key, DEFAULT_DECAY.test(key));
    }

    /** Builds an {@link AdamW}; mutable, single-threaded. */
    public static final class Builder {
        private FlatParameters parameters;
        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float epsilon = 1e-8f;
        private double weightDecay;
        private double maxGradNorm = 1.0;
        private long block = CPU_BLOCK;
        private boolean fused = true;
        private Predicate<String> decays = defaultDecayFilter();

        private Builder() {}

        /**
         * Returns the default weight-decay filter, the HF Trainer's rule that exempts biases and
         * LayerNorm weights: a key is decayed unless its last two dot-separated parts (the
         * parameter's name and its module's, such as {@code LayerNorm.weight}, {@code qkv_bias}
         * or {@code output_LayerNorm_weight}) contain {@code bias} or {@code norm}
         * (case-insensitive). Only those parts are read because a head's key also holds its
         * task's name ({@code heads.winobias.classifier.weight}), which is data and must not
         * exempt the head's weight. A {@link TrainingStep} (and so a {@link Trainer}) reads a
         * head's parameter by its key within the head, without {@code heads.<task>.}: a hand-made
         * head whose parameters sit directly under it ({@code heads.winobias.weight}) is judged by
         * the parameter's name alone.
         *
         * @return the filter (one instance, whatever the call)
         */
        public static Predicate<String> defaultDecayFilter() {
            return DEFAULT_DECAY;
        }

        /**
         * Sets the parameters to update (required; the trainer sets them).
         *
         * @param parameters the flat parameters
         * @return this builder
         */
        public Builder setParameters(FlatParameters parameters) {
            this.parameters = Objects.requireNonNull(parameters, "parameters");
            return this;
        }

        /**
         * Sets beta1; default 0.9.
         *
         * @param beta1 decay of the first moment, in [0, 1)
         * @return this builder
         */
        public Builder optBeta1(float beta1) {
            this.beta1 = beta1;
            return this;
        }

        /**
         * Sets beta2; default 0.999.
         *
         * @param beta2 decay of the second moment, in [0, 1)
         * @return this builder
         */
        public Builder optBeta2(float beta2) {
            this.beta2 = beta2;
            return this;
        }

        /**
         * Sets epsilon; default 1e-8.
         *
         * @param epsilon added to the denominator, positive and finite
         * @return this builder
         */
        public Builder optEpsilon(float epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /**
         * Sets the decoupled weight decay; default 0 (HF Trainer's default).
         *
         * @param weightDecay the decay, {@code >= 0}
         * @return this builder
         */
        public Builder optWeightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /**
         * Chooses which parameters weight decay applies to; default {@link #defaultDecayFilter()}.
         * The trainer lays the buffer out so that decayed parameters are contiguous.
         *
         * @param decays true for keys to decay
         * @return this builder
         */
        public Builder optDecayFilter(Predicate<String> decays) {
            this.decays = Objects.requireNonNull(decays, "decays");
            return this;
        }

        /**
         * Returns the weight-decay filter.
         *
         * @return the filter
         */
        public Predicate<String> decayFilter() {
            return decays;
        }

        /**
         * Sets the maximum global gradient norm; default 1.0 (HF Trainer's {@code
         * max_grad_norm}); 0 turns clipping off.
         *
         * @param maxGradNorm the bound, {@code >= 0}
         * @return this builder
         */
        public Builder optMaxGradNorm(double maxGradNorm) {
            this.maxGradNorm = maxGradNorm;
            return this;
        }

        /**
         * Sets the block size of the CPU update (for tests of the blocked path); default {@link
         * #CPU_BLOCK}. GPUs update the encoder in one block.
         *
         * @param elements elements per block, positive
         * @return this builder
         */
        Builder optCpuBlock(long elements) {
            this.block = elements;
            return this;
        }

        /**
         * Chooses PyTorch's fused AdamW kernel (default) or the update made of elementwise
         * operations, which is also what the optimiser falls back to where the kernel cannot run.
         *
         * @param fused false for the elementwise update
         * @return this builder
         */
        Builder optFused(boolean fused) {
            this.fused = fused;
            return this;
        }

        /**
         * Builds the optimiser.
         *
         * @return the optimiser, which the caller must close
         * @throws IllegalArgumentException if a value is out of range or the parameters are missing
         */
        public AdamW build() {
            return build(decays);
        }

        /**
         * Builds the optimiser with {@code filter} in place of the builder's weight-decay filter,
         * leaving the builder's as it is; for a {@link TrainingStep}, which lays out its buffer by
         * the same filter ({@link AdamW#forModel}).
         */
        AdamW build(Predicate<String> filter) {
            if (parameters == null) {
                throw new IllegalArgumentException("optimizer: setParameters is required");
            }
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("optimizer: betas must be in [0, 1), found " + beta1 + ", " + beta2);
            }
            if (!(epsilon > 0) || Float.isInfinite(epsilon)) {
                throw new IllegalArgumentException("optimizer: epsilon must be positive and finite, found " + epsilon);
            }
            if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
                throw new IllegalArgumentException("optimizer: weightDecay must be finite and >= 0, found " + weightDecay);
            }
            if (!(maxGradNorm >= 0) || Double.isInfinite(maxGradNorm)) {
                throw new IllegalArgumentException("optimizer: maxGradNorm must be finite and >= 0, found " + maxGradNorm);
            }
            if (block <= 0) {
                throw new IllegalArgumentException("optimizer: block must be positive, found " + block);
            }
            return new AdamW(this, Objects.requireNonNull(filter, "filter"));
        }
    }
}
