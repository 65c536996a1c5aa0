package io.github.prefine.core.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.prefine.eval.testing.ConcurrentCalls;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Casts} is stateless and thread-safe, and its bfloat16 cast runs one TorchScript module
 * shared by the whole process ({@code BFloat16Cast}, through {@code TorchScriptModule.shared}).
 * Casting to bfloat16 and back on {@link ConcurrentCalls#THREADS} threads at once, each in a manager
 * of its own, gives what one thread gives, and that is bfloat16's round-to-nearest-even computed
 * here in Java.
 */
class CastsConcurrencyTest {
    @Test
    void bfloat16RoundTripsOnManyThreadsMatchJavaRounding() throws Exception {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] x = new float[4096];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-6, 7)));
        }
        float[] expected = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            expected[i] = bfloat16(x[i]);
        }
        try (NDManager root = NDManager.newBaseManager()) {
            String alone = ConcurrentCalls.agree("bfloat16 round trip", 24, () -> {
                try (NDManager own = root.newSubManager()) {
                    NDArray half = Casts.toType(own.create(x), DataType.BFLOAT16);
                    return Arrays.toString(Casts.toType(half, DataType.FLOAT32).toFloatArray());
                }
            });
            assertEquals(Arrays.toString(expected), alone);
        }
    }

    /** Round to nearest, ties to even, on the upper 16 bits (no NaN among the inputs). */
    private static float bfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(rounded & 0xFFFF0000);
    }
}
