package io.github.prefine.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link ClassificationMetrics} against a brute-force reference of scikit-learn's definitions written
 * in the test: {@code unique_labels} sorted as NumPy sorts strings (by code point), per-class counts,
 * {@code f1 = 2 tp / (true + pred)} with 0 for an undefined ratio, and the macro average as
 * {@code np.mean} sums (NumPy's pairwise summation). Labels include classes only in gold, only in the
 * predictions, and characters outside the Basic Multilingual Plane; a null prediction is no class's.
 */
class ClassificationMetricsProperties {

    /** Code-point order, as NumPy sorts unicode arrays (Java's String order is UTF-16 code units). */
    private static final Comparator<String> CODE_POINT = (a, b) -> {
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (x[i] != y[i]) {
                return Integer.compare(x[i], y[i]);
            }
        }
        return Integer.compare(x.length, y.length);
    };

    /** gold, predicted: equal lengths, predictions sometimes null. */
    private static Arbitrary<List<List<String>>> pairs(Arbitrary<String> label, int maxSize) {
        Arbitrary<String> pred = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(9, label), net.jqwik.api.Tuple.of(1, Arbitraries.just(null)));
        return label.list().ofMaxSize(maxSize).flatMap(g -> pred.list().ofSize(g.size()).map(p -> List.of(g, p)));
    }

    @Provide
    Arbitrary<List<List<String>>> fewLabels() {
        return pairs(Arbitraries.of("A", "B", "c", "é", "\uFF21", "\uD83D\uDE00", "\uD83D\uDE01"), 25);
    }

    @Provide
    Arbitrary<List<List<String>>> manyLabels() {
        return pairs(Arbitraries.integers().between(0, 199).map(i -> "L" + i), 400);
    }

    /** NumPy's pairwise_sum (loops_utils.h.src), blocks of 128, eight accumulators. */
    static double numpyPairwise(double[] a, int off, int n) {
        if (n < 8) {
            double res = 0.;
            for (int i = 0; i < n; i++) {
                res += a[off + i];
            }
            return res;
        } else if (n <= 128) {
            double[] r = new double[8];
            System.arraycopy(a, off, r, 0, 8);
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
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return numpyPairwise(a, off, n2) + numpyPairwise(a, off + n2, n - n2);
    }

    /** True positives, predictions and gold examples of one label, by brute force. */
    private static int[] counts(List<String> gold, List<String> pred, String label) {
        int[] n = new int[3];
        for (int i = 0; i < gold.size(); i++) {
            boolean g = gold.get(i).equals(label);
            boolean p = label.equals(pred.get(i));
            n[0] += g && p ? 1 : 0;
            n[1] += p ? 1 : 0;
            n[2] += g ? 1 : 0;
        }
        return n;
    }

    private static void checkAgainstSklearn(List<String> gold, List<String> pred) {
        TreeSet<String> labels = new TreeSet<>(CODE_POINT);
        labels.addAll(gold);
        pred.stream().filter(p -> p != null).forEach(labels::add);
        List<String> order = new ArrayList<>(labels);
        Map<String, PrfScore> per = ClassificationMetrics.perClass(gold, pred);
        assertEquals(order, new ArrayList<>(per.keySet()), "label order (numpy sorts by code point)");
        double[] f1 = new double[order.size()];
        for (int k = 0; k < order.size(); k++) {
            String l = order.get(k);
            int[] n = counts(gold, pred, l);
            int tp = n[0];
            int np = n[1];
            int nt = n[2];
            PrfScore s = per.get(l);
            assertEquals(np == 0 ? 0 : (double) tp / np, s.precision(), 0, l + " precision");
            assertEquals(nt == 0 ? 0 : (double) tp / nt, s.recall(), 0, l + " recall");
            f1[k] = nt + np == 0 ? 0 : 2.0 * tp / (nt + np);
            assertEquals(f1[k], s.f1(), 0, l + " f1");
            assertEquals(nt, s.support(), l + " support");
        }
        if (gold.isEmpty()) {
            // no examples: no score (scikit-learn's NaN), refused rather than 0
            assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.macroF1(gold, pred));
            assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.accuracy(gold, pred));
            return;
        }
        double macro = (0.0 + numpyPairwise(f1, 0, f1.length)) / f1.length;
        assertEquals(macro, ClassificationMetrics.macroF1(gold, pred), 0, "macro F1");
        int correct = 0;
        for (int i = 0; i < gold.size(); i++) {
            correct += gold.get(i).equals(pred.get(i)) ? 1 : 0;
        }
        assertEquals((double) correct / gold.size(), ClassificationMetrics.accuracy(gold, pred), 0, "accuracy");
    }

    @Property(tries = 400)
    void perClassMacroF1AndAccuracyAreSklearns(@ForAll("fewLabels") List<List<String>> c) {
        checkAgainstSklearn(c.get(0), c.get(1));
    }

    @Property(tries = 60)
    void macroF1SumsManyClassesInNumpysOrder(@ForAll("manyLabels") List<List<String>> c) {
        checkAgainstSklearn(c.get(0), c.get(1));
    }

    @Property(tries = 200)
    void binaryF1IsSklearnsOrItsValueError(@ForAll("fewLabels") List<List<String>> c,
            @ForAll("positive") String positive) {
        List<String> gold = c.get(0);
        List<String> pred = c.get(1);
        TreeSet<String> present = new TreeSet<>(gold);
        pred.stream().filter(p -> p != null).forEach(present::add);
        if (gold.isEmpty() || present.size() > 2 || (present.size() == 2 && !present.contains(positive))) {
            assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.binaryF1(gold, pred, positive));
            return;
        }
        int[] n = counts(gold, pred, positive);
        assertEquals(n[1] + n[2] == 0 ? 0 : 2.0 * n[0] / (n[1] + n[2]),
                ClassificationMetrics.binaryF1(gold, pred, positive), 0);
    }

    @Provide
    Arbitrary<String> positive() {
        return Arbitraries.of("A", "B", "\uFF21");
    }
}
