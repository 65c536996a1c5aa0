package io.github.prefine.core.task;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.features.ClassificationFeatures;
import io.github.prefine.core.features.ClassificationFeaturizer;
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
import io.github.prefine.eval.internal.CodePointOrder;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.heads.HeadFamily;
import io.github.prefine.heads.SequenceClassificationHead;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.event.Level;

/**
 * Sequence classification of one text or a pair: one label per example, predicted from the
 * first token ({@code [CLS]}/{@code <s>}) by {@link SequenceClassificationHead}; scored by the
 * arg-max label against the gold one (unlabelled examples are left out).
 *
 * <p>Immutable and thread-safe.
 *
 * @param pair true for text pairs
 */
public record SequenceClassification(boolean pair) implements TaskFormat {

    @Override
    public String label() {
        return pair ? "text-pair" : "text";
    }

    /** Scores {@link #score} computes from one predicted label per example. */
    @Override
    public Set<MetricType> metrics() {
        return EnumSet.of(MetricType.ACCURACY, MetricType.BINARY_F1, MetricType.MACRO_F1);
    }
    @Override
    public Class<TextExample> exampleType() {
        return TextExample.class;
    }

    @Override
    public boolean hasLabelSet() {
        return true;
    }

    @Override
    public List<String> labelsOf(Example example) {
        String label = exampleType().cast(example).label();
        return label == null ? List.of() : List.of(label);
    }

    /** {@inheritDoc} Classification labels are sorted by code point, as {@code run_glue.py} sorts them. */
    @Override
    public List<String> labelSet(Collection<String> seen) {
        TreeSet<String> sorted = new TreeSet<>(CodePointOrder.ORDER);
        sorted.addAll(seen);
        return List.copyOf(sorted);
    }

    @Override
    public int numClasses(List<String> labels) {
        return labels.size();
    }

    @Override
    public Features featurize(List<Example> examples, List<String> labels, SubwordTokenizer tokenizer,
            FeatureSettings settings, String name, FeaturizationListener listener, Level reportLevel)
            throws IOException {
        return ClassificationFeaturizer.builder().setTokenizer(tokenizer).setLabels(labels)
                .optMaxLength(settings.maxLength()).optName(name).optListener(listener).optReportLevel(reportLevel).build()
                .featurize(Formats.typed(examples, TextExample.class, this));
    }

    @Override
    public TaskHead newHead(int numClasses, HeadFamily family, long seed) {
        return HeadAdapter.of(toString(), numClasses, (hidden, range, dropout, hiddenDropout) -> SequenceClassificationHead.builder()
                .setFamily(family).setHiddenSize(hidden).setNumLabels(numClasses).optSeed(seed).optInitializerRange(range)
                .optDropout(dropout).build(), HeadAdapter.classes());
    }

    @Override
    public HeadLabels batchLabels(PaddedBatch batch) {
        return Formats.perUnit(batch.labels());
    }

    @Override
    public EvaluationResult score(Features features, List<Example> examples, List<String> labels,
            List<float[]> logits, int width, Evaluator evaluator) {
        // Examples the featurizer skipped keep a null prediction: scored as wrong, not left out.
        List<String> predOf = predictedLabels(features, examples, labels, logits, width);
        List<String> gold = new ArrayList<>();
        List<String> pred = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            String label = exampleType().cast(examples.get(i)).label();
            if (label != null) {
                gold.add(label);
                pred.add(predOf.get(i));
            }
        }
        return evaluator.evaluateLabels(gold, pred);
    }

    /**
     * Returns each example's label as {@link #score} predicts it: the arg-max of its logits (the
     * first label on ties). The predictor of a saved model uses it too, so that its labels are
     * those the metric scored.
     *
     * @param features the features made from {@code examples}
     * @param examples the examples
     * @param labels the task's label set
     * @param logits one {@code [width]} entry per unit, in unit order
     * @param width the label count
     * @return one label per example, {@code null} for an example the featurizer skipped
     */
    public List<String> predictedLabels(Features features, List<Example> examples, List<String> labels,
            List<float[]> logits, int width) {
        ClassificationFeatures f = ClassificationFeatures.class.cast(features);
        String[] predOf = new String[examples.size()];
        for (int r = 0; r < f.size(); r++) {
            predOf[f.exampleIndex(r)] = labels.get(Formats.argmax(logits.get(r), 0, width));
        }
        return java.util.Arrays.asList(predOf);
    }
}
