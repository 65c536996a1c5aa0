package io.github.prefine.core.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** HeadLabels holds exactly the values its shape says, and no shape with a negative dimension. */
class HeadLabelsTest {

    @Test
    void aShapeWithNegativeDimensionsIsRefusedEvenWhenTheirProductMatches() {
        // (-1) x (-2) = 2 values: the product alone let this through, and 2 rows of -1 examples followed
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HeadLabels(new int[] {0, 1}, new long[] {-1, -2}));
        assertEquals("head labels: shape [-1, -2] has a negative dimension", e.getMessage());
    }

    @Test
    void aShapeWhoseProductWrapsAroundTheLongRangeIsRefused() {
        // 3 x 6148914691236517206 = 2^64 + 2: a long product wraps to 2 and took these 2 values for 3 examples
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HeadLabels(new int[] {0, 1}, new long[] {3, 6_148_914_691_236_517_206L}));
        assertEquals("head labels: shape [3, 6148914691236517206] has a dimension above 2147483647", e.getMessage());
        // 2^32 x 2^32 = 2^64 wraps to 0: no values for 2^32 examples
        assertThrows(IllegalArgumentException.class, () -> new HeadLabels(new int[0], new long[] {1L << 32, 1L << 32}));
        // 2^32 x 0 holds no value, but numExamples() (an int) read 2^32 as 0
        assertThrows(IllegalArgumentException.class, () -> new HeadLabels(new int[0], new long[] {1L << 32, 0}));
        // below the int range, dimensions whose product passes the long range are still counted: 2^31 - 1 to the fourth
        long big = Integer.MAX_VALUE;
        e = assertThrows(IllegalArgumentException.class, () -> new HeadLabels(new int[] {7}, new long[] {big, big, big, big}));
        assertEquals("head labels: shape [2147483647, 2147483647, 2147483647, 2147483647] holds more than"
                + " 2147483647 values, found 1", e.getMessage());
        // 2^21 x 2^21 x 2^22 = 2^64, every dimension an int: the long product wrapped to 0 and took no values
        e = assertThrows(IllegalArgumentException.class,
                () -> new HeadLabels(new int[0], new long[] {1L << 21, 1L << 21, 1L << 22}));
        assertEquals("head labels: shape [2097152, 2097152, 4194304] holds more than 2147483647 values, found 0",
                e.getMessage());
        // a zero dimension anywhere makes an empty shape, as its product says
        assertEquals(0, new HeadLabels(new int[0], new long[] {big, big, big, 0}).values().length);
    }

    @Test
    void aShapeWithinTheIntRangeSaysHowManyValuesItHolds() {
        // 3 x 2 x 1 = 6 and 2 x 3 = 6 (hand-computed): the count passed the values' before the last
        // dimension, and the message said "more than 5" and "more than 0"
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HeadLabels(new int[5], new long[] {3, 2, 1}));
        assertEquals("head labels: shape [3, 2, 1] holds 6 values, found 5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new HeadLabels(new int[0], new long[] {2, 3}));
        assertEquals("head labels: shape [2, 3] holds 6 values, found 0", e.getMessage());
        // 2^16 x 2^15 = 2^31, one past the int range: no array holds that many
        e = assertThrows(IllegalArgumentException.class, () -> new HeadLabels(new int[1], new long[] {1 << 16, 1 << 15}));
        assertEquals("head labels: shape [65536, 32768] holds more than 2147483647 values, found 1", e.getMessage());
    }

    /** A shape without axes has no example axis: it was refused as holding 1 value, though it had 1. */
    @Test
    void aShapeWithoutAxesIsRefusedAsHavingNoExampleAxis() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HeadLabels(new int[] {4}, new long[0]));
        assertEquals("head labels: shape [] has no example axis", e.getMessage());
    }

    @Test
    void aShapeHoldingTheValuesIsKept() {
        HeadLabels l = new HeadLabels(new int[] {0, 1, 1, 0, 1, 0}, new long[] {2, 3});
        assertArrayEquals(new long[] {2, 3}, l.shape());
        assertEquals(2, l.shape()[0]);
    }
}
