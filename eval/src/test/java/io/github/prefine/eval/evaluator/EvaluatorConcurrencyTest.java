package io.github.prefine.eval.evaluator;

import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.eval.metrics.TagScheme;
import io.github.prefine.eval.testing.ConcurrentCalls;
import io.github.prefine.eval.testing.SharedData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The class Javadoc of {@link Evaluator}: "immutable and thread-safe". One evaluator per metric,
 * shared by {@link ConcurrentCalls#THREADS} threads, scores CoNLL-2003 test tags as one thread does.
 */
class EvaluatorConcurrencyTest {
    /**
     * Rounds of 16 threads: each call scores 11,000 CoNLL test tokens four ways for milliseconds, so
     * the threads are switched out mid-call within each round on a 2-core runner; further rounds
     * (there were 24, over all 46,000 tokens) only repeat that interleaving.
     */
    private static final int ROUNDS = 3;

    @Test
    void sharedEvaluatorsAnswerAsOnOneThread() throws Exception {
        // every fourth sentence: every document, entity type, hit and miss, in a quarter of the time
        List<List<String>> all = SharedData.conllTags("data/sl/conll2003/eng.testb");
        List<List<String>> gold = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 4) {
            gold.add(all.get(i));
        }
        // a prediction per sentence: its gold tags shifted by one token, so spans partly overlap
        List<List<String>> pred = new ArrayList<>();
        List<String> goldFlat = new ArrayList<>();
        List<String> predFlat = new ArrayList<>();
        for (List<String> s : gold) {
            List<String> p = new ArrayList<>(s.subList(1, s.size()));
            p.add("O");
            pred.add(p);
            goldFlat.addAll(s);
            predFlat.addAll(p);
        }
        Evaluator span = Evaluator.builder().setMetric(MetricType.SPAN_F1).optStrictScheme(TagScheme.IOB2).build();
        Evaluator macro = Evaluator.builder().setMetric(MetricType.MACRO_F1).build();
        Evaluator accuracy = Evaluator.builder().setMetric(MetricType.ACCURACY).build();
        ConcurrentCalls.agree("evaluators", ROUNDS, () -> {
            int half = goldFlat.size() / 2;
            List<EvaluationResult> halves = List.of(
                    accuracy.evaluateLabels(goldFlat.subList(0, half), predFlat.subList(0, half)),
                    accuracy.evaluateLabels(goldFlat.subList(half, goldFlat.size()), predFlat.subList(half, predFlat.size())));
            return List.of(span.evaluateTags(gold, pred), macro.evaluateLabels(goldFlat, predFlat), halves,
                    accuracy.aggregate(halves));
        });
    }
}
