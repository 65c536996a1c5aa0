package io.github.prefine.core.precision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Dtype casts that autograd can differentiate through.
 *
 * <p>DJL's {@link NDArray#toType} runs PyTorch's {@code to(dtype)} under a no-grad guard (DJL
 * 0.36), so a cast inside a training forward silently cuts the graph: nothing upstream of it gets
 * a gradient. {@link #toType} instead allocates an uninitialised array of the target dtype and
 * copies into it with an indexed assignment, which PyTorch records (as {@code CopySlices}); the
 * backward pass casts the incoming gradient back to the source dtype. The cost is one
 * element-wise copy, the same as a plain cast.
 */
public final class Casts {

    private static final NDIndex ALL = new NDIndex("...");

    private Casts() {}

    /**
     * Returns {@code x} converted to {@code dataType}, differentiably; {@code x} itself when it
     * already has that dtype.
     *
     * @param x any array; the result joins its manager and device
     * @param dataType the target dtype
     * @return {@code x}, or a new array of the same shape with dtype {@code dataType}
     */
    public static NDArray toType(NDArray x, DataType dataType) {
        return toType(x, dataType, x.getManager());
    }

    /**
     * Returns {@code x} converted to {@code dataType}, differentiably, as a new array owned by
     * {@code manager}; {@code x} itself when it already has that dtype.
     *
     * @param x any array
     * @param dataType the target dtype
     * @param manager the owner of the result; must be on the device of {@code x}
     * @return {@code x}, or a new array of the same shape with dtype {@code dataType}
     */
    public static NDArray toType(NDArray x, DataType dataType, NDManager manager) {
        if (x.getDataType() == dataType) {
            return x;
        }
        NDArray out = manager.create(x.getShape(), dataType);
        out.set(ALL, x);
        return out;
    }
}
