package io.github.prefine.core.train;

/**
 * Numeric precision of training. Only float32 exists today; the option is a placeholder for
 * mixed precision (the PyTorch engine has no bf16 support in DJL).
 */
public enum Precision {
    /** Parameters, activations and optimiser state in float32. */
    FLOAT32
}
