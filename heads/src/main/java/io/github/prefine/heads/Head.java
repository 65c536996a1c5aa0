package io.github.prefine.heads;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A task head: a DJL block that maps an encoder's last hidden state {@code [batch, seqLen,
 * hidden]} (float32) to task logits, with parameters named exactly as Hugging Face checkpoint keys.
 *
 * <p>Every head is a leaf block: its parameters are its own direct parameters, not children, so
 * {@link #getParameters()} names them with their HF keys (for example {@code classifier.weight})
 * with no ordinal prefix, and {@link #hfParameters()} gives the same mapping for checkpoint import
 * and export. Each weight starts from a {@link SeededNormalInitializer} (normal(0,
 * initializerRange), seeded by the head seed mixed with the key) and each bias from zeros, as HF's
 * {@code _init_weights} does. A DJL {@code TrainingConfig} that sets initializers overwrites these.
 * A head that pools ({@link #poolerPrefix()}) is meant to get the checkpoint's pretrained pooler
 * after initialization ({@link #loadPooler}), as HF's {@code from_pretrained} loads it.
 *
 * <p>Forward takes one input, the hidden state, and reads its device from it; the parameter
 * arrays come from the {@link ParameterStore} for that device, and an input of another dtype than
 * the weights the store hands out is refused with an {@code IllegalArgumentException}. Dropout is applied only when the
 * {@code training} flag is set, with {@link io.github.prefine.kernels.FastDropout}: on a CPU its
 * masks are seeded from the calling thread's {@link io.github.prefine.kernels.DropoutSeeds}
 * stream (which the trainer opens for each step), else, like PyTorch's dropout on a GPU, from the
 * engine's process-wide generator ({@code Engine.getInstance().setRandomSeed}).
 *
 * <p>Memory: the parameter arrays belong to the manager passed to {@code initialize}; outputs
 * and intermediates join the manager of the input hidden state. A head is not thread-safe while
 * being initialized or loaded; forward passes follow DJL's rules for blocks.
 */
public abstract sealed class Head extends AbstractBlock
        permits SequenceClassificationHead,
                TokenClassificationHead,
                QuestionAnsweringHead,
                MultipleChoiceHead {

    private static final byte VERSION = 1;

    private final int hiddenSize;
    private final long seed;
    private final float initializerRange;
    private final Map<String, Parameter> hfParameters = new LinkedHashMap<>();
    /** The pooler's key prefix, set by {@link #addPooler}; null for heads without one. */
    private String poolerPrefix;

    Head(BaseBuilder<?> b) {
        super(VERSION);
        this.hiddenSize = b.hiddenSize;
        this.seed = b.seed;
        this.initializerRange = b.initializerRange;
    }

    /**
     * Returns the hidden size this head expects on the last axis of its input.
     *
     * @return hidden
     */
    public final int hiddenSize() {
        return hiddenSize;
    }

    /**
     * Returns the HF checkpoint keys of this head's parameters, in declaration order.
     *
     * @return an unmodifiable list of keys such as {@code classifier.dense.weight}
     */
    public final List<String> hfKeys() {
        return List.copyOf(hfParameters.keySet());
    }

    /**
     * Returns this head's parameters by HF checkpoint key, in declaration order.
     *
     * <p>The shapes are HF's: a linear weight is {@code [out, in]}, a bias {@code [out]}.
     *
     * @return an unmodifiable map from key to parameter
     */
    public final Map<String, Parameter> hfParameters() {
        return Collections.unmodifiableMap(hfParameters);
    }

    /**
     * Copies this head's weights from HF tensors, found by their exact keys.
     *
     * <p>Keys of {@code tensors} that this head does not own are ignored, so a whole checkpoint
     * can be passed. Values are cast to the parameters' dtype and copied into the existing
     * parameter arrays (on their device, in their manager); the given tensors are neither kept nor
     * closed.
     *
     * @param tensors HF tensors by key, each float, shaped as {@link #hfParameters()} states
     * @throws IllegalStateException if the head has not been initialized yet (call {@code
     *     initialize(manager, DataType.FLOAT32, new Shape(batch, seqLen, hidden))} first)
     * @throws IllegalArgumentException if keys are missing or have the wrong shape, or a value
     *     would overflow a float16 head's cast (65520 or more in magnitude); the message lists every
     *     such key, with the expected and found shapes or the largest magnitude
     */
    public final void loadHfWeights(Map<String, NDArray> tensors) {
        Objects.requireNonNull(tensors, "tensors");
        load(tensors, hfParameters.keySet(), "loadHfWeights");
    }

    /**
     * Returns the key prefix of this head's pooler, the dense layer HF's {@code BertPooler} applies
     * to the first token, where the head has one: the BERT-family {@link SequenceClassificationHead}
     * ({@code bert.pooler.dense}) and {@link MultipleChoiceHead} ({@code bert.pooler.dense} or
     * {@code roberta.pooler.dense}). HF's {@code from_pretrained} loads this layer from the
     * checkpoint, where the checkpoint has it; see {@link #loadPooler}.
     *
     * @return the prefix of {@code .weight} and {@code .bias}, or empty for heads without a pooler
     *     (RoBERTa's sequence head, whose {@code classifier.dense} HF draws anew, token and span heads)
     */
    public final Optional<String> poolerPrefix() {
        return Optional.ofNullable(poolerPrefix);
    }

    /**
     * Copies a pretrained pooler into this head's pooler, as HF's {@code from_pretrained} starts a
     * pooling head from the checkpoint's {@code pooler.dense}; the other weights keep their values.
     * Values are copied as in {@link #loadHfWeights}.
     *
     * @param weight {@code [hidden, hidden]}, float
     * @param bias {@code [hidden]}, float
     * @throws IllegalStateException if the head has no pooler ({@link #poolerPrefix()} is empty) or
     *     is not initialized yet
     * @throws IllegalArgumentException if a shape differs, naming the key, the expected and the found
     *     shape
     */
    public final void loadPooler(NDArray weight, NDArray bias) {
        Objects.requireNonNull(weight, "weight");
        Objects.requireNonNull(bias, "bias");
        if (poolerPrefix == null) {
            throw new IllegalStateException(this + ": has no pooler to load");
        }
        load(Map.of(poolerPrefix + ".weight", weight, poolerPrefix + ".bias", bias),
                List.of(poolerPrefix + ".weight", poolerPrefix + ".bias"), "loadPooler");
    }

    /** Copies the given keys of {@code tensors} into their parameters, after checking them all. */
    private void load(Map<String, NDArray> tensors, java.util.Collection<String> keys, String caller) {
        if (!isInitialized()) {
            throw new IllegalStateException(
                    getClass().getSimpleName()
                            + ": " + caller + " needs an initialized head, call initialize(manager,"
                            + " dataType, inputShape) first");
        }
        List<String> missing = new ArrayList<>();
        List<String> wrongShape = new ArrayList<>();
        List<String> outOfRange = new ArrayList<>();
        for (String key : keys) {
            Map.Entry<String, Parameter> e = Map.entry(key, hfParameters.get(key));
            NDArray t = tensors.get(e.getKey());
            NDArray param = e.getValue().getArray();
            Shape expected = param.getShape();
            if (t == null) {
                missing.add(e.getKey());
            } else if (!t.getShape().equals(expected)) {
                wrongShape.add(e.getKey() + " has shape " + t.getShape() + ", expected " + expected);
            } else {
                double max = float16Overflow(t, param.getDataType());
                if (!Double.isNaN(max)) {
                    outOfRange.add(e.getKey() + " has values up to " + max + " in magnitude");
                }
            }
        }
        if (!missing.isEmpty() || !wrongShape.isEmpty() || !outOfRange.isEmpty()) {
            StringBuilder sb = new StringBuilder(getClass().getSimpleName())
                    .append(": cannot load HF weights");
            if (!missing.isEmpty()) {
                sb.append("; missing keys ").append(missing);
            }
            if (!wrongShape.isEmpty()) {
                sb.append("; wrong shapes ").append(wrongShape);
            }
            if (!outOfRange.isEmpty()) {
                sb.append("; beyond float16's largest finite value ").append((int) FLOAT16_MAX)
                        .append(", which the cast to this head's float16 would make infinite: ").append(outOfRange);
            }
            throw new IllegalArgumentException(sb.toString());
        }
        for (String key : keys) {
            Map.Entry<String, Parameter> e = Map.entry(key, hfParameters.get(key));
            NDArray dst = e.getValue().getArray();
            NDArray src = tensors.get(e.getKey());
            NDArray cast = null;
            NDArray moved = null;
            // the cast and the moved copy live in the caller's manager: closed on every path, a
            // failed copy included, so that a load leaves nothing there
            try {
                cast = src.getDataType() == dst.getDataType() ? src : src.toType(dst.getDataType(), true);
                moved = cast.getDevice().equals(dst.getDevice()) ? cast : cast.toDevice(dst.getDevice(), true);
                // an indexed copy on the device: set(Buffer) went through the host, and PyTorch's JNI
                // path for it prints a deprecation warning (AutoNonVariableTypeMode) on stderr. The
                // copy goes into a detached view of the same storage, as autograd refuses an in-place
                // write into a leaf whose gradient is attached.
                try (NDArray view = dst.stopGradient()) {
                    view.set(new NDIndex("..."), moved);
                }
            } finally {
                closeCopy(moved, cast);
                closeCopy(cast, src);
            }
        }
    }

    /** float16's largest finite value; PyTorch's cast rounds a magnitude from 65520 on to infinity. */
    private static final float FLOAT16_MAX = 65504f;

    /**
     * The largest finite magnitude of a wider float tensor whose cast to a float16 parameter would
     * overflow to infinity, else NaN. Read in float64, so that a float64 value beyond float32's
     * range counts too. One host read per tensor, at load time, and only for float16 heads.
     */
    private static double float16Overflow(NDArray src, DataType target) {
        DataType from = src.getDataType();
        // DJL names bfloat16 UNKNOWN: a float type to check too (abs, max and a cast to float32 take it)
        boolean floating = from.isFloating() || from == DataType.UNKNOWN;
        if (target != DataType.FLOAT16 || from == DataType.FLOAT16 || !floating || src.size() == 0) {
            return Float.NaN;
        }
        try (NDArray abs = src.abs(); NDArray max = abs.max(); NDArray f = max.toType(DataType.FLOAT64, false)) {
            double m = f.getDouble();
            // PyTorch rounds to nearest: below 65520 a value lands on 65504, finite
            return Double.isFinite(m) && m >= 65520 ? m : Double.NaN;
        }
    }

    /** Closes {@code copy} if it is a copy made by {@link #load}, not the array it was made from. */
    private static void closeCopy(NDArray copy, NDArray from) {
        if (copy != null && copy != from) {
            copy.close();
        }
    }

    /** Declares the pooler's dense layer (hidden → hidden) under {@code prefix}, see {@link #poolerPrefix()}. */
    final void addPooler(String prefix, int hidden) {
        addLinear(prefix, hidden, hidden);
        this.poolerPrefix = prefix;
    }

    /**
     * Declares a linear layer's HF weight {@code [out, in]} and bias {@code [out]}, with HF's
     * initialization from the builder's seed and initializer range.
     */
    final void addLinear(String prefix, int out, int in) {
        addHfParameter(
                prefix + ".weight",
                Parameter.Type.WEIGHT,
                new Shape(out, in),
                SeededNormalInitializer.forKey(seed, prefix + ".weight", initializerRange));
        addHfParameter(prefix + ".bias", Parameter.Type.BIAS, new Shape(out), Initializer.ZEROS);
    }

    private void addHfParameter(String key, Parameter.Type type, Shape shape, Initializer init) {
        Parameter p = Parameter.builder()
                .setName(key)
                .setType(type)
                .optShape(shape)
                .optInitializer(init)
                .build();
        addParameter(p);
        hfParameters.put(key, p);
    }

    /**
     * Applies the linear layer declared by {@link #addLinear} under {@code prefix} to {@code x},
     * with the parameter values on {@code x}'s device.
     */
    final NDArray linear(ParameterStore store, String prefix, NDArray x, boolean training) {
        Device device = x.getDevice();
        NDArray weight = store.getValue(hfParameters.get(prefix + ".weight"), device, training);
        NDArray bias = store.getValue(hfParameters.get(prefix + ".bias"), device, training);
        checkInputType(getClass().getSimpleName(), prefix, x, weight);
        return Linear.linear(x, weight, bias).singletonOrThrow();
    }

    /**
     * Refuses an input whose dtype differs from the weight it meets (the weight as the store hands
     * it out, so a store of 16-bit copies takes 16-bit inputs): PyTorch's matrix product would
     * refuse it too, naming neither the head nor the weight.
     */
    static void checkInputType(String where, String prefix, NDArray x, NDArray weight) {
        if (x.getDataType() != weight.getDataType()) {
            throw new IllegalArgumentException(where + ": input is " + x.getDataType() + " but " + prefix
                    + ".weight is " + weight.getDataType() + "; give the head input of its weights' dtype");
        }
    }

    /**
     * Applies HF's pooler, {@code tanh(dense(h[:, 0]))}, with the dense layer declared under
     * {@code prefix}; returns {@code [batch, hidden]}.
     */
    final NDArray pool(ParameterStore store, String prefix, NDArray hidden, boolean training) {
        return linear(store, prefix, hidden.get(":, 0"), training).tanh();
    }

    /** Checks that an input is {@code [batch, seqLen, hidden]} and returns it. */
    final NDArray checkHidden(NDArray hidden) {
        Shape s = hidden.getShape();
        if (s.dimension() != 3 || s.get(2) != hiddenSize) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName()
                            + ": input must be lastHiddenState [batch, seqLen, "
                            + hiddenSize
                            + "], found "
                            + s);
        }
        if (hidden.getDataType() == DataType.UNKNOWN) {
            // DJL 0.36 names bfloat16 UNKNOWN (prefine makes no other such arrays); "not floating point" misled
            throw new IllegalArgumentException(getClass().getSimpleName() + ": input is bfloat16 (DJL's UNKNOWN); a head"
                    + " takes the dtype of its weights, " + weightType() + " here");
        }
        if (!hidden.getDataType().isFloating()) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName() + ": input must be floating point, found "
                            + hidden.getDataType());
        }
        return hidden;
    }

    /** The dtype of this head's weights, or "unknown" before initialization. */
    private String weightType() {
        Parameter first = hfParameters.values().iterator().next();
        return first.isInitialized() ? first.getArray().getDataType().toString() : "unknown";
    }

    /** Checks an input shape array for getOutputShapes. */
    final Shape checkHiddenShape(Shape[] inputShapes) {
        if (inputShapes.length < 1
                || inputShapes[0].dimension() != 3
                || inputShapes[0].get(2) != hiddenSize) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName()
                            + ": input must be [batch, seqLen, "
                            + hiddenSize
                            + "], found "
                            + Arrays.toString(inputShapes));
        }
        return inputShapes[0];
    }

    static void checkPositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, found " + value);
        }
    }

    static void checkDropout(float rate) {
        if (!(rate >= 0f && rate < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), found " + rate);
        }
    }

    static void checkInitializerRange(float range) {
        if (!(range >= 0f) || Float.isInfinite(range)) {
            throw new IllegalArgumentException(
                    "initializerRange must be finite and >= 0, found " + range);
        }
    }

    /**
     * The settings every head builder shares: the encoder's hidden size (required) and the
     * initialization seed and range (optional). Each head's own builder adds its required values
     * and a {@code build()} that checks them all.
     *
     * <p>Mutable and single-threaded.
     *
     * @param <B> the concrete builder, which every setter returns
     */
    public abstract static sealed class BaseBuilder<B extends BaseBuilder<B>>
            permits DropoutBuilder, QuestionAnsweringHead.Builder {
        int hiddenSize;
        long seed;
        float initializerRange = 0.02f;

        BaseBuilder() {}

        /** Returns this builder as its concrete type. */
        abstract B self();

        /**
         * Sets the encoder's hidden size (required, HF {@code hidden_size}).
         *
         * @param hiddenSize hidden, &gt; 0
         * @return this builder
         */
        public final B setHiddenSize(int hiddenSize) {
            this.hiddenSize = hiddenSize;
            return self();
        }

        /**
         * Sets the initialization seed (optional, default 0).
         *
         * @param seed the seed
         * @return this builder
         */
        public final B optSeed(long seed) {
            this.seed = seed;
            return self();
        }

        /**
         * Sets the standard deviation of the initial weights (optional, default 0.02: HF's
         * {@code initializer_range}).
         *
         * @param initializerRange finite and &gt;= 0
         * @return this builder
         */
        public final B optInitializerRange(float initializerRange) {
            this.initializerRange = initializerRange;
            return self();
        }

        /** Checks the hidden size, then the rates. */
        final void checkShared() {
            checkPositive("hiddenSize", hiddenSize);
            checkRates();
        }

        /** Checks the hidden size, then the head's own count (numLabels, numChoices), then the rates. */
        final void checkShared(String countName, int count) {
            checkPositive("hiddenSize", hiddenSize);
            checkPositive(countName, count);
            checkRates();
        }

        /** Checks the rates: the initializer range here, dropout first where there is one. */
        void checkRates() {
            checkInitializerRange(initializerRange);
        }
    }

    /**
     * A {@link BaseBuilder} for the heads that apply dropout when training.
     *
     * <p>Mutable and single-threaded.
     *
     * @param <B> the concrete builder, which every setter returns
     */
    public abstract static sealed class DropoutBuilder<B extends DropoutBuilder<B>> extends BaseBuilder<B>
            permits SequenceClassificationHead.Builder,
                    TokenClassificationHead.Builder,
                    MultipleChoiceHead.Builder {
        float dropout = 0.1f;

        DropoutBuilder() {}

        /**
         * Sets the dropout rate applied when training (optional, default 0.1: HF's default
         * {@code hidden_dropout_prob}; each head's class documentation names the HF setting it
         * mirrors).
         *
         * @param dropout the rate in [0, 1)
         * @return this builder
         */
        public final B optDropout(float dropout) {
            this.dropout = dropout;
            return self();
        }

        @Override
        void checkRates() {
            checkDropout(dropout);
            super.checkRates();
        }
    }
}
