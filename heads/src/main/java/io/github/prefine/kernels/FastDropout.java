package io.github.prefine.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Inverted dropout, as {@code torch.nn.functional.dropout}: each element is kept with
 * probability {@code 1 - p} and scaled by {@code 1 / (1 - p)}, or set to zero.
 *
 * <p>On a GPU this is PyTorch's own dropout. On CPU, PyTorch draws the mask with a serial
 * per-element generator (its vectorized path is limited to Intel CPUs), which cost about a fifth
 * of an encoder training step here. This class fills the mask in Java instead, in parallel over
 * fixed-size chunks with a {@link SplittableRandom} each (small masks on the calling thread), directly
 * into an engine-allocated array,
 * and multiplies. The mask has the same distribution; it is not the same draw as PyTorch's.
 *
 * <p>Each mask's seed is one draw from {@link DropoutSeeds}: the stream the trainer opens for each
 * step (seeded from the run seed and the step index), or DJL's {@code RandomUtils.RANDOM} outside
 * one. The same seeds give the same masks, whatever the number of threads. The fill runs on this
 * class's own fork-join pool, not the JVM's common pool, which the application may be using.
 */
public final class FastDropout {

    /** Elements per independently seeded chunk; fixed so masks do not depend on thread count. */
    static final int CHUNK = 1 << 16;

    /** Masks of at most this many elements in all are written on the calling thread, not the pool. */
    static final long PARALLEL_ELEMENTS = 8L * CHUNK;

    /** The fill's own threads (daemon), so masks never queue behind the application's common-pool work. */
    private static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors());

    private FastDropout() {}

    /**
     * Applies dropout when {@code training}, or returns {@code x} unchanged.
     *
     * <p>A bfloat16 array on a CPU (DJL reports its type as {@code UNKNOWN}) is multiplied by a
     * float32 mask, so the result is float32: PyTorch's CPU dropout scales a bfloat16 array by
     * {@code 1 / (1 - p)} rounded to bfloat16 (1.109375 for p = 0.1, 0.16% low), a bias that
     * compounds over layers and that its GPU kernel, which scales in float32, does not have. A
     * float16 array is refused for p above about 0.99998, whose scale {@code 1 / (1 - p)} is past
     * float16's largest value: PyTorch's CPU dropout rounds that scale to infinity.
     *
     * @param x a float32 or float16 array, or a bfloat16 one on a CPU; differentiable
     * @param p the probability of zeroing an element, in {@code [0, 1)}
     * @param training whether dropout is active
     * @return {@code x} itself, or a new array of its shape in its manager (float32 for a bfloat16
     *     {@code x} on a CPU, else of its dtype)
     * @throws IllegalArgumentException if {@code p} is outside {@code [0, 1)}, or past about 0.99998 for a
     *     float16 array on a CPU, whose scale {@code 1 / (1 - p)} no float16 holds
     */
    public static NDArray apply(NDArray x, float p, boolean training) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), found " + p);
        }
        if (!training || p == 0f || x.size() == 0) {
            return x;
        }
        DataType type = x.getDataType();
        if (type == DataType.UNKNOWN && usesJavaMasks(x.getDevice(), DataType.FLOAT32, x.size())) {
            type = DataType.FLOAT32;
        }
        if (!usesJavaMasks(x.getDevice(), type, x.size())) {
            return Dropout.dropout(x, p, true).singletonOrThrow();
        }
        if (type == DataType.FLOAT16) {
            // a float32 detour would cut the gradient (DJL's toType detaches), and PyTorch's CPU dropout gives infinities
            checkHalfScale(p);
        }
        NDList drawn = masks(x.getManager(), x.getShape(), type, p, 1);
        if (drawn.isEmpty()) {
            return Dropout.dropout(x, p, true).singletonOrThrow();
        }
        try (NDArray mask = drawn.get(0)) {
            // autograd keeps the engine-owned mask for the backward pass; the handle can go
            return x.mul(mask);
        }
    }

    /**
     * Draws {@code count} dropout masks of one shape at once, for a caller that knows ahead which
     * masks a step needs (an encoder: one per layer for its attention probabilities). Masks
     * drawn one at a time between PyTorch operations got little of the second core, whose
     * OpenMP worker still spins after each operation; one pass over all of them does.
     *
     * <p>Each mask holds {@code 1 / (1 - p)} where kept and 0 where dropped, with the same
     * distribution and seeding contract as {@link #apply(NDArray, float, boolean)}: one draw
     * from {@link DropoutSeeds} per mask, in order.
     *
     * @param manager the manager to own the masks; masks live on its device
     * @param shape the shape of each mask
     * @param type {@link DataType#FLOAT32} or {@link DataType#FLOAT16}
     * @param p the probability of zeroing an element, in {@code [0, 1)}
     * @param count how many masks
     * @return the masks, or an empty list when {@code apply} would use PyTorch's own dropout
     *     (not a CPU manager, another dtype, a mask over 2 GiB, {@code p = 0}); the caller then
     *     calls {@code apply(x, p, training)} as usual
     * @throws IllegalArgumentException if {@code p} is outside {@code [0, 1)}, count is negative,
     *     or a float16 mask would hold a scale {@code 1 / (1 - p)} past float16's largest value
     */
    public static NDList masks(NDManager manager, Shape shape, DataType type, float p, int count) {
        if (!(p >= 0f && p < 1f) || count < 0) {
            throw new IllegalArgumentException("need p in [0, 1) and count >= 0, found p=" + p + ", count=" + count);
        }
        NDList out = new NDList(count);
        if (p == 0f || count == 0 || shape.size() == 0 || !usesJavaMasks(manager.getDevice(), type, shape.size())) {
            return out;
        }
        if (type == DataType.FLOAT16) {
            checkHalfScale(p);
        }
        long[] seeds = new long[count];
        for (int m = 0; m < count; m++) {
            seeds[m] = DropoutSeeds.next();
        }
        long bytes = shape.size() * type.getNumOfBytes();
        if (count > 1 && shape.dimension() > 0 && count * bytes <= Integer.MAX_VALUE) {
            return stacked(manager, shape, type, p, seeds, (int) bytes);
        }
        List<ByteBuffer> buffers = new ArrayList<>(count);
        for (int m = 0; m < count; m++) {
            NDArray mask = manager.create(shape, type);
            ByteBuffer data = mask.toByteBuffer(true);
            if (!data.isDirect() || data.isReadOnly()) {
                // not a view of the array's memory: writing would change nothing
                mask.close();
                out.close();
                return new NDList();
            }
            out.add(mask);
            buffers.add(data.order(ByteOrder.nativeOrder()));
        }
        fillAll(buffers, Math.toIntExact(shape.size()), p, seeds, type);
        return out;
    }

    /**
     * The masks of {@link #masks} as slices of one engine array split along its first axis: one
     * allocation, one buffer query and one split for a step's masks, where a mask each took an
     * allocation and the native queries of a direct buffer (twelve of them for a 12-layer
     * encoder). Each mask is filled from its own seed, as alone.
     */
    private static NDList stacked(NDManager manager, Shape shape, DataType type, float p, long[] seeds, int bytes) {
        int count = seeds.length;
        long[] dims = shape.getShape().clone(); // Shape hands out its own array
        dims[0] *= count;
        try (NDArray all = manager.create(new Shape(dims), type)) {
            ByteBuffer data = all.toByteBuffer(true);
            if (!data.isDirect() || data.isReadOnly()) {
                // not a view of the array's memory: writing would change nothing
                return new NDList();
            }
            List<ByteBuffer> buffers = new ArrayList<>(count);
            for (int m = 0; m < count; m++) {
                buffers.add(data.slice(m * bytes, bytes).order(ByteOrder.nativeOrder()));
            }
            fillAll(buffers, Math.toIntExact(shape.size()), p, seeds, type);
            // the slices share the storage, which outlives the closed handle of the whole
            return all.split(count, 0);
        }
    }

    /**
     * Applies a mask from {@link #masks}: {@code x * mask}, differentiable in {@code x}.
     *
     * @param x an array of the mask's shape and dtype
     * @param mask the mask
     * @return a new array
     * @throws IllegalArgumentException if the shapes or dtypes differ
     */
    public static NDArray apply(NDArray x, NDArray mask) {
        if (!x.getShape().equals(mask.getShape()) || x.getDataType() != mask.getDataType()) {
            throw new IllegalArgumentException("dropout mask " + mask.getShape() + " " + mask.getDataType()
                    + " does not fit an array " + x.getShape() + " " + x.getDataType());
        }
        return x.mul(mask);
    }

    /** Refuses a p whose scale {@code 1 / (1 - p)} no float16 holds (p above about 0.99998). */
    private static void checkHalfScale(float p) {
        double scale = 1.0 / (1.0 - p);
        if ((float) scale > 65504f) {
            throw new IllegalArgumentException("dropout on float16: p=" + p + " scales kept elements by 1/(1-p) = "
                    + (float) scale + ", past float16's largest value 65504 (p up to about 0.99998 fits); use"
                    + " float32 or a smaller p");
        }
    }

    /** Whether masks for such arrays are drawn here (else PyTorch's dropout runs). */
    private static boolean usesJavaMasks(ai.djl.Device device, DataType type, long size) {
        return device.getDeviceType().equals(ai.djl.Device.Type.CPU)
                && (type == DataType.FLOAT32 || type == DataType.FLOAT16)
                && size * type.getNumOfBytes() <= Integer.MAX_VALUE; // a ByteBuffer holds at most 2 GiB
    }

    /**
     * Writes masks of {@code n} elements each, {@code 1/(1-p)} where kept and 0 where dropped, in
     * one parallel pass; mask {@code m} depends only on {@code seeds[m]}, not on the other masks
     * or the number of threads.
     */
    static void fillAll(List<ByteBuffer> data, int n, float p, long[] seeds, DataType type) {
        // keep when an unsigned 32-bit draw is below (1-p) * 2^32
        long threshold = Math.round((1.0 - p) * 4294967296.0);
        float scale = (float) (1.0 / (1.0 - p));
        int perMask = (n + CHUNK - 1) / CHUNK;
        int chunks = perMask * data.size();
        long[] chunkSeeds = new long[chunks];
        for (int m = 0; m < data.size(); m++) {
            SplittableRandom root = new SplittableRandom(seeds[m]);
            for (int c = 0; c < perMask; c++) {
                chunkSeeds[m * perMask + c] = root.nextLong();
            }
        }
        // the pool only for work worth waking its threads for: a small batch's masks are a few
        // hundred elements, which the calling thread writes faster than the hand-off takes
        if ((long) n * data.size() > PARALLEL_ELEMENTS) {
            POOL.submit(() -> fill(IntStream.range(0, chunks).parallel(), data, n, perMask, chunkSeeds, threshold, scale,
                    type)).join();
        } else {
            fill(IntStream.range(0, chunks), data, n, perMask, chunkSeeds, threshold, scale, type);
        }
    }

    private static void fill(IntStream stream, List<ByteBuffer> data, int n, int perMask, long[] chunkSeeds,
            long threshold, float scale, DataType type) {
        // one loop per element type, so each hot loop writes through one concrete buffer class
        if (type == DataType.FLOAT32) {
            FloatBuffer[] outs = data.stream().map(ByteBuffer::asFloatBuffer).toArray(FloatBuffer[]::new);
            int keep = Float.floatToIntBits(scale);
            stream.forEach(k -> {
                FloatBuffer out = outs[k / perMask];
                int c = k % perMask;
                SplittableRandom r = new SplittableRandom(chunkSeeds[k]);
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
            ShortBuffer[] outs = data.stream().map(ByteBuffer::asShortBuffer).toArray(ShortBuffer[]::new);
            short keep = halfBits(scale);
            stream.forEach(k -> {
                ShortBuffer out = outs[k / perMask];
                int c = k % perMask;
                SplittableRandom r = new SplittableRandom(chunkSeeds[k]);
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
