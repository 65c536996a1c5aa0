package io.github.prefine.core.train;

import ai.djl.Device;
import java.util.Locale;

/**
 * Numeric precision of training. DJL's PyTorch engine has no {@code torch.autocast}, so mixed
 * precision is float16 compute with float32 master weights and dynamic loss scaling.
 *
 * <p><b>No bfloat16.</b> DJL 0.36's PyTorch JNI maps its data types to PyTorch's in a switch
 * without a bfloat16 case, whose default is a bare C++ {@code throw;}: the first cast to
 * bfloat16, on CPU or CUDA, terminates the JVM ("terminate called without an active exception").
 * {@link #parse} therefore refuses {@code bf16-mixed} with that explanation, and {@code auto}
 * picks float16 mixed precision on a GPU.
 */
public enum Precision {
    /** Parameters, activations and optimiser state in float32. */
    FLOAT32,
    /**
     * Mixed precision: float32 master weights, optimiser state and checkpoints; the encoder's
     * matrix products in float16 from one float16 cast per step of the projection weights (see
     * {@link FlatParameters}); embeddings, LayerNorm, softmax, the attention-mask bias, heads and
     * losses in float32; dynamic loss scaling with {@code torch.amp.GradScaler}'s rules ({@link
     * io.github.prefine.core.precision.LossScaler}), overflowed steps skipped on the device. Needs
     * an {@link io.github.prefine.core.encoder.Encoder} with 16-bit parameters. Meant for GPUs:
     * PyTorch's CPU float16 kernels work but are slower than float32.
     */
    FP16_MIXED;

    /**
     * Returns the option name of this precision.
     *
     * @return {@code fp32} or {@code fp16-mixed}
     */
    public String optionName() {
        return this == FLOAT32 ? "fp32" : "fp16-mixed";
    }

    /**
     * Parses a command-line precision for a device: {@code fp32}, {@code fp16-mixed}, {@code
     * bf16-mixed} (refused, see the class comment) or {@code auto} (fp16-mixed on a GPU, fp32 on
     * a CPU). Case-insensitive; {@code FP16_MIXED} and {@code FLOAT32} are accepted too.
     *
     * @param value the option value
     * @param device the device training will run on
     * @return the precision
     * @throws IllegalArgumentException if the value is unknown or bf16-mixed, with what to use
     */
    public static Precision parse(String value, Device device) {
        String v = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        switch (v) {
            case "fp32", "float32":
                return FLOAT32;
            case "fp16-mixed", "fp16", "mixed":
                return FP16_MIXED;
            case "auto":
                return device.isGpu() ? FP16_MIXED : FLOAT32;
            case "bf16-mixed", "bf16":
                throw new IllegalArgumentException("--precision bf16-mixed: DJL 0.36's PyTorch engine has no bfloat16 "
                        + "type (its native type map aborts the JVM on a bfloat16 cast); use fp16-mixed, which has the "
                        + "same speed on tensor-core GPUs, or auto");
            default:
                throw new IllegalArgumentException("--precision must be fp32, fp16-mixed, bf16-mixed or auto, found "
                        + value);
        }
    }
}
