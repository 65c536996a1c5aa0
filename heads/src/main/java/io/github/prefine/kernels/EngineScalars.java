package io.github.prefine.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a constant that is safe inside a graph that autograd will differentiate.
 *
 * <p>DJL's {@code NDArray.mul(Number)} (and {@code div}, {@code pow}, ...) wraps the constant in
 * a 0-d array whose memory is a Java direct buffer, runs the operation, and closes it. On CPU
 * PyTorch does not copy that buffer, and autograd keeps the constant for the backward pass
 * ({@code x * c} needs {@code c} to compute the gradient of {@code x}). If the garbage collector
 * frees the buffer between forward and backward, the backward reads freed memory: the gradient is
 * silently wrong by a little or a lot, depending on what reused it, and the same seed gives
 * different weights from run to run. The constants made here are allocated by the engine, so
 * autograd's reference keeps them alive after the Java handle is closed.
 *
 * <p>On a GPU there is a second reason: DJL makes a {@code Number} operand with a host array
 * copied to the device, and PyTorch waits for every queued kernel before such a copy returns. One
 * {@code x.add(1f)} in a training step therefore stalls the host until the device is idle. The
 * constants made here are filled on the device ({@code full}), so they never wait.
 *
 * <p>Each function puts its result in the manager of {@code x}, as DJL's operations do, and leaves
 * nothing else behind. Use them for every constant operand in code that runs each training step.
 */
public final class EngineScalars {

    private EngineScalars() {}

    /**
     * Returns {@code x * c}.
     *
     * @param x any floating-point array
     * @param c the constant
     * @return a new array, differentiable in {@code x}
     */
    public static NDArray mul(NDArray x, float c) {
        try (NDArray s = scalar(x, c)) {
            return x.mul(s);
        }
    }

    /**
     * Returns {@code x / c}.
     *
     * @param x any floating-point array
     * @param c the constant, non-zero
     * @return a new array, differentiable in {@code x}
     */
    public static NDArray div(NDArray x, float c) {
        try (NDArray s = scalar(x, c)) {
            return x.div(s);
        }
    }

    /**
     * Returns {@code x ^ c}, elementwise.
     *
     * @param x any floating-point array
     * @param c the exponent
     * @return a new array, differentiable in {@code x}
     */
    public static NDArray pow(NDArray x, float c) {
        try (NDArray s = scalar(x, c)) {
            return x.pow(s);
        }
    }

    /**
     * Returns {@code x + c}.
     *
     * @param x any numeric array
     * @param c the constant
     * @return a new array, differentiable in {@code x}
     */
    public static NDArray add(NDArray x, float c) {
        try (NDArray s = scalar(x, c)) {
            return x.add(s);
        }
    }

    /**
     * Returns {@code x - c}.
     *
     * @param x any numeric array
     * @param c the constant
     * @return a new array, differentiable in {@code x}
     */
    public static NDArray sub(NDArray x, float c) {
        try (NDArray s = scalar(x, c)) {
            return x.sub(s);
        }
    }

    /**
     * Returns {@code max(x, c)}, elementwise.
     *
     * @param x any numeric array
     * @param c the constant
     * @return a new array
     */
    public static NDArray maximum(NDArray x, float c) {
        try (NDArray s = scalar(x, c)) {
            return x.maximum(s);
        }
    }

    /**
     * Returns {@code min(x, c)}, elementwise.
     *
     * @param x any numeric array
     * @param c the constant
     * @return a new array
     */
    public static NDArray minimum(NDArray x, float c) {
        try (NDArray s = scalar(x, c)) {
            return x.minimum(s);
        }
    }

    /**
     * Returns {@code x != c}, elementwise.
     *
     * @param x any numeric array
     * @param c the constant
     * @return a new boolean array
     */
    public static NDArray neq(NDArray x, float c) {
        try (NDArray s = scalar(x, c)) {
            return x.neq(s);
        }
    }

    /**
     * Returns {@code x > c}, elementwise.
     *
     * @param x any numeric array
     * @param c the constant
     * @return a new boolean array
     */
    public static NDArray gt(NDArray x, float c) {
        try (NDArray s = scalar(x, c)) {
            return x.gt(s);
        }
    }

    /** A 0-d array of {@code x}'s dtype and device, in engine-owned memory. */
    private static NDArray scalar(NDArray x, float value) {
        NDArray s = x.getManager().full(new Shape(), value, x.getDataType());
        if (s.getDevice().equals(x.getDevice())) {
            return s;
        }
        NDArray moved = s.toDevice(x.getDevice(), false);
        s.close();
        return moved;
    }
}
