package io.github.prefine.core.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.github.prefine.core.kernels.FusedAttention;
import io.github.prefine.core.precision.Casts;
import io.github.prefine.kernels.EngineScalars;
import io.github.prefine.kernels.FastDropout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A BERT / RoBERTa / XLM-R encoder faithful to HF Transformers' {@code BertModel} /
 * {@code XLMRobertaModel} without pooler: {@link EncoderEmbeddings}, then
 * {@code numHiddenLayers} post-LN {@link EncoderLayer}s. The pooler belongs to the heads that pool;
 * a checkpoint's pretrained one rides along with the encoder ({@link #pretrainedPooler()}).
 *
 * <p><b>Contract.</b> Input: {@code NDList(inputIds [batch, seqLen] int64, attentionMask [batch,
 * seqLen] int64 (1 = real token, 0 = padding)[, tokenTypeIds [batch, seqLen] int64])}; token types
 * are all 0 when absent. Output: {@code NDList(lastHiddenState [batch, seqLen, hidden] float32)}.
 * Dropout runs only when the {@code training} flag of {@code forward} is true. The additive
 * attention-mask bias ({@code 0} on real tokens, {@code -Float.MAX_VALUE} on padding, float32;
 * for the fused attention cast once to the projections' dtype, where 16 bits make the padding
 * value -infinity) is built once per forward and shared by all layers. Values at padded positions
 * are unspecified.
 * A caller that built the batch on the host and knows that its mask holds only ones says so with
 * the forward parameter {@link #UNPADDED}; no mask is then applied at all, and on a GPU PyTorch may
 * run its flash attention kernel, as Hugging Face's models do for such batches.
 *
 * <p><b>Memory.</b> Parameters are created without arrays. They get them from one of
 * {@link #initializeRandom(NDManager, long)}, {@link EncoderCheckpoint#load}, or DJL's
 * {@code initialize} (e.g. {@code Trainer.initialize}); the arrays then belong to the manager
 * passed there (normally the DJL {@code Model}'s manager) and die with it. This class is
 * {@link AutoCloseable}: {@link #close()} frees the parameter arrays early and is idempotent.
 * Forward results join the manager of {@code inputIds}; in inference ({@code training == false})
 * the intermediates live in a sub-manager that is closed before {@code forward} returns, so only
 * the output remains.
 *
 * <p><b>Threads.</b> The blocks hold no state besides their parameters, so inference forwards
 * ({@code training == false}) may run on several threads at once, each with its inputs in a
 * manager of its own, as {@code TaskEmbedder}'s threads run them. Training forwards,
 * initialization, loading and {@link #close()} are for one thread at a time, with no inference
 * running.
 *
 * <p><b>float16.</b> With {@code optDataType(DataType.FLOAT16)} (meant for GPUs) all parameters
 * and activations are float16, except: in the explicit attention (CPUs) the attention-mask bias,
 * the attention scores and the softmax run in float32, while the fused attention (GPUs, {@link
 * FusedAttention}) takes the bias in float16 and computes scores and softmax inside PyTorch's
 * kernel; and the output is cast to float32 so heads and losses stay float32.
 * LayerNorm statistics are accumulated in float32 inside PyTorch's kernels. For training, prefer
 * mixed precision: float32 parameters with float16 copies of {@link #matrixParameters()} handed
 * out by a {@link io.github.prefine.core.precision.HalfPrecisionStore}; then every matrix product
 * runs in float16 while embeddings, residual sums, LayerNorm, softmax and the output stay float32.
 * All dtype changes inside the forward are differentiable
 * ({@link io.github.prefine.core.precision.Casts}).
 */
public final class TransformerEncoder extends AbstractBlock implements Encoder, AutoCloseable {

    /**
     * Key of the forward parameter ({@code params} of {@code forward}) by which the caller states
     * that every value of the batch's attention mask is 1: value {@code Boolean.TRUE}. The
     * encoder does not read the mask to check it, since that would wait for the device; a batch
     * with padding must not carry it.
     */
    public static final String UNPADDED = "prefine.unpadded";

    /**
     * The forward parameters for a batch whose attention mask the caller holds on the host: {@link
     * #UNPADDED} where every value is 1, else none. Reading the host copy costs nothing on the
     * device.
     *
     * @param attentionMask the batch's mask, row-major {@code [batch, seqLen]}
     * @return the parameters to pass to {@code forward}, or null for a batch with padding
     */
    public static PairList<String, Object> forwardParameters(long[] attentionMask) {
        for (long m : attentionMask) {
            if (m != 1) {
                return null;
            }
        }
        PairList<String, Object> p = new PairList<>();
        p.add(UNPADDED, Boolean.TRUE);
        return p;
    }

    /**
     * Key of the forward parameter by which the encoder tells its layers which attention it chose
     * for this forward ({@code Boolean}, true for {@link FusedAttention}): decided once, so the
     * layers cannot differ from the mask the encoder prepared for that choice.
     */
    static final String FUSED_ATTENTION = "prefine.attention.fused";

    private static final byte VERSION = 1;

    private final EncoderConfig config;
    private final DataType dataType;
    /** Word, position and token type embeddings with their LayerNorm. */
    private final EncoderEmbeddings embeddings;
    /** The layers, bottom first. */
    private final List<EncoderLayer> layers;
    /** Every parameter of the encoder, for {@link #isInitialized()}. */
    private final List<Parameter> below;
    /** The pooler of the checkpoint this encoder was loaded from, or null; not a parameter of it. */
    private PretrainedPooler pretrainedPooler;

    private TransformerEncoder(Builder b) {
        super(VERSION);
        this.config = b.config;
        this.dataType = b.dataType;
        this.embeddings = addChildBlock("embeddings", new EncoderEmbeddings(config));
        List<EncoderLayer> ls = new ArrayList<>(config.numHiddenLayers());
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            ls.add(addChildBlock("layer_" + i, new EncoderLayer(config)));
        }
        this.layers = Collections.unmodifiableList(ls);
        this.inputNames = List.of("input_ids", "attention_mask", "token_type_ids");
        this.below = Params.below(this);
    }

    /**
     * Returns the pretrained pooler of the checkpoint this encoder was loaded from, which new
     * pooling heads start from (HF's {@code from_pretrained} loads it the same way). The pooler is
     * not part of the encoder's forward or parameters; it rides along so that every way of loading
     * an encoder hands it to the heads.
     *
     * @return the pooler, or empty when the encoder was initialized at random or its checkpoint
     *     has none (as the all-MiniLM-L6-v2 ONNX export and a {@code BertModel} saved with {@code
     *     add_pooling_layer=False})
     */
    public java.util.Optional<PretrainedPooler> pretrainedPooler() {
        return java.util.Optional.ofNullable(pretrainedPooler);
    }

    /** Set once by {@link EncoderCheckpoint} after loading. */
    void setPretrainedPooler(PretrainedPooler pooler) {
        this.pretrainedPooler = pooler;
    }

    @Override
    public boolean isInitialized() {
        return Params.initialized(inputShapes, below);
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
     * Returns the hidden size of the configuration.
     *
     * @return the hidden size
     */
    @Override
    public int hiddenSize() {
        return config.hiddenSize();
    }

    /**
     * Returns the configuration.
     *
     * @return the config this encoder was built from
     */
    public EncoderConfig config() {
        return config;
    }

    /**
     * Returns the parameter dtype.
     *
     * @return FLOAT32 (default) or FLOAT16
     */
    public DataType dataType() {
        return dataType;
    }

    /**
     * Returns the embedding block.
     *
     * @return the embeddings
     */
    public EncoderEmbeddings embeddings() {
        return embeddings;
    }

    /**
     * Returns the layers, bottom first.
     *
     * @return an unmodifiable list of {@code numHiddenLayers} layers
     */
    public List<EncoderLayer> layers() {
        return layers;
    }

    /**
     * Returns the parameters that feed matrix products: the fused query/key/value, attention
     * output, intermediate and output projections of every layer, weights and biases. These are
     * the ones mixed-precision training computes with in float16 (see
     * {@link io.github.prefine.core.precision.HalfPrecisionStore}); embeddings and LayerNorm stay
     * float32, as under {@code torch.autocast}.
     *
     * @return an identity-based, unmodifiable set of {@code 8 * numHiddenLayers} parameters
     */
    public Set<Parameter> matrixParameters() {
        return halfPrecisionParameters();
    }

    /**
     * Returns {@link #matrixParameters()}: the projections mixed precision computes in 16 bits.
     *
     * @return an identity-based, unmodifiable set of {@code 8 * numHiddenLayers} parameters
     */
    @Override
    public Set<Parameter> halfPrecisionParameters() {
        Set<Parameter> out = Collections.newSetFromMap(new IdentityHashMap<>());
        for (EncoderLayer l : layers) {
            out.add(l.attention.qkvWeight);
            out.add(l.attention.qkvBias);
            out.add(l.attention.outputWeight);
            out.add(l.attention.outputBias);
            out.add(l.intermediateWeight);
            out.add(l.intermediateBias);
            out.add(l.outputWeight);
            out.add(l.outputBias);
        }
        return Collections.unmodifiableSet(out);
    }

    /**
     * Initializes every parameter HF-style from a seed: weights and embedding tables from
     * normal(0, {@link EncoderConfig#initializerRange()}), biases 0, LayerNorm scale 1 and shift 0, the padding row of the word table
     * (and, for RoBERTa/XLM-R, of the position table) 0; none where {@code pad_token_id} is null
     * ({@link EncoderConfig#padTokenIdNull()}), as HF's embeddings then have no padding_idx.
     *
     * <p>Values are drawn on the host from a {@link SplittableRandom} split once per parameter in
     * block order, so they depend only on the seed and the config, not on the engine's global
     * random state or the device.
     *
     * @param manager the manager that will own the parameter arrays (normally the Model's)
     * @param seed the seed
     * @throws IllegalStateException if parameters already have values
     */
    public void initializeRandom(NDManager manager, long seed) {
        Objects.requireNonNull(manager, "manager");
        prepareShapesForOwnInit();
        SplittableRandom root = new SplittableRandom(seed);
        for (Pair<String, Parameter> pp : getParameters()) {
            Parameter p = pp.getValue();
            SplittableRandom r = root.split();
            long[] shape = expectedShape(p);
            NDArray value;
            switch (p.getType()) {
                case WEIGHT:
                    int zeroRow = -1;
                    if ((p == embeddings.wordEmbeddings && !config.padTokenIdNull())
                            || (p == embeddings.positionEmbeddings && config.modelType().usesPaddingPositions())) {
                        zeroRow = config.padTokenId();
                    }
                    value = normal(manager, shape, r, zeroRow);
                    break;
                case GAMMA:
                    value = manager.ones(new Shape(shape), dataType);
                    break;
                default:
                    value = manager.zeros(new Shape(shape), dataType);
                    break;
            }
            Params.assign(p, value);
        }
        markInitialized(manager);
    }

    private void prepareShapesForOwnInit() {
        for (Pair<String, Parameter> pp : getParameters()) {
            Parameter p = pp.getValue();
            if (p.isInitialized() || p.getShape() != null) {
                throw new IllegalStateException("encoder parameters already have values; build a new encoder instead");
            }
        }
    }

    private NDArray normal(NDManager manager, long[] shape, SplittableRandom r, int zeroRow) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(Math.toIntExact(Math.multiplyExact(n, 4L))).order(ByteOrder.nativeOrder());
        FloatBuffer fb = buf.asFloatBuffer();
        for (long i = 0; i < n; i++) {
            fb.put((float) (r.nextGaussian() * config.initializerRange()));
        }
        if (zeroRow >= 0 && shape.length == 2) {
            int cols = Math.toIntExact(shape[1]);
            for (int c = 0; c < cols; c++) {
                fb.put(zeroRow * cols + c, 0f);
            }
        }
        NDArray wrapped = manager.create(buf, new Shape(shape), DataType.FLOAT32);
        // On CPU the engine wraps a direct buffer without copying and only the returned Java object
        // keeps the buffer alive; a copy into engine-owned memory cannot be freed under a live tensor.
        NDArray converted = dataType == DataType.FLOAT32 ? wrapped.duplicate() : wrapped.toType(dataType, true);
        wrapped.close();
        return converted;
    }

    /**
     * Returns the shape a parameter must have under this config.
     *
     * @param p one of this encoder's parameters
     * @return its shape
     */
    long[] expectedShape(Parameter p) {
        int h = config.hiddenSize();
        int i = config.intermediateSize();
        if (p == embeddings.wordEmbeddings) {
            return new long[] {config.vocabSize(), h};
        }
        if (p == embeddings.positionEmbeddings) {
            return new long[] {config.maxPositionEmbeddings(), h};
        }
        if (p == embeddings.tokenTypeEmbeddings) {
            return new long[] {config.typeVocabSize(), h};
        }
        for (EncoderLayer l : layers) {
            if (p == l.attention.qkvWeight) {
                return new long[] {3L * h, h};
            }
            if (p == l.attention.qkvBias) {
                return new long[] {3L * h};
            }
            if (p == l.attention.outputWeight) {
                return new long[] {h, h};
            }
            if (p == l.intermediateWeight) {
                return new long[] {i, h};
            }
            if (p == l.intermediateBias) {
                return new long[] {i};
            }
            if (p == l.outputWeight) {
                return new long[] {h, i};
            }
        }
        // every remaining parameter is a [hidden] bias or LayerNorm vector
        return new long[] {h};
    }

    /** Records input shapes so DJL reports the block initialized; arrays are already set. */
    void markInitialized(NDManager manager) {
        initialize(manager, dataType, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1));
    }

    @Override
    public void initialize(NDManager manager, DataType ignored, Shape... inputShapes) {
        // parameters always take this encoder's dtype, whatever the caller's default is
        super.initialize(manager, dataType, inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dt, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        embeddings.initialize(manager, dt, ids);
        Shape hidden = new Shape(ids.get(0), ids.get(1), config.hiddenSize());
        Shape mask = new Shape(ids.get(0), 1, 1, ids.get(1));
        for (EncoderLayer l : layers) {
            l.initialize(manager, dt, hidden, mask);
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() < 2 || inputs.size() > 3) {
            throw new IllegalArgumentException(
                    "encoder input must be NDList(inputIds, attentionMask[, tokenTypeIds]), found " + inputs.size() + " arrays");
        }
        NDArray ids = inputs.get(0);
        NDArray mask = inputs.get(1);
        Shape idShape = ids.getShape();
        if (idShape.dimension() != 2) {
            throw new IllegalArgumentException("inputIds must be [batch, seqLen], found " + idShape);
        }
        if (!mask.getShape().equals(idShape)) {
            throw new IllegalArgumentException("attentionMask shape " + mask.getShape() + " differs from inputIds shape " + idShape);
        }
        if (inputs.size() == 3 && !inputs.get(2).getShape().equals(idShape)) {
            throw new IllegalArgumentException(
                    "tokenTypeIds shape " + inputs.get(2).getShape() + " differs from inputIds shape " + idShape);
        }
        if (idShape.get(1) > config.maxSequenceLength()) {
            throw new IllegalArgumentException(
                    "sequence length " + idShape.get(1) + " exceeds the " + config.maxSequenceLength()
                            + " positions of this " + config.modelType().modelType() + " encoder; cut rows to at most "
                            + config.maxSequenceLength() + " tokens (FeatureSettings.withLengths)");
        }
        if (training) {
            // autograd keeps what backward needs; the caller's step manager owns the rest
            return new NDList(run(ps, inputs, true, params));
        }
        NDManager caller = ids.getManager();
        try (NDManager scope = caller.newSubManager()) {
            scope.tempAttachAll(inputs);
            NDArray out = run(ps, inputs, false, params);
            return new NDList(scope.ret(out));
        }
    }

    private NDArray run(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray mask = inputs.get(1);
        NDList embIn = inputs.size() == 3 ? new NDList(ids, inputs.get(2)) : new NDList(ids);
        NDArray x = embeddings.forward(ps, embIn, training, params).get(0);
        long batch = ids.getShape().get(0);
        long seqLen = ids.getShape().get(1);
        boolean unpadded = params != null && Boolean.TRUE.equals(params.get(UNPADDED));
        // one additive bias for all layers: 0 where mask = 1, -MAX_VALUE where mask = 0; without
        // padding the layers get the integer mask itself, which tells them to apply none
        NDArray maskBias = unpadded ? mask : EngineScalars.mul(EngineScalars.sub(mask.toType(DataType.FLOAT32, false), 1f),
                Float.MAX_VALUE).reshape(batch, 1, 1, seqLen);
        // every layer's attention-dropout mask drawn in one pass (see FastDropout.masks); empty
        // when PyTorch's dropout runs instead (GPU, fused attention), and each layer then draws its own
        NDList dropMasks = new NDList();
        boolean fused = FusedAttention.enabledOn(x.getDevice());
        if (fused && !unpadded && !layers.isEmpty()) {
            // the fused attention takes the mask in the projections' dtype: one cast here, not one per layer
            DataType compute = Casts.dataType(ps.getValue(layers.get(0).attention.qkvWeight, x.getDevice(), training));
            if (compute != DataType.FLOAT32) {
                // no gradient flows into the mask: a plain cast, except to bfloat16, which DJL cannot make
                maskBias = compute == DataType.BFLOAT16 ? Casts.toType(maskBias, compute) : maskBias.toType(compute, false);
            }
        }
        if (training && config.attentionProbsDropoutProb() > 0 && !layers.isEmpty() && !fused) {
            // attention probabilities are cast to the projection weights' dtype before dropout
            DataType probsType = Casts.dataType(ps.getValue(layers.get(0).attention.qkvWeight, x.getDevice(), true));
            dropMasks = FastDropout.masks(x.getManager(), new Shape(batch, config.numAttentionHeads(), seqLen, seqLen),
                    probsType, config.attentionProbsDropoutProb(), layers.size());
        }
        // first, as a lookup takes the first pair of a key
        PairList<String, Object> layerParams = new PairList<>();
        layerParams.add(FUSED_ATTENTION, fused);
        if (params != null) {
            layerParams.addAll(params);
        }
        // the layers run on [batch * seqLen, hidden]: PyTorch computes a 2-D projection with one
        // fused multiply-add (and its backward with fewer transposes) where a 3-D input takes a
        // matmul, a bias add and reshapes each way
        x = x.reshape(batch * seqLen, config.hiddenSize());
        for (int i = 0; i < layers.size(); i++) {
            NDList in = dropMasks.isEmpty() ? new NDList(x, maskBias) : new NDList(x, maskBias, dropMasks.get(i));
            x = layers.get(i).forward(ps, in, training, layerParams).get(0);
        }
        // differentiable: NDArray.toType would detach the encoder from the heads' loss
        return Casts.toType(x.reshape(batch, seqLen, config.hiddenSize()), DataType.FLOAT32);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        return new Shape[] {new Shape(ids.get(0), ids.get(1), config.hiddenSize())};
    }

    /** Frees the parameter arrays now instead of with their manager; idempotent. */
    @Override
    public void close() {
        for (Pair<String, Parameter> p : getParameters()) {
            p.getValue().close();
        }
    }

    /** Mutable, single-threaded builder of {@link TransformerEncoder}. */
    public static final class Builder {
        private EncoderConfig config;
        private DataType dataType = DataType.FLOAT32;

        private Builder() {}

        /**
         * Sets the configuration (required).
         *
         * @param config the sizes and options
         * @return this builder
         */
        public Builder setConfig(EncoderConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Sets the parameter dtype; default FLOAT32. FLOAT16 is meant for GPUs (see the class
         * Javadoc for what stays float32).
         *
         * @param dataType FLOAT32 or FLOAT16
         * @return this builder
         */
        public Builder optDataType(DataType dataType) {
            this.dataType = Objects.requireNonNull(dataType, "dataType");
            return this;
        }

        /**
         * Validates and builds an encoder whose parameters have no arrays yet.
         *
         * @return the encoder
         * @throws IllegalArgumentException if the config is missing or the dtype unsupported
         */
        public TransformerEncoder build() {
            if (config == null) {
                throw new IllegalArgumentException("config is required");
            }
            if (dataType != DataType.FLOAT32 && dataType != DataType.FLOAT16) {
                throw new IllegalArgumentException("dataType must be FLOAT32 or FLOAT16, found " + dataType);
            }
            return new TransformerEncoder(this);
        }
    }
}
