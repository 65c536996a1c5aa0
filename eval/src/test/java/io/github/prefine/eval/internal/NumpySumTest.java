package io.github.prefine.eval.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NumpySumTest {

    @Test
    void eightPartialSumsDifferFromALeftToRightLoop() {
        // by hand: partials r0..r7 = 1e16,1,...,1; ((1e16+1)+(1+1)) + ((1+1)+(1+1)) = 1e16+6; then -1e16 -> 6.
        // a left-to-right loop loses every 1 (1e16 + 1 rounds to 1e16) and returns 0.
        double[] a = {1e16, 1, 1, 1, 1, 1, 1, 1, -1e16};
        assertEquals(6.0, NumpySum.sum(a));
        assertEquals(2.0 / 3, NumpySum.mean(new double[] {1.0, 1.0, 0.0}));
    }

    @Test
    void blocksAbove128SplitLikeNumpy() {
        // np.sum(np.array([1e16] + [1.0] * 200 + [-1e16])) == 188.0 (NumPy 1.x/2.x, recorded once)
        double[] a = new double[202];
        Arrays.fill(a, 1.0);
        a[0] = 1e16;
        a[201] = -1e16;
        assertEquals(188.0, NumpySum.sum(a));
    }
}
