package io.github.prefine.eval.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.eval.metrics.MetricType;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a user gets from {@link Evaluator} and {@link SeedSummary} for input that has no score: an
 * error at the call naming what was given and what was expected, never a 0 or a NaN that would
 * pass for a score in a table.
 */
class EvaluatorMisuseTest {

    private static Evaluator of(MetricType metric) {
        return Evaluator.builder().setMetric(metric).build();
    }

    private static void assertNamed(RuntimeException e, String... words) {
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "message lacks '" + w + "': " + e.getMessage());
        }
    }

    @Test
    void anEmptyValidationSetHasNoScoreInAnyMetric() {
        // scikit-learn's accuracy of nothing is NaN and the SQuAD script divides by zero: a 0 here
        // would enter a table as a real score of 0 %
        for (MetricType m : List.of(MetricType.ACCURACY, MetricType.BINARY_F1, MetricType.MACRO_F1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> of(m).evaluateLabels(List.of(), List.of()), m.name());
            assertNamed(e, "evaluateLabels", "no examples", "at least one");
        }
        IllegalArgumentException tags = assertThrows(IllegalArgumentException.class,
                () -> of(MetricType.SPAN_F1).evaluateTags(List.of(), List.of()));
        assertNamed(tags, "evaluateTags", "no sentences", "at least one");
        // sentences without a single tag are as empty: nothing was tagged
        IllegalArgumentException noTags = assertThrows(IllegalArgumentException.class,
                () -> of(MetricType.SPAN_F1).evaluateTags(List.of(List.of(), List.of()), List.of(List.of(), List.of())));
        assertNamed(noTags, "evaluateTags", "2 sentences", "no tags");
        for (MetricType m : List.of(MetricType.SQUAD_F1, MetricType.SQUAD_EM)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> of(m).evaluateAnswers(List.of(), List.of()), m.name());
            assertNamed(e, "evaluateAnswers", "no questions", "at least one");
        }
    }

    @Test
    void nonEmptyInputKeepsTheReferenceScoresOfZero() {
        // seqeval: sentences with tags but no entity on either side score 0 (zero_division), a
        // defined score of real input, not the refusal of empty input
        assertEquals(0.0, of(MetricType.SPAN_F1).evaluateTags(List.of(List.of("O")), List.of(List.of("O"))).percent());
        // one question answered wrongly: the script's 0
        assertEquals(0.0, of(MetricType.SQUAD_EM).evaluateAnswers(List.of("dog"), List.of(List.of("cat"))).percent());
        // one example, wrong: scikit-learn's 0
        assertEquals(0.0, of(MetricType.ACCURACY).evaluateLabels(List.of("a"), List.of("b")).percent());
    }

    @Test
    void nullArgumentsAreNamedAtTheCall() {
        NullPointerException gold = assertThrows(NullPointerException.class,
                () -> of(MetricType.ACCURACY).evaluateLabels(null, List.of()));
        assertEquals("gold", gold.getMessage());
        NullPointerException pred = assertThrows(NullPointerException.class,
                () -> of(MetricType.MACRO_F1).evaluateLabels(List.of(), null));
        assertEquals("predicted", pred.getMessage());
        NullPointerException sentence = assertThrows(NullPointerException.class,
                () -> of(MetricType.SPAN_F1).evaluateTags(Arrays.asList(List.of("O"), null), List.of(List.of("O"), List.of())));
        assertNamed(sentence, "gold", "sentence 1");
        NullPointerException predSentence = assertThrows(NullPointerException.class,
                () -> of(MetricType.SPAN_F1).evaluateTags(List.of(List.of("O")), Arrays.asList((List<String>) null)));
        assertNamed(predSentence, "predicted", "sentence 0");
        NullPointerException answers = assertThrows(NullPointerException.class,
                () -> of(MetricType.SQUAD_F1).evaluateAnswers(List.of("a"), null));
        assertEquals("golds", answers.getMessage());
        NullPointerException runs = assertThrows(NullPointerException.class, () -> of(MetricType.ACCURACY).aggregate(null));
        assertEquals("runs", runs.getMessage());
        NullPointerException run = assertThrows(NullPointerException.class,
                () -> of(MetricType.ACCURACY).aggregate(Arrays.asList(new EvaluationResult(MetricType.ACCURACY, 1, 1), null)));
        assertNamed(run, "run 1");
    }

    @Test
    void predictionsPassedAsGoldAreNamedWithTheOrderTheMethodTakes() {
        // evaluateLabels takes gold first; predictions hold null for an unpredicted example, gold never
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> of(MetricType.ACCURACY).evaluateLabels(Arrays.asList("a", null), List.of("a", "b")));
        assertNamed(e, "gold label 1 is null", "gold first");
    }

    @Test
    void aSeedSummaryOfNonFiniteScoresIsRefusedNamingTheRun() {
        // a NaN mean (or an Infinity) would print in a table as a score; the std was blamed before
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                    () -> SeedSummary.of(new double[] {bad}, StdKind.SAMPLE), "one " + bad);
            assertNamed(one, "value 0", "finite", String.valueOf(bad));
            IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
                    () -> SeedSummary.of(List.of(50.0, bad), StdKind.POPULATION), "two " + bad);
            assertNamed(two, "value 1", "finite", String.valueOf(bad));
        }
        NullPointerException kind = assertThrows(NullPointerException.class, () -> SeedSummary.of(new double[] {1}, null));
        assertEquals("kind", kind.getMessage());
        NullPointerException value = assertThrows(NullPointerException.class,
                () -> SeedSummary.of(Arrays.asList(1.0, null), StdKind.SAMPLE));
        assertNamed(value, "value 1");
    }
}
