package io.github.prefine.eval.internal;

/**
 * Summation in the order NumPy's {@code np.sum}/{@code np.mean} use for contiguous float64 arrays.
 *
 * <p>NumPy sums with pairwise summation in blocks of 128 and eight partial sums inside a block, so
 * a Java loop that adds left to right can differ from it in the last bits. Metrics that average
 * per-class scores the way scikit-learn does (macro F1) call this to agree to the last digit.
 *
 * <p>Stateless and thread-safe.
 */
public final class NumpySum {
    private static final int BLOCK = 128;

    private NumpySum() {}

    /**
     * Sums the values as NumPy's pairwise summation does.
     *
     * @param values the values, not modified
     * @return the sum; 0 for an empty array
     */
    public static double sum(double[] values) {
        return pairwise(values, 0, values.length);
    }

    /**
     * Returns {@code sum(values) / values.length} as {@code np.mean} computes it.
     *
     * @param values the values, not modified
     * @return the mean; NaN for an empty array
     */
    public static double mean(double[] values) {
        return sum(values) / values.length;
    }

    private static double pairwise(double[] a, int off, int n) {
        if (n < 8) {
            double res = -0.0;
            for (int i = 0; i < n; i++) {
                res += a[off + i];
            }
            return res;
        } else if (n <= BLOCK) {
            double[] r = new double[8];
            for (int j = 0; j < 8; j++) {
                r[j] = a[off + j];
            }
            int i;
            for (i = 8; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[off + i + j];
                }
            }
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                res += a[off + i];
            }
            return res;
        } else {
            int n2 = n / 2;
            n2 -= n2 % 8;
            return pairwise(a, off, n2) + pairwise(a, off + n2, n - n2);
        }
    }
}
