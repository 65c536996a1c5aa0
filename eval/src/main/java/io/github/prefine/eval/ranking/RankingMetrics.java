package io.github.prefine.eval.ranking;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * Pure functions comparing a predicted ranking with measured scores, as used to judge a
 * transferability estimate (Vu et al., EMNLP 2020, <a href="https://aclanthology.org/2020.emnlp-main.635/">
 * Exploring and Predicting Transferability across NLP Tasks</a>): cosine similarity of two
 * embeddings, Spearman's rho, Kendall's tau-b, and NDCG@k.
 *
 * <p>Stateless and thread-safe. Inputs are never modified. Sums run in index order, so equal
 * inputs give bit-identical results.
 */
public final class RankingMetrics {
    private RankingMetrics() {}

    /**
     * Returns the cosine similarity of two vectors, summed in double precision.
     *
     * @param a a vector
     * @param b a vector of the same length
     * @return {@code a.b / (|a| |b|)} in [-1, 1]; 0 when either vector is all zeros
     * @throws IllegalArgumentException if the lengths differ or are zero, or a value is infinite
     *     or NaN (the cosine would be NaN, which a best-first sort puts first)
     */
    public static double cosine(float[] a, float[] b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("cosine: vectors must have the same non-zero length, found "
                    + a.length + " and " + b.length);
        }
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i]) || !Float.isFinite(b[i])) {
                String which = Float.isFinite(a[i]) ? "b" : "a";
                throw new IllegalArgumentException("cosine: " + which + "[" + i + "] must be finite, found "
                        + (which.equals("a") ? a[i] : b[i]));
            }
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        if (na == 0 || nb == 0) {
            return 0;
        }
        return Math.max(-1, Math.min(1, dot / (Math.sqrt(na) * Math.sqrt(nb))));
    }

    /**
     * Returns the ranks of values, 1 for the smallest, ties sharing their average rank (the
     * convention of {@code scipy.stats.rankdata}).
     *
     * @param values the values, none NaN
     * @return one rank per value
     * @throws IllegalArgumentException if a value is NaN
     */
    public static double[] ranks(double[] values) {
        Objects.requireNonNull(values, "values");
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            if (Double.isNaN(values[i])) {
                throw new IllegalArgumentException("ranks: value " + i + " is NaN");
            }
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double avg = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = avg;
            }
            i = j + 1;
        }
        return ranks;
    }

    /**
     * Returns Spearman's rank correlation: Pearson's correlation of the average ranks, so ties
     * are handled as {@code scipy.stats.spearmanr} handles them.
     *
     * @param x one score per item
     * @param y another score per item, same length
     * @return rho in [-1, 1], or NaN when either side is constant (no ranking to compare)
     * @throws IllegalArgumentException if the lengths differ, fewer than 2 items are given, or a
     *     value is NaN
     */
    public static double spearman(double[] x, double[] y) {
        checkPaired("spearman", x, y);
        double[] rx = ranks(x);
        double[] ry = ranks(y);
        double mx = mean(rx);
        double my = mean(ry);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < rx.length; i++) {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        if (sxx == 0 || syy == 0) {
            return Double.NaN;
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /**
     * Returns Kendall's tau-b: concordant minus discordant pairs over the geometric mean of the
     * pairs untied in each ranking, {@code (P - Q) / sqrt((n0 - n1) (n0 - n2))}, the default of
     * {@code scipy.stats.kendalltau}. A pair tied in x (or y) is neither concordant nor discordant
     * and counts in n1 (or n2); {@code -0.0} ties {@code 0.0}. Counts every pair, O(n&sup2;): meant
     * for the few settings of a transfer comparison.
     *
     * @param x one score per item
     * @param y another score per item, same length
     * @return tau-b in [-1, 1], or NaN when either side is constant (as scipy answers)
     * @throws IllegalArgumentException if the lengths differ, fewer than 2 items are given, or a
     *     value is NaN
     */
    public static double kendallTau(double[] x, double[] y) {
        checkPaired("kendall", x, y);
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(x[i]) || Double.isNaN(y[i])) {
                throw new IllegalArgumentException("kendall: " + (Double.isNaN(x[i]) ? "x" : "y") + "[" + i + "] is NaN");
            }
        }
        long concordant = 0;
        long discordant = 0;
        long tiedX = 0;
        long tiedY = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = i + 1; j < x.length; j++) {
                // == and < rather than Double.compare: -0.0 and 0.0 are one value, as in numpy
                int sx = x[i] == x[j] ? 0 : x[i] < x[j] ? 1 : -1;
                int sy = y[i] == y[j] ? 0 : y[i] < y[j] ? 1 : -1;
                if (sx == 0) {
                    tiedX++;
                }
                if (sy == 0) {
                    tiedY++;
                }
                if (sx * sy > 0) {
                    concordant++;
                } else if (sx * sy < 0) {
                    discordant++;
                }
            }
        }
        long pairs = (long) x.length * (x.length - 1) / 2;
        if (tiedX == pairs || tiedY == pairs) {
            return Double.NaN;
        }
        return (concordant - discordant) / Math.sqrt((double) (pairs - tiedX) * (pairs - tiedY));
    }

    /**
     * Returns NDCG@k of a predicted ranking: items are ordered by {@code predicted} (highest
     * first), each contributes {@code gain / log2(position + 1)}, and the sum is divided by that of
     * the ideal order (by {@code gain}). Items with equal predicted scores are in no order of the
     * prediction's making, so a tie's positions each gain the tie's mean gain (the tie-aware DCG of
     * McSherry and Najork, 2008, scikit-learn's default): the result does not depend on the order
     * the items are given in (beyond rounding).
     *
     * <p>Gains must be non-negative; callers turning measured scores into gains usually subtract
     * the smallest score, so that the worst item gains nothing.
     *
     * @param predicted the predicted score of each item, none NaN
     * @param gain the measured gain of each item, non-negative, same length
     * @param k how many top positions count, positive
     * @return NDCG@k in [0, 1]; 0 when every gain is zero (the ideal DCG is 0), as scikit-learn's
     *     {@code ndcg_score} scores an all-irrelevant sample
     * @throws IllegalArgumentException if the lengths differ, k is not positive, a gain is
     *     negative, infinite or NaN, or a predicted score is NaN
     */
    public static double ndcgAtK(double[] predicted, double[] gain, int k) {
        Objects.requireNonNull(predicted, "predicted");
        Objects.requireNonNull(gain, "gain");
        if (predicted.length != gain.length) {
            throw new IllegalArgumentException("ndcg: predicted has " + predicted.length + " items, gain "
                    + gain.length);
        }
        if (k <= 0) {
            throw new IllegalArgumentException("ndcg: k must be positive, found " + k);
        }
        for (int i = 0; i < gain.length; i++) {
            if (!(gain[i] >= 0 && gain[i] < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("ndcg: gain " + i + " must be finite and non-negative, found "
                        + gain[i]);
            }
            if (Double.isNaN(predicted[i])) {
                // Double.compare would rank it highest: a score that looks measured
                throw new IllegalArgumentException("ndcg: predicted score " + i + " must be a number, found NaN");
            }
        }
        double dcg = dcg(order(predicted), predicted, gain, k);
        double ideal = dcg(order(gain), gain, gain, k);
        // scikit-learn's convention: 1 here ("any order is ideal") lifted any average it joined
        return ideal == 0 ? 0.0 : dcg / ideal;
    }

    /**
     * Returns item indices ordered by score, highest first, ties by lower index.
     *
     * @param scores one score per item, none NaN
     * @return indices, best first
     */
    public static int[] order(double[] scores) {
        Integer[] o = new Integer[scores.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = i;
        }
        Arrays.sort(o, (p, q) -> {
            int c = Double.compare(scores[q], scores[p]);
            return c != 0 ? c : Integer.compare(p, q);
        });
        int[] out = new int[o.length];
        for (int i = 0; i < o.length; i++) {
            out[i] = o[i];
        }
        return out;
    }

    /** DCG@k of items in {@code order} (by {@code scores}), a run of equal scores gaining its mean gain at each position. */
    private static double dcg(int[] order, double[] scores, double[] gain, int k) {
        double s = 0;
        int from = 0;
        while (from < Math.min(k, order.length)) {
            int to = from + 1;
            while (to < order.length && scores[order[to]] == scores[order[from]]) {
                to++;
            }
            double tieGain = 0;
            for (int pos = from; pos < to; pos++) {
                tieGain += gain[order[pos]];
            }
            tieGain /= to - from;
            for (int pos = from; pos < Math.min(k, to); pos++) {
                s += tieGain / (Math.log(pos + 2) / Math.log(2));
            }
            from = to;
        }
        return s;
    }

    /** The shared check of the paired correlations: two arrays of one length, at least two items. */
    private static void checkPaired(String measure, double[] x, double[] y) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (x.length != y.length || x.length < 2) {
            throw new IllegalArgumentException(measure + ": needs two arrays of the same length >= 2, found "
                    + x.length + " and " + y.length);
        }
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s / a.length;
    }
}
