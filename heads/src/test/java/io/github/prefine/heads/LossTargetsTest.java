package io.github.prefine.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link LossTargets} with {@link HeadLosses#targetedSum}: hand-computed cases, and agreement
 * (values and gradients) with the per-example losses they replace in a training step.
 */
class LossTargetsTest {

    @Test
    void classTargetsAverageEachExampleOverItsScoredLabels() {
        // example 0 scores labels 2 and 0, example 1 nothing, example 2 label 1
        LossTargets t = LossTargets.ofClasses(new int[] {2, -100, 0, -100, -100, -100, 1, -100, -100},
                new long[] {3, 3}, 3);
        assertArrayEquals(new long[] {3, 3, 1}, t.shape());
        assertEquals(2, t.axis());
        assertArrayEquals(new long[] {2, 0, 0, 0, 0, 0, 1, 0, 0}, t.index());
        assertArrayEquals(new float[] {-0.5f, 0, -0.5f, 0, 0, 0, -1f, 0, 0}, t.weights());
    }

    @Test
    void spanTargetsFollowHuggingFacesClampAndIgnoreRule() {
        // seqLen 5: (1, 3) both scored; (-2, 7) start clamps to 0, end to 5 = ignored; (5, 9) none
        LossTargets t = LossTargets.ofSpans(new int[] {1, 3, -2, 7, 5, 9}, 5);
        assertArrayEquals(new long[] {3, 1, 2}, t.shape());
        assertEquals(1, t.axis());
        assertArrayEquals(new long[] {1, 3, 0, 0, 0, 0}, t.index());
        assertArrayEquals(new float[] {-0.5f, -0.5f, -1f, 0, 0, 0}, t.weights());
    }

    @Test
    void aShapeWithNegativeOrWrappingDimensionsIsRefused() {
        // 2 x (-1) x (-3) x 1 = 6: the product matched 6 targets for 2 examples
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LossTargets.ofClasses(new int[6], new long[] {2, -1, -3}, 3));
        assertEquals("LossTargets: shape [2, -1, -3, 1] has a negative dimension", e.getMessage());
        // 2^32 x 2^32 x 1 = 2^64, which a long product wraps to 0: taken with no targets
        e = assertThrows(IllegalArgumentException.class,
                () -> new LossTargets(new long[0], new float[0], new long[] {1L << 32, 1L << 32, 1}, 2));
        assertEquals("LossTargets: shape [4294967296, 4294967296, 1] has a dimension above 2147483647",
                e.getMessage());
        // 2^21 x 2^21 x 2^22 x 1 = 2^64, every dimension an int
        e = assertThrows(IllegalArgumentException.class,
                () -> new LossTargets(new long[0], new float[0], new long[] {1L << 21, 1L << 21, 1L << 22, 1}, 3));
        assertEquals("LossTargets: shape [2097152, 2097152, 4194304, 1] holds more than 2147483647 values, found 0",
                e.getMessage());
    }

    /**
     * The one check of a host array against its shape (LossTargets' and core's HeadLabels'): counts
     * worked by hand, exact in the int range and "more than" past it.
     */
    @Test
    void checkShapeHoldsCountsExactlyInTheIntRangeOnly() {
        LossTargets.checkShapeHolds("x", new long[] {3, 2, 1}, 6);
        LossTargets.checkShapeHolds("x", new long[] {Integer.MAX_VALUE, 0}, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LossTargets.checkShapeHolds("x", new long[] {3, 2}, 5));
        assertEquals("x: shape [3, 2] holds 6 values, found 5", e.getMessage());
        // 2^16 x 2^15 = 2^31, one past the int range
        e = assertThrows(IllegalArgumentException.class,
                () -> LossTargets.checkShapeHolds("x", new long[] {1 << 16, 1 << 15}, 1));
        assertEquals("x: shape [65536, 32768] holds more than 2147483647 values, found 1", e.getMessage());
    }

    @Test
    void weightsOfAnotherLengthThanTheIndicesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LossTargets(new long[2], new float[3], new long[] {2, 1}, 1));
        assertEquals("LossTargets: 3 weights for 2 indices of shape [2, 1]", e.getMessage());
    }

    @Test
    void handComputedSum() {
        try (NDManager m = NDManager.newBaseManager()) {
            // row 0 uniform over 2 classes: ln 2; row 1 logits [ln 3, 0], label 1: p = 1/4, ln 4
            NDArray logits = m.create(new float[] {0, 0, (float) Math.log(3), 0}, new Shape(2, 2));
            NDArray[] d = LossTargets.ofClasses(new int[] {0, 1}, new long[] {2}, 2).toDevice(m);
            assertEquals(Math.log(2) + Math.log(4), HeadLosses.targetedSum(logits, d[0], d[1], 1).getFloat(), 1e-6);
        }
    }

    @Test
    void tokenTargetsGiveTheSumOfPerExampleLossesAndTheirGradient() {
        Random r = new Random(7);
        int rows = 5;
        int seqLen = 6;
        int classes = 4;
        int[] labels = new int[rows * seqLen];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = r.nextInt(3) == 0 ? HeadLosses.IGNORE_INDEX : r.nextInt(classes);
        }
        for (int j = 0; j < seqLen; j++) {
            labels[seqLen + j] = HeadLosses.IGNORE_INDEX; // an example with nothing to score
        }
        float[] values = randomLogits(r, rows * seqLen * classes);
        Shape shape = new Shape(rows, seqLen, classes);
        LossTargets t = LossTargets.ofClasses(labels, new long[] {rows, seqLen}, classes);
        assertSameLossAndGradient(values, shape, t,
                (m, lg) -> HeadLosses.perExampleCrossEntropy(lg, m.create(labels, new Shape(rows, seqLen))).loss().sum());
    }

    @Test
    void spanTargetsGiveTheSumOfPerExampleSpanLossesAndTheirGradient() {
        Random r = new Random(11);
        int rows = 6;
        int seqLen = 7;
        int[] positions = {0, 3, 2, 2, -4, 5, 6, 7, 7, 30, 1, 6};
        float[] values = randomLogits(r, rows * seqLen * 2);
        Shape shape = new Shape(rows, seqLen, 2);
        LossTargets t = LossTargets.ofSpans(positions, seqLen);
        assertSameLossAndGradient(values, shape, t,
                (m, lg) -> HeadLosses.perExampleSpanLoss(lg, m.create(positions, new Shape(rows, 2))).loss().sum());
    }

    @Test
    void badInputIsRefusedOnTheHost() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LossTargets.ofClasses(new int[] {0, 3}, new long[] {2}, 3));
        assertTrue(e.getMessage().contains("label 3 at position 1 is outside [0, 3)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LossTargets.ofClasses(new int[] {0, 1, 2}, new long[] {2}, 3));
        assertThrows(IllegalArgumentException.class, () -> LossTargets.ofSpans(new int[] {1, 2, 3}, 5));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] d = LossTargets.ofClasses(new int[] {0, 1}, new long[] {2}, 2).toDevice(m);
            e = assertThrows(IllegalArgumentException.class, () -> HeadLosses.targetedSum(m.zeros(new Shape(3, 2)), d[0], d[1], 1));
            assertTrue(e.getMessage().contains("do not fit logits (3, 2)"), e.getMessage());
        }
    }

    private interface Reference {
        NDArray sum(NDManager m, NDArray logits);
    }

    private static float[] randomLogits(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * 3);
        }
        return v;
    }

    private static void assertSameLossAndGradient(float[] values, Shape shape, LossTargets t, Reference reference) {
        float[][] got = lossAndGradient(values, shape, (m, lg) -> {
            NDArray[] d = t.toDevice(m);
            return HeadLosses.targetedSum(lg, d[0], d[1], t.axis());
        });
        float[][] want = lossAndGradient(values, shape, reference);
        assertEquals(want[0][0], got[0][0], 1e-5f * Math.max(1f, Math.abs(want[0][0])));
        assertArrayEquals(want[1], got[1], 1e-6f);
    }

    private static float[][] lossAndGradient(float[] values, Shape shape, Reference loss) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(values, shape);
            logits.setRequiresGradient(true);
            float value;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = loss.sum(m, logits);
                value = l.getFloat();
                gc.backward(l);
            }
            return new float[][] {{value}, logits.getGradient().toFloatArray()};
        }
    }
}
