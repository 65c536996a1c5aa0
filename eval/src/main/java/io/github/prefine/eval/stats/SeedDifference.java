package io.github.prefine.eval.stats;

import java.math.BigDecimal;
import java.util.Objects;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * How one setting's scores over seeds differ from the baseline's on the same target: the
 * difference of means (setting minus baseline, in the scores' unit), a two-sided t-test, its
 * confidence interval at level 1 - alpha (95% at the default alpha 0.05), the p-value adjusted for
 * the family of tests it belongs to, and the significance level alpha that adjusted p-value is
 * judged at. The same record serves any two samples
 * of seeds: a setting's per-seed group averages against the baseline's (Table 2), or one run's
 * cell against another run's ("baseline" is then the base run, "setting" the other run).
 *
 * <p>The interval and the level go together, as R's {@code t.test(conf.level = 1 - alpha)}
 * reports them: the interval excludes 0 exactly when the unadjusted p is below alpha (up to
 * rounding at the boundary), so a user who asks for alpha 0.01 reads 99% intervals that agree with
 * the tests. It is not adjusted for the family: a Holm-adjusted p above alpha beside an interval
 * that excludes 0 is the correction at work. {@link #atLevel} moves both.
 *
 * <p>Undefined quantities are NaN, never 0 or 1: a test needs two runs on each side (two pairs
 * for the paired test) and a nonzero standard error, so a comparison of one seed, or of
 * differences without variance, has a difference of means but no t, df, p or interval.
 * {@link #significant()} is then false. {@code equals} compares the doubles bit for bit (record
 * semantics, NaN equal to NaN): two results computed in another order may differ in the last bit.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind the test used
 * @param difference mean of the setting's scores minus mean of the baseline's
 * @param t the t statistic, NaN when undefined
 * @param df degrees of freedom (n - 1 paired, Welch–Satterthwaite otherwise), NaN when undefined
 * @param p the two-sided p-value, NaN when undefined
 * @param pAdjusted the p-value after the family's correction (Holm–Bonferroni), NaN when undefined
 *     or not adjusted yet
 * @param ciLow lower end of the confidence interval of the difference at level 1 - {@code alpha}
 *     ({@link #ciLevel()}), NaN when undefined
 * @param ciHigh upper end of that interval, NaN when undefined
 * @param nBaseline baseline runs used (pairs, for the paired test)
 * @param nSetting setting runs used (pairs, for the paired test)
 * @param alpha the significance level: an adjusted p-value at most this counts as a difference,
 *     and the interval's level is 1 - alpha; in (0, 1)
 */
public record SeedDifference(TestKind kind, double difference, double t, double df, double p, double pAdjusted,
        double ciLow, double ciHigh, int nBaseline, int nSetting, double alpha) {

    /** The default significance level: 0.05, two-sided. */
    public static final double ALPHA = 0.05;

    /**
     * A comparison judged at the default level {@value #ALPHA}, its interval the 95% one.
     *
     * @param kind see the record description
     * @param difference see the record description
     * @param t see the record description
     * @param df see the record description
     * @param p see the record description
     * @param pAdjusted see the record description
     * @param ciLow see the record description
     * @param ciHigh see the record description
     * @param nBaseline see the record description
     * @param nSetting see the record description
     */
    public SeedDifference(TestKind kind, double difference, double t, double df, double p, double pAdjusted,
            double ciLow, double ciHigh, int nBaseline, int nSetting) {
        this(kind, difference, t, df, p, pAdjusted, ciLow, ciHigh, nBaseline, nSetting, ALPHA);
    }

    /**
     * Checks a significance level.
     *
     * @param name what the level is called where it came from, for the message ({@code --alpha})
     * @param alpha the level
     * @return {@code alpha}
     * @throws IllegalArgumentException naming {@code name} when alpha is not strictly between 0 and 1
     */
    public static double checkLevel(String name, double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException(name + " must be a significance level in (0, 1), such as 0.05, found "
                    + alpha);
        }
        return alpha;
    }

    /**
     * Validates the fields.
     *
     * @param kind see the record description
     * @param difference see the record description
     * @param t see the record description
     * @param df see the record description
     * @param p see the record description
     * @param pAdjusted see the record description
     * @param ciLow see the record description
     * @param ciHigh see the record description
     * @param nBaseline see the record description
     * @param nSetting see the record description
     * @param alpha see the record description
     * @throws IllegalArgumentException if alpha is outside (0, 1), a count is below 1, the difference is not finite, a
     *     p-value is outside [0, 1], or the adjusted p-value is below the raw one
     */
    public SeedDifference {
        Objects.requireNonNull(kind, "kind");
        checkLevel("alpha", alpha);
        if (nBaseline < 1 || nSetting < 1) {
            throw new IllegalArgumentException("a seed difference needs at least one run on each side, found "
                    + nBaseline + " baseline and " + nSetting + " setting runs");
        }
        if (kind == TestKind.PAIRED && nBaseline != nSetting) {
            throw new IllegalArgumentException("a paired test has as many baseline runs as setting runs, found "
                    + nBaseline + " and " + nSetting);
        }
        if (!Double.isFinite(difference)) {
            throw new IllegalArgumentException("difference must be finite, found " + difference);
        }
        checkProbability("p", p);
        checkProbability("pAdjusted", pAdjusted);
        if (Double.isNaN(p) && !Double.isNaN(pAdjusted)) {
            throw new IllegalArgumentException("an untested difference (p NaN) has no adjusted p-value, found "
                    + pAdjusted);
        }
        if (pAdjusted < p) {
            throw new IllegalArgumentException("an adjusted p-value is never below the raw one, found pAdjusted "
                    + pAdjusted + " < p " + p);
        }
    }

    private static void checkProbability(String name, double v) {
        if (!Double.isNaN(v) && !(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1] or NaN, found " + v);
        }
    }

    /**
     * Returns whether the test had a p-value (enough runs and a nonzero standard error).
     *
     * @return whether {@link #p()} is a number
     */
    public boolean tested() {
        return !Double.isNaN(p);
    }

    /**
     * Returns whether the setting differs from the baseline after the family's correction: the
     * adjusted p-value is at most {@link #alpha()}. False when the test is undefined or not adjusted.
     *
     * @return whether {@code pAdjusted <= alpha}
     */
    public boolean significant() {
        return pAdjusted <= alpha;
    }

    /**
     * The same result with its p-value adjusted within a family, judged at the same level.
     *
     * @param adjusted the adjusted p-value, NaN where {@link #p()} is NaN
     * @return a copy with {@link #pAdjusted()} set
     */
    public SeedDifference withAdjustedP(double adjusted) {
        return new SeedDifference(kind, difference, t, df, p, adjusted, ciLow, ciHigh, nBaseline, nSetting, alpha);
    }

    /**
     * Returns the confidence level of the interval.
     *
     * @return 1 - {@link #alpha()}: 0.95 at the default level
     */
    public double ciLevel() {
        return 1 - alpha;
    }

    /**
     * Names the interval's level in percent, for a report: {@code "95%"} at alpha 0.05, {@code "99%"}
     * at 0.01, {@code "99.9%"} at 0.001.
     *
     * @return the level, from alpha's decimal digits so that no binary rounding shows
     */
    public String ciPercent() {
        return BigDecimal.ONE.subtract(new BigDecimal(Double.toString(alpha))).movePointRight(2).stripTrailingZeros()
                .toPlainString() + "%";
    }

    /**
     * The same result judged at another level, its interval at level 1 - {@code level}. Holm's
     * adjusted p-values do not depend on the level, so this is exactly Holm's procedure run again
     * at {@code level} over the same family. Both tests' intervals are the difference ± a
     * quantile of T_df times the standard error, so the new one scales the half-widths by the
     * ratio of the (1 - level / 2) and (1 - alpha / 2) quantiles.
     *
     * @param level the significance level, in (0, 1)
     * @return a copy with {@link #alpha()} set and the interval at level 1 - {@code level}
     * @throws IllegalArgumentException if the level is outside (0, 1)
     */
    public SeedDifference atLevel(double level) {
        checkLevel("level", level);
        double low = ciLow;
        double high = ciHigh;
        if (level != alpha && !Double.isNaN(df) && !Double.isNaN(ciLow)) {
            TDistribution dist = new TDistribution(null, df, TDistribution.DEFAULT_INVERSE_ABSOLUTE_ACCURACY);
            double ratio = dist.inverseCumulativeProbability(1 - level / 2) / dist.inverseCumulativeProbability(1 - alpha / 2);
            low = difference - (difference - ciLow) * ratio;
            high = difference + (ciHigh - difference) * ratio;
        }
        return new SeedDifference(kind, difference, t, df, p, pAdjusted, low, high, nBaseline, nSetting, level);
    }
}
