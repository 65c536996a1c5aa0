package io.github.prefine.eval.stats;

import java.util.Objects;

/**
 * How one setting's scores over seeds differ from the baseline's on the same target: the
 * difference of means (setting minus baseline, in the scores' unit), a two-sided t-test, its 95%
 * confidence interval, and the p-value adjusted for the family of tests it belongs to.
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
 * @param ciLow lower end of the 95% confidence interval of the difference, NaN when undefined
 * @param ciHigh upper end of that interval, NaN when undefined
 * @param nBaseline baseline runs used (pairs, for the paired test)
 * @param nSetting setting runs used (pairs, for the paired test)
 */
public record SeedDifference(TestKind kind, double difference, double t, double df, double p, double pAdjusted,
        double ciLow, double ciHigh, int nBaseline, int nSetting) {

    /** The level at which an adjusted p-value counts as a difference: 0.05, two-sided. */
    public static final double ALPHA = 0.05;

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
     * @throws IllegalArgumentException if a count is below 1, the difference is not finite, a
     *     p-value is outside [0, 1], or the adjusted p-value is below the raw one
     */
    public SeedDifference {
        Objects.requireNonNull(kind, "kind");
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
     * adjusted p-value is at most {@value #ALPHA}. False when the test is undefined or not adjusted.
     *
     * @return whether {@code pAdjusted <= ALPHA}
     */
    public boolean significant() {
        return pAdjusted <= ALPHA;
    }

    /**
     * The same result with its p-value adjusted within a family.
     *
     * @param adjusted the adjusted p-value, NaN where {@link #p()} is NaN
     * @return a copy with {@link #pAdjusted()} set
     */
    public SeedDifference withAdjustedP(double adjusted) {
        return new SeedDifference(kind, difference, t, df, p, adjusted, ciLow, ciHigh, nBaseline, nSetting);
    }
}
