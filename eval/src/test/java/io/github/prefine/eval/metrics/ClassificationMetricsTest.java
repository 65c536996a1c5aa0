package io.github.prefine.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

    @Test
    void accuracyCountsMatches() {
        assertEquals(0.75, ClassificationMetrics.accuracy(List.of("a", "b", "a", "c"), List.of("a", "b", "c", "c")));
    }

    @Test
    void noExamplesHaveNoScore() {
        // scikit-learn's accuracy of nothing is NaN; the 0 returned before passed for a score
        IllegalArgumentException acc = assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.accuracy(List.of(), List.of()));
        assertEquals("accuracy: no examples to score (gold and predicted are empty); a score over none has no value,"
                + " not 0", acc.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.macroF1(List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.binaryF1(List.of(), List.of(), "1"));
        // per-class scores of nothing are no classes, not a score
        assertEquals(Map.of(), ClassificationMetrics.perClass(List.of(), List.of()));
    }

    @Test
    void aMissingPredictionIsWrongAndNoClasssPrediction() {
        java.util.List<String> gold = List.of("a", "b", "b");
        java.util.List<String> pred = Arrays.asList("a", null, "b");
        assertEquals(2.0 / 3, ClassificationMetrics.accuracy(gold, pred), 1e-12);
        // a: tp 1, predicted 1, gold 1 -> 1; b: tp 1, predicted 1, gold 2 -> 2/3; no third class
        assertEquals((1.0 + 2.0 / 3) / 2, ClassificationMetrics.macroF1(gold, pred), 1e-12);
    }

    @Test
    void binaryF1OfPositiveClass() {
        // gold 1 1 0 0 1, pred 1 0 0 1 1: tp 2, fp 1, fn 1 -> f1 = 4/6
        List<String> g = List.of("1", "1", "0", "0", "1");
        List<String> p = List.of("1", "0", "0", "1", "1");
        assertEquals(2.0 * 2 / 6, ClassificationMetrics.binaryF1(g, p, "1"));
        assertEquals(0.0, ClassificationMetrics.binaryF1(List.of("0"), List.of("0"), "1"));
    }

    /**
     * scikit-learn's {@code _check_set_wise_labels} for {@code average='binary'}: a positive label
     * absent from two or more present labels is a ValueError ("pos_label=1 is not a valid label"),
     * and so are more than two labels ("Target is multiclass but average='binary'"); a positive
     * label absent from a single present label scores 0.
     */
    @Test
    void binaryF1RefusesWhatScikitLearnRefuses() {
        IllegalArgumentException absent = assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.binaryF1(List.of("yes", "no"), List.of("yes", "yes"), "1"));
        assertTrue(absent.getMessage().contains("'1'") && absent.getMessage().contains("[no, yes]"),
                absent.getMessage());
        IllegalArgumentException multiclass = assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.binaryF1(List.of("a", "b", "c"), List.of("a", "b", "b"), "a"));
        assertTrue(multiclass.getMessage().contains("3 labels"), multiclass.getMessage());
        // one present label, the positive one absent: 0, as in scikit-learn
        assertEquals(0.0, ClassificationMetrics.binaryF1(List.of("no", "no"), List.of("no", "no"), "yes"));
        // a missing prediction (null) is no label of its own
        assertEquals(2.0 / 3, ClassificationMetrics.binaryF1(List.of("yes", "yes"), Arrays.asList("yes", null),
                "yes"), 1e-12);
    }

    @Test
    void macroF1LikeCbWithThreeClasses() {
        // entailment/contradiction/neutral; neutral never predicted correctly
        List<String> g = List.of("e", "e", "c", "n", "c", "e");
        List<String> p = List.of("e", "c", "c", "e", "c", "e");
        // e: tp2 pred3 gold3 -> 4/6; c: tp2 pred3 gold2 -> 4/5; n: tp0 pred0 gold1 -> 0
        double expected = ((4.0 / 6 + 4.0 / 5) + 0.0) / 3;
        assertEquals(expected, ClassificationMetrics.macroF1(g, p));
        assertEquals(List.of("c", "e", "n"), List.copyOf(ClassificationMetrics.perClass(g, p).keySet()));
    }

    @Test
    void moreOrFewerPredictionsThanGoldLabelsAreRefused() {
        List<String> gold = List.of("a", "b");
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.accuracy(gold, List.of("a", "b", "b")));
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.macroF1(gold, List.of("a", "b", "c")));
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.perClass(gold, List.of("a")));
    }

    @Test
    void labelsSortByCodePointAsNumpyDoes() {
        // shrunk by ClassificationMetricsProperties: U+FF21 sorts before U+1F600 by code point (NumPy),
        // after it by UTF-16 unit (String.compareTo, whose surrogates are 0xD83D)
        assertEquals(List.of("\uFF21", "\uD83D\uDE00"),
                List.copyOf(ClassificationMetrics.perClass(List.of("\uFF21"), List.of("\uD83D\uDE00")).keySet()));
    }

    @Test
    void macroF1AddsClassesInNumpysOrder() {
        // B: tp 1, 7 gold, 1 pred, f1 2/8; U+FF21: tp 1, 6 gold, 1 pred, 2/7; U+1F600: tp 1, 5 gold, 1 pred, 2/6.
        // sklearn sums 0.25 + 2/7 + 1/3 in code-point order; the UTF-16 order differs in the last bit
        List<String> gold = new java.util.ArrayList<>();
        List<String> pred = new java.util.ArrayList<>();
        String[] labels = {"B", "\uFF21", "\uD83D\uDE00"};
        int[] golds = {7, 6, 5};
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < golds[k]; i++) {
                gold.add(labels[k]);
                pred.add(i == 0 ? labels[k] : null);
            }
        }
        assertEquals(((0.25 + 2.0 / 7) + 1.0 / 3) / 3, ClassificationMetrics.macroF1(gold, pred), 0.0);
    }
}
