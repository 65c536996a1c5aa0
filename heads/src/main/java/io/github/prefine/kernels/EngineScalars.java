package io.github.prefine.kernels;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
 *
 * <p>Thread-safe: each constant is made once per device, type and value, kept for the life of the
 * process in a concurrent map, and only read afterwards.
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
        return x.mul(scalar(x, c));
    }

    /**
     * Returns {@code x / c}.
     *
     * @param x any floating-point array
     * @param c the constant, non-zero
     * @return a new array, differentiable in {@code x}
     */
    public static NDArray div(NDArray x, float c) {
        return x.div(scalar(x, c));
    }

    /**
     * Returns {@code x ^ c}, elementwise.
     *
     * @param x any floating-point array
     * @param c the exponent
     * @return a new array, differentiable in {@code x}
     */
    public static NDArray pow(NDArray x, float c) {
        return x.pow(scalar(x, c));
    }

    /**
     * Returns {@code x + c}.
     *
     * @param x any numeric array
     * @param c the constant
     * @return a new array, differentiable in {@code x}
     */
    public static NDArray add(NDArray x, float c) {
        return x.add(scalar(x, c));
    }

    /**
     * Returns {@code x - c}.
     *
     * @param x any numeric array
     * @param c the constant
     * @return a new array, differentiable in {@code x}
     */
    public static NDArray sub(NDArray x, float c) {
        return x.sub(scalar(x, c));
    }

    /**
     * Returns {@code max(x, c)}, elementwise.
     *
     * @param x any numeric array
     * @param c the constant
     * @return a new array
     */
    public static NDArray maximum(NDArray x, float c) {
        return x.maximum(scalar(x, c));
    }

    /**
     * Returns {@code min(x, c)}, elementwise.
     *
     * @param x any numeric array
     * @param c the constant
     * @return a new array
     */
    public static NDArray minimum(NDArray x, float c) {
        return x.minimum(scalar(x, c));
    }

    /**
     * Returns {@code x != c}, elementwise.
     *
     * @param x any numeric array
     * @param c the constant
     * @return a new boolean array
     */
    public static NDArray neq(NDArray x, float c) {
        return x.neq(scalar(x, c));
    }

    /**
     * Returns {@code x > c}, elementwise.
     *
     * @param x any numeric array
     * @param c the constant
     * @return a new boolean array
     */
    public static NDArray gt(NDArray x, float c) {
        return x.gt(scalar(x, c));
    }

    /**
     * Returns a shared 0-d constant of {@code like}'s dtype and device, for operands of device
     * arithmetic that must not copy from the host. Made once per (device, dtype, value) and kept
     * for the life of the process; do not close or modify it.
     *
     * @param like an array of the wanted device and dtype
     * @param value the constant
     * @return the shared constant
     */
    public static NDArray constant(NDArray like, float value) {
        return scalar(like, value);
    }

    /**
     * A 0-d array of {@code x}'s dtype and device, in engine-owned memory, made once per (device,
     * dtype, value) and kept for the life of the process: a constant costs no operation per use.
     */
    private static NDArray scalar(NDArray x, float value) {
        // DJL reports a bfloat16 array's type as UNKNOWN and cannot make one: a float32 0-d
        // constant leaves it bfloat16 (a dimensioned operand's float type wins over a 0-d one's)
        DataType type = x.getDataType() == DataType.UNKNOWN ? DataType.FLOAT32 : x.getDataType();
        Key key = new Key(x.getDevice(), type, Float.floatToIntBits(value));
        return CACHE.computeIfAbsent(key, k -> {
            NDManager m = MANAGERS.computeIfAbsent(k.device(), d -> NDManager.newBaseManager(d));
            return m.full(new Shape(), value, k.type());
        });
    }

    private record Key(Device device, DataType type, int bits) {}

    private static final Map<Key, NDArray> CACHE = new ConcurrentHashMap<>();
    private static final Map<Device, NDManager> MANAGERS = new ConcurrentHashMap<>();
}
