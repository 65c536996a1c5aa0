package io.github.prefine.core.train;

/**
 * Numeric precision of training. DJL's PyTorch engine has neither {@code torch.autocast} nor
 * bfloat16, so mixed precision is float16 compute with float32 master weights and dynamic loss
 * scaling.
 */
public enum Precision {
    /** Parameters, activations and optimiser state in float32. */
    FLOAT32,
    /**
     * Mixed precision: float32 master weights, optimiser state and checkpoints; the encoder's
     * matrix products in float16 from per-step float16 copies
     * ({@link io.github.prefine.core.precision.HalfPrecisionStore}); embeddings, LayerNorm, softmax,
     * the attention-mask bias, heads and losses in float32; dynamic loss scaling with
     * {@code torch.amp.GradScaler}'s rules ({@link io.github.prefine.core.precision.LossScaler}),
     * overflowed steps skipped on the device. Needs a
     * {@link io.github.prefine.core.encoder.TransformerEncoder}. Meant for GPUs: PyTorch's CPU
     * float16 kernels work but are slower than float32.
     */
    FP16_MIXED
}
