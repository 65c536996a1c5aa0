package io.github.prefine.core.encoder;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.prefine.core.precision.Casts;
import java.util.List;

/**
 * One post-LN transformer layer, HF {@code BertLayer}: {@link EncoderAttention}, then the
 * feed-forward {@code intermediate} (hidden to intermediate, activation) and {@code output}
 * (intermediate to hidden, dropout, residual, LayerNorm).
 *
 * <p>Input: {@code NDList(hidden [batch * seqLen, hidden] or [batch, seqLen, hidden], maskBias
 * [batch, 1, 1, seqLen] float32[, attention dropout mask])}, as {@link EncoderAttention} takes it;
 * output: hidden states shaped as the input. The feed-forward products run in their
 * weights' dtype, the residual sum and LayerNorm in the LayerNorm weights' dtype (see
 * {@link EncoderAttention}). Parameter arrays belong to the manager
 * that initialized or loaded them; see {@link TransformerEncoder} for closing.
 *
 * <p>Threads: as {@link TransformerEncoder}.
 */
public final class EncoderLayer extends AbstractBlock {

    private static final byte VERSION = 1;

    private final EncoderConfig config;
    /** Self-attention with its output projection and LayerNorm. */
    final EncoderAttention attention;
    /** {@code intermediate.dense.weight}, {@code [intermediate, hidden]}. */
    final Parameter intermediateWeight;
    /** {@code intermediate.dense.bias}, {@code [intermediate]}. */
    final Parameter intermediateBias;
    /** {@code output.dense.weight}, {@code [hidden, intermediate]}. */
    final Parameter outputWeight;
    /** {@code output.dense.bias}, {@code [hidden]}. */
    final Parameter outputBias;
    /** {@code output.LayerNorm.weight}, {@code [hidden]}. */
    final Parameter layerNormWeight;
    /** {@code output.LayerNorm.bias}, {@code [hidden]}. */
    final Parameter layerNormBias;
    /** Every parameter of this block and the blocks below it, for {@link #isInitialized()}. */
    private final List<Parameter> below;

    EncoderLayer(EncoderConfig config) {
        super(VERSION);
        this.config = config;
        attention = addChildBlock("attention", new EncoderAttention(config));
        intermediateWeight = addParameter(Params.create("intermediate_dense_weight", Parameter.Type.WEIGHT, config));
        intermediateBias = addParameter(Params.create("intermediate_dense_bias", Parameter.Type.BIAS, config));
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
        NDArray attended = attention.forward(ps, inputs, training, params).get(0);
        // from the mask, shared by all layers (see EncoderAttention): one native query in all
        Device device = inputs.get(1).getDevice();
        NDArray interW = ps.getValue(intermediateWeight, device, training);
        // matrix products in the weights' dtype (float16 copies under mixed precision)
        NDArray h = Linear.linear(Casts.toType(attended, Casts.dataType(interW)), interW,
                ps.getValue(intermediateBias, device, training)).get(0);
        h = config.hiddenAct().apply(h);
        h = Linear.linear(h, ps.getValue(outputWeight, device, training), ps.getValue(outputBias, device, training)).get(0);
        h = ResidualNorm.apply(config, h, attended, ps.getValue(layerNormWeight, device, training),
                ps.getValue(layerNormBias, device, training), training);
        return new NDList(h);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        attention.initialize(manager, dataType, inputShapes);
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        int h = config.hiddenSize();
        int i = config.intermediateSize();
        Params.prepare(intermediateWeight, i, h);
        Params.prepare(intermediateBias, i);
        Params.prepare(outputWeight, h, i);
        Params.prepare(outputBias, h);
        Params.prepare(layerNormWeight, h);
        Params.prepare(layerNormBias, h);
    }
}
