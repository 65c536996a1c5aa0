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
 * <p><b>One update for all parameters.</b> A step is a fixed number of whole-buffer operations
 * (about 40 native calls on a GPU, whatever the number of parameter tensors): one norm, a
 * handful of per-group scalars computed on the device, then the encoder region with scalar
 * factors and the heads region with per-element factors gathered from the groups. On a CPU the
 * encoder region is updated in blocks of {@link #CPU_BLOCK} elements, so that the temporaries
 * stay small enough for the C allocator to reuse. Every constant lives on the device and every
 * per-step value is made there with {@code full}: a step makes no host-to-device copy, so it never
 * waits for the device.
 *
 * <p><b>Absent heads.</b> Groups not marked active in a step keep their values, moments and step
 * counts exactly, as torch leaves a parameter whose gradient is {@code None}: their update factors
 * are zero and their blend factors one.
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
    /** Heads region: the group of each element, and 1 where weight decay applies. */
    private NDArray headGroup;
    private NDArray headDecay;
    private NDArray firstMoment;
    private NDArray secondMoment;
    /** Step count of each group, float32 on the device (exact to 2^24 steps). */
    private NDArray steps;
    private boolean closed;

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
            float[] decay = new float[group.length];
            for (int i = 0; i < ps.size(); i++) {
                if (flat.groupOf(i) == 0) {
                    continue;
                }
                boolean d = decays.test(ps.get(i).key());
                for (long e = flat.offset(i); e < flat.offset(i + 1); e++) {
                    group[(int) (e - encoderEnd)] = flat.groupOf(i);
                    decay[(int) (e - encoderEnd)] = d ? 1f : 0f;
                }
            }
            headGroup = manager.create(group);
            headDecay = manager.create(decay);
        }
        this.steps = manager.zeros(new Shape(flat.numGroups()), DataType.FLOAT32);
    }

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
     * @param gradient the step's flat gradient ({@link FlatParameters.Step#gradient()}); used as
     *     scratch space
     * @param active float32 [numGroups]: 1 for groups to update (the encoder and the heads of the
     *     tasks in the batch), 0 for groups to leave alone; made at the start of the step
     * @param lr the learning rate of this step
     * @param inverseScale for mixed precision, the loss scale's inverse (float32 scalar on the
     *     device): the gradient is unscaled, and the step skipped when it is not finite; null for
     *     float32 training
     * @param stepManager the step's manager, on the parameters' device: it owns the temporaries
     *     and the returned flag
     * @return with {@code inverseScale}, a boolean scalar on the device, true when the step was
     *     skipped; otherwise null
     */
    public NDArray step(NDManager stepManager, NDArray gradient, NDArray active, double lr, NDArray inverseScale) {
        checkOpen();
        Objects.requireNonNull(gradient, "gradient");
        Objects.requireNonNull(active, "active");
        if (gradient.size() != flat.size()) {
            throw new IllegalArgumentException("optimizer: gradient has " + gradient.size() + " elements, the parameters "
                    + flat.size());
        }
        if (firstMoment == null) {
            firstMoment = own(manager, flat.master().zerosLike());
            secondMoment = own(manager, flat.master().zerosLike());
        }
        try (NDManager sm = stepManager.newSubManager()) {
            NDArray one = constant(1f);
            NDArray norm = own(sm, gradient.norm());
            NDArray found = null;
            NDArray a = active;
            NDArray gscale = one;
            if (inverseScale != null) {
                found = own(sm, own(sm, norm.isNaN()).logicalOr(own(sm, norm.isInfinite())));
                a = own(sm, active.mul(own(sm, own(sm, found.logicalNot()).toType(DataType.FLOAT32, false))));
                norm = own(sm, norm.mul(inverseScale));
                gscale = inverseScale;
            }
            if (maxGradNorm > 0) {
                NDArray clip = own(sm, own(sm, constant((float) maxGradNorm).div(own(sm, norm.add(constant(1e-6f)))))
                        .minimum(one));
                gscale = own(sm, gscale.mul(clip));
            }
            // per-group factors, on the device
            steps.addi(a);
            NDArray tEff = own(sm, steps.maximum(one));
            NDArray bc1 = own(sm, one.sub(own(sm, constant(beta1).pow(tEff))));
            NDArray rootBc2 = own(sm, own(sm, one.sub(own(sm, constant(beta2).pow(tEff)))).sqrt());
            NDArray lrArr = own(sm, sm.full(new Shape(), (float) lr, DataType.FLOAT32));
            NDArray c1 = own(sm, a.mul(constant(1f - beta1)));
            NDArray b1eff = own(sm, one.sub(c1));
            NDArray b2eff = own(sm, one.sub(own(sm, a.mul(constant(1f - beta2)))));
            NDArray epsR = own(sm, rootBc2.mul(constant(epsilon)));
            NDArray stepF = own(sm, own(sm, own(sm, lrArr.mul(rootBc2)).div(bc1)).mul(a));
            NDArray decay = weightDecay == 0 ? null
                    : own(sm, one.sub(own(sm, a.mul(own(sm, lrArr.mul(constant((float) weightDecay)))))));
            // (1-b1)^2 c^2 g^2 rescaled to (1-b2) c^2 g^2, so the scratch can hold (1-b1) c g first
            NDArray k = constant((1f - beta2) / ((1f - beta1) * (1f - beta1)));
            NDArray w = flat.master();
            NDArray g = gradient;
            if (found != null) {
                // an overflowed step must not put inf * 0 = NaN into the moments
                g = own(sm, NDArrays.where(found, constant(0f), gradient));
            }
            // encoder: group 0's factors are scalars
            NDArray gs0 = own(sm, gscale.mul(own(sm, c1.get(0))));
            NDArray b1e0 = own(sm, b1eff.get(0));
            NDArray b2e0 = own(sm, b2eff.get(0));
            NDArray eps0 = own(sm, epsR.get(0));
            NDArray step0 = own(sm, stepF.get(0));
            if (decay != null) {
                NDArray d0 = own(sm, decay.get(0));
                for (long[] r : encoderDecay) {
                    own(sm, w.get(slice(r[0], r[1]))).muli(d0);
                }
            }
            for (long from = 0; from < encoderEnd; from += block) {
                long to = Math.min(encoderEnd, from + block);
                try (NDManager bm = sm.newSubManager()) {
                    NDIndex s = slice(from, to);
                    update(bm, own(bm, g.get(s)), own(bm, w.get(s)), own(bm, firstMoment.get(s)),
                            own(bm, secondMoment.get(s)), gs0, b1e0, b2e0, k, eps0, step0);
                }
            }
            if (headGroup != null) {
                NDIndex s = slice(encoderEnd, flat.size());
                NDList columns = new NDList(c1, b1eff, b2eff, epsR, stepF);
                if (decay != null) {
                    columns.add(decay);
                }
                NDArray table = own(sm, NDArrays.stack(columns, 1));
                NDArray perElement = own(sm, table.get(new NDIndex("{}", headGroup)));
                NDArray wh = own(sm, w.get(s));
                if (decay != null) {
                    NDArray d = own(sm, perElement.get(":, 5"));
                    // 1 - lr wd a on decayed elements, 1 elsewhere: 1 - (1 - d) * mask
                    wh.muli(own(sm, one.sub(own(sm, own(sm, one.sub(d)).mul(headDecay)))));
                }
                NDArray gh = own(sm, g.get(s));
                gh.muli(gscale);
                update(sm, gh, wh, own(sm, firstMoment.get(s)), own(sm, secondMoment.get(s)),
                        own(sm, perElement.get(":, 0")), own(sm, perElement.get(":, 1")), own(sm, perElement.get(":, 2")),
                        k, own(sm, perElement.get(":, 3")), own(sm, perElement.get(":, 4")));
            }
            if (found != null) {
                found.attach(stepManager);
            }
            return found;
        }
    }

    /**
     * One region's update with as few passes as the NDArray API allows; {@code g} is scratch. The
     * factors broadcast: scalars for the encoder, per-element vectors for the heads.
     */
    private static void update(NDManager m, NDArray g, NDArray w, NDArray mom1, NDArray mom2, NDArray gScale,
            NDArray b1eff, NDArray b2eff, NDArray k, NDArray epsR, NDArray stepF) {
        g.muli(gScale);
        mom1.muli(b1eff).addi(g);
        g.muli(g).muli(k);
        mom2.muli(b2eff).addi(g);
        NDArray denom = own(m, mom2.sqrt());
        denom.addi(epsR);
        NDArray u = own(m, mom1.div(denom));
        u.muli(stepF);
        w.subi(u);
    }

    private static NDIndex slice(long from, long to) {
        return new NDIndex().addSliceDim(from, to);
    }

    private static NDArray own(NDManager m, NDArray a) {
        a.attach(m);
        return a;
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
        if (firstMoment == null) {
            firstMoment = own(manager, flat.master().zerosLike());
            secondMoment = own(manager, flat.master().zerosLike());
        }
        Map<String, Integer> position = new LinkedHashMap<>();
        List<NamedParameter> ps = flat.parameters();
        for (int i = 0; i < ps.size(); i++) {
            position.put(ps.get(i).key(), i);
        }
        try (NDManager tmp = manager.newSubManager()) {
            firstMoment.muli(constant(0f));
            secondMoment.muli(constant(0f));
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
