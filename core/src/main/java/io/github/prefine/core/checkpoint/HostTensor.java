package io.github.prefine.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor held on the host as raw little-endian bytes, the exchange form between
 * checkpoint readers, writers and importers.
 *
 * <p>It holds no native memory and needs no closing. The buffer is not copied: callers must not
 * change it after handing it over. {@link #data()} returns a read-only duplicate positioned at 0.
 *
 * <p>Safe to read from several threads under that contract.
 */
public final class HostTensor {

    /** Element types, named as the safetensors header names them. */
    public enum DType {
        /** IEEE 754 single precision. */
        F32(4),
        /** IEEE 754 half precision. */
        F16(2),
        /** bfloat16: the upper half of an F32. */
        BF16(2),
        /** 64-bit signed integer. */
        I64(8),
        /** 32-bit signed integer. */
        I32(4),
        /** 8-bit signed integer. */
        I8(1),
        /** 8-bit unsigned integer. */
        U8(1),
        /** IEEE 754 double precision. */
        F64(8),
        /** One byte per boolean. */
        BOOL(1),
        /** 16-bit signed integer (a buffer; no weight is read from it). */
        I16(2),
        /** 16-bit unsigned integer (a buffer; no weight is read from it). */
        U16(2),
        /** 32-bit unsigned integer (a buffer; no weight is read from it). */
        U32(4),
        /** 64-bit unsigned integer (a buffer; no weight is read from it). */
        U64(8),
        /**
         * 8-bit float, 4 exponent and 3 mantissa bits ({@code torch.float8_e4m3fn}); held as bytes,
         * never cast to a weight, since a quantized checkpoint stores its scales apart.
         */
        F8_E4M3(1),
        /**
         * 8-bit float, 5 exponent and 2 mantissa bits ({@code torch.float8_e5m2}); held as bytes,
         * never cast to a weight, since a quantized checkpoint stores its scales apart.
         */
        F8_E5M2(1);

        private final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        /**
         * Returns the size of one element.
         *
         * @return bytes per element
         */
        public int bytes() {
            return bytes;
        }
    }

    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final ByteBuffer data;

    /**
     * Wraps raw bytes as a tensor.
     *
     * @param name the checkpoint key, for example {@code encoder.layer.0.output.dense.weight}
     * @param dtype the element type
     * @param shape the shape, outermost axis first; empty for a scalar
     * @param data exactly {@code numel * dtype.bytes()} bytes from position to limit
     * @throws IllegalArgumentException if the byte count does not match the shape
     */
    public HostTensor(String name, DType dtype, long[] shape, ByteBuffer data) {
        this.name = Objects.requireNonNull(name, "name");
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        long numel = 1;
        for (long d : this.shape) {
            if (d < 0) {
                throw new IllegalArgumentException(name + ": negative dimension in shape " + Arrays.toString(shape));
            }
            numel = Math.multiplyExact(numel, d);
        }
        long expected = Math.multiplyExact(numel, (long) dtype.bytes());
        if (data.remaining() != expected) {
            throw new IllegalArgumentException(
                    name + ": shape " + Arrays.toString(shape) + " of " + dtype + " needs " + expected
                            + " bytes, found " + data.remaining());
        }
        this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Makes an F32 tensor from floats.
     *
     * @param name the checkpoint key
     * @param shape the shape
     * @param values row-major values, as many as the shape holds
     * @return the tensor
     */
    public static HostTensor ofFloats(String name, long[] shape, float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return new HostTensor(name, DType.F32, shape, buf);
    }

    /**
     * Returns the checkpoint key.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the element type.
     *
     * @return the dtype
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * Returns a copy of the shape.
     *
     * @return the shape, outermost axis first
     */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Returns the number of elements.
     *
     * @return the product of the shape
     */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /**
     * Returns the raw bytes, read-only, little-endian, positioned at 0.
     *
     * @return a duplicate view of the data
     */
    public ByteBuffer data() {
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Returns a copy of this tensor under another name, sharing the bytes.
     *
     * @param newName the new checkpoint key
     * @return the renamed tensor
     */
    public HostTensor renamed(String newName) {
        return new HostTensor(newName, dtype, shape, data.duplicate());
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
