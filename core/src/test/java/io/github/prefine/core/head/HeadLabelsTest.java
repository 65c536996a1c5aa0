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
    void aShapeHoldingTheValuesIsKept() {
        HeadLabels l = new HeadLabels(new int[] {0, 1, 1, 0, 1, 0}, new long[] {2, 3});
        assertArrayEquals(new long[] {2, 3}, l.shape());
        assertEquals(2, l.shape()[0]);
    }
}
