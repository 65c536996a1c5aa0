package io.github.prefine.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * Converts between {@link HostTensor} (host bytes) and DJL {@link NDArray}s.
 *
 * <p>Floating-point tensors (F32, F16, BF16, F64) convert to the requested compute dtype (FLOAT32
 * or FLOAT16; the PyTorch engine has no bfloat16, so BF16 is widened on the host). The returned
 * NDArray never aliases the host buffer: it owns its own memory and belongs to the given manager,
 * which the caller closes. Stateless and thread-safe.
 */
public final class HostTensors {

    private HostTensors() {}

    /**
     * Copies a host tensor into a new NDArray of the compute dtype.
     *
     * @param tensor the host tensor; F32, F16, BF16 or F64
     * @param manager the manager that will own the result (and decides its device)
     * @param dataType FLOAT32 or FLOAT16
     * @return a new array of the tensor's shape, owned by {@code manager}
     * @throws IllegalArgumentException if the tensor is not F32, F16, BF16 or F64, or the dtype is neither
     *     FLOAT32 nor FLOAT16
     */
    public static NDArray toNDArray(HostTensor tensor, NDManager manager, DataType dataType) {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(manager, "manager");
        if (dataType != DataType.FLOAT32 && dataType != DataType.FLOAT16) {
            throw new IllegalArgumentException("compute dtype must be FLOAT32 or FLOAT16, found " + dataType);
        }
        Shape shape = new Shape(tensor.shape());
        ByteBuffer src = tensor.data();
        ByteBuffer direct;
        DataType srcType;
        switch (tensor.dtype()) {
            case F32:
                direct = copyDirect(src);
                srcType = DataType.FLOAT32;
                break;
            case F16:
                if (dataType == DataType.FLOAT16) {
                    direct = copyDirect(src);
                    srcType = DataType.FLOAT16;
                } else {
                    direct = widen(src, tensor.numel(), false);
                    srcType = DataType.FLOAT32;
                }
                break;
            case BF16:
                direct = widen(src, tensor.numel(), true);
                srcType = DataType.FLOAT32;
                break;
            case F64:
                direct = copyDirect(src);
                srcType = DataType.FLOAT64;
                break;
            default:
                throw new IllegalArgumentException(tensor.name() + ": " + notAWeight(tensor.dtype()));
        }
        // On CPU the engine wraps a direct buffer without copying and only the returned Java object
        // keeps the buffer alive; copy into engine-owned memory so no other handle can outlive it.
        NDArray created = manager.create(direct, shape, srcType);
        NDArray converted = srcType == dataType ? created.duplicate() : created.toType(dataType, true);
        created.close();
        return converted;
    }

    /**
     * Tells whether {@link #toNDArray} converts a dtype: the floating-point weights F32, F16, BF16
     * and F64.
     *
     * @param dtype a tensor's dtype
     * @return true for F32, F16, BF16 and F64
     */
    public static boolean isWeight(HostTensor.DType dtype) {
        return dtype == HostTensor.DType.F32 || dtype == HostTensor.DType.F16 || dtype == HostTensor.DType.BF16
                || dtype == HostTensor.DType.F64;
    }

    /**
     * Says why a tensor of a dtype that is not F32, F16, BF16 or F64 gives no weight.
     *
     * @param dtype the tensor's dtype
     * @return {@code "has dtype D, expected F32, F16, BF16 or F64"}, with why an 8-bit float is
     *     not cast
     */
    public static String notAWeight(HostTensor.DType dtype) {
        String why = dtype == HostTensor.DType.F8_E4M3 || dtype == HostTensor.DType.F8_E5M2
                ? " (an 8-bit float weight is read by no cast: its checkpoint's scales are stored apart;"
                        + " dequantize it to one of those first)" : "";
        return "has dtype " + dtype + ", expected F32, F16, BF16 or F64" + why;
    }

    /**
     * Copies an NDArray to the host as an F32 tensor (FLOAT16/FLOAT64 arrays are converted).
     *
     * @param name the checkpoint key
     * @param array a floating-point array on any device; not modified and not closed
     * @return a heap-backed F32 host tensor
     */
    public static HostTensor toHost(String name, NDArray array) {
        Objects.requireNonNull(array, "array");
        long[] shape = array.getShape().getShape();
        if (array.getDataType() == DataType.FLOAT32) {
            return new HostTensor(name, HostTensor.DType.F32, shape, copyHeap(array.toByteBuffer()));
        }
        try (NDArray f = array.toType(DataType.FLOAT32, true)) {
            return new HostTensor(name, HostTensor.DType.F32, shape, copyHeap(f.toByteBuffer()));
        }
    }

    /**
     * Tells whether every value of an array is finite, for load-time checks: a diverged run leaves
     * NaN or infinite weights, which would only show later as NaN logits.
     *
     * @param array a floating-point array on any device; not modified and not closed
     * @return false if a value is NaN or infinite (one host read)
     */
    public static boolean allFinite(NDArray array) {
        Objects.requireNonNull(array, "array");
        try (NDArray nan = array.isNaN(); NDArray inf = array.isInfinite(); NDArray either = nan.logicalOr(inf);
                NDArray any = either.any()) {
            return !any.getBoolean();
        }
    }

    private static ByteBuffer copyHeap(ByteBuffer src) {
        ByteBuffer dst = ByteBuffer.allocate(src.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        dst.put(src.duplicate().order(ByteOrder.LITTLE_ENDIAN));
        dst.flip();
        return dst;
    }

    private static ByteBuffer copyDirect(ByteBuffer src) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("big-endian hosts are not supported");
        }
        if (src.isDirect()) {
            // a mapped file region: the engine reads it in place and the caller copies it into
            // engine memory; a direct buffer of our own would be native memory only a GC frees,
            // the size of the whole model at every encoder load
            return src.duplicate().order(ByteOrder.nativeOrder());
        }
        ByteBuffer dst = ByteBuffer.allocateDirect(src.remaining()).order(ByteOrder.nativeOrder());
        dst.put(src.duplicate());
        dst.flip();
        return dst;
    }

    private static ByteBuffer widen(ByteBuffer src, long numel, boolean bf16) {
        ByteBuffer in = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer dst = ByteBuffer.allocateDirect(Math.toIntExact(numel * 4)).order(ByteOrder.nativeOrder());
        FloatBuffer out = dst.asFloatBuffer();
        for (long i = 0; i < numel; i++) {
            int bits = in.getShort() & 0xFFFF;
            out.put(bf16 ? HalfFloats.bf16ToFloat(bits) : HalfFloats.f16ToFloat(bits));
        }
        return dst;
    }
}
