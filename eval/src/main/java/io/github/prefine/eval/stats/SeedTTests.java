package io.github.prefine.eval.stats;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.StatUtils;

/**
 * Two-sided t-tests of a setting's scores over seeds against the baseline's, with the 95%
 * confidence interval of the difference of means (setting minus baseline); {@link
 * SeedDifference#atLevel} gives another level and its interval.
 *
 * <p>{@link #compare} pairs runs by seed when both sides ran exactly the same seeds, once each: in
 * prefine a seed fixes the engine seed set before the target head is created (so the head's
 * initial weights), the trainer's sampler stream (so the order of the target's training data) and
 * the per-step dropout streams ({@code TargetFinetuning.runSeed}, {@code Trainer}, the sampling
 * module's seed streams), and the grid runs the same seed list under every setting. Two runs of
 * one seed thus share everything but the pre-finetuned encoder, and the paired test removes the
 * seed's share of the variance. When the seed sets differ (a failed or unfinished run, a seed only
 * one side has, a seed logged twice), the runs are not pairs and it falls back to Welch's test,
 * which assumes neither pairing nor equal variances.
 *
 * <p>Paired: with d_i = setting_i - baseline_i, t = StatUtils.mean(d) / (s_d / sqrt(n)), df = n - 1. Welch:
 * t = (mean_s - mean_b) / sqrt(v_s / n_s + v_b / n_b) with sample variances v, and df from the
 * Welch–Satterthwaite equation. p = 2 P(T_df &lt;= -|t|), and the interval is the difference ± the
 * 0.975 quantile of T_df times the standard error (the 1 - alpha / 2 quantile after {@link
 * SeedDifference#atLevel}). With fewer than two runs (pairs) on a side, or
 * a zero standard error, t, df, p and the interval are NaN rather than a number that looks like
 * a result.
 *
 * <p>Stateless and thread-safe.
 */
public final class SeedTTests {
    /**
     * Standard errors up to this fraction of the largest score are rounding, not seed noise:
     * {@code {1.1, 2.2}} against {@code {0.1, 1.2}} differs by exactly 1 per seed on paper, by 1 ± 2e-16 in
     * doubles.
     */
    private static final double ROUNDING = 1e-12;

    private SeedTTests() {}

    /**
     * Compares a setting's runs with the baseline's: paired when both ran the same seeds once each,
     * Welch's test otherwise.
     *
     * @param baselineSeeds the seed of each baseline run
     * @param baseline the baseline's scores, one per run, aligned with {@code baselineSeeds}
     * @param settingSeeds the seed of each setting run
     * @param setting the setting's scores, aligned with {@code settingSeeds}
     * @return the comparison, its adjusted p-value NaN (no family yet)
     * @throws IllegalArgumentException if a side is empty, the seeds and scores of a side differ
     *     in length, or a score is not finite
     */
    public static SeedDifference compare(long[] baselineSeeds, double[] baseline, long[] settingSeeds,
            double[] setting) {
        checkSide("baseline", baselineSeeds, baseline);
        checkSide("setting", settingSeeds, setting);
        Map<Long, Double> base = once(baselineSeeds, baseline);
        Map<Long, Double> other = once(settingSeeds, setting);
        if (base == null || other == null || !base.keySet().equals(other.keySet())) {
            return welch(baseline, setting);
        }
        double[] b = new double[settingSeeds.length];
        for (int i = 0; i < settingSeeds.length; i++) {
            b[i] = base.get(settingSeeds[i]);
        }
        return paired(b, setting);
    }

    /**
     * The paired t-test of runs matched by index.
     *
     * @param baseline the baseline's scores
     * @param setting the setting's scores, {@code setting[i]} from the same seed as {@code baseline[i]}
     * @return the comparison; t, df, p and the interval NaN for fewer than two pairs or differences
     *     without variance
     * @throws IllegalArgumentException if the arrays are empty, differ in length or hold a score
     *     that is not finite
     */
    public static SeedDifference paired(double[] baseline, double[] setting) {
        checkScores("baseline", baseline);
        checkScores("setting", setting);
        if (baseline.length != setting.length) {
            throw new IllegalArgumentException("a paired test needs one setting score per baseline score, found "
                    + baseline.length + " baseline and " + setting.length + " setting scores");
        }
        int n = baseline.length;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = setting[i] - baseline[i];
        }
        double mean = StatUtils.mean(d);
        if (n < 2) {
            return untested(TestKind.PAIRED, mean, n, n);
        }
        double se = Math.sqrt(StatUtils.variance(d, mean) / n);
        return tested(TestKind.PAIRED, mean, se, n - 1, n, n, scale(baseline, setting));
    }

    /**
     * Welch's unequal-variance t-test of two independent samples.
     *
     * @param baseline the baseline's scores
     * @param setting the setting's scores
     * @return the comparison; t, df, p and the interval NaN when a side has fewer than two runs or
     *     both sides are without variance
     * @throws IllegalArgumentException if a side is empty or holds a score that is not finite
     */
    public static SeedDifference welch(double[] baseline, double[] setting) {
        checkScores("baseline", baseline);
        checkScores("setting", setting);
        int nb = baseline.length;
        int ns = setting.length;
        double mb = StatUtils.mean(baseline);
        double ms = StatUtils.mean(setting);
        double difference = ms - mb;
        if (nb < 2 || ns < 2) {
            return untested(TestKind.WELCH, difference, nb, ns);
        }
        double vb = StatUtils.variance(baseline, mb) / nb;
        double vs = StatUtils.variance(setting, ms) / ns;
        double v = vb + vs;
        // Welch–Satterthwaite; 0/0 when both variances are 0, which tested() reports as untested
        double df = v * v / (vb * vb / (nb - 1) + vs * vs / (ns - 1));
        return tested(TestKind.WELCH, difference, Math.sqrt(v), df, nb, ns, scale(baseline, setting));
    }

    private static SeedDifference tested(TestKind kind, double difference, double se, double df, int nb, int ns,
            double scale) {
        // a standard error at the rounding level of the scores is zero variance, not a huge t
        if (!(se > ROUNDING * Math.max(1, scale)) || !(df > 0)) {
            return untested(kind, difference, nb, ns);
        }
        double t = difference / se;
        TDistribution dist = new TDistribution(null, df, TDistribution.DEFAULT_INVERSE_ABSOLUTE_ACCURACY);
        // 2 P(T <= -|t|) rather than 2 (1 - P(T <= |t|)): no cancellation for large |t|
        double p = Math.min(1.0, 2 * dist.cumulativeProbability(-Math.abs(t)));
        double q = dist.inverseCumulativeProbability(0.975);
        return new SeedDifference(kind, difference, t, df, p, Double.NaN, difference - q * se, difference + q * se,
                nb, ns);
    }

    private static SeedDifference untested(TestKind kind, double difference, int nb, int ns) {
        return new SeedDifference(kind, difference, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, nb, ns);
    }

    /** Seed to score, or null when a seed occurs twice (its runs are then no pairs). */
    private static Map<Long, Double> once(long[] seeds, double[] scores) {
        Map<Long, Double> out = new HashMap<>();
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < seeds.length; i++) {
            if (!seen.add(seeds[i])) {
                return null;
            }
            out.put(seeds[i], scores[i]);
        }
        return out;
    }

    private static void checkSide(String side, long[] seeds, double[] scores) {
        Objects.requireNonNull(seeds, side + " seeds");
        checkScores(side, scores);
        if (seeds.length != scores.length) {
            throw new IllegalArgumentException(side + ": one seed per score, found " + seeds.length + " seeds and "
                    + scores.length + " scores");
        }
    }

    private static void checkScores(String side, double[] scores) {
        Objects.requireNonNull(scores, side);
        if (scores.length == 0) {
            throw new IllegalArgumentException(side + ": a t-test needs at least one score, found none");
        }
        for (int i = 0; i < scores.length; i++) {
            if (!Double.isFinite(scores[i])) {
                throw new IllegalArgumentException(side + " score " + i + " must be finite, found " + scores[i]);
            }
        }
    }

    private static double scale(double[] a, double[] b) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        for (double v : b) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
