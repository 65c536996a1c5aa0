package io.github.prefine.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.SplittableRandom;

/**
 * Fills a parameter with draws from normal(0, stdDev) that depend only on a seed, the way Hugging
 * Face's {@code _init_weights} fills linear weights with normal(0, initializer_range).
 *
 * <p>Unlike DJL's {@code NormalInitializer}, which draws from the engine's process-wide
 * generator, the values come from a {@link SplittableRandom} made from the seed on each call, so
 * the same seed and shape give the same values on every engine, device and call order. The values
 * are generated on the host once per call, which is fine at initialization and never happens in a
 * training step.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class SeededNormalInitializer implements Initializer {

    private final long seed;
    private final float stdDev;

    /**
     * Creates an initializer.
     *
     * @param seed the seed of every draw
     * @param stdDev the standard deviation, HF's {@code initializer_range} (0.02 for BERT and
     *     RoBERTa); must be finite and non-negative
     * @throws IllegalArgumentException if stdDev is negative or not finite
     */
    public SeededNormalInitializer(long seed, float stdDev) {
        if (!(stdDev >= 0) || Float.isInfinite(stdDev)) {
            throw new IllegalArgumentException("stdDev must be finite and >= 0, found " + stdDev);
        }
        this.seed = seed;
        this.stdDev = stdDev;
    }

    /**
     * Returns an initializer whose seed mixes a run seed with a parameter key, so every parameter
     * of a head gets its own stream independent of initialization order.
     *
     * @param seed the run or head seed
     * @param key the parameter key, for example {@code classifier.weight}
     * @param stdDev the standard deviation
     * @return the initializer
     */
    public static SeededNormalInitializer forKey(long seed, String key, float stdDev) {
        // String.hashCode is specified by the JLS, so the mix is stable across JVMs.
        long h = key.hashCode() * 0x9E3779B97F4A7C15L;
        return new SeededNormalInitializer(new SplittableRandom(seed ^ h).nextLong(), stdDev);
    }

    /**
     * Returns the seed.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * Returns the standard deviation.
     *
     * @return the standard deviation
     */
    public float stdDev() {
        return stdDev;
    }

    /**
     * Creates an array of the given shape filled with normal(0, stdDev) draws.
     *
     * @param manager the manager (and so the device) of the new array
     * @param shape the shape
     * @param dataType the element type; the draws are made in float32 and cast
     * @return a new array of {@code shape} and {@code dataType} owned by {@code manager}
     */
    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        long n = shape.size();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + shape + " has more than 2^31-1 elements");
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[(int) n];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * stdDev);
        }
        // create(float[]) wraps a Java direct buffer on CPU; a copy puts the weights in
        // engine-owned memory, so no view or saved tensor can outlive their storage
        NDArray array = manager.create(values, shape);
        NDArray owned = dataType == DataType.FLOAT32 ? array.duplicate() : array.toType(dataType, true);
        array.close();
        return owned;
    }

    @Override
    public String toString() {
        return "SeededNormalInitializer(seed=" + seed + ", stdDev=" + stdDev + ")";
    }
}
