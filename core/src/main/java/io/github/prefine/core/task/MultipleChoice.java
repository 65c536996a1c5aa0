package io.github.prefine.core.task;

import io.github.prefine.core.data.ChoiceExample;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.features.ChoiceFeatures;
import io.github.prefine.core.features.ChoiceFeaturizer;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.features.PaddedBatch;
import io.github.prefine.core.head.HeadAdapter;
import io.github.prefine.core.head.HeadLabels;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.evaluator.EvaluationResult;
import io.github.prefine.eval.evaluator.Evaluator;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.heads.HeadFamily;
import io.github.prefine.heads.MultipleChoiceHead;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import org.slf4j.event.Level;

/**
 * Multiple choice among a fixed number of choices: one encoder row per choice, the choices of an
 * example consecutive, folded by {@link MultipleChoiceHead} into one score per choice; no label
 * set (the label is the index of the right choice); scored by the arg-max choice.
 *
 * <p>Immutable and thread-safe.
 *
 * @param choices the number of choices, at least 2
 */
public record MultipleChoice(int choices) implements TaskFormat {

    @Override
    public String label() {
        return "choice";
    }

    /** Scores {@link #score} computes from one predicted choice per example. */
    @Override
    public Set<MetricType> metrics() {
        return EnumSet.of(MetricType.ACCURACY, MetricType.BINARY_F1, MetricType.MACRO_F1);
    }
    /**
     * Checks the choice count.
     *
     * @param choices the number of choices, at least 2
     */
    public MultipleChoice {
        if (choices < 2) {
            throw new IllegalArgumentException("choices must be at least 2, found " + choices);
        }
    }

    @Override
    public Class<ChoiceExample> exampleType() {
        return ChoiceExample.class;
    }

    @Override
    public int numClasses(List<String> labels) {
        return choices;
    }

    @Override
    public Features featurize(List<Example> examples, List<String> labels, SubwordTokenizer tokenizer,
            FeatureSettings settings, String name, FeaturizationListener listener, Level reportLevel)
            throws IOException {
        return ChoiceFeaturizer.builder().setTokenizer(tokenizer).optMaxLength(settings.maxLength()).optName(name).optListener(listener).optReportLevel(reportLevel)
                .build().featurize(Formats.typed(examples, ChoiceExample.class, this));
    }

    @Override
    public TaskHead newHead(int numClasses, HeadFamily family, long seed) {
        if (numClasses != choices) {
            throw new IllegalArgumentException("head of " + this + ": " + choices + " choices, found numClasses "
                    + numClasses);
        }
        return HeadAdapter.grouped(toString(), choices, choices, (hidden, range, dropout, hiddenDropout) -> MultipleChoiceHead.builder()
                .setFamily(family).setHiddenSize(hidden).setNumChoices(choices).optSeed(seed).optInitializerRange(range)
                .optDropout(dropout(family, dropout, hiddenDropout)).build(),
                HeadAdapter.classes());
    }

    /**
     * Makes a head that scores each choice row on its own, for a predictor that takes any number of
     * choices per question: HF's {@code ...ForMultipleChoice} before its reshape, that is the
     * family's pooler, dropout and {@code classifier} (hidden → 1) of {@link MultipleChoiceHead}
     * with one row per example, under the same keys. Its logits are {@code [rows, 1]}; the caller
     * lays a question's rows out as {@code [questions, choices]} (HF's {@code view(-1,
     * num_choices)}). It is for prediction: its loss has no choice to pick among, so it is given
     * no labels.
     *
     * @param family the head layout matching the encoder
     * @param seed seed of the head's initial weights
     * @return the head, not yet initialized
     */
    public static TaskHead newChoiceScorer(HeadFamily family, long seed) {
        // 2 is the adapter's least label count; the head has one output, and no label is scored
        return HeadAdapter.of("choice scorer", 2, (hidden, range, dropout, hiddenDropout) -> MultipleChoiceHead.builder()
                .setFamily(family).setHiddenSize(hidden).setNumChoices(1).optSeed(seed).optInitializerRange(range)
                .optDropout(dropout(family, dropout, hiddenDropout)).build(), HeadAdapter.classes());
    }

    @Override
    public HeadLabels batchLabels(PaddedBatch batch) {
        if (batch.groupSize() != choices) {
            throw new IllegalStateException("batch of " + this + ": " + batch.groupSize() + " rows per example");
        }
        return Formats.perUnit(batch.labels());
    }

    @Override
    public EvaluationResult score(Features features, List<Example> examples, List<String> labels,
            List<float[]> logits, int width, Evaluator evaluator) {
        // Examples the featurizer skipped keep a null prediction: scored as wrong, not left out.
        List<Integer> predOf = predictedChoices(features, examples, logits, width);
        List<String> gold = new ArrayList<>();
        List<String> pred = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            int label = exampleType().cast(examples.get(i)).label();
            if (label >= 0) {
                gold.add(Integer.toString(label));
                pred.add(predOf.get(i) == null ? null : Integer.toString(predOf.get(i)));
            }
        }
        return evaluator.evaluateLabels(gold, pred);
    }

    /**
     * Returns each example's choice as {@link #score} predicts it: the arg-max of its per-choice
     * logits (the first choice on ties). The predictor of a saved model uses it too, so that its
     * choices are those the metric scored.
     *
     * @param features the features made from {@code examples}, {@link ChoiceFeatures}
     * @param examples the examples
     * @param logits one {@code [width]} entry per unit (example), in unit order
     * @param width the choice count
     * @return one choice index per example, {@code null} for an example the featurizer skipped
     */
    public List<Integer> predictedChoices(Features features, List<Example> examples, List<float[]> logits, int width) {
        return predictedChoices(features, examples, logits, u -> width);
    }

    /**
     * Returns each example's choice as {@link #predictedChoices(Features, List, List, int)} does,
     * reading each entry over its own length, for a predictor whose questions have different
     * numbers of choices ({@link #newChoiceScorer}).
     *
     * @param features the features made from {@code examples}, {@link ChoiceFeatures}
     * @param examples the examples
     * @param logits one entry per unit (example), in unit order, as long as its example's choices
     * @return one choice index per example, {@code null} for an example the featurizer skipped
     */
    public static List<Integer> predictedChoices(Features features, List<Example> examples, List<float[]> logits) {
        return predictedChoices(features, examples, logits, u -> logits.get(u).length);
    }

    private static List<Integer> predictedChoices(Features features, List<Example> examples, List<float[]> logits,
            IntUnaryOperator widthOf) {
        ChoiceFeatures f = ChoiceFeatures.class.cast(features);
        Integer[] predOf = new Integer[examples.size()];
        for (int u = 0; u < f.size(); u++) {
            predOf[f.exampleIndex(u)] = Formats.argmax(logits.get(u), 0, widthOf.applyAsInt(u));
        }
        return Arrays.asList(predOf);
    }

    /** HF's RobertaForMultipleChoice (and XLM-R's) drops out with hidden_dropout_prob, BERT's with classifier_dropout. */
    private static float dropout(HeadFamily family, float classifierDropout, float hiddenDropout) {
        return family == HeadFamily.ROBERTA ? hiddenDropout : classifierDropout;
    }
}
