package io.github.prefine.core.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import io.github.prefine.core.precision.Casts;
import io.github.prefine.kernels.FastDropout;

/**
 * The tail shared by HF's {@code BertSelfOutput} and {@code BertOutput}: dropout, residual add,
 * then post-LN LayerNorm.
 */
final class ResidualNorm {
    private ResidualNorm() {}

    /**
     * Applies dropout (training only) to a projected sub-layer output, adds the residual in the
     * residual's dtype, and normalises in the LayerNorm weights' dtype (float32 under mixed
     * precision).
     *
     * @param config the encoder config (dropout probability, hidden size, epsilon)
     * @param projected the sub-layer output, hidden last
     * @param residual the sub-layer input, shaped as {@code projected}
     * @param lnWeight the LayerNorm scale
     * @param lnBias the LayerNorm shift
     * @param training whether dropout is active
     * @return the normalised sum
     */
    static NDArray apply(EncoderConfig config, NDArray projected, NDArray residual, NDArray lnWeight,
            NDArray lnBias, boolean training) {
        NDArray h = projected;
        if (training && config.hiddenDropoutProb() > 0) {
            h = FastDropout.apply(h, config.hiddenDropoutProb(), true);
        }
        // against a float32 residual, PyTorch's type promotion computes the sum in float32 from a
        // 16-bit h directly: a separate cast would be two more operations each way (a bfloat16 h
        // on a CPU comes out of its dropout in float32 already, see FastDropout)
        NDArray addend = residual.getDataType() == DataType.FLOAT32 ? h : Casts.toType(h, residual.getDataType());
        NDArray sum = Casts.toType(addend.add(residual), lnWeight.getDataType());
        return LayerNorm.layerNorm(sum, new Shape(config.hiddenSize()), lnWeight, lnBias, config.layerNormEps()).get(0);
    }
}
