package io.github.prefine.eval.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.eval.evaluator.SeedSummary;
import io.github.prefine.eval.evaluator.StdKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * The seed aggregates and significance tests against direct computation: mean and standard
 * deviation (divisor n - 1 for the sample kind, which Table 1 and {@code Evaluator.aggregate}
 * promise by default, n for the population kind) from their textbook sums, the paired and Welch
 * t-tests against Commons Math's {@link TTest} with the interval from the t quantile, and
 * Holm–Bonferroni against its definition {@code min(1, max over p_j <= p_i of (m - #{p_k < p_j}) p_j)}.
 * Scores are percentages with two decimals, as the tables print them.
 */
class SeedStatsProperties {

    @Provide
    Arbitrary<double[]> scores() {
        return Arbitraries.integers().between(0, 10000).map(i -> i / 100.0).array(double[].class).ofMinSize(1)
                .ofMaxSize(8);
    }

    private static double directMean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double squares(double[] v) {
        double m = directMean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return s;
    }

    @Property(tries = 200)
    void seedSummaryIsTheMeanAndTheStdOfItsKind(@ForAll("scores") double[] v) {
        SeedSummary sample = SeedSummary.of(v, StdKind.SAMPLE);
        SeedSummary population = SeedSummary.of(v, StdKind.POPULATION);
        double m = directMean(v);
        assertEquals(m, sample.mean(), 1e-12 * Math.max(1, m));
        assertEquals(v.length, sample.n());
        if (v.length == 1) {
            assertFalse(sample.hasStd(), "the sample std of one seed is undefined (ddof=1)");
        } else {
            assertEquals(Math.sqrt(squares(v) / (v.length - 1)), sample.std(), 1e-9);
        }
        assertEquals(Math.sqrt(squares(v) / v.length), population.std(), 1e-9);
    }

    private static boolean hasVariance(double[] d) {
        return d.length >= 2 && squares(d) > 1e-9;
    }

    @Property(tries = 150)
    void pairedTestIsCommonsMathsPairedTTest(@ForAll("scores") double[] baseline, @ForAll long seed) {
        double[] setting = new double[baseline.length];
        Random r = new Random(seed);
        double[] d = new double[baseline.length];
        for (int i = 0; i < baseline.length; i++) {
            setting[i] = Math.round((baseline[i] + r.nextGaussian() * 3) * 100) / 100.0;
            d[i] = setting[i] - baseline[i];
        }
        SeedDifference got = SeedTTests.paired(baseline, setting);
        assertEquals(TestKind.PAIRED, got.kind());
        assertEquals(directMean(d), got.difference(), 1e-9);
        if (!hasVariance(d)) {
            assertFalse(got.tested(), "one pair or equal differences: no test");
            return;
        }
        TTest tt = new TTest();
        assertEquals(tt.pairedT(setting, baseline), got.t(), 1e-9 * Math.max(1, Math.abs(got.t())));
        assertEquals(tt.pairedTTest(setting, baseline), got.p(), 1e-9);
        assertEquals(d.length - 1, got.df(), 0);
        double se = Math.sqrt(squares(d) / (d.length - 1) / d.length);
        double q = new TDistribution(d.length - 1).inverseCumulativeProbability(0.975);
        assertEquals(directMean(d) - q * se, got.ciLow(), 1e-8);
        assertEquals(directMean(d) + q * se, got.ciHigh(), 1e-8);
        // the interval excludes 0 exactly when p < 0.05 (docs/protocol.md), away from the boundary
        if (Math.abs(got.p() - 0.05) > 1e-9) {
            assertEquals(got.p() < 0.05, got.ciLow() > 0 || got.ciHigh() < 0, "interval and p disagree");
        }
    }

    @Property(tries = 150)
    void welchTestIsCommonsMathsUnequalVarianceTTest(@ForAll("scores") double[] baseline,
            @ForAll("scores") double[] setting) {
        SeedDifference got = SeedTTests.welch(baseline, setting);
        assertEquals(TestKind.WELCH, got.kind());
        assertEquals(directMean(setting) - directMean(baseline), got.difference(), 1e-9);
        if (baseline.length < 2 || setting.length < 2 || (!hasVariance(baseline) && !hasVariance(setting))) {
            assertFalse(got.tested(), "a side of one run, or no variance: no test");
            return;
        }
        TTest tt = new TTest();
        assertEquals(tt.t(setting, baseline), got.t(), 1e-9 * Math.max(1, Math.abs(got.t())));
        assertEquals(tt.tTest(setting, baseline), got.p(), 1e-9);
        double vb = squares(baseline) / (baseline.length - 1) / baseline.length;
        double vs = squares(setting) / (setting.length - 1) / setting.length;
        double df = (vb + vs) * (vb + vs) / (vb * vb / (baseline.length - 1) + vs * vs / (setting.length - 1));
        assertEquals(df, got.df(), 1e-9 * df);
        double q = new TDistribution(df).inverseCumulativeProbability(0.975);
        assertEquals(got.difference() - q * Math.sqrt(vb + vs), got.ciLow(), 1e-8);
        assertEquals(got.difference() + q * Math.sqrt(vb + vs), got.ciHigh(), 1e-8);
    }

    @Property(tries = 100)
    void compareIsPairedBySeedWhenTheSeedsMatchAndWelchOtherwise(@ForAll("scores") double[] baseline,
            @ForAll("scores") double[] other, @ForAll long shuffle, @ForAll boolean sameSeeds) {
        int n = baseline.length;
        long[] seeds = new long[n];
        for (int i = 0; i < n; i++) {
            seeds[i] = 100 + 7 * i;
        }
        double[] setting = new double[n];
        for (int i = 0; i < n; i++) {
            setting[i] = other[i % other.length];
        }
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            perm.add(i);
        }
        Collections.shuffle(perm, new Random(shuffle));
        long[] settingSeeds = new long[n];
        double[] shuffled = new double[n];
        for (int i = 0; i < n; i++) {
            settingSeeds[i] = seeds[perm.get(i)];
            shuffled[i] = setting[perm.get(i)];
        }
        if (!sameSeeds) {
            settingSeeds[0] = -1; // one seed on one side only
        }
        SeedDifference got = SeedTTests.compare(seeds, baseline, settingSeeds, shuffled);
        SeedDifference expected = sameSeeds ? SeedTTests.paired(baseline, setting) : SeedTTests.welch(baseline, shuffled);
        assertEquals(expected.kind(), got.kind());
        assertEquals(expected.difference(), got.difference(), 1e-9);
        assertEquals(expected.p(), got.p(), 1e-12);
    }

    @Provide
    Arbitrary<double[]> pValues() {
        Arbitrary<Double> p = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 1000).map(i -> i / 1000.0)),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(0.01, 0.02, 0.5)), // ties
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Double.NaN)));
        return p.list().ofMaxSize(12).map(l -> l.stream().mapToDouble(Double::doubleValue).toArray());
    }

    @Property(tries = 300)
    void holmBonferroniIsItsDefinition(@ForAll("pValues") double[] p) {
        int m = 0;
        for (double x : p) {
            m += Double.isNaN(x) ? 0 : 1;
        }
        double[] got = HolmBonferroni.adjust(p);
        for (int i = 0; i < p.length; i++) {
            if (Double.isNaN(p[i])) {
                assertTrue(Double.isNaN(got[i]), "an untested cell stays untested");
                continue;
            }
            double adj = 0;
            for (double pj : p) {
                if (!Double.isNaN(pj) && pj <= p[i]) {
                    int below = 0;
                    for (double pk : p) {
                        below += !Double.isNaN(pk) && pk < pj ? 1 : 0;
                    }
                    adj = Math.max(adj, (m - below) * pj);
                }
            }
            assertEquals(Math.min(1, adj), got[i], 0, "adjusted p " + i + " of " + java.util.Arrays.toString(p));
        }
    }
}
