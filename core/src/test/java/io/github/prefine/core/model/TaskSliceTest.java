package io.github.prefine.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * A slice built from raw labels checks their shape as {@code HeadLabels} does: its own product of
 * the dimensions let negative dimensions and products that wrap around the long range through.
 */
class TaskSliceTest {
    private static final int[] TWO = {0, 1};

    @Test
    void aLabelShapeWithNegativeDimensionsIsRefusedEvenWhenTheProductMatches() {
        // 2 x (-1) x (-3) = 6 values for 2 examples: taken, and the forward shaped its labels with it
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TaskSlice(0, TWO, TWO, new int[6], new long[] {2, -1, -3}));
        assertEquals("task slice 0: head labels: shape [2, -1, -3] has a negative dimension", e.getMessage());
    }

    @Test
    void aLabelShapeWhoseProductWrapsAroundIsRefused() {
        // 2 x 2^62 x 2 = 2^65, which a long product wraps to 0: taken with no labels for 2 examples
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TaskSlice(3, TWO, TWO, new int[0], new long[] {2, 1L << 62, 2}));
        assertEquals("task slice 3: head labels: shape [2, 4611686018427387904, 2] has a dimension above 2147483647",
                e.getMessage());
        // a plain mismatch names both counts: 2 x 2 x 3 = 12
        e = assertThrows(IllegalArgumentException.class,
                () -> new TaskSlice(1, TWO, TWO, new int[4], new long[] {2, 2, 3}));
        assertEquals("task slice 1: head labels: shape [2, 2, 3] holds 12 values, found 4", e.getMessage());
    }

    @Test
    void aLabelShapeHoldingTheLabelsIsKept() {
        TaskSlice s = new TaskSlice(2, TWO, TWO, new int[] {1, 0, 0, 1, -100, 2}, new long[] {2, 3});
        assertEquals(6, s.labels().length);
        assertEquals(2, s.labelShape().length);
    }
}
