package io.github.prefine.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.norm.Dropout;
import ai.djl.util.RandomUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Inverted dropout, as {@code torch.nn.functional.dropout}: each element is kept with
 * probability {@code 1 - p} and scaled by {@code 1 / (1 - p)}, or set to zero.
 *
 * <p>On a GPU this is PyTorch's own dropout. On CPU, PyTorch draws the mask with a serial
 * per-element generator (its vectorized path is limited to Intel CPUs), which cost about a fifth
 * of an encoder training step here. This class fills the mask in Java instead, in parallel over
 * fixed-size chunks with a {@link SplittableRandom} each, directly into an engine-allocated array,
 * and multiplies. The mask has the same distribution; it is not the same draw as PyTorch's.
 *
 * <p>Randomness comes from {@code ai.djl.util.RandomUtils.RANDOM}, one draw per call, which
 * {@code Engine.setRandomSeed} reseeds together with PyTorch's generator: the same engine seed
 * gives the same masks, whatever the number of threads.
 */
public final class FastDropout {

    /** Elements per independently seeded chunk; fixed so masks do not depend on thread count. */
    static final int CHUNK = 1 << 16;

    private FastDropout() {}

    /**
     * Applies dropout when {@code training}, or returns {@code x} unchanged.
     *
     * @param x any float32 or float16 array; differentiable
     * @param p the probability of zeroing an element, in {@code [0, 1)}
     * @param training whether dropout is active
     * @return {@code x} itself, or a new array of its shape in its manager
     * @throws IllegalArgumentException if {@code p} is outside {@code [0, 1)}
     */
    public static NDArray apply(NDArray x, float p, boolean training) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), found " + p);
        }
        if (!training || p == 0f || x.size() == 0) {
            return x;
        }
        DataType type = x.getDataType();
        if (!x.getDevice().getDeviceType().equals(ai.djl.Device.Type.CPU)
                || (type != DataType.FLOAT32 && type != DataType.FLOAT16)
                || x.size() * type.getNumOfBytes() > Integer.MAX_VALUE) { // a ByteBuffer holds at most 2 GiB
            return Dropout.dropout(x, p, true).singletonOrThrow();
        }
        long seed = RandomUtils.RANDOM.nextLong();
        try (NDArray mask = x.getManager().create(x.getShape(), type)) {
            ByteBuffer data = mask.toByteBuffer(true);
            if (!data.isDirect() || data.isReadOnly()) {
                // not a view of the array's memory: writing would change nothing
                return Dropout.dropout(x, p, true).singletonOrThrow();
            }
            fill(data.order(ByteOrder.nativeOrder()), Math.toIntExact(x.size()), p, seed, type);
            // autograd keeps the engine-owned mask for the backward pass; the handle can go
            return x.mul(mask);
        }
    }

    /** Writes the mask: {@code 1/(1-p)} where kept, 0 where dropped. */
    static void fill(ByteBuffer data, int n, float p, long seed, DataType type) {
        // keep when an unsigned 32-bit draw is below (1-p) * 2^32
        long threshold = Math.round((1.0 - p) * 4294967296.0);
        float scale = (float) (1.0 / (1.0 - p));
        int chunks = (n + CHUNK - 1) / CHUNK;
        SplittableRandom root = new SplittableRandom(seed);
        long[] seeds = new long[chunks];
        for (int c = 0; c < chunks; c++) {
            seeds[c] = root.nextLong();
        }
        IntStream stream = IntStream.range(0, chunks);
        if (chunks > 8) {
            stream = stream.parallel();
        }
        // one loop per element type, so each hot loop writes through one concrete buffer class
        if (type == DataType.FLOAT32) {
            FloatBuffer out = data.asFloatBuffer();
            int keep = Float.floatToIntBits(scale);
            stream.forEach(c -> {
                SplittableRandom r = new SplittableRandom(seeds[c]);
                int end = Math.min(n, (c + 1) * CHUNK);
                int i = c * CHUNK;
                for (; i + 1 < end; i += 2) {
                    long bits = r.nextLong();
                    out.put(i, Float.intBitsToFloat(keep & keptIf(bits >>> 32, threshold)));
                    out.put(i + 1, Float.intBitsToFloat(keep & keptIf(bits & 0xFFFFFFFFL, threshold)));
                }
                if (i < end) {
                    out.put(i, Float.intBitsToFloat(keep & keptIf(r.nextLong() >>> 32, threshold)));
                }
            });
        } else {
            ShortBuffer out = data.asShortBuffer();
            short keep = halfBits(scale);
            stream.forEach(c -> {
                SplittableRandom r = new SplittableRandom(seeds[c]);
                int end = Math.min(n, (c + 1) * CHUNK);
                int i = c * CHUNK;
                for (; i + 1 < end; i += 2) {
                    long bits = r.nextLong();
                    out.put(i, (short) (keep & keptIf(bits >>> 32, threshold)));
                    out.put(i + 1, (short) (keep & keptIf(bits & 0xFFFFFFFFL, threshold)));
                }
                if (i < end) {
                    out.put(i, (short) (keep & keptIf(r.nextLong() >>> 32, threshold)));
                }
            });
        }
    }

    /**
     * All ones when {@code draw < threshold}, else 0. Branch-free: the draws are random, so a
     * branch would be mispredicted for about a tenth of the elements, which made the fill twice as
     * slow. Both arguments are in {@code [0, 2^32]}, so the difference cannot overflow.
     */
    static int keptIf(long draw, long threshold) {
        return (int) ((draw - threshold) >> 63);
    }

    /**
     * IEEE half-precision bits of a float in the normal half range, rounded to nearest even.
     *
     * @param f a value in {@code [2^-14, 65504]}
     * @return its float16 bit pattern
     */
    static short halfBits(float f) {
        if (!(f >= 0x1p-14f && f <= 65504f)) {
            throw new IllegalArgumentException("not a normal float16 value: " + f);
        }
        int bits = Float.floatToIntBits(f);
        int exponent = ((bits >>> 23) & 0xFF) - 127 + 15;
        int mantissa = bits & 0x7FFFFF;
        int half = (exponent << 10) | (mantissa >>> 13);
        int rest = mantissa & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
            half++;
        }
        return (short) half;
    }
}
