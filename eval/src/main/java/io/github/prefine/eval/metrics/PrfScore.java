package io.github.prefine.eval.metrics;

/**
 * Precision, recall, F1 and support of one class, one entity type, or a micro average.
 *
 * <p>Values are fractions in [0, 1]; an undefined ratio (zero denominator) is reported as 0, as
 * seqeval and scikit-learn do with their default {@code zero_division}. Equality compares the
 * doubles bit for bit.
 *
 * <p>Immutable and thread-safe.
 *
 * @param precision true positives over predicted positives
 * @param recall true positives over gold positives
 * @param f1 harmonic mean of precision and recall
 * @param support number of gold items (entities or examples)
 */
public record PrfScore(double precision, double recall, double f1, int support) {

    /**
     * Validates the ranges.
     *
     * @param precision see the record description
     * @param recall see the record description
     * @param f1 see the record description
     * @param support see the record description
     */
    public PrfScore {
        check("precision", precision);
        check("recall", recall);
        check("f1", f1);
        if (support < 0) {
            throw new IllegalArgumentException("support must be >= 0, found " + support);
        }
    }

    private static void check(String name, double v) {
        if (!(v >= 0.0 && v <= 1.0)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], found " + v);
        }
    }

    /**
     * Computes precision, recall and F1 from counts exactly as seqeval does: {@code p = tp/pred},
     * {@code r = tp/gold}, {@code f1 = 2*p*r/(p+r)}, each 0 when undefined.
     *
     * @param truePositives matched items
     * @param predicted predicted items
     * @param gold gold items (the support)
     * @return the score
     */
    public static PrfScore fromCountsSeqeval(int truePositives, int predicted, int gold) {
        double p = predicted == 0 ? 0.0 : (double) truePositives / predicted;
        double r = gold == 0 ? 0.0 : (double) truePositives / gold;
        double denom = p + r;
        double f = denom == 0.0 ? 0.0 : 2.0 * p * r / denom;
        return new PrfScore(p, r, f, gold);
    }

    /**
     * Computes precision, recall and F1 from counts as scikit-learn (1.3 and later) does:
     * {@code f1 = 2*tp/(gold+pred)}, each ratio 0 when undefined.
     *
     * @param truePositives matched items
     * @param predicted predicted items
     * @param gold gold items (the support)
     * @return the score
     */
    public static PrfScore fromCountsSklearn(int truePositives, int predicted, int gold) {
        double p = predicted == 0 ? 0.0 : (double) truePositives / predicted;
        double r = gold == 0 ? 0.0 : (double) truePositives / gold;
        int denom = gold + predicted;
        double f = denom == 0 ? 0.0 : 2.0 * truePositives / denom;
        return new PrfScore(p, r, f, gold);
    }
}
