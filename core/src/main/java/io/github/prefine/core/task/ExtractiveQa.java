package io.github.prefine.core.task;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.features.PaddedBatch;
import io.github.prefine.core.features.QaFeatures;
import io.github.prefine.core.features.QaFeaturizer;
import io.github.prefine.core.head.HeadAdapter;
import io.github.prefine.core.head.HeadLabels;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.evaluator.EvaluationResult;
import io.github.prefine.eval.evaluator.Evaluator;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.eval.qa.QaAnswer;
import io.github.prefine.eval.qa.QaPostProcessor;
import io.github.prefine.eval.qa.QaWindow;
import io.github.prefine.heads.HeadFamily;
import io.github.prefine.heads.QuestionAnsweringHead;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.event.Level;

/**
 * Extractive question answering: each example becomes one or more context windows, the head
 * ({@link QuestionAnsweringHead}) scores every position as a start and an end, padding positions
 * masked ({@link HeadAdapter#spans()}); no label set. Scored with {@link QaPostProcessor} over
 * each question's windows (a question without a window is unanswered) and SQuAD v1.1 F1 against
 * every gold answer; a question without gold answers (unlabelled, as SQuAD 2.0's unanswerable
 * ones) is left out, as the other formats leave out unlabelled examples.
 *
 * <p>Immutable and thread-safe.
 */
public record ExtractiveQa() implements TaskFormat {

    @Override
    public String label() {
        return "qa";
    }

    /** Scores {@link #score} computes from answer texts, as the SQuAD script. */
    @Override
    public Set<MetricType> metrics() {
        return EnumSet.of(MetricType.SQUAD_F1, MetricType.SQUAD_EM);
    }
    private static final QaPostProcessor POST_PROCESSOR = QaPostProcessor.builder().build();

    @Override
    public Class<QaExample> exampleType() {
        return QaExample.class;
    }

    /** {@inheritDoc} Two: the start and the end of the span. */
    @Override
    public int numClasses(List<String> labels) {
        return 2;
    }

    @Override
    public Features featurize(List<Example> examples, List<String> labels, SubwordTokenizer tokenizer,
            FeatureSettings settings, String name, FeaturizationListener listener, Level reportLevel)
            throws IOException {
        return QaFeaturizer.builder().setTokenizer(tokenizer).optMaxLength(settings.qaMaxLength())
                .optStride(settings.qaStride()).optName(name).optListener(listener).optReportLevel(reportLevel).build()
                .featurize(Formats.typed(examples, QaExample.class, this));
    }

    @Override
    public TaskHead newHead(int numClasses, HeadFamily family, long seed) {
        if (numClasses != 2) {
            throw new IllegalArgumentException("head of " + this + ": spans have 2 classes, found " + numClasses);
        }
        // HF's QA models have no dropout before qa_outputs: the dropout is not used
        return HeadAdapter.of(toString(), 2, (hidden, range, dropout, hiddenDropout) -> QuestionAnsweringHead.builder()
                .setHiddenSize(hidden).optSeed(seed).optInitializerRange(range).build(), HeadAdapter.spans());
    }

    /** {@inheritDoc} Spans are {@code [examples, 2]}: the start and the end token. */
    @Override
    public HeadLabels batchLabels(PaddedBatch batch) {
        long[] s = batch.startPositions();
        long[] e = batch.endPositions();
        int[] out = new int[2 * s.length];
        for (int i = 0; i < s.length; i++) {
            out[2 * i] = (int) s[i];
            out[2 * i + 1] = (int) e[i];
        }
        return new HeadLabels(out, new long[] {s.length, 2});
    }

    @Override
    public EvaluationResult score(Features features, List<Example> examples, List<String> labels,
            List<float[]> logits, int width, Evaluator evaluator) {
        List<QaAnswer> answers = answers(features, examples, logits);
        List<String> pred = new ArrayList<>();
        List<List<String>> golds = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            QaExample qe = exampleType().cast(examples.get(i));
            if (qe.references().isEmpty()) {
                // SQuAD v1.1 rules score no question without gold; the featurizer counted it as unlabelled
                continue;
            }
            golds.add(qe.references());
            QaAnswer a = answers.get(i);
            pred.add(a.found() ? a.text() : null);
        }
        return evaluator.evaluateAnswers(pred, golds);
    }

    /**
     * Returns each example's answer as {@link #score} reads it: {@link QaPostProcessor}'s default
     * (n-best and maximum answer length) over the example's windows, {@link QaAnswer#none()} for
     * an example without a window. The predictor of a saved model uses it too, so that its answers
     * are those the metric scored.
     *
     * @param features the features made from {@code examples}, {@link QaFeatures}
     * @param examples the examples, {@link QaExample}s
     * @param logits one {@code [seqLen, 2]} entry (start and end interleaved) per unit, in unit order
     * @return one answer per example, its offsets into the example's context
     */
    public List<QaAnswer> answers(Features features, List<Example> examples, List<float[]> logits) {
        return answers(features, examples, logits, POST_PROCESSOR);
    }

    /**
     * Returns the post-processing {@link #score} reads answers with: {@link QaPostProcessor}'s
     * defaults (n-best 20, answers of at most 30 tokens). A saved model records it, so that its
     * predictor reads answers as its evaluation did.
     *
     * @return the evaluation's post-processor
     */
    public QaPostProcessor postProcessor() {
        return POST_PROCESSOR;
    }

    /**
     * Returns each example's answer as {@link #answers(Features, List, List)} does, with the given
     * post-processing instead of the evaluation's.
     *
     * @param features the features made from {@code examples}, {@link QaFeatures}
     * @param examples the examples, {@link QaExample}s
     * @param logits one {@code [seqLen, 2]} entry (start and end interleaved) per unit, in unit order
     * @param postProcessor the n-best and maximum answer length to read spans with
     * @return one answer per example, its offsets into the example's context
     */
    public List<QaAnswer> answers(Features features, List<Example> examples, List<float[]> logits,
            QaPostProcessor postProcessor) {
        Objects.requireNonNull(postProcessor, "postProcessor");
        QaFeatures f = QaFeatures.class.cast(features);
        List<List<QaWindow>> windows = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            windows.add(new ArrayList<>());
        }
        for (int r = 0; r < f.size(); r++) {
            windows.get(f.exampleIndex(r)).add(window(f, r, logits.get(r)));
        }
        List<QaAnswer> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            QaExample qe = exampleType().cast(examples.get(i));
            out.add(windows.get(i).isEmpty() ? QaAnswer.none() : postProcessor.answer(qe.context(), windows.get(i)));
        }
        return out;
    }

    /** One window's start and end logits (interleaved per position in {@code lg}) and offsets. */
    static QaWindow window(QaFeatures f, int row, float[] lg) {
        int len = f.tokens().length(row);
        float[] start = new float[len];
        float[] end = new float[len];
        int[] cs = new int[len];
        int[] ce = new int[len];
        boolean[] ctx = new boolean[len];
        for (int p = 0; p < len; p++) {
            start[p] = lg[2 * p];
            end[p] = lg[2 * p + 1];
            if (f.isContext(row, p)) {
                ctx[p] = true;
                cs[p] = f.charStart(row, p);
                ce[p] = f.charEnd(row, p);
            }
        }
        return new QaWindow(start, end, cs, ce, ctx);
    }
}
