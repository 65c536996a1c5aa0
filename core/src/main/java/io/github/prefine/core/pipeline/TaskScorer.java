package io.github.prefine.core.pipeline;

import io.github.prefine.core.data.ChoiceExample;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.features.ChoiceFeatures;
import io.github.prefine.core.features.ClassificationFeatures;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.features.QaFeatures;
import io.github.prefine.core.features.TokenClassificationFeatures;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.train.TaskPredictions;
import io.github.prefine.eval.evaluator.EvaluationResult;
import io.github.prefine.eval.evaluator.Evaluator;
import io.github.prefine.eval.qa.QaPostProcessor;
import io.github.prefine.eval.qa.QaWindow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Turns a task's logits into predictions in the task's own terms and scores them with its metric:
 *
 * <ul>
 *   <li>sequence labelling: the arg-max tag of each word's first sub-token; words cut off by
 *       truncation and sentences the featurizer skipped are predicted {@code O}; seqeval entity F1;
 *   <li>classification: the arg-max label; accuracy, or macro F1 (CB), or binary F1;
 *   <li>multiple choice: the arg-max choice; accuracy;
 *   <li>extractive QA: {@link QaPostProcessor} over each question's windows (a question without a
 *       window is unanswered); SQuAD v1.1 F1 against every gold answer.
 * </ul>
 *
 * <p>Unlabelled examples (classification label {@code null}) are left out. Stateless and
 * thread-safe.
 */
public final class TaskScorer {
    private static final QaPostProcessor QA = QaPostProcessor.builder().build();

    private TaskScorer() {}

    /**
     * Scores a split's predictions.
     *
     * @param task the featurized task
     * @param split the split that was predicted
     * @param predictions one logits entry per unit of the split, in unit order (as {@link
     *     io.github.prefine.core.train.Trainer#predict} returns them)
     * @return the metric over the split's examples
     * @throws IllegalArgumentException if the predictions do not cover the split's units
     */
    public static EvaluationResult score(FeaturizedTask task, Split split, TaskPredictions predictions) {
        Objects.requireNonNull(predictions, "predictions");
        Features f = task.features().get(split);
        if (f == null) {
            throw new IllegalArgumentException("scorer: task " + task.name() + " has no " + split + " split");
        }
        if (predictions.logits().size() != f.size()) {
            throw new IllegalArgumentException("scorer: task " + task.name() + " " + split + " has " + f.size()
                    + " units, found " + predictions.logits().size() + " predictions");
        }
        List<Example> examples = task.examples().get(split);
        Evaluator ev = Evaluator.builder().setMetric(task.task().metric()).build();
        List<float[]> logits = predictions.logits();
        int w = predictions.width();
        if (f instanceof TokenClassificationFeatures tf) {
            List<List<String>> gold = new ArrayList<>();
            List<List<String>> pred = new ArrayList<>();
            for (Example e : examples) {
                TokenExample te = (TokenExample) e;
                gold.add(te.tags());
                pred.add(new ArrayList<>(Collections.nCopies(te.tags().size(), "O")));
            }
            for (int r = 0; r < tf.size(); r++) {
                List<String> p = pred.get(tf.exampleIndex(r));
                int[] words = tf.firstTokenWords(r);
                int k = 0;
                float[] lg = logits.get(r);
                for (int pos = 0; pos < tf.tokens().length(r) && k < words.length; pos++) {
                    if (tf.isFirstSubToken(r, pos)) {
                        p.set(words[k++], task.labels().get(argmax(lg, pos * w, w)));
                    }
                }
            }
            return ev.evaluateTags(gold, pred);
        }
        if (f instanceof ClassificationFeatures cf) {
            List<String> gold = new ArrayList<>();
            List<String> pred = new ArrayList<>();
            for (int r = 0; r < cf.size(); r++) {
                TextExample te = (TextExample) examples.get(cf.exampleIndex(r));
                if (te.label() != null) {
                    gold.add(te.label());
                    pred.add(task.labels().get(argmax(logits.get(r), 0, w)));
                }
            }
            return ev.evaluateLabels(gold, pred);
        }
        if (f instanceof ChoiceFeatures chf) {
            List<String> gold = new ArrayList<>();
            List<String> pred = new ArrayList<>();
            for (int u = 0; u < chf.size(); u++) {
                ChoiceExample ce = (ChoiceExample) examples.get(chf.exampleIndex(u));
                if (ce.label() >= 0) {
                    gold.add(Integer.toString(ce.label()));
                    pred.add(Integer.toString(argmax(logits.get(u), 0, w)));
                }
            }
            return ev.evaluateLabels(gold, pred);
        }
        QaFeatures qf = (QaFeatures) f;
        List<List<QaWindow>> windows = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            windows.add(new ArrayList<>());
        }
        for (int r = 0; r < qf.size(); r++) {
            windows.get(qf.exampleIndex(r)).add(window(qf, r, logits.get(r)));
        }
        List<String> pred = new ArrayList<>();
        List<List<String>> golds = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            QaExample qe = (QaExample) examples.get(i);
            List<String> g = new ArrayList<>();
            qe.answers().forEach(a -> g.add(a.text()));
            golds.add(g);
            if (windows.get(i).isEmpty()) {
                pred.add(null);
            } else {
                io.github.prefine.eval.qa.QaAnswer a = QA.answer(qe.context(), windows.get(i));
                pred.add(a.found() ? a.text() : null);
            }
        }
        return ev.evaluateAnswers(pred, golds);
    }

    private static QaWindow window(QaFeatures qf, int row, float[] lg) {
        int len = qf.tokens().length(row);
        float[] start = new float[len];
        float[] end = new float[len];
        int[] cs = new int[len];
        int[] ce = new int[len];
        boolean[] ctx = new boolean[len];
        for (int p = 0; p < len; p++) {
            start[p] = lg[2 * p];
            end[p] = lg[2 * p + 1];
            if (qf.isContext(row, p)) {
                ctx[p] = true;
                cs[p] = qf.charStart(row, p);
                ce[p] = qf.charEnd(row, p);
            }
        }
        return new QaWindow(start, end, cs, ce, ctx);
    }

    private static int argmax(float[] v, int from, int width) {
        int best = 0;
        for (int i = 1; i < width; i++) {
            if (v[from + i] > v[from + best]) {
                best = i;
            }
        }
        return best;
    }
}
