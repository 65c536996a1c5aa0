package io.github.prefine.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.prefine.core.kernels.FusedAdamW;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.kernels.EngineScalars;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * {@code split} cuts the gradient into the ranges: 12 operations a step in float32 with clipping.
 *
 * <p>Where that kernel cannot run (a PyTorch without it), the optimiser says so once and updates
 * with elementwise operations instead: 44 native calls on a GPU with clipping and weight decay (7
 * more under mixed precision, one more per further decayed range of the encoder). 16 of them make
 * a table of every group's factors on the device (see {@link #step}) and cut the gradient into
 * its regions with one {@code split}; the encoder region then takes 14 (its factors taken from the
 * table as scalars, its decay, 11 for the update), and the heads region 14 with per-element
 * factors gathered from the table. On a CPU the encoder region is updated in blocks of {@link
 * #CPU_BLOCK} elements (11 operations each), so that the temporaries stay small. Either way every
 * constant lives on the device and the learning rate reaches it as a kernel argument or through
 * {@code full}: a step makes no host-to-device copy of its own, so it never waits for the device.
 *
 * <p><b>Absent heads.</b> Groups not marked active in a step keep their values, moments and step
 * counts exactly, as torch leaves a parameter whose gradient is {@code None}: the fused kernel is
 * not given their ranges; in the elementwise update {@code where} gives them update factors zero
 * and blend factors one, whatever the rest of the table holds.
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
     * Factors of a group, in the order of the table's first axis: gradient scale {@code (1-b1) c},
     * the blends {@code b1} and {@code b2}, {@code eps sqrt(1-b2^t)}, {@code lr sqrt(1-b2^t) /
     * (1-b1^t)} and the decay {@code 1 - lr wd}.
     */
    private static final int FACTORS = 6;
    /** Where {@code split} cuts the factors: [scale | blends (2) | eps | step | decay]. */
    private static final long[] CUTS = {1, 3, 4, 5};

    private final FlatParameters flat;
    private final NDManager manager;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final double weightDecay;
    private final double maxGradNorm;
    private final Predicate<String> decays;
    private final long block;
    /** Decayed ranges of the encoder group, [from, to) pairs. */
    private final List<long[]> encoderDecay = new ArrayList<>();
    private final long encoderEnd;
    /** Heads region: per element, 0 where weight decay applies (1 elsewhere), and its group. */
    private NDArray headVariant;
    private NDArray headGroup;
    /** Where the encoder's factors lie in the flattened table, to take them as a vector. */
    private final NDArray encoderFactors;
    /** Constants of the factor table, made once (see {@link #step}). */
    private final NDArray betas;
    private final NDArray exponents;
    private final NDArray clipBounds;
    private final NDArray lrCoefficients;
    private final NDArray limits;
    private final NDArray inactive;
    private final NDArray zeros;
    private final NDArray ones;
    private final NDArray unscaledRows;
    /** Both moments in one buffer, [2, size]: the first moment, then the second. */
    private NDArray moments;
    private NDArray firstMoment;
    private NDArray secondMoment;
    /** Views made with the moments, so that a step slices only the gradient. */
    private final List<Region> encoderBlocks = new ArrayList<>();
    private final List<NDArray> decayedWeights = new ArrayList<>();
    private Region heads;
    /** Where the regions after the first start: the encoder's blocks, then the heads. */
    private long[] regionStarts;
    /** Step count of each group, float32 on the device (exact to 2^24 steps). */
    private NDArray steps;
    private boolean closed;

    /** The fused kernel, or null where this PyTorch cannot run it (the elementwise update then). */
    private final FusedAdamW kernel;
    /** Contiguous ranges of one group, and of one decay variant where weight decay is on. */
    private final List<Range> ranges = new ArrayList<>();
    private final long[] rangeStarts;
    private final List<NDArray> rangeWeights = new ArrayList<>();
    private final List<NDArray> rangeFirst = new ArrayList<>();
    private final List<NDArray> rangeSecond = new ArrayList<>();
    private final List<NDArray> groupSteps = new ArrayList<>();

    private AdamW(Builder b) {
        this.flat = b.parameters;
        this.manager = flat.master().getManager().newSubManager();
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.epsilon = b.epsilon;
        this.weightDecay = b.weightDecay;
        this.maxGradNorm = b.maxGradNorm;
        this.decays = b.decays;
        this.block = flat.master().getDevice().isGpu() ? Long.MAX_VALUE : b.block;
        this.encoderEnd = flat.groupEnd(0);
        List<NamedParameter> ps = flat.parameters();
        long[] open = null;
        for (int i = 0; i < ps.size() && flat.groupOf(i) == 0; i++) {
            boolean d = decays.test(ps.get(i).key());
            if (d && open == null) {
                open = new long[] {flat.offset(i), flat.offset(i + 1)};
            } else if (d) {
                open[1] = flat.offset(i + 1);
            } else if (open != null) {
                encoderDecay.add(open);
                open = null;
            }
        }
        if (open != null) {
            encoderDecay.add(open);
        }
        long headsSize = flat.size() - encoderEnd;
        if (headsSize > 0) {
            long[] group = new long[Math.toIntExact(headsSize)];
            long[] variant = new long[group.length];
            for (int i = 0; i < ps.size(); i++) {
                if (flat.groupOf(i) == 0) {
                    continue;
                }
                long v = decays.test(ps.get(i).key()) ? 0 : 1;
                for (long e = flat.offset(i); e < flat.offset(i + 1); e++) {
                    group[(int) (e - encoderEnd)] = flat.groupOf(i);
                    variant[(int) (e - encoderEnd)] = v;
                }
            }
            headGroup = manager.create(group);
            headVariant = manager.create(variant);
        }
        long[] first = new long[FACTORS];
        for (int f = 0; f < FACTORS; f++) {
            first[f] = 2L * f * flat.numGroups();
        }
        encoderFactors = manager.create(first);
        float c1 = 1f - beta1;
        float inf = Float.POSITIVE_INFINITY;
        // shapes broadcast to the table's [factor, variant, group]
        Shape perFactor = new Shape(FACTORS, 1, 1);
        betas = manager.create(new float[] {beta1, beta2}, new Shape(2, 1, 1, 1));
        // powers of 1-b1^t (first half) and of 1-b2^t; their product is the factor's bias correction
        exponents = manager.create(new float[] {0, 0, 0, 0, -1, 0, 0, 0, 0, 0.5f, 0.5f, 0},
                new Shape(2, FACTORS, 1, 1));
        clipBounds = manager.create(new float[] {c1 * (float) maxGradNorm, inf, inf, inf, inf, inf}, perFactor);
        // two variants of every group: decayed elements, and the others (decay factor 1)
        lrCoefficients = manager.create(new float[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, (float) -weightDecay, 0},
                new Shape(FACTORS, 2, 1));
        limits = manager.create(new float[] {c1, beta1, beta2, epsilon, 0, 1}, perFactor);
        // the factors of a group left alone: no gradient, blends 1, no step, no decay
        inactive = manager.create(new float[] {0, 1, 1, 1, 0, 1}, perFactor);
        zeros = manager.zeros(new Shape(FACTORS, 2, 1), DataType.FLOAT32);
        ones = manager.ones(perFactor, DataType.FLOAT32);
        unscaledRows = manager.create(new boolean[] {false, true, true, true, true, true}, perFactor);
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

    /** True (a boolean scalar in {@code sm}) where the gradient norm is inf or NaN. */
    private NDArray nonFinite(NDManager sm, NDArray norm) {
        // NaN < inf and inf < inf are false
        return own(sm, own(sm, norm.lt(constant(Float.POSITIVE_INFINITY))).logicalNot());
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
     * Updates the parameters from a flat gradient.
     *
     * <p>With the fused kernel, see the class description. The elementwise update first makes a
     * table of factors, [6, 2, numGroups]: for each factor, for decayed
     * elements and the others, for each group. The bias corrections {@code (1-b1^t)^p (1-b2^t)^q}
     * of all factors come from two {@code pow} and one {@code prod} over the step counts; clipping,
     * learning rate and decay make one column of per-step scalars; {@code where} gives the groups
     * left alone the factors that keep them as they are (so the {@code 0^-1} of a group never
     * updated goes unused). The encoder's factors are taken from the table with one {@code take}
     * and cut with one {@code split}; the heads' are gathered per element with one index and cut
     * the same way.
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
     * @return with {@code inverseScale}, a boolean scalar on the device, true when the step was
     *     skipped; otherwise null
     */
    public NDArray step(NDManager stepManager, NDArray gradient, boolean[] active, double lr, NDArray inverseScale) {
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
            return fusedStep(stepManager, gradient, active, lr, inverseScale);
        }
        try (NDManager sm = stepManager.newSubManager()) {
            float[] flags = new float[active.length];
            for (int i = 0; i < flags.length; i++) {
                flags[i] = active[i] ? 1f : 0f;
            }
            // on a GPU this copy waits for the device; the fused path has none
            NDArray a = own(sm, sm.create(flags));
            NDArray g = gradient;
            // the per-step column: lr in the step factor, 1 - lr wd in the decay of decayed elements
            NDArray column = own(sm, lrCoefficients.mul(own(sm, sm.full(new Shape(), (float) lr, DataType.FLOAT32))))
                    .addi(limits);
            NDArray found = null;
            if (maxGradNorm > 0 || inverseScale != null) {
                NDArray norm = own(sm, gradient.norm());
                if (inverseScale != null) {
                    found = nonFinite(sm, norm);
                    a = own(sm, NDArrays.where(found, constant(0f), a));
                    // an overflowed step must not put inf * 0 = NaN into the moments
                    g = own(sm, NDArrays.where(found, constant(0f), g));
                    norm = own(sm, norm.mul(inverseScale));
                }
                if (maxGradNorm > 0) {
                    // (1-b1) min(max / (norm + 1e-6), 1); the other rows are bounded by inf
                    NDArray bound = own(sm, clipBounds.div(own(sm, norm.add(constant(1e-6f)))));
                    column = own(sm, bound.minimum(column));
                }
                if (inverseScale != null) {
                    column.muli(own(sm, NDArrays.where(unscaledRows, ones, inverseScale)));
                }
            }
            steps.addi(a);
            NDArray corrections = own(sm, constant(1f).sub(own(sm, betas.pow(steps))));
            // never-updated groups give 0^-1 = inf here, which where() below leaves out
            NDArray corrected = own(sm, own(sm, corrections.pow(exponents)).prod(new int[] {0}));
            // DJL's where wants the condition in the shape of its second operand: [6, 2, numGroups]
            NDArray table = own(sm, NDArrays.where(own(sm, a.gt(zeros)), own(sm, corrected.mul(column)), inactive));
            NDArray k = constant((1f - beta2) / ((1f - beta1) * (1f - beta1)));
            // the gradient of each region, as views made by one operation
            NDList parts = new NDList(g);
            if (regionStarts.length > 0) {
                parts = g.split(regionStarts, 0);
                parts.attach(sm);
            }
            if (!encoderBlocks.isEmpty()) {
                NDList f = factors(sm, table.take(sm, encoderFactors));
                if (weightDecay > 0) {
                    for (NDArray w : decayedWeights) {
                        w.muli(f.get(4));
                    }
                }
                for (int i = 0; i < encoderBlocks.size(); i++) {
                    try (NDManager bm = sm.newSubManager()) {
                        update(bm, parts.get(i).muli(f.get(0)), encoderBlocks.get(i), f, k);
                    }
                }
            }
            if (heads != null) {
                NDList f = factors(sm, own(sm, table.get(new NDIndex("..., {}, {}", headVariant, headGroup))));
                if (weightDecay > 0) {
                    heads.w().muli(f.get(4));
                }
                // [size] times [1, size]: the heads' rows
                update(sm, own(sm, parts.get(parts.size() - 1).mul(f.get(0))), heads, f, k);
            }
            if (found != null) {
                found.attach(stepManager);
            }
            return found;
        }
    }

    /**
     * The step through the fused kernel: the norm, the gradient's divisor and the overflow flag
     * on the device (a few scalar operations), one {@code split} of the gradient into the ranges,
     * and one kernel call for the ranges of the active groups.
     */
    private NDArray fusedStep(NDManager stepManager, NDArray gradient, boolean[] active, double lr,
            NDArray inverseScale) {
        try (NDManager sm = stepManager.newSubManager()) {
            NDArray found = null;
            NDArray foundFlag = constant(0f);
            NDArray divisor = constant(1f);
            if (maxGradNorm > 0 || inverseScale != null) {
                NDArray norm = own(sm, gradient.norm());
                NDArray factor = null;
                if (inverseScale != null) {
                    found = nonFinite(sm, norm);
                    foundFlag = own(sm, found.toType(DataType.FLOAT32, false));
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
            kernel.step(decayedLists, plainLists, counts, lr, beta1, beta2, weightDecay, epsilon, divisor,
                    foundFlag);
            if (found != null) {
                found.attach(stepManager);
            }
            return found;
        }
    }

    /**
     * Cuts the encoder's factors, [6], into [1] scale, [2] blends, eps, step and decay, or the
     * heads', [6, n], into [1, n] scale, [2, n] blends and so on.
     */
    private static NDList factors(NDManager m, NDArray columns) {
        NDList parts = columns.split(CUTS, 0);
        parts.attach(m);
        return parts;
    }

    /**
     * One region's update, given its gradient times the scale factor in {@code g} (scratch). The
     * encoder's views are vectors [n] (both moments [n, 2]) and its factors [1] ([2]); the heads'
     * are rows [1, n] (both moments [2, n]), as their factors.
     */
    private static void update(NDManager m, NDArray g, Region r, NDList f, NDArray k) {
        r.both().muli(f.get(1));
        r.first().addi(g);
        // (1-b1)^2 c^2 g^2 rescaled to (1-b2) c^2 g^2, so the scratch can hold (1-b1) c g first
        g.muli(g).muli(k);
        r.second().addi(g);
        NDArray denom = own(m, r.second().sqrt());
        denom.addi(f.get(2));
        NDArray u = own(m, r.first().div(denom));
        u.muli(f.get(3));
        r.w().subi(u);
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
        for (long from = 0; from < encoderEnd; from += block) {
            long to = Math.min(encoderEnd, from + block);
            NDArray both = own(manager, moments.get(new NDIndex(":, {}:{}", from, to)));
            encoderBlocks.add(new Region(from, own(manager, w.get(new NDIndex("{}:{}", from, to))),
                    own(manager, both.transpose()), own(manager, both.get(0)), own(manager, both.get(1))));
        }
        for (long[] r : encoderDecay) {
            decayedWeights.add(own(manager, w.get(new NDIndex("{}:{}", r[0], r[1]))));
        }
        if (headGroup != null) {
            NDArray rows = own(manager, w.reshape(1, n));
            heads = new Region(encoderEnd, own(manager, rows.get(new NDIndex(":, {}:", encoderEnd))),
                    own(manager, moments.get(new NDIndex(":, {}:", encoderEnd))),
                    own(manager, moments.get(new NDIndex("0:1, {}:", encoderEnd))),
                    own(manager, moments.get(new NDIndex("1:2, {}:", encoderEnd))));
        }
        List<Region> all = new ArrayList<>(encoderBlocks);
        if (heads != null) {
            all.add(heads);
        }
        regionStarts = all.stream().skip(1).mapToLong(Region::from).toArray();
        for (Range r : ranges) {
            NDIndex slice = new NDIndex("{}:{}", r.from(), r.to());
            rangeWeights.add(own(manager, w.get(slice)));
            rangeFirst.add(own(manager, firstMoment.get(slice)));
            rangeSecond.add(own(manager, secondMoment.get(slice)));
        }
        for (long g = 0; g < flat.numGroups(); g++) {
            groupSteps.add(own(manager, steps.get(g)));
        }
    }

    /** A range of the buffer, from its first element: views of the weights, both moments, each. */
    private record Region(long from, NDArray w, NDArray both, NDArray first, NDArray second) {}

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
     * Replaces the state with a checkpointed one.
     *
     * @param moments arrays keyed as {@link #momentArrays}; copied in
     * @param stepCounts per-parameter step counts; the parameters of one group must agree
     * @throws IllegalArgumentException if a key is unknown or not {@code m.}/{@code v.} prefixed,
     *     or a group's counts disagree
     */
    public void restore(Map<String, NDArray> moments, Map<String, Long> stepCounts) {
        checkOpen();
        ensureMoments();
        Map<String, Integer> position = new LinkedHashMap<>();
        List<NamedParameter> ps = flat.parameters();
        for (int i = 0; i < ps.size(); i++) {
            position.put(ps.get(i).key(), i);
        }
        try (NDManager tmp = manager.newSubManager()) {
            this.moments.muli(constant(0f));
            for (Map.Entry<String, NDArray> e : moments.entrySet()) {
                String key = e.getKey();
                NDArray target;
                if (key.startsWith("m.") && position.containsKey(key.substring(2))) {
                    target = own(tmp, flat.slice(firstMoment, position.get(key.substring(2))));
                } else if (key.startsWith("v.") && position.containsKey(key.substring(2))) {
                    target = own(tmp, flat.slice(secondMoment, position.get(key.substring(2))));
                } else {
                    throw new IllegalArgumentException("optimizer state: key must be m.<parameter> or v.<parameter>, found "
                            + key);
                }
                io.github.prefine.core.model.internal.TensorArchive.copyInto(e.getValue(), target);
            }
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
            NDArray restored = own(tmp, tmp.create(t).toDevice(steps.getDevice(), false));
            io.github.prefine.core.model.internal.TensorArchive.copyInto(restored, steps);
        }
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
         * Returns the default weight-decay filter: every key containing neither {@code bias} nor
         * {@code norm} (case-insensitive), as the HF Trainer exempts biases and LayerNorm weights.
         *
         * @return the filter
         */
        public static Predicate<String> defaultDecayFilter() {
            return key -> !key.contains("bias") && !key.toLowerCase(java.util.Locale.ROOT).contains("norm");
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
         * @param epsilon added to the denominator, positive
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
            if (parameters == null) {
                throw new IllegalArgumentException("optimizer: setParameters is required");
            }
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("optimizer: betas must be in [0, 1), found " + beta1 + ", " + beta2);
            }
            if (!(epsilon > 0)) {
                throw new IllegalArgumentException("optimizer: epsilon must be positive, found " + epsilon);
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
            return new AdamW(this);
        }
    }
}
