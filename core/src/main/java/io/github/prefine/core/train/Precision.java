package io.github.prefine.core.train;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.util.cuda.CudaUtils;
import java.util.Locale;

/**
 * Numeric precision of training. DJL's PyTorch engine has no {@code torch.autocast}, so mixed
 * precision is 16-bit compute of the encoder's projections from float32 master weights.
 *
 * <p><b>bfloat16.</b> DJL 0.36's PyTorch JNI maps its data types to PyTorch's in a switch without
 * a bfloat16 case, whose default is a bare C++ {@code throw;}: a DJL cast to bfloat16, or any DJL
 * operation that passes bfloat16 to the JNI, terminates the JVM. {@link #BF16_MIXED} therefore
 * makes its bfloat16 copies inside a TorchScript module ({@link
 * io.github.prefine.core.kernels.BFloat16Cast}) and keeps every operation that names a data type
 * away from them ({@link io.github.prefine.core.precision.Casts#dataType}).
 *
 * <p>Immutable and thread-safe.
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
    FP16_MIXED,
    /**
     * Mixed precision in bfloat16: as {@link #FP16_MIXED}, with bfloat16 copies of the projection
     * weights and no loss scaling (bfloat16 has float32's range, so nothing overflows to skip).
     * For GPUs with native bfloat16 (compute capability 8.0 and later).
     */
    BF16_MIXED;

    /**
     * Returns the option name of this precision.
     *
     * @return {@code fp32}, {@code fp16-mixed} or {@code bf16-mixed}
     */
    public String optionName() {
        return switch (this) {
            case FLOAT32 -> "fp32";
            case FP16_MIXED -> "fp16-mixed";
            case BF16_MIXED -> "bf16-mixed";
        };
    }

    /**
     * Returns the dtype the encoder's projections are computed in.
     *
     * @return FLOAT32, FLOAT16 or BFLOAT16
     */
    public DataType computeType() {
        return switch (this) {
            case FLOAT32 -> DataType.FLOAT32;
            case FP16_MIXED -> DataType.FLOAT16;
            case BF16_MIXED -> DataType.BFLOAT16;
        };
    }

    /**
     * Tells whether this is a mixed precision (16-bit compute from float32 masters).
     *
     * @return false for FLOAT32 only
     */
    public boolean isMixed() {
        return this != FLOAT32;
    }

    /** What {@link #parse} accepts and what {@code auto} picks, in one line, for command-line help. */
    public static final String CHOICES = "fp32, fp16-mixed, bf16-mixed or auto (bf16-mixed on a GPU of compute "
            + "capability 8.0 or later, else fp16-mixed; fp32 on a CPU)";

    /**
     * Parses a command-line precision for a device: {@code fp32}, {@code fp16-mixed}, {@code
     * bf16-mixed} or {@code auto}: bf16-mixed on a GPU with native bfloat16 (compute capability
     * 8.0 or later), fp16-mixed on another GPU, fp32 on a CPU. Case-insensitive; {@code FP16_MIXED},
     * {@code BF16_MIXED} and {@code FLOAT32} are accepted too.
     *
     * @param value the option value
     * @param device the device training will run on
     * @return the precision
     * @throws IllegalArgumentException if the value is unknown
     */
    public static Precision parse(String value, Device device) {
        String v = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (v) {
            case "fp32", "float32" -> FLOAT32;
            case "fp16-mixed", "fp16", "mixed" -> FP16_MIXED;
            case "bf16-mixed", "bf16" -> BF16_MIXED;
            case "auto" -> !device.isGpu() ? FLOAT32 : nativeBFloat16(device) ? BF16_MIXED : FP16_MIXED;
            default -> throw new IllegalArgumentException("--precision must be fp32, fp16-mixed, bf16-mixed or auto, found "
                    + value);
        };
    }

    /** Whether a CUDA device computes in bfloat16 natively (Ampere, compute capability 8.0, on). */
    static boolean nativeBFloat16(Device device) {
        try {
            String cc = CudaUtils.getComputeCapability(device.getDeviceId());
            // "80" for 8.0 (major and minor digits), "100" for 10.0
            return cc != null && Integer.parseInt(cc.replace(".", "").trim()) >= 80;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
