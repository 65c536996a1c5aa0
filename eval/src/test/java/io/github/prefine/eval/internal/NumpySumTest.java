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

    @Test
    void agreesWithNumpyOnMixedMagnitudesAtTheBlockEdges() {
        // a[i] = 3e16 if i % 9 == 0, -1e16 if i % 9 == 4, else i % 10 + 0.25; np.sum(a) with NumPy 2.4.6
        double[][] expected = {{8, 2.0000000000000024e16}, {16, 4.000000000000005e16}, {128, 3.100000000000005e17},
            {129, 3.100000000000005e17}, {300, 6.90000000000001e17}, {1000, 2.2500000000000038e18}};
        for (double[] e : expected) {
            double[] a = new double[(int) e[0]];
            for (int i = 0; i < a.length; i++) {
                a[i] = i % 9 == 0 ? 3e16 : i % 9 == 4 ? -1e16 : i % 10 + 0.25;
            }
            assertEquals(e[1], NumpySum.sum(a), "n = " + a.length);
        }
    }
}
