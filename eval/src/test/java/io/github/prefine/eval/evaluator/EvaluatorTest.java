package io.github.prefine.eval.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.eval.metrics.TagScheme;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

    @Test
    void scoresEachFormat() {
        Evaluator acc = Evaluator.builder().setMetric(MetricType.ACCURACY).build();
        EvaluationResult r = acc.evaluateLabels(List.of("a", "b"), List.of("a", "a"));
        assertEquals(50.0, r.percent());
        assertEquals(0.5, r.fraction());
        Evaluator span = Evaluator.builder().setMetric(MetricType.SPAN_F1).optStrictScheme(TagScheme.IOB2).build();
        assertEquals(0.0, span.evaluateTags(List.of(List.of("B-X")), List.of(List.of("I-X"))).percent());
        Evaluator lenient = Evaluator.builder().setMetric(MetricType.SPAN_F1).build();
        assertEquals(100.0, lenient.evaluateTags(List.of(List.of("B-X")), List.of(List.of("I-X"))).percent());
        Evaluator em = Evaluator.builder().setMetric(MetricType.SQUAD_EM).build();
        EvaluationResult q = em.evaluateAnswers(List.of("The cat"), List.of(List.of("cat")));
        assertEquals(100.0, q.percent());
        assertEquals(1.0, q.fraction());
    }

    @Test
    void aggregatesSeedsWithSampleStdByDefault() {
        Evaluator ev = Evaluator.builder().setMetric(MetricType.ACCURACY).build();
        List<EvaluationResult> runs = List.of(new EvaluationResult(MetricType.ACCURACY, 50, 10),
                new EvaluationResult(MetricType.ACCURACY, 70, 10), new EvaluationResult(MetricType.ACCURACY, 60, 10));
        SeedSummary s = ev.aggregate(runs);
        // percent values 50, 70, 60: mean 60, sample std sqrt(200/2) = 10, population sqrt(200/3)
        assertEquals(60.0, s.mean(), 1e-12);
        assertEquals(10.0, s.std(), 1e-12);
        assertEquals(StdKind.SAMPLE, s.stdKind());
        SeedSummary p = Evaluator.builder().setMetric(MetricType.ACCURACY).optStdKind(StdKind.POPULATION).build()
                .aggregate(runs);
        assertEquals(Math.sqrt(200.0 / 3), p.std(), 1e-12);
    }

    @Test
    void binaryF1WithAPositiveLabelTheLabelsDoNotHaveIsAnErrorNotZero() {
        // the default positive label "1" against yes/no labels: scikit-learn raises, so must we
        Evaluator f1 = Evaluator.builder().setMetric(MetricType.BINARY_F1).build();
        assertThrows(IllegalArgumentException.class,
                () -> f1.evaluateLabels(List.of("yes", "no", "yes"), List.of("yes", "no", "no")));
        // with the right label: tp 1, fp 0, fn 1 -> 2/3
        Evaluator yes = Evaluator.builder().setMetric(MetricType.BINARY_F1).optPositiveLabel("yes").build();
        assertEquals(2.0 / 3, yes.evaluateLabels(List.of("yes", "no", "yes"), List.of("yes", "no", "no")).fraction(),
                1e-12);
    }

    @Test
    void aPositiveLabelForAMetricOtherThanBinaryF1IsRefusedNotIgnored() {
        // macro F1 averages over every label: a positive label there would silently change nothing
        for (MetricType m : MetricType.values()) {
            if (m == MetricType.BINARY_F1) {
                continue;
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Evaluator.builder().setMetric(m).optPositiveLabel("yes").build(), m.name());
            assertEquals("a positive label applies to BINARY_F1 only, found metric " + m, e.getMessage());
        }
        // unset, every metric builds; BINARY_F1 keeps its default "1"
        for (MetricType m : MetricType.values()) {
            Evaluator.builder().setMetric(m).build();
        }
        // positive "1": tp 1, fp 1, fn 0 -> precision 1/2, recall 1, F1 2/3
        assertEquals(2.0 / 3, Evaluator.builder().setMetric(MetricType.BINARY_F1).build()
                .evaluateLabels(List.of("1", "0"), List.of("1", "1")).fraction(), 1e-12);
    }

    @Test
    void rejectsMisuse() {
        assertThrows(IllegalArgumentException.class, () -> Evaluator.builder().build());
        assertThrows(IllegalArgumentException.class,
                () -> Evaluator.builder().setMetric(MetricType.ACCURACY).optStrictScheme(TagScheme.IOB2).build());
        // null values are refused as documented, with the option's name
        IllegalArgumentException noLabel = assertThrows(IllegalArgumentException.class,
                () -> Evaluator.builder().setMetric(MetricType.BINARY_F1).optPositiveLabel(null).build());
        assertEquals("positiveLabel must not be null", noLabel.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Evaluator.builder().setMetric(MetricType.ACCURACY).optStdKind(null).build());
        Evaluator acc = Evaluator.builder().setMetric(MetricType.ACCURACY).build();
        assertThrows(IllegalStateException.class, () -> acc.evaluateTags(List.of(), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> acc.aggregate(List.of(new EvaluationResult(MetricType.MACRO_F1, 10, 1))));
    }

    @Test
    void aResultOffItsMetricsScaleIsRefusedBeforeItReachesAnAggregate() {
        // accuracy 85 % handed over as 85.0 would aggregate to a mean of 8500 "percent"
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EvaluationResult.ofNativeScale(MetricType.ACCURACY, 85.0, 10));
        assertTrue(e.getMessage().contains("[0, 1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EvaluationResult.ofNativeScale(MetricType.SPAN_F1, -0.1, 10));
        assertThrows(IllegalArgumentException.class, () -> EvaluationResult.ofNativeScale(MetricType.SQUAD_F1, 100.5, 10));
        assertThrows(IllegalArgumentException.class, () -> new EvaluationResult(MetricType.SQUAD_F1, 100.5, 10));
        assertThrows(IllegalArgumentException.class,
                () -> new EvaluationResult(MetricType.MACRO_F1, Double.POSITIVE_INFINITY, 10));
        assertThrows(IllegalArgumentException.class, () -> new EvaluationResult(MetricType.MACRO_F1, Double.NaN, 10));
        // the bounds themselves are scores
        assertEquals(100.0, EvaluationResult.ofNativeScale(MetricType.ACCURACY, 1.0, 1).percent());
        assertEquals(100.0, EvaluationResult.ofNativeScale(MetricType.SQUAD_EM, 100.0, 1).percent());
        assertEquals(0.0, EvaluationResult.ofNativeScale(MetricType.BINARY_F1, 0.0, 0).percent());
    }

    @Test
    void everyMetricsResultIsInPercentSoResultsOfSeveralTasksCompare() {
        // hand-computed: accuracy 1 of 2 right (scikit-learn 0.5), SQuAD EM 1 of 2 exact (the v1.1
        // script prints 50.0): the same score, so one number for both
        EvaluationResult acc = Evaluator.builder().setMetric(MetricType.ACCURACY).build()
                .evaluateLabels(List.of("a", "b"), List.of("a", "a"));
        EvaluationResult em = Evaluator.builder().setMetric(MetricType.SQUAD_EM).build()
                .evaluateAnswers(List.of("cat", "dog"), List.of(List.of("cat"), List.of("bird")));
        assertEquals(50.0, acc.percent());
        assertEquals(50.0, em.percent());
        assertEquals(acc.percent(), em.percent());
        // a result is built from a percent for every metric, not from each metric's own scale
        assertEquals(50.0, new EvaluationResult(MetricType.ACCURACY, 50.0, 2).percent());
        assertEquals(new EvaluationResult(MetricType.ACCURACY, 50.0, 2), acc);
        assertEquals(new EvaluationResult(MetricType.SQUAD_EM, 50.0, 2), em);
        assertEquals(0.5, acc.fraction());
        assertEquals(0.5, em.fraction());
    }

    @Test
    void squadF1AndExactMatchAreDifferentScores() {
        // "cat sat" against "cat": EM 0; F1 with p 1/2, r 1 -> 2/3, in percent
        List<String> pred = List.of("cat sat");
        List<List<String>> gold = List.of(List.of("cat"));
        Evaluator f1 = Evaluator.builder().setMetric(MetricType.SQUAD_F1).build();
        assertEquals(100.0 * 2 / 3, f1.evaluateAnswers(pred, gold).percent(), 1e-12);
        assertEquals(0.0, Evaluator.builder().setMetric(MetricType.SQUAD_EM).build().evaluateAnswers(pred, gold).percent());
        assertEquals(MetricType.SQUAD_F1, f1.metric());
        assertEquals(StdKind.SAMPLE, f1.stdKind());
        assertEquals(StdKind.POPULATION,
                Evaluator.builder().setMetric(MetricType.ACCURACY).optStdKind(StdKind.POPULATION).build().stdKind());
    }

    @Test
    void anUnlabelledGoldIsRefusedByEveryClassificationMetricNamingItsPosition() {
        // a user's own examples with a missing label (TextExample.label() null): accuracy counted the
        // position as right when its prediction was null too (a skipped example), and as wrong else,
        // where macro and binary F1 refused it; scikit-learn refuses None among string labels
        List<String> gold = Arrays.asList("a", null, "b");
        List<String> predicted = Arrays.asList("a", null, "b");
        for (MetricType metric : List.of(MetricType.ACCURACY, MetricType.MACRO_F1, MetricType.BINARY_F1)) {
            Evaluator.Builder b = Evaluator.builder().setMetric(metric);
            Evaluator ev = metric == MetricType.BINARY_F1 ? b.optPositiveLabel("a").build() : b.build();
            NullPointerException e = assertThrows(NullPointerException.class, () -> ev.evaluateLabels(gold, predicted),
                    metric.name());
            assertEquals("gold label 1 is null: score labelled examples only, leaving unlabelled ones out"
                    + " (gold first, then the predictions, which may hold null)",
                    e.getMessage(), metric.name());
        }
        // a null prediction (no prediction) stays a wrong answer
        assertEquals(50.0, Evaluator.builder().setMetric(MetricType.ACCURACY).build()
                .evaluateLabels(List.of("a", "b"), Arrays.asList("a", null)).percent());
    }
}
