package io.github.prefine.core.encoder;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.prefine.core.kernels.FusedAttention;
import io.github.prefine.core.precision.Casts;
import io.github.prefine.kernels.EngineScalars;
import io.github.prefine.kernels.FastDropout;
import java.util.List;

/**
 * Multi-head self-attention with its output projection and post-LayerNorm: HF
 * {@code BertAttention} = {@code BertSelfAttention} + {@code BertSelfOutput}
 * (<a href="https://arxiv.org/abs/1706.03762">Vaswani et al.</a>).
 *
 * <p>Query, key and value share ONE fused projection {@code qkv} of shape {@code [3 * hidden,
 * hidden]} (rows: query, then key, then value, as HF's three weights concatenated), so a layer
 * runs one matrix product instead of three. Input: {@code NDList(hidden [batch * seqLen, hidden]
 * (as the encoder passes it) or [batch, seqLen, hidden], mask[, dropoutMask [batch, heads, seqLen,
 * seqLen]])}, where the mask is the additive bias {@code [batch, 1, 1, seqLen]} (float) or, for a
 * batch without padding, the integer attention mask {@code [batch, seqLen]}, all ones, which
 * only gives the shape (no mask is applied), and the optional dropout mask for the attention
 * probabilities comes from {@link FastDropout#masks} (without it, training draws its own);
 * output: hidden states shaped as the input. Matrix products run in the dtype of the projection
 * weights; in the explicit attention the mask bias and the softmax run in float32 (the fused one
 * takes the bias cast to the projections' dtype and computes the softmax inside PyTorch's kernel),
 * and the residual sum and
 * LayerNorm in the dtype of the LayerNorm weights. With float16 projection weights and float32 LayerNorm weights (mixed precision, see
 * {@link io.github.prefine.core.precision.HalfPrecisionStore}) this is {@code torch.autocast}'s
 * split. Casts go through {@link Casts}, so gradients flow through them.
 *
 * <p>On a GPU the attention itself (scores, mask, softmax, dropout, weighted sum) is one call of
 * PyTorch's scaled dot-product attention ({@link FusedAttention}), as in HF's SDPA models; on a
 * CPU it is computed one operation at a time, with prefine's seeded dropout masks.
 *
 * <p>Parameter arrays belong to the manager that initialized or loaded them; see
 * {@link TransformerEncoder} for closing.
 *
 * <p>Threads: as {@link TransformerEncoder}.
 */
public final class EncoderAttention extends AbstractBlock {

    private static final byte VERSION = 1;

    private final EncoderConfig config;
    /** Fused query/key/value weight, {@code [3 * hidden, hidden]}. */
    final Parameter qkvWeight;
    /** Fused query/key/value bias, {@code [3 * hidden]}. */
    final Parameter qkvBias;
    /** Output projection ({@code attention.output.dense}), {@code [hidden, hidden]}. */
    final Parameter outputWeight;
    /** Output projection bias, {@code [hidden]}. */
    final Parameter outputBias;
    /** Post-attention LayerNorm scale, {@code [hidden]}. */
    final Parameter layerNormWeight;
    /** Post-attention LayerNorm shift, {@code [hidden]}. */
    final Parameter layerNormBias;
    /** Every parameter of this block and the blocks below it, for {@link #isInitialized()}. */
    private final List<Parameter> below;

    EncoderAttention(EncoderConfig config) {
        super(VERSION);
        this.config = config;
        qkvWeight = addParameter(Params.create("qkv_weight", Parameter.Type.WEIGHT, config));
        qkvBias = addParameter(Params.create("qkv_bias", Parameter.Type.BIAS, config));
        outputWeight = addParameter(Params.create("output_dense_weight", Parameter.Type.WEIGHT, config));
        outputBias = addParameter(Params.create("output_dense_bias", Parameter.Type.BIAS, config));
        layerNormWeight = addParameter(Params.create("output_LayerNorm_weight", Parameter.Type.GAMMA, config));
        layerNormBias = addParameter(Params.create("output_LayerNorm_bias", Parameter.Type.BETA, config));
        below = Params.below(this);
    }

    @Override
    public boolean isInitialized() {
        return Params.initialized(inputShapes, below);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray maskBias = inputs.get(1);
        // the mask is the same array in every layer, so DJL asks the engine for its device once;
        // x is new in each layer and would cost a native query per layer
        Device device = maskBias.getDevice();
        // x is [batch * seqLen, hidden] inside the encoder (2-D projections are one fused
        // multiply-add each way) or [batch, seqLen, hidden]; the mask bias has the batch's shape
        Shape ms = maskBias.getShape();
        long batch = ms.get(0);
        long seqLen = ms.get(ms.dimension() - 1);
        // an integer mask comes only with a batch that has no padding (TransformerEncoder.UNPADDED)
        NDArray bias = maskBias.getDataType().isInteger() ? null : maskBias;
        int heads = config.numAttentionHeads();
        int headSize = config.headSize();

        NDArray qkvW = ps.getValue(qkvWeight, device, training);
        // matrix products run in the weights' dtype (float16 copies under mixed precision)
        DataType compute = Casts.dataType(qkvW);
        NDArray qkv = Linear.linear(Casts.toType(x, compute), qkvW, ps.getValue(qkvBias, device, training)).get(0);
        // [batch (* seqLen), 3 * hidden] -> 3 x [batch, heads, seqLen, headSize], views only. split (not
        // three get(i) selects): its backward writes the three gradients into one buffer, where each
        // select's backward would zero-fill a full-size gradient and the three would then be summed
        NDList parts = qkv.reshape(batch, seqLen, 3, heads, headSize).transpose(2, 0, 3, 1, 4).split(3, 0);
        NDArray q = parts.get(0).reshape(batch, heads, seqLen, headSize);
        NDArray k = parts.get(1).reshape(batch, heads, seqLen, headSize);
        NDArray v = parts.get(2).reshape(batch, heads, seqLen, headSize);
        // the encoder's choice for this forward; a layer run on its own decides for itself
        Object chosen = params == null ? null : params.get(TransformerEncoder.FUSED_ATTENTION);
        boolean fused = chosen instanceof Boolean b ? b : FusedAttention.enabledOn(device);
        NDArray attended = fused
                ? FusedAttention.apply(q, k, v, bias, training ? config.attentionProbsDropoutProb() : 0f)
                : explicitAttention(q, k, v, bias, inputs.size() > 2 ? inputs.get(2) : null, training);
        // [batch, heads, seqLen, headSize] -> x's shape
        NDArray context = attended.transpose(0, 2, 1, 3).reshape(x.getShape());
        NDArray out = Linear.linear(context, ps.getValue(outputWeight, device, training), ps.getValue(outputBias, device, training)).get(0);
        out = ResidualNorm.apply(config, out, x, ps.getValue(layerNormWeight, device, training),
                ps.getValue(layerNormBias, device, training), training);
        return new NDList(out);
    }

    /**
     * Attention as HF's eager {@code BertSelfAttention} computes it, one operation at a time: the
     * CPU path, with prefine's seeded dropout masks.
     */
    private NDArray explicitAttention(NDArray q, NDArray k, NDArray v, NDArray maskBias, NDArray dropoutMask,
            boolean training) {
        DataType compute = Casts.dataType(q);
        NDArray scaled = EngineScalars.mul(q, (float) (1.0 / Math.sqrt(config.headSize())));
        // mask bias and softmax in float32; Casts keeps the graph (NDArray.toType would cut it).
        // The bias is added in place: the scores are a fresh array that no backward reads, and
        // it saves allocating and writing a second [batch, heads, seqLen, seqLen] array
        NDArray scores = scaled.matMul(k.transpose(0, 1, 3, 2));
        if (maskBias != null && scores.getDataType() == DataType.FLOAT32) {
            scores.addi(maskBias);
        } else if (maskBias != null) {
            // float16 products plus the float32 bias: type promotion makes the sum float32 in one
            // operation, where a cast then an in-place add would take three
            scores = scores.add(maskBias);
        }
        // the softmax computes in float32 whatever the scores' type (16-bit scores of a batch
        // without padding): one operation, where a cast first would add two each way
        NDArray probs = JniUtils.softmax((PtNDArray) scores, -1, DataType.FLOAT32);
        boolean drop = training && config.attentionProbsDropoutProb() > 0;
        if (drop && compute == DataType.BFLOAT16) {
            // on the float32 probabilities, before the cast: dropout of a bfloat16 array would
            // scale by a rounded 1 / (1 - p) on a CPU (see FastDropout), and the cast must come last
            probs = FastDropout.apply(probs, config.attentionProbsDropoutProb(), true);
            drop = false;
        }
        probs = Casts.toType(probs, compute);
        if (drop) {
            probs = dropoutMask != null ? FastDropout.apply(probs, dropoutMask)
                    : FastDropout.apply(probs, config.attentionProbsDropoutProb(), true);
        }
        return probs.matMul(v);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        int h = config.hiddenSize();
        Params.prepare(qkvWeight, 3L * h, h);
        Params.prepare(qkvBias, 3L * h);
        Params.prepare(outputWeight, h, h);
        Params.prepare(outputBias, h);
        Params.prepare(layerNormWeight, h);
        Params.prepare(layerNormBias, h);
    }
}
