package io.github.prefine.eval.metrics;

import io.github.prefine.eval.internal.CodePointOrder;
import io.github.prefine.eval.internal.NumpySum;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Accuracy, binary F1 and macro F1 over label sequences, as scikit-learn computes them.
 *
 * <p>Labels are strings compared with {@code equals}. Macro F1 averages the per-class F1 over the
 * union of gold and predicted labels sorted by code point as NumPy sorts them
 * ({@code sklearn.utils.multiclass.unique_labels}),
 * with 0 for an undefined class score, and sums in NumPy's order so the result agrees to the last
 * digit. Stateless and thread-safe.
 */
public final class ClassificationMetrics {

    private ClassificationMetrics() {}

    /**
     * Fraction of positions where prediction equals gold ({@code sklearn.metrics.accuracy_score}).
     *
     * @param gold gold labels
     * @param predicted predicted labels, same length; null where an example has no prediction
     *     (it could not be encoded), which counts as wrong and as no class's prediction
     * @return accuracy in [0, 1]
     * @throws IllegalArgumentException if the lengths differ or there are no examples (scikit-learn
     *     gives NaN; a 0 would pass for a score)
     * @throws NullPointerException if a gold label is null, naming its position
     */
    public static double accuracy(List<String> gold, List<String> predicted) {
        checkSizes(gold, predicted);
        requireExamples("accuracy", gold);
        int correct = 0;
        for (int i = 0; i < gold.size(); i++) {
            // a null gold with a null prediction compared equal: an unlabelled example scored as right
            if (goldLabel(gold, i).equals(predicted.get(i))) {
                correct++;
            }
        }
        return (double) correct / gold.size();
    }

    /**
     * F1 of one positive label ({@code f1_score(average='binary', pos_label=positive)}).
     *
     * @param gold gold labels
     * @param predicted predicted labels, same length; null where an example has no prediction
     *     (it could not be encoded), which counts as wrong and as no class's prediction
     * @param positive the positive label
     * @return the F1 in [0, 1]; 0 when the only label present is another one
     * @throws IllegalArgumentException if the lengths differ, there are no examples, gold and
     *     prediction hold more than two labels, or they hold two and the positive label is not one of
     *     them (scikit-learn raises a {@code ValueError} in both cases)
     */
    public static double binaryF1(List<String> gold, List<String> predicted, String positive) {
        Objects.requireNonNull(positive, "positive");
        Map<String, PrfScore> per = perClass(gold, predicted);
        requireExamples("binary F1", gold);
        if (per.size() > 2) {
            throw new IllegalArgumentException("binary F1 needs at most 2 labels, found " + per.size() + " labels "
                    + per.keySet() + "; use macro F1 for a multi-class task");
        }
        PrfScore score = per.get(positive);
        if (score == null && per.size() == 2) {
            // a wrong positive label would otherwise score 0 whatever the predictions
            throw new IllegalArgumentException("binary F1: positive label '" + positive
                    + "' must be one of the labels present " + per.keySet());
        }
        return score == null ? 0.0 : score.f1();
    }

    /**
     * Unweighted mean of per-class F1 ({@code f1_score(average='macro')}).
     *
     * @param gold gold labels
     * @param predicted predicted labels, same length; null where an example has no prediction
     *     (it could not be encoded), which counts as wrong and as no class's prediction
     * @return macro F1 in [0, 1]
     * @throws IllegalArgumentException if the lengths differ or there are no examples
     */
    public static double macroF1(List<String> gold, List<String> predicted) {
        Map<String, PrfScore> per = perClass(gold, predicted);
        requireExamples("macro F1", gold);
        double[] f = per.values().stream().mapToDouble(PrfScore::f1).toArray();
        return NumpySum.mean(f);
    }

    /**
     * Per-class precision, recall, F1 and support, keyed by label in sorted order.
     *
     * @param gold gold labels
     * @param predicted predicted labels, same length; null where an example has no prediction
     *     (it could not be encoded), which counts as wrong and as no class's prediction
     * @return an ordered map from label to its score, labels in code-point order (NumPy's)
     * @throws IllegalArgumentException if the lengths differ
     */
    public static Map<String, PrfScore> perClass(List<String> gold, List<String> predicted) {
        checkSizes(gold, predicted);
        TreeMap<String, int[]> counts = new TreeMap<>(CodePointOrder.ORDER); // tp, pred, gold
        for (int i = 0; i < gold.size(); i++) {
            String g = goldLabel(gold, i);
            String p = predicted.get(i); // null: no prediction (an example that could not be encoded)
            counts.computeIfAbsent(g, k -> new int[3])[2]++;
            if (p == null) {
                continue;
            }
            counts.computeIfAbsent(p, k -> new int[3])[1]++;
            if (g.equals(p)) {
                counts.get(g)[0]++;
            }
        }
        TreeMap<String, PrfScore> out = new TreeMap<>(CodePointOrder.ORDER);
        counts.forEach((k, c) -> out.put(k, PrfScore.fromCountsSklearn(c[0], c[1], c[2])));
        return java.util.Collections.unmodifiableMap(out);
    }

    /** A gold label, which an unlabelled example has none of: the metrics score labelled examples only. */
    private static String goldLabel(List<String> gold, int i) {
        return Objects.requireNonNull(gold.get(i),
                () -> "gold label " + i + " is null: score labelled examples only, leaving unlabelled ones out"
                        + " (gold first, then the predictions, which may hold null)");
    }

    /** A score of no examples has no value; the 0 it had passed for a score in a table. */
    private static void requireExamples(String metric, List<String> gold) {
        if (gold.isEmpty()) {
            throw new IllegalArgumentException(metric + ": no examples to score (gold and predicted are empty); a score"
                    + " over none has no value, not 0");
        }
    }

    private static void checkSizes(List<String> gold, List<String> predicted) {
        Objects.requireNonNull(gold, "gold");
        Objects.requireNonNull(predicted, "predicted");
        if (gold.size() != predicted.size()) {
            throw new IllegalArgumentException(
                    "gold and predicted must have the same length, found " + gold.size() + " and " + predicted.size());
        }
    }
}
