package io.github.prefine.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link FastDropout} against the definition of inverted dropout and its own seeding contract. */
class FastDropoutTest {

    @Test
    void keepsAboutOneMinusPAndScalesTheKeptValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            int n = 1_000_003; // odd, and not a multiple of the chunk size
            float p = 0.1f;
            Engine.getInstance().setRandomSeed(11);
            float[] y = FastDropout.apply(m.ones(new Shape(n)), p, true).toFloatArray();
            float scale = (float) (1.0 / (1.0 - p));
            int kept = 0;
            for (float v : y) {
                if (v != 0f) {
                    assertEquals(scale, v, 0f);
                    kept++;
                }
            }
            // binomial(n, 0.9): mean 900,003, sd about 300; allow 5 sd
            assertEquals(0.9 * n, kept, 5 * Math.sqrt(n * 0.9 * 0.1));
            // both halves of every 64-bit draw are used: no long run of equal decisions at the end
            int zerosInTail = 0;
            for (int i = n - 1000; i < n; i++) {
                zerosInTail += y[i] == 0f ? 1 : 0;
            }
            assertTrue(zerosInTail > 50 && zerosInTail < 160, "zeros in the last 1000: " + zerosInTail);
        }
    }

    @Test
    void theBranchFreeFillKeepsExactlyTheDrawsBelowTheThreshold() {
        long t = 3_865_470_566L; // (1 - 0.1) * 2^32, rounded
        assertEquals(-1, FastDropout.keptIf(t - 1, t));
        assertEquals(0, FastDropout.keptIf(t, t));
        assertEquals(0, FastDropout.keptIf(0xFFFFFFFFL, t));
        assertEquals(-1, FastDropout.keptIf(0, t));
        assertEquals(-1, FastDropout.keptIf(0xFFFFFFFFL, 1L << 32)); // p = 0 keeps everything

        // the whole fill against the plain definition: chunk c draws from SplittableRandom(seed_c),
        // element 2k of the chunk uses the high half of its k-th draw, element 2k+1 the low half
        int n = 3 * FastDropout.CHUNK + 5; // several chunks and an odd tail
        float p = 0.25f;
        long seed = 77;
        ByteBuffer data = ByteBuffer.allocateDirect(4 * n);
        FastDropout.fillAll(List.of(data.order(ByteOrder.nativeOrder())), n, p, new long[] {seed}, DataType.FLOAT32);
        SplittableRandom root = new SplittableRandom(seed);
        long threshold = Math.round(0.75 * 4294967296.0);
        float scale = (float) (1.0 / 0.75);
        for (int c = 0; c * FastDropout.CHUNK < n; c++) {
            SplittableRandom r = new SplittableRandom(root.nextLong());
            for (int i = c * FastDropout.CHUNK; i < Math.min(n, (c + 1) * FastDropout.CHUNK); i += 2) {
                long bits = r.nextLong();
                assertEquals((bits >>> 32) < threshold ? scale : 0f, data.getFloat(4 * i), 0f, "element " + i);
                if (i + 1 < n && i + 1 < (c + 1) * FastDropout.CHUNK) {
                    assertEquals((bits & 0xFFFFFFFFL) < threshold ? scale : 0f, data.getFloat(4 * (i + 1)), 0f,
                            "element " + (i + 1));
                }
            }
        }
    }

    @Test
    void masksDrawnTogetherEqualMasksDrawnOneCallAtATime() {
        try (NDManager m = NDManager.newBaseManager()) {
            // several chunks per mask, odd size: together over PARALLEL_ELEMENTS (the pool's
            // pass), alone under it (the calling thread's)
            Shape shape = new Shape(2, 100_001);
            assertTrue(3 * shape.size() > FastDropout.PARALLEL_ELEMENTS && shape.size() <= FastDropout.PARALLEL_ELEMENTS);
            NDArray ones = m.ones(shape);
            Engine.getInstance().setRandomSeed(21);
            NDList together = FastDropout.masks(m, shape, DataType.FLOAT32, 0.2f, 3);
            assertEquals(3, together.size());
            Engine.getInstance().setRandomSeed(21);
            for (int i = 0; i < 3; i++) {
                // one RandomUtils draw per mask, in order, exactly as successive apply() calls
                float[] alone = FastDropout.apply(ones, 0.2f, true).toFloatArray();
                assertArrayEquals(alone, together.get(i).toFloatArray(), 0f, "mask " + i);
                assertArrayEquals(alone, FastDropout.apply(ones, together.get(i)).toFloatArray(), 0f);
            }
            assertFalse(Arrays.equals(together.get(0).toFloatArray(), together.get(1).toFloatArray()));

            NDList half = FastDropout.masks(m, new Shape(1000), DataType.FLOAT16, 0.5f, 2);
            assertEquals(DataType.FLOAT16, half.get(1).getDataType());
            for (float v : half.get(1).toType(DataType.FLOAT32, false).toFloatArray()) {
                assertTrue(v == 0f || v == 2f, "float16 mask value " + v);
            }
        }
    }

    @Test
    void masksAreEmptyWhereApplyWouldUsePyTorchAndBadMasksAreRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertTrue(FastDropout.masks(m, new Shape(4, 4), DataType.FLOAT32, 0f, 3).isEmpty());
            assertTrue(FastDropout.masks(m, new Shape(4, 4), DataType.FLOAT64, 0.1f, 3).isEmpty());
            assertTrue(FastDropout.masks(m, new Shape(4, 4), DataType.FLOAT32, 0.1f, 0).isEmpty());
            assertThrows(IllegalArgumentException.class, () -> FastDropout.masks(m, new Shape(4), DataType.FLOAT32, 1f, 1));
            NDArray mask = FastDropout.masks(m, new Shape(4, 4), DataType.FLOAT32, 0.1f, 1).get(0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FastDropout.apply(m.ones(new Shape(4, 5)), mask));
            assertTrue(e.getMessage().contains("(4, 4) float32 does not fit an array (4, 5) float32"), e.getMessage());
        }
    }

    @Test
    void theEngineSeedFixesTheMaskAndSuccessiveCallsDiffer() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(4, 300_000));
            Engine.getInstance().setRandomSeed(5);
            float[] a = FastDropout.apply(x, 0.3f, true).toFloatArray();
            float[] b = FastDropout.apply(x, 0.3f, true).toFloatArray();
            Engine.getInstance().setRandomSeed(5);
            float[] again = FastDropout.apply(x, 0.3f, true).toFloatArray();
            assertArrayEquals(a, again, 0f);
            assertFalse(Arrays.equals(a, b));
        }
    }

    @Test
    void aSeedScopeFixesTheMasksWhateverTheGlobalGeneratorAndNestedScopesRestore() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(3, 1000);
            float[] a;
            float[] inner;
            float[] b;
            try (DropoutSeeds s = DropoutSeeds.open(7)) {
                Engine.getInstance().setRandomSeed(1);
                a = FastDropout.apply(m.ones(shape), 0.3f, true).toFloatArray();
                try (DropoutSeeds t = DropoutSeeds.open(8)) {
                    inner = FastDropout.apply(m.ones(shape), 0.3f, true).toFloatArray();
                }
                float[] second = FastDropout.apply(m.ones(shape), 0.3f, true).toFloatArray();
                assertFalse(Arrays.equals(a, second), "a stream's successive masks must differ");
            }
            try (DropoutSeeds s = DropoutSeeds.open(7)) {
                Engine.getInstance().setRandomSeed(99);
                b = FastDropout.apply(m.ones(shape), 0.3f, true).toFloatArray();
                try (DropoutSeeds t = DropoutSeeds.open(8)) {
                    assertArrayEquals(inner, FastDropout.apply(m.ones(shape), 0.3f, true).toFloatArray());
                }
            }
            assertArrayEquals(a, b, "same scope seed, different global seed: same mask");
            assertFalse(Arrays.equals(a, inner), "different seeds must give different masks");
        }
    }

    @Test
    void theGradientIsTheMask() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(1f, 2001f).reshape(40, 50);
            x.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                y = FastDropout.apply(x, 0.5f, true);
                gc.backward(y.sum());
            }
            float[] out = y.toFloatArray();
            float[] in = x.toFloatArray();
            float[] grad = x.getGradient().toFloatArray();
            for (int i = 0; i < out.length; i++) {
                // y = x * mask, so dy/dx = mask = y / x
                assertEquals(out[i] / in[i], grad[i], 1e-6f, "element " + i);
                assertTrue(grad[i] == 0f || grad[i] == 2f, "mask value " + grad[i]);
            }
        }
    }

    @Test
    void float16UsesTheSameKeepPatternAsFloat32() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(70_000));
            Engine.getInstance().setRandomSeed(3);
            float[] single = FastDropout.apply(x, 0.1f, true).toFloatArray();
            Engine.getInstance().setRandomSeed(3);
            NDArray half = FastDropout.apply(x.toType(DataType.FLOAT16, false), 0.1f, true);
            assertEquals(DataType.FLOAT16, half.getDataType());
            float[] widened = half.toType(DataType.FLOAT32, false).toFloatArray();
            for (int i = 0; i < single.length; i++) {
                assertEquals(single[i] == 0f, widened[i] == 0f, "element " + i);
                // 1/0.9 rounded to float16: 1.1113281
                assertEquals(single[i] == 0f ? 0f : 1.1113281f, widened[i], 0f);
            }
        }
    }

    /**
     * A float16 array on a CPU with p past about 0.99998 is refused at the call, naming p and the
     * scale: {@code 1 / (1 - p)} = 99864.38 for p = 0.99999f is past float16's largest value 65504,
     * which PyTorch's CPU dropout rounds to infinity (every kept element infinite), and scaling in
     * float32 instead would cut the gradient (DJL's {@code toType} detaches). The old code threw
     * "not a normal float16 value" from inside the mask fill; a p whose scale fits still drops with
     * its gradient: 0 or the scale, rounded to float16.
     */
    @Test
    void float16WithAScaleBeyondItsRangeIsRefusedNamingPAndTheScale() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.full(new Shape(1000), 0x1p-10f).toType(DataType.FLOAT16, false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FastDropout.apply(x, 0.99999f, true));
            assertTrue(e.getMessage().startsWith("dropout on float16: p=0.99999 scales kept elements by 1/(1-p) = 99864.3"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("past float16's largest value 65504"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> FastDropout.masks(m, new Shape(4), DataType.FLOAT16, 0.99999f, 2));

            float p = 0.5f;
            x.setRequiresGradient(true);
            try (ai.djl.training.GradientCollector c = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                c.backward(FastDropout.apply(x, p, true).sum());
            }
            for (float g : x.getGradient().toType(DataType.FLOAT32, false).toFloatArray()) {
                assertTrue(g == 0f || g == 2f, "gradient " + g);
            }
        }
    }

    @Test
    void inferenceAndZeroProbabilityReturnTheInput() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(3));
            assertSame(x, FastDropout.apply(x, 0.5f, false));
            assertSame(x, FastDropout.apply(x, 0f, true));
            assertThrows(IllegalArgumentException.class, () -> FastDropout.apply(x, 1f, true));
            assertThrows(IllegalArgumentException.class, () -> FastDropout.apply(x, -0.1f, true));
        }
    }

    @Test
    void halfBitsRoundsToNearestEven() {
        assertEquals((short) 0x3C00, FastDropout.halfBits(1f));
        assertEquals((short) 0x4000, FastDropout.halfBits(2f));
        assertEquals((short) 0x7BFF, FastDropout.halfBits(65504f));
        // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties go to the even mantissa, 1
        assertEquals((short) 0x3C00, FastDropout.halfBits(1f + 0x1p-11f));
        // 1 + 3 * 2^-11 lies halfway between 1 + 2^-10 (odd) and 1 + 2^-9: goes up
        assertEquals((short) 0x3C02, FastDropout.halfBits(1f + 3 * 0x1p-11f));
        assertEquals((short) 0x3C01, FastDropout.halfBits(1f + 0x1p-11f + 0x1p-20f));
    }
}
