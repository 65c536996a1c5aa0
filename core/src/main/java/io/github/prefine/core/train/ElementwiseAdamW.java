package io.github.prefine.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.kernels.EngineScalars;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@link AdamW}'s update made of elementwise operations, for where PyTorch's fused kernel cannot
 * run: 44 native calls on a GPU with clipping and weight decay (7 more under mixed precision, one
 * more per further decayed range of the encoder), whatever the number of parameter tensors. 16 of
 * them make a table of every group's factors on the device (see {@link #step}) and cut the
 * gradient into its regions with one {@code split}; the encoder region then takes 14 (its factors
 * taken from the table as scalars, its decay, 11 for the update), and the heads region 14 with
 * per-element factors gathered from the table. On a CPU the encoder region is updated in blocks
 * (11 operations each), so that the temporaries stay small. Groups left alone get update factors
 * zero and blend factors one from {@code where}, whatever the rest of the table holds.
 *
 * <p>Made by {@link AdamW} with its moments, only when the fused kernel is missing (its tables
 * hold two indices per head element); it owns no state of its own beyond these tables and views.
 */
final class ElementwiseAdamW {
    /**
     * Factors of a group, in the order of the table's first axis: gradient scale {@code (1-b1) c},
     * the blends {@code b1} and {@code b2}, {@code eps sqrt(1-b2^t)}, {@code lr sqrt(1-b2^t) /
     * (1-b1^t)} and the decay {@code 1 - lr wd}.
     */
    private static final int FACTORS = 6;
    /** Where {@code split} cuts the factors: [scale | blends (2) | eps | step | decay]. */
    private static final long[] CUTS = {1, 3, 4, 5};

    private final FlatParameters flat;
    private final float beta1;
    private final float beta2;
    private final double weightDecay;
    private final double maxGradNorm;
    /** Step count of each group, float32 on the device: the optimiser's, incremented here. */
    private final NDArray steps;
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
    /** Views made with the moments, so that a step slices only the gradient. */
    private final List<Region> encoderBlocks = new ArrayList<>();
    private final List<NDArray> decayedWeights = new ArrayList<>();
    private Region heads;
    /** Where the regions after the first start: the encoder's blocks, then the heads. */
    private final long[] regionStarts;

    /** A range of the buffer, from its first element: views of the weights, both moments, each. */
    private record Region(long from, NDArray w, NDArray both, NDArray first, NDArray second) {}

    /**
     * Makes the tables and views of the update; everything made is owned by {@code manager}.
     *
     * @param block elements per block of the encoder region (Long.MAX_VALUE for one block)
     * @param moments both moments, [2, size], float32, owned by the optimiser
     * @param steps the step count of each group, owned by the optimiser
     */
    ElementwiseAdamW(FlatParameters flat, NDManager manager, float beta1, float beta2, float epsilon,
            double weightDecay, double maxGradNorm, Predicate<String> decays, long block, NDArray moments,
            NDArray steps) {
        this.flat = flat;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.weightDecay = weightDecay;
        this.maxGradNorm = maxGradNorm;
        this.steps = steps;
        long encoderEnd = flat.groupEnd(0);
        List<NamedParameter> ps = flat.parameters();
        NDArray w = flat.master();
        long[] open = null;
        for (int i = 0; i < ps.size() && flat.groupOf(i) == 0; i++) {
            boolean d = decays.test(ps.get(i).key());
            if (d && open == null) {
                open = new long[] {flat.offset(i), flat.offset(i + 1)};
            } else if (d) {
                open[1] = flat.offset(i + 1);
            } else if (open != null) {
                decayedWeights.add(own(manager, w.get(new NDIndex("{}:{}", open[0], open[1]))));
                open = null;
            }
        }
        if (open != null) {
            decayedWeights.add(own(manager, w.get(new NDIndex("{}:{}", open[0], open[1]))));
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
            headGroup = own(manager, manager.create(group));
            headVariant = own(manager, manager.create(variant));
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
        for (long from = 0; from < encoderEnd; from += block) {
            long to = Math.min(encoderEnd, from + block);
            NDArray both = own(manager, moments.get(new NDIndex(":, {}:{}", from, to)));
            encoderBlocks.add(new Region(from, own(manager, w.get(new NDIndex("{}:{}", from, to))),
                    own(manager, both.transpose()), own(manager, both.get(0)), own(manager, both.get(1))));
        }
        if (headGroup != null) {
            NDArray rows = own(manager, w.reshape(1, flat.size()));
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
    }

    private static NDArray own(NDManager m, NDArray a) {
        a.attach(m);
        return a;
    }

    private NDArray constant(float value) {
        return EngineScalars.constant(flat.master(), value);
    }

    /**
     * Updates the parameters (see {@link AdamW#step}). First a table of factors, [6, 2,
     * numGroups]: for each factor, for decayed elements and the others, for each group. The bias
     * corrections {@code (1-b1^t)^p (1-b2^t)^q} of all factors come from two {@code pow} and one
     * {@code prod} over the step counts; clipping, learning rate and decay make one column of
     * per-step scalars; {@code where} gives the groups left alone the factors that keep them as
     * they are (so the {@code 0^-1} of a group never updated goes unused). The encoder's factors
     * are taken from the table with one {@code take} and cut with one {@code split}; the heads'
     * are gathered per element with one index and cut the same way.
     */
    NDArray step(NDManager stepManager, NDArray gradient, boolean[] active, double lr, NDArray lrOnDevice,
            NDArray inverseScale) {
        try (NDManager sm = stepManager.newSubManager()) {
            float[] flags = new float[active.length];
            for (int i = 0; i < flags.length; i++) {
                flags[i] = active[i] ? 1f : 0f;
            }
            // on a GPU this copy waits for the device; the fused path has none
            NDArray a = own(sm, sm.create(flags));
            NDArray g = gradient;
            // the per-step column: lr in the step factor, 1 - lr wd in the decay of decayed elements
            NDArray rate = lrOnDevice != null ? lrOnDevice : own(sm, sm.full(new Shape(), (float) lr, DataType.FLOAT32));
            NDArray column = own(sm, lrCoefficients.mul(rate)).addi(limits);
            NDArray found = null;
            if (maxGradNorm > 0 || inverseScale != null) {
                NDArray norm = own(sm, gradient.norm());
                if (inverseScale != null) {
                    NDArray finite = AdamW.finite(sm, norm);
                    found = AdamW.foundInf(sm, finite, norm);
                    // DJL's where wants the condition in the shape of its second operand: a 0-d one
                    NDArray overflowed = own(sm, finite.logicalNot());
                    a = own(sm, NDArrays.where(overflowed, constant(0f), a));
                    // an overflowed step must not put inf * 0 = NaN into the moments
                    g = own(sm, NDArrays.where(overflowed, constant(0f), g));
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
}
