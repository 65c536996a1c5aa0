package io.github.prefine.eval.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Holm's step-down, worked by hand. */
class HolmBonferroniTest {

    /**
     * m = 5 (the NaN is no test). Sorted: 0.005, 0.01, 0.03, 0.04, 0.04 times 5, 4, 3, 2, 1 gives
     * 0.025, 0.04, 0.09, 0.08, 0.04; the running maximum makes it 0.025, 0.04, 0.09, 0.09, 0.09.
     * Without it the last tie would read 0.04 and count as a difference while the smaller 0.03 does
     * not.
     */
    @Test
    void stepDownWithTiesAndMonotonicity() {
        double[] p = {0.01, 0.04, 0.03, 0.005, Double.NaN, 0.04};
        double[] adjusted = HolmBonferroni.adjust(p);
        assertArrayEquals(new double[] {0.04, 0.09, 0.09, 0.025, Double.NaN, 0.09}, adjusted, 1e-15);
        assertArrayEquals(new double[] {0.01, 0.04, 0.03, 0.005, Double.NaN, 0.04}, p, 0, "input untouched");
    }

    @Test
    void cappedAtOne() {
        assertArrayEquals(new double[] {0.6, 0.6}, HolmBonferroni.adjust(new double[] {0.5, 0.3}), 1e-15);
        assertArrayEquals(new double[] {1, 1}, HolmBonferroni.adjust(new double[] {0.6, 0.7}), 0);
    }

    @Test
    void oneTestIsUnchangedAndNoTestsGiveNothing() {
        assertArrayEquals(new double[] {0.03}, HolmBonferroni.adjust(new double[] {0.03}), 0);
        assertArrayEquals(new double[0], HolmBonferroni.adjust(new double[0]), 0);
        double[] none = HolmBonferroni.adjust(new double[] {Double.NaN, Double.NaN});
        assertTrue(Double.isNaN(none[0]) && Double.isNaN(none[1]));
    }

    @Test
    void refusesAValueThatIsNoProbability() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HolmBonferroni.adjust(new double[] {0.1, 1.5}));
        assertTrue(e.getMessage().contains("p-value 1 must be in [0, 1]"), e.getMessage());
    }
}
