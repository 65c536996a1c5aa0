package io.github.prefine.eval.stats;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * Holm's step-down correction of a family of p-values, which bounds the chance of any false
 * difference in the family (the family-wise error rate) at the level used, under any dependence
 * between the tests.
 *
 * <p>With the m defined p-values sorted ascending, p_(1) &lt;= ... &lt;= p_(m), the adjusted value
 * of p_(j) is max over i &lt;= j of min(1, (m - i + 1) p_(i)): the running maximum keeps the
 * adjusted values in the order of the raw ones, so a test is never declared a difference while a
 * smaller p-value is not. Adjusted p &lt;= alpha rejects exactly the hypotheses that Holm's
 * procedure at level alpha rejects. Tied p-values get the same adjusted value. NaN entries
 * (tests without a p-value) are left NaN and do not count towards m.
 *
 * <p>Stateless and thread-safe.
 */
public final class HolmBonferroni {
    private HolmBonferroni() {}

    /**
     * Adjusts a family of p-values.
     *
     * @param p the raw p-values, each in [0, 1] or NaN; not modified
     * @return the adjusted p-values, in the order of {@code p}
     * @throws IllegalArgumentException naming the index of a value outside [0, 1] that is not NaN
     */
    public static double[] adjust(double[] p) {
        Objects.requireNonNull(p, "p");
        int m = 0;
        for (int i = 0; i < p.length; i++) {
            if (Double.isNaN(p[i])) {
                continue;
            }
            if (!(p[i] >= 0 && p[i] <= 1)) {
                throw new IllegalArgumentException("p-value " + i + " must be in [0, 1] or NaN, found " + p[i]);
            }
            m++;
        }
        Integer[] order = new Integer[m];
        int k = 0;
        for (int i = 0; i < p.length; i++) {
            if (!Double.isNaN(p[i])) {
                order[k++] = i;
            }
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
        double[] out = new double[p.length];
        Arrays.fill(out, Double.NaN);
        double running = 0;
        for (int j = 0; j < m; j++) {
            double scaled = Math.min(1.0, (m - j) * p[order[j]]);
            running = Math.max(running, scaled);
            out[order[j]] = running;
        }
        return out;
    }
}
