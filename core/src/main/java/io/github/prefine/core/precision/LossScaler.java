package io.github.prefine.core.precision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.prefine.core.kernels.AmpUpdateScale;
import io.github.prefine.kernels.EngineScalars;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Dynamic loss scaling for float16 training with the rules of {@code torch.amp.GradScaler}: the
 * loss is multiplied by a scale before backward so that small float16 gradients do not flush to
 * zero; gradients are divided by it again before clipping and the optimiser step; a step whose
 * gradients hold an infinity or NaN is skipped and the scale multiplied by {@code backoffFactor}
 * (0.5); after {@code growthInterval} (2000) consecutive clean steps the scale is multiplied by
 * {@code growthFactor} (2.0), unless that would overflow float32. The initial scale is 2^16.
 *
 * <p>Everything stays on the device: the scale is a float32 scalar, the growth tracker an int32
 * one, and the found-inf flag the optimiser returns a float32 0 or 1, as torch keeps them. On the
 * PyTorch engine {@link #update} is torch's own {@code _amp_update_scale_}, one native operation,
 * reached through a TorchScript module ({@link AmpUpdateScale}); where that cannot run it falls
 * back, with a warning, to 11 elementwise operations that apply the same rules with {@code where},
 * never with a Java branch on a host value, so neither costs a host synchronisation. The two give
 * the same scale and tracker bit for bit: both multiply in float32 (torch multiplies in double
 * and rounds to float32 once, which is float32's product), both grow only when the grown scale is
 * finite in float32, and the tracker, kept in [0, growthInterval), restarts on an overflow or when
 * growth was due, grown or not. The skip itself is the optimiser's job (see {@code
 * io.github.prefine.core.train.AdamW}), which also unscales the gradient with {@link
 * #inverseScale()} and returns the found-inf flag.
 *
 * <p>Checkpoints keep the tracker as a number in {@code state.json} (read with {@link
 * #readGrowthTracker()}, set with {@link #restore}), never as a tensor, so the int32 tracker
 * reads the checkpoints written when it was a float32 one.
 *
 * <p>Overflow check (in the optimiser): a gradient counts as overflowed when the float32 norm of
 * its scaled entries is not finite. This is true whenever an entry is infinite or NaN, as in
 * torch; it is also true, unlike torch, when finite entries are so large that their squares sum
 * beyond the float32 range (about 1.8e19 each), which no useful gradient is.
 *
 * <p><b>Memory.</b> The scaler owns a sub-manager of the manager given to the builder, holding its
 * two scalars; {@link #close()} frees them and is idempotent. Not thread-safe.
 */
public final class LossScaler implements AutoCloseable {

    private final NDManager manager;
    private final float growthFactor;
    private final float backoffFactor;
    private final int growthInterval;
    private final NDArray scale;
    private final NDArray growthTracker;
    /** PyTorch's update, or null where it cannot run (the elementwise update then). */
    private final AmpUpdateScale kernel;
    private boolean closed;

    private LossScaler(Builder b) {
        this.manager = b.manager.newSubManager();
        this.growthFactor = b.growthFactor;
        this.backoffFactor = b.backoffFactor;
        this.growthInterval = b.growthInterval;
        this.scale = manager.full(new ai.djl.ndarray.types.Shape(), b.initialScale, DataType.FLOAT32);
        // int32, as torch's kernel asks
        this.growthTracker = manager.zeros(new ai.djl.ndarray.types.Shape(), DataType.INT32);
        this.kernel = b.fused ? AmpUpdateScale.loadIfUsable(manager) : null;
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
     * Multiplies a loss by the current scale (differentiably).
     *
     * @param loss a float32 loss, normally a scalar
     * @return {@code loss * scale}, in the manager of {@code loss}
     */
    public NDArray scale(NDArray loss) {
        checkOpen();
        return loss.mul(scale);
    }

    /**
     * Returns {@code 1 / scale}, computed on the device, for the optimiser to unscale the
     * gradient as it clips it.
     *
     * @return a new float32 scalar in the scaler's manager's device; the caller owns it
     */
    public NDArray inverseScale() {
        checkOpen();
        return constant(1f).div(scale);
    }

    /**
     * Applies one step of the scaling rules: back off on overflow, grow after {@code
     * growthInterval} clean steps. On the PyTorch engine this is one native operation, {@code
     * torch._amp_update_scale_}, as {@code torch.amp.GradScaler.update()} makes it; where that
     * cannot run (see {@link #fused()}) it is 11 elementwise operations with the same results.
     * Either way device arithmetic only, with no host read or copy.
     *
     * @param foundInf the flag the optimiser returned for this step, a one-element array on the
     *     scale's device: float32, 1 where the gradient was not finite and the step was skipped,
     *     else 0 (torch's {@code found_inf}, which {@code io.github.prefine.core.train.AdamW}
     *     returns); a boolean flag is also taken, at the cost of one cast
     * @throws IllegalArgumentException if the flag is neither float32 nor boolean
     */
    public void update(NDArray foundInf) {
        checkOpen();
        DataType type = foundInf.getDataType();
        if (type != DataType.FLOAT32 && type != DataType.BOOLEAN) {
            throw new IllegalArgumentException("loss scaler: the found-inf flag must be float32 (0 or 1) or boolean, "
                    + "found " + type);
        }
        try (NDManager tmp = manager.newSubManager()) {
            if (kernel != null) {
                NDArray flag = type == DataType.FLOAT32 ? foundInf : own(tmp, foundInf.toType(DataType.FLOAT32, false));
                kernel.update(scale, growthTracker, flag, growthFactor, backoffFactor, growthInterval);
                return;
            }
            // any non-zero flag, NaN included, counts as torch's kernel counts it
            NDArray found = type == DataType.BOOLEAN ? foundInf : own(tmp, foundInf.neq(constant(0f)));
            if (!found.getShape().isScalar()) {
                found = own(tmp, found.reshape());
            }
            NDArray one = count(1);
            // the clean streak counts this step; growth is due when it reaches the interval
            growthTracker.addi(one);
            NDArray due = own(tmp, growthTracker.gte(count(growthInterval)));
            NDArray grown = own(tmp, scale.mul(constant(growthFactor)));
            NDArray grow = own(tmp, due.logicalAnd(own(tmp, grown.lt(constant(Float.POSITIVE_INFINITY)))));
            // backoff on overflow; growth when due and the grown scale is finite; 1 otherwise
            scale.muli(own(tmp, NDArrays.where(found, constant(backoffFactor),
                    own(tmp, NDArrays.where(grow, constant(growthFactor), constant(1f))))));
            // the streak restarts after an overflow or when growth was due (grown or not, as torch)
            growthTracker.muli(own(tmp, NDArrays.where(own(tmp, found.logicalOr(due)), count(0), one)));
        }
    }

    /**
     * Returns whether {@link #update} is PyTorch's {@code _amp_update_scale_} (one operation)
     * rather than the elementwise fallback, which runs where the PyTorch engine cannot run that
     * operation through TorchScript, as the optimiser falls back from its fused kernel.
     *
     * @return true for PyTorch's operation
     */
    public boolean fused() {
        return kernel != null;
    }

    /** A shared int32 device constant for the growth tracker (exact: counts stay below 2^24). */
    private NDArray count(int value) {
        return EngineScalars.constant(growthTracker, value);
    }

    /** A shared device constant of the scale's dtype and device (no host-to-device copy). */
    private NDArray constant(float value) {
        return EngineScalars.constant(scale, value);
    }

    /**
     * Returns the live scale array.
     *
     * @return float32 scalar owned by this scaler; do not close
     */
    public NDArray scaleArray() {
        return scale;
    }

    /**
     * Reads the current scale to the host (a synchronisation; for logging, tests and checkpoints).
     *
     * @return the scale
     */
    public float readScale() {
        checkOpen();
        return scale.getFloat();
    }

    /**
     * Reads the number of consecutive clean steps since the last growth or overflow (a
     * synchronisation).
     *
     * @return the growth tracker
     */
    public int readGrowthTracker() {
        checkOpen();
        return growthTracker.getInt();
    }

    /**
     * Replaces the state, for resuming from a checkpoint.
     *
     * @param newScale the scale, positive and finite
     * @param tracker consecutive clean steps, in [0, growthInterval)
     * @throws IllegalArgumentException if a value is out of range
     */
    public void restore(float newScale, int tracker) {
        checkOpen();
        checkRestorable(newScale, tracker);
        // restored values are arbitrary: made for this call, not kept among the shared constants
        try (NDArray s = manager.full(new ai.djl.ndarray.types.Shape(), newScale, DataType.FLOAT32);
                NDArray t = manager.full(new ai.djl.ndarray.types.Shape(), tracker, DataType.INT32)) {
            scale.muli(constant(0f)).addi(s);
            growthTracker.muli(count(0)).addi(t);
        }
    }

    /**
     * Returns the settings that decide the scale's course after a checkpoint, as a trainer's
     * checkpoint records them beside the optimiser's so that a resume under other ones is refused
     * (torch's {@code GradScaler} keeps them in its {@code state_dict}): the growth factor, the
     * backoff factor and the growth interval. The initial scale is not among them: a resume
     * restores the scale itself.
     *
     * @return key ({@code lossScaler.<setting>}) to value, floats written with {@code toString}
     *     (which reads back bit for bit), in a fixed order
     */
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("lossScaler.growthFactor", Float.toString(growthFactor));
        s.put("lossScaler.backoffFactor", Float.toString(backoffFactor));
        s.put("lossScaler.growthInterval", Integer.toString(growthInterval));
        return s;
    }

    /**
     * Checks values for {@link #restore} without changing anything, so that a caller restoring
     * several parts can refuse them before it changes any.
     *
     * @param newScale the scale, positive and finite
     * @param tracker consecutive clean steps, in [0, growthInterval)
     * @throws IllegalArgumentException if a value is out of range
     */
    public void checkRestorable(float newScale, int tracker) {
        if (!(newScale > 0) || Float.isInfinite(newScale)) {
            throw new IllegalArgumentException("loss scaler: scale must be positive and finite, found " + newScale);
        }
        if (tracker < 0 || tracker >= growthInterval) {
            throw new IllegalArgumentException(
                    "loss scaler: growth tracker must lie in [0, " + growthInterval + "), found " + tracker);
        }
    }

    private static NDArray own(NDManager m, NDArray a) {
        a.attach(m);
        return a;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("loss scaler: already closed");
        }
    }

    /** Frees the scale and tracker; later calls do nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }

    /** Builds a {@link LossScaler}; mutable, single-threaded. */
    public static final class Builder {
        private NDManager manager;
        private float initialScale = 65536f;
        private float growthFactor = 2f;
        private float backoffFactor = 0.5f;
        private int growthInterval = 2000;
        private boolean fused = true;

        private Builder() {}

        /**
         * Sets the manager the scaler's sub-manager is opened from (required); it fixes the device.
         *
         * @param manager the parent manager
         * @return this builder
         */
        public Builder setManager(NDManager manager) {
            this.manager = Objects.requireNonNull(manager, "manager");
            return this;
        }

        /**
         * Sets the initial scale; default 65536 (2^16, torch's).
         *
         * @param initialScale positive and finite
         * @return this builder
         */
        public Builder optInitialScale(float initialScale) {
            this.initialScale = initialScale;
            return this;
        }

        /**
         * Sets the growth factor; default 2.0.
         *
         * @param growthFactor greater than 1
         * @return this builder
         */
        public Builder optGrowthFactor(float growthFactor) {
            this.growthFactor = growthFactor;
            return this;
        }

        /**
         * Sets the backoff factor; default 0.5.
         *
         * @param backoffFactor in (0, 1)
         * @return this builder
         */
        public Builder optBackoffFactor(float backoffFactor) {
            this.backoffFactor = backoffFactor;
            return this;
        }

        /**
         * Sets how many consecutive clean steps trigger a growth; default 2000.
         *
         * @param growthInterval in [1, 2^24]
         * @return this builder
         */
        public Builder optGrowthInterval(int growthInterval) {
            this.growthInterval = growthInterval;
            return this;
        }

        /**
         * Chooses PyTorch's {@code _amp_update_scale_} (default) or the update made of elementwise
         * operations, which is also what the scaler falls back to where that cannot run.
         *
         * @param fused false for the elementwise update
         * @return this builder
         */
        Builder optFused(boolean fused) {
            this.fused = fused;
            return this;
        }

        /**
         * Builds the scaler.
         *
         * @return the scaler, which the caller must close
         * @throws IllegalArgumentException if the manager is missing or a value is out of range
         */
        public LossScaler build() {
            if (manager == null) {
                throw new IllegalArgumentException("loss scaler: setManager is required");
            }
            if (!(initialScale > 0) || Float.isInfinite(initialScale)) {
                throw new IllegalArgumentException("loss scaler: initialScale must be positive and finite, found " + initialScale);
            }
            if (!(growthFactor > 1) || Float.isInfinite(growthFactor)) {
                throw new IllegalArgumentException("loss scaler: growthFactor must be finite and > 1, found " + growthFactor);
            }
            if (!(backoffFactor > 0 && backoffFactor < 1)) {
                throw new IllegalArgumentException("loss scaler: backoffFactor must lie in (0, 1), found " + backoffFactor);
            }
            // the limit of the float32 tracker of versions before 2026-12-07, kept so settings mean what they did
            if (growthInterval < 1 || growthInterval > (1 << 24)) {
                throw new IllegalArgumentException("loss scaler: growthInterval must lie in [1, 2^24], found " + growthInterval);
            }
            return new LossScaler(this);
        }
    }
}
