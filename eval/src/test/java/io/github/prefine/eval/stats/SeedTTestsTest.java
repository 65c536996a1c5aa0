package io.github.prefine.eval.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Ground truth: Student's sleep data (Cushny and Peebles, R's {@code sleep}) whose paired and Welch
 * tests R's documentation prints ({@code t.test(extra ~ group, data = sleep, paired = TRUE)}: t =
 * -4.0621, df = 9, p = 0.002833, CI [-2.4599, -0.7001]; Welch: t = -1.8608, df = 17.776, p =
 * 0.07939, CI [-3.3655, 0.2055]; here the setting is group 2, so the signs flip), Wikipedia's
 * second Welch example (unequal sizes and variances: Welch t = -1.57, df = 9.9, p = 0.149 where
 * the pooled test gives t = -2.10, p = 0.045), and a small case worked by hand. The digits below
 * the published ones come from the formulas in Python's {@code statistics} and {@code math} with
 * the t tail integrated numerically (Simpson, 200 000 intervals).
 */
class SeedTTestsTest {
    private static final double[] SLEEP_1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
    private static final double[] SLEEP_2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

    @Test
    void pairedMatchesStudentsSleepData() {
        SeedDifference d = SeedTTests.paired(SLEEP_1, SLEEP_2);
        assertEquals(TestKind.PAIRED, d.kind());
        assertTest(d, 1.58, 4.062127683382037, 9, 0.0028328901973842, 0.7001142367230226, 2.4598857632769775);
        assertEquals(10, d.nBaseline());
        assertTrue(Double.isNaN(d.pAdjusted()), "no family yet");
    }

    @Test
    void welchMatchesStudentsSleepData() {
        SeedDifference d = SeedTTests.welch(SLEEP_1, SLEEP_2);
        assertEquals(TestKind.WELCH, d.kind());
        assertTest(d, 1.58, 1.860813467486853, 17.776473516178488, 0.0793941401873549, -0.20548323071171315,
                3.365483230711713);
    }

    /**
     * R: {@code t.test(extra ~ group, data = sleep, paired = TRUE, conf.level = 1 - alpha)} is the
     * difference ± qt(1 - alpha / 2, 9) times the standard error 1.58 / 4.062127683 (R's t). The
     * quantiles are the t table's (R's {@code qt}): 2.262157163 (which gives R's printed 95%
     * interval back), 1.833112933, 3.249835542 and 4.780912586 for 90%, 99% and 99.9%.
     */
    @Test
    void theIntervalIsAtLevelOneMinusAlpha() {
        SeedDifference d = SeedTTests.paired(SLEEP_1, SLEEP_2);
        double se = 1.58 / 4.062127683382037;
        assertEquals("95%", d.ciPercent());
        assertEquals(0.95, d.ciLevel(), 1e-15);
        double[][] byLevel = {{0.05, 2.262157163}, {0.10, 1.833112933}, {0.01, 3.249835542}, {0.001, 4.780912586}};
        for (double[] l : byLevel) {
            SeedDifference at = d.atLevel(l[0]);
            assertEquals(1.58 - l[1] * se, at.ciLow(), 1e-7, "alpha " + l[0]);
            assertEquals(1.58 + l[1] * se, at.ciHigh(), 1e-7, "alpha " + l[0]);
            // the test itself does not move
            assertEquals(d.p(), at.p());
            assertEquals(d.t(), at.t());
        }
        assertEquals(0.7001142367230226, d.atLevel(0.01).atLevel(0.05).ciLow(), 1e-12, "back to 95%");
        assertEquals("99%", d.atLevel(0.01).ciPercent());
        assertEquals("99.9%", d.atLevel(0.001).ciPercent());
        assertEquals("90%", d.atLevel(0.1).ciPercent());
    }

    /**
     * The duality R's intervals have: the (1 - alpha) interval excludes 0 exactly when p < alpha.
     * Paired p = 0.00283, Welch p = 0.0794 on the sleep data.
     */
    @Test
    void theIntervalExcludesZeroExactlyWhenPIsBelowAlpha() {
        for (SeedDifference d : new SeedDifference[] {SeedTTests.paired(SLEEP_1, SLEEP_2),
                SeedTTests.welch(SLEEP_1, SLEEP_2)}) {
            for (double alpha : new double[] {0.2, 0.1, 0.08, 0.075, 0.05, 0.01, 0.005, 0.0025, 0.001}) {
                SeedDifference at = d.atLevel(alpha);
                assertEquals(d.p() < alpha, at.ciLow() > 0 || at.ciHigh() < 0, d.kind() + " at " + alpha + ": " + at);
            }
        }
        assertTrue(Double.isNaN(SeedTTests.paired(new double[] {1}, new double[] {2}).atLevel(0.01).ciLow()));
    }

    /** Unequal sizes and variances: a pooled variance would give t = -2.10, df = 28, p = 0.045. */
    @Test
    void welchIsNotThePooledTestOnUnequalSamples() {
        double[] a1 = {17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8};
        double[] a2 = {21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5,
            22.5, 23.5, 21.5, 21.8};
        SeedDifference d = SeedTTests.welch(a2, a1);
        assertTest(d, -1.525, -1.5654335235985073, 9.904741248650831, 0.14884169660532473, -3.6984213253751532,
                0.648421325375149);
    }

    /**
     * By hand: d = 1.5, 0, 1.5, 2, 1; mean 1.2; squared deviations 0.09 + 1.44 + 0.09 + 0.64 + 0.04
     * = 2.3, s² = 0.575, se = sqrt(0.575 / 5) = 0.339116, t = 3.538607, df = 4; t(0.975, 4) =
     * 2.776445, CI 1.2 ± 0.941538.
     */
    @Test
    void pairedByHand() {
        SeedDifference d = SeedTTests.paired(new double[] {70, 72, 68, 71, 69}, new double[] {71.5, 72, 69.5, 73, 70});
        assertEquals(1.2, d.difference(), 1e-12);
        assertEquals(1.2 / Math.sqrt(0.575 / 5), d.t(), 1e-12);
        assertEquals(3.538607, d.t(), 1e-6);
        assertEquals(4, d.df(), 0);
        assertEquals(0.02404352879937355, d.p(), 1e-8);
        assertEquals(1.2 - 2.776445 * Math.sqrt(0.575 / 5), d.ciLow(), 1e-6);
        assertEquals(2.1415383441742177, d.ciHigh(), 1e-7);
    }

    @Test
    void sameSeedsArePairedBySeedNotByPosition() {
        SeedDifference d = SeedTTests.compare(new long[] {1, 2, 3, 4, 5}, new double[] {70, 72, 68, 71, 69},
                new long[] {5, 4, 3, 2, 1}, new double[] {70, 73, 69.5, 72, 71.5});
        assertEquals(TestKind.PAIRED, d.kind());
        // the hand case, summed in another order: equal up to the last bits
        assertEquals(1.2, d.difference(), 1e-12);
        assertEquals(3.538607, d.t(), 1e-6);
        assertEquals(0.02404352879937355, d.p(), 1e-8);
    }

    /** The hand case's runs with seed 5 only in the baseline and seed 6 only in the setting: no pairs. */
    @Test
    void seedsOnOneSideOnlySwitchToWelch() {
        double[] base = {70, 72, 68, 71, 69};
        double[] setting = {71.5, 72, 69.5, 73, 70};
        SeedDifference d = SeedTTests.compare(new long[] {1, 2, 3, 4, 5}, base, new long[] {1, 2, 3, 4, 6}, setting);
        assertEquals(TestKind.WELCH, d.kind());
        // Python: Welch on these scores, t = 1.2545000963743629, df = 7.931553081887619, p = 0.24536525791516925
        assertEquals(1.2545000963743629, d.t(), 1e-9);
        assertEquals(7.931553081887619, d.df(), 1e-9);
        assertEquals(0.24536525791516925, d.p(), 1e-8);
        assertEquals(-1.0091406339580948, d.ciLow(), 1e-7);
        SeedDifference fewer = SeedTTests.compare(new long[] {1, 2, 3, 4, 5}, base, new long[] {1, 2, 3},
                new double[] {71.5, 72, 69.5});
        assertEquals(TestKind.WELCH, fewer.kind());
        SeedDifference twice = SeedTTests.compare(new long[] {1, 2, 3, 4, 5}, base, new long[] {1, 2, 3, 4, 5, 5},
                new double[] {71.5, 72, 69.5, 73, 70, 70});
        assertEquals(TestKind.WELCH, twice.kind(), "a seed logged twice makes no pairs");
    }

    @Test
    void onePairHasADifferenceButNoTest() {
        SeedDifference d = SeedTTests.compare(new long[] {7}, new double[] {60}, new long[] {7}, new double[] {61.5});
        assertEquals(TestKind.PAIRED, d.kind());
        assertEquals(1.5, d.difference(), 0);
        assertUntested(d);
        assertUntested(SeedTTests.welch(new double[] {60}, new double[] {61, 62, 63}));
        assertUntested(SeedTTests.welch(new double[] {60, 61}, new double[] {62}));
    }

    /** Each seed gains exactly 1 point on paper; in doubles the differences vary in the last bit. */
    @Test
    void differencesWithoutVarianceHaveNoTest() {
        SeedDifference d = SeedTTests.paired(new double[] {50.1, 60.2, 70.3}, new double[] {51.1, 61.2, 71.3});
        assertEquals(1.0, d.difference(), 1e-12);
        assertUntested(d);
        assertUntested(SeedTTests.paired(new double[] {50, 60}, new double[] {50, 60}));
        assertUntested(SeedTTests.welch(new double[] {50, 50}, new double[] {52, 52, 52}));
    }

    /** One side without variance is still a test: its df is the other side's n - 1. */
    @Test
    void welchWithOneConstantSide() {
        SeedDifference d = SeedTTests.welch(new double[] {50, 50, 50}, new double[] {52, 53, 54});
        assertEquals(3, d.difference(), 1e-12);
        assertEquals(2, d.df(), 1e-12);
        assertEquals(3 / Math.sqrt(1.0 / 3), d.t(), 1e-12);
    }

    @Test
    void badInputIsRefusedWithTheQuantity() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SeedTTests.paired(new double[] {1, 2}, new double[] {1}));
        assertTrue(e.getMessage().contains("2 baseline and 1 setting"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SeedTTests.welch(new double[] {}, new double[] {1}));
        assertTrue(e.getMessage().contains("baseline"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SeedTTests.welch(new double[] {1, Double.NaN}, new double[] {1}));
        assertTrue(e.getMessage().contains("baseline score 1 must be finite"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SeedTTests.compare(new long[] {1}, new double[] {1, 2}, new long[] {1}, new double[] {1}));
        assertTrue(e.getMessage().contains("1 seeds and 2 scores"), e.getMessage());
    }

    /** Published or Python figures: t and df to 1e-9, p to 1e-8, the interval to 1e-7 (the t quantile's search). */
    private static void assertTest(SeedDifference d, double difference, double t, double df, double p, double ciLow,
            double ciHigh) {
        assertEquals(difference, d.difference(), 1e-12);
        assertEquals(t, d.t(), 1e-9);
        assertEquals(df, d.df(), 1e-9);
        assertEquals(p, d.p(), 1e-8);
        assertEquals(ciLow, d.ciLow(), 1e-7);
        assertEquals(ciHigh, d.ciHigh(), 1e-7);
    }

    private static void assertUntested(SeedDifference d) {
        assertFalse(d.tested());
        assertFalse(d.significant());
        assertTrue(Double.isNaN(d.t()) && Double.isNaN(d.df()) && Double.isNaN(d.p()) && Double.isNaN(d.pAdjusted())
                && Double.isNaN(d.ciLow()) && Double.isNaN(d.ciHigh()), d.toString());
    }
}
