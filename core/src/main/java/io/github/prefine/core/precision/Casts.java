package io.github.prefine.core.precision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.github.prefine.core.kernels.BFloat16Cast;

/**
 * Dtype casts that autograd can differentiate through.
 *
 * <p>DJL's {@link NDArray#toType} runs PyTorch's {@code to(dtype)} under a no-grad guard (DJL
 * 0.36), so a cast inside a training forward silently cuts the graph: nothing upstream of it gets
 * a gradient. {@link #toType} instead allocates an uninitialised array of the target dtype and
 * copies into it with an indexed assignment, which PyTorch records (as {@code CopySlices}); the
 * backward pass casts the incoming gradient back to the source dtype. The cost is one
 * element-wise copy, the same as a plain cast. Casts to bfloat16, which DJL cannot make, go
 * through {@link BFloat16Cast}.
 *
 * <p>Stateless and thread-safe.
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
        if (dataType(x) == dataType) {
            return x;
        }
        if (dataType == DataType.BFLOAT16) {
            NDArray out = BFloat16Cast.apply(x);
            out.attach(manager);
            return out;
        }
        NDArray out = manager.create(x.getShape(), dataType);
        out.set(ALL, x);
        return out;
    }

    /**
     * Returns the dtype of an array, {@link DataType#BFLOAT16} where DJL reports {@code UNKNOWN}:
     * DJL 0.36 has no bfloat16 in its engine's type map, and the only arrays of a type it cannot
     * name that prefine makes are bfloat16 ones ({@link BFloat16Cast}).
     *
     * @param x any array
     * @return its dtype
     */
    public static DataType dataType(NDArray x) {
        DataType t = x.getDataType();
        return t == DataType.UNKNOWN ? DataType.BFLOAT16 : t;
    }
}
