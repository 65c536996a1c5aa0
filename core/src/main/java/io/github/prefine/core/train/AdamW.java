package io.github.prefine.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.github.prefine.core.model.NamedParameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * AdamW (Loshchilov and Hutter, <a href="https://arxiv.org/abs/1711.05101">arXiv:1711.05101</a>)
 * over NDArrays on the parameters' device, following {@code torch.optim.AdamW}: decoupled weight
 * decay {@code w -= lr * wd * w}, then {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g²},
 * {@code w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}, with {@code t} counted per
 * parameter. Defaults are the Hugging Face Trainer's: betas 0.9/0.999, eps 1e-8, weight decay 0,
 * global gradient-norm clipping at 1.0.
 *
 * <p>Unlike DJL's {@code Trainer.step()}, {@link #step} updates only the parameters it is given:
 * heads of tasks absent from a batch keep their values, moments and step counts, as a torch
 * parameter whose gradient is {@code None} would. Clipping uses the norm of the given parameters'
 * gradients, computed on the device with no host synchronisation: {@code scale = min(1, max /
 * (norm + 1e-6))}, as {@code torch.nn.utils.clip_grad_norm_}.
 *
 * <p><b>Native memory.</b> The optimiser owns a sub-manager of the manager given to the builder,
 * holding the moments; {@link #close()} frees them and is idempotent. Each step's temporaries live
 * in a per-step sub-manager closed before {@link #step} returns.
 *
 * <p>Not thread-safe.
 */
public final class AdamW implements AutoCloseable {
    /** Elements per block of the final update; 4 Mi float32 = 16 MiB temporaries. */
    static final long BLOCK = 1L << 22;

    private final NDManager manager;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final double weightDecay;
    private final double maxGradNorm;
    private final Predicate<String> decays;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private final Map<String, Long> steps = new LinkedHashMap<>();
    /** Step counts of parameters updated by the skippable step, on the device. */
    private final Map<String, NDArray> deviceSteps = new LinkedHashMap<>();
    private static final NDIndex ALL = new NDIndex("...");
    private boolean closed;

    private AdamW(Builder b) {
        this.manager = b.manager.newSubManager();
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.epsilon = b.epsilon;
        this.weightDecay = b.weightDecay;
        this.maxGradNorm = b.maxGradNorm;
        this.decays = b.decays;
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
     * Updates the given parameters from their accumulated gradients at learning rate {@code lr},
     * then zeroes those gradients. Parameters not in the list are not touched.
     *
     * @param active the parameters to update (typically the encoder's and the present tasks' heads')
     * @param lr the learning rate of this step
     */
    public void step(List<NamedParameter> active, double lr) {
        checkOpen();
        try (NDManager sm = manager.newSubManager()) {
            List<NDArray> grads = new ArrayList<>(active.size());
            for (NamedParameter p : active) {
                NDArray g = p.parameter().getArray().getGradient();
                // getGradient wraps the live gradient in a new handle owned by the parameter's
                // manager; moving the wrapper to the step manager frees the handle, not the gradient
                g.attach(sm);
                grads.add(g);
            }
            // the gradients are consumed as scratch space, then reset to zero
            update(sm, active, grads, lr, true);
        }
    }

    /**
     * Updates the given parameters from explicitly given gradients (for example gradients summed
     * over device replicas) at learning rate {@code lr}. The gradients are read, not changed, and
     * the parameters' own gradients are left alone.
     *
     * @param active the parameters to update
     * @param gradients one gradient per parameter, same shape, on the parameter's device
     * @param lr the learning rate of this step
     * @throws IllegalArgumentException if the lists differ in length
     */
    public void step(List<NamedParameter> active, List<NDArray> gradients, double lr) {
        checkOpen();
        if (active.size() != gradients.size()) {
            throw new IllegalArgumentException("optimizer: " + active.size() + " parameters but "
                    + gradients.size() + " gradients");
        }
        try (NDManager sm = manager.newSubManager()) {
            update(sm, active, gradients, lr, false);
        }
    }

    /**
     * The update with as few passes and temporaries as the NDArray API allows: the gradient
     * itself (or one copy of it) is the scratch buffer, the bias corrections and the decay factor
     * are host scalars (the step count is known on the host), and only {@code sqrt(v)} and the
     * final ratio are fresh arrays. The sequence is torch's: clip, decay, moments, update.
     */
    private void update(NDManager sm, List<NamedParameter> active, List<NDArray> grads, double lr, boolean consume) {
        // every temporary is attached to sm explicitly: results of an op join the manager of its
        // first input, which for given gradients may be longer-lived than this step
        NDArray scale = maxGradNorm > 0 ? clipScale(sm, grads) : null;
        NDArray firstFactor = scale == null ? null : own(sm, scale.mul(1f - beta1));
        float decay = (float) (1.0 - lr * weightDecay);
        // (1-b1)^2 g^2 rescaled to (1-b2) g^2, so the scratch can hold (1-b1) g first
        float sqFactor = (1f - beta2) / ((1f - beta1) * (1f - beta1));
        for (int i = 0; i < active.size(); i++) {
            NamedParameter p = active.get(i);
            NDArray w = p.parameter().getArray();
            NDArray s = consume ? grads.get(i) : own(sm, grads.get(i).duplicate());
            // one pass for clipping and (1 - b1): s = (1 - b1) * clip * g
            if (firstFactor == null) {
                s.muli(1f - beta1);
            } else {
                s.muli(firstFactor);
            }
            long t = steps.merge(p.key(), 1L, Long::sum);
            NDArray m = firstMoments.computeIfAbsent(p.key(), k -> own(manager, w.zerosLike()));
            NDArray v = secondMoments.computeIfAbsent(p.key(), k -> own(manager, w.zerosLike()));
            if (weightDecay != 0 && decays.test(p.key())) {
                w.muli(decay);
            }
            m.muli(beta1).addi(s);
            s.muli(s).muli(sqFactor);
            v.muli(beta2).addi(s);
            double bc1 = 1.0 - Math.pow(beta1, t);
            double bc2 = 1.0 - Math.pow(beta2, t);
            // lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps) == lr*sqrt(bc2)/bc1 * m / (sqrt(v) + eps*sqrt(bc2))
            double rootBc2 = Math.sqrt(bc2);
            applyUpdate(sm, w, m, v, (float) (epsilon * rootBc2), (float) (lr * rootBc2 / bc1));
            if (consume) {
                s.set(ALL, 0f);
            }
        }
    }

    /**
     * {@code w -= factor * m / (sqrt(v) + eps)}, in blocks of at most {@link #BLOCK} elements: the two
     * temporaries of a block stay small enough for the C allocator to reuse them, where whole-array
     * temporaries of an embedding matrix (768 MiB for XLM-R) are fresh pages to fault in every step.
     */
    private static void applyUpdate(NDManager sm, NDArray w, NDArray m, NDArray v, float eps, float factor) {
        long n = w.size();
        // flat views: in-place updates of a block write into the parameter and its moments
        NDArray wf = own(sm, w.reshape(-1));
        NDArray mf = own(sm, m.reshape(-1));
        NDArray vf = own(sm, v.reshape(-1));
        for (long from = 0; from < n; from += BLOCK) {
            NDIndex block = new NDIndex().addSliceDim(from, Math.min(n, from + BLOCK));
            try (NDManager bm = sm.newSubManager()) {
                NDArray denom = own(bm, own(bm, vf.get(block)).sqrt());
                denom.addi(eps);
                NDArray update = own(bm, own(bm, mf.get(block)).div(denom));
                update.muli(factor);
                own(bm, wf.get(block)).subi(update);
            }
        }
    }

    // ---- mixed precision: a step that the device can skip (added for h-speed) ----

    /**
     * Like {@link #step(List, double)}, but skipped on the device when {@code skip} is true: the
     * float16 path of mixed-precision training, where {@code skip} is the loss scaler's found-inf
     * flag. A skipped step leaves weights, moments and the per-parameter step counts exactly
     * unchanged (as {@code torch.amp.GradScaler.step} not calling the optimiser); a taken step
     * equals {@link #step(List, double)}. The decision is made with arithmetic and {@code where}
     * on the device, so there is no host synchronisation.
     *
     * <p>The step counts of parameters updated this way live on the device (float32 scalars);
     * {@link #stepCounts()} reads them. A run should use one of the two {@code step} methods only.
     * Gradients are reset to zero afterwards, non-finite ones included.
     *
     * @param active the parameters to update
     * @param lr the learning rate of this step
     * @param skip boolean scalar on the parameters' device: true to skip this step
     */
    public void step(List<NamedParameter> active, double lr, NDArray skip) {
        checkOpen();
        try (NDManager sm = manager.newSubManager()) {
            List<NDArray> grads = new ArrayList<>(active.size());
            for (NamedParameter p : active) {
                NDArray g = p.parameter().getArray().getGradient();
                g.attach(sm);
                grads.add(g);
            }
            NDArray skipFlag = own(sm, skip.reshape());
            NDArray keep = own(sm, skipFlag.logicalNot().toType(DataType.FLOAT32, false));
            NDArray skipF = own(sm, skipFlag.toType(DataType.FLOAT32, false));
            NDArray one = own(sm, keep.onesLike());
            NDArray clip = maxGradNorm > 0 ? clipScale(sm, grads) : null;
            NDArray safeClip = clip == null ? one : own(sm, NDArrays.where(skipFlag, one, clip.reshape()));
            NDArray zero = own(sm, keep.zerosLike());
            // on a skipped step: beta -> 1 and the gradient term -> 0, so m and v stay bit-exact
            NDArray b1 = own(sm, skipF.mul(1f - beta1).add(beta1));
            NDArray b2 = own(sm, skipF.mul(1f - beta2).add(beta2));
            NDArray decay = own(sm, keep.mul((float) (-lr * weightDecay)).add(1f));
            NDArray beta1Arr = own(sm, one.mul(beta1));
            NDArray beta2Arr = own(sm, one.mul(beta2));
            for (int i = 0; i < active.size(); i++) {
                NamedParameter p = active.get(i);
                NDArray w = p.parameter().getArray();
                NDArray g = grads.get(i);
                try (NDManager pm = sm.newSubManager()) {
                    NDArray gs = own(pm, NDArrays.where(skipFlag, zero, own(pm, g.mul(safeClip))));
                    NDArray t = deviceSteps.computeIfAbsent(p.key(),
                            k -> own(manager, manager.create((float) steps.getOrDefault(k, 0L))));
                    t.addi(keep);
                    NDArray m = firstMoments.computeIfAbsent(p.key(), k -> own(manager, w.zerosLike()));
                    NDArray v = secondMoments.computeIfAbsent(p.key(), k -> own(manager, w.zerosLike()));
                    if (weightDecay != 0 && decays.test(p.key())) {
                        w.muli(decay);
                    }
                    m.muli(b1).addi(own(pm, gs.mul(1f - beta1)));
                    v.muli(b2).addi(own(pm, gs.square().mul(1f - beta2)));
                    // bias corrections from the device count; max(t, 1) keeps a skipped first step finite
                    NDArray tEff = own(pm, t.maximum(1f));
                    NDArray bc1 = own(pm, own(pm, beta1Arr.pow(tEff)).neg().add(1f));
                    NDArray bc2 = own(pm, own(pm, beta2Arr.pow(tEff)).neg().add(1f));
                    NDArray denom = own(pm, v.sqrt());
                    denom.divi(own(pm, bc2.sqrt())).addi(epsilon);
                    NDArray update = own(pm, m.div(denom));
                    update.muli(own(pm, keep.mul((float) lr).div(bc1)));
                    w.subi(update);
                }
                g.set(ALL, 0f);
            }
        }
    }

    /**
     * {@code min(1, max / (norm + 1e-6))} of the global L2 norm, as {@code clip_grad_norm_}: one
     * norm per gradient (no squared temporary), then the norm of the stacked norms.
     */
    private NDArray clipScale(NDManager sm, List<NDArray> grads) {
        if (grads.isEmpty()) {
            return null;
        }
        NDList norms = new NDList(grads.size());
        for (NDArray g : grads) {
            norms.add(own(sm, g.norm()));
        }
        NDArray norm = own(sm, own(sm, NDArrays.stack(norms)).norm());
        NDArray bound = own(sm, own(sm, sm.create((float) maxGradNorm)).toDevice(norm.getDevice(), false));
        return own(sm, own(sm, bound.div(own(sm, norm.add(1e-6f)))).minimum(1f));
    }

    private static NDArray own(NDManager m, NDArray a) {
        a.attach(m);
        return a;
    }

    /**
     * Zeroes the gradients of the given parameters without updating them (for example after a
     * skipped step).
     *
     * @param params the parameters
     */
    public static void zeroGradients(List<NamedParameter> params) {
        for (NamedParameter p : params) {
            NDArray w = p.parameter().getArray();
            if (w.hasGradient()) {
                try (NDArray g = w.getGradient()) {
                    g.subi(g);
                }
            }
        }
    }

    /**
     * Returns how many updates a parameter has received.
     *
     * @param key the parameter key
     * @return the per-parameter step count {@code t}, 0 if never updated
     */
    public long stepCount(String key) {
        NDArray t = deviceSteps.get(key);
        if (t != null) {
            return Math.round(t.getFloat());
        }
        return steps.getOrDefault(key, 0L);
    }

    /**
     * Returns the per-parameter step counts, in first-update order.
     *
     * @return a copy of key to count
     */
    public Map<String, Long> stepCounts() {
        Map<String, Long> out = new LinkedHashMap<>(steps);
        // a host read, at checkpoints only
        deviceSteps.forEach((k, t) -> out.put(k, (long) Math.round(t.getFloat())));
        return out;
    }

    /**
     * Returns the live moment arrays under keys {@code m.<key>} and {@code v.<key>}, for
     * checkpointing.
     *
     * @return key to moment array (live, owned by this optimiser)
     */
    public Map<String, NDArray> momentArrays() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        firstMoments.forEach((k, a) -> out.put("m." + k, a));
        secondMoments.forEach((k, a) -> out.put("v." + k, a));
        return out;
    }

    /**
     * Replaces the state with a checkpointed one.
     *
     * @param moments arrays keyed as {@link #momentArrays()}; copied into arrays this optimiser owns
     * @param stepCounts per-parameter step counts
     * @throws IllegalArgumentException if a key is not {@code m.} or {@code v.} prefixed
     */
    public void restore(Map<String, NDArray> moments, Map<String, Long> stepCounts) {
        checkOpen();
        firstMoments.values().forEach(NDArray::close);
        secondMoments.values().forEach(NDArray::close);
        deviceSteps.values().forEach(NDArray::close);
        firstMoments.clear();
        secondMoments.clear();
        deviceSteps.clear();
        steps.clear();
        for (Map.Entry<String, NDArray> e : moments.entrySet()) {
            String k = e.getKey();
            NDArray copy = e.getValue().duplicate();
            copy.attach(manager);
            if (k.startsWith("m.")) {
                firstMoments.put(k.substring(2), copy);
            } else if (k.startsWith("v.")) {
                secondMoments.put(k.substring(2), copy);
            } else {
                copy.close();
                throw new IllegalArgumentException("optimizer state: key must start with m. or v., found " + k);
            }
        }
        steps.putAll(stepCounts);
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
        private NDManager manager;
        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float epsilon = 1e-8f;
        private double weightDecay;
        private double maxGradNorm = 1.0;
        private Predicate<String> decays = key -> !key.contains("bias") && !key.toLowerCase().contains("norm");

        private Builder() {}

        /**
         * Sets the manager the optimiser's sub-manager is opened from (required; use the model's).
         *
         * @param manager the parent manager
         * @return this builder
         */
        public Builder setManager(NDManager manager) {
            this.manager = Objects.requireNonNull(manager, "manager");
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
         * Chooses which parameters weight decay applies to; default: every key containing neither
         * {@code bias} nor {@code norm} (case-insensitive), as HF Trainer exempts biases and
         * LayerNorm weights.
         *
         * @param decays true for keys to decay
         * @return this builder
         */
        public Builder optDecayFilter(Predicate<String> decays) {
            this.decays = Objects.requireNonNull(decays, "decays");
            return this;
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
         * Builds the optimiser.
         *
         * @return the optimiser, which the caller must close
         * @throws IllegalArgumentException if a value is out of range or the manager is missing
         */
        public AdamW build() {
            if (manager == null) {
                throw new IllegalArgumentException("optimizer: setManager is required");
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
            return new AdamW(this);
        }
    }
}
