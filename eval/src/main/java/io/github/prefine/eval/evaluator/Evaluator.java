package io.github.prefine.eval.evaluator;

import io.github.prefine.eval.metrics.ClassificationMetrics;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.eval.metrics.SpanF1;
import io.github.prefine.eval.metrics.SquadMetrics;
import io.github.prefine.eval.metrics.SquadScore;
import io.github.prefine.eval.metrics.TagScheme;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores predictions against gold for one task's metric and aggregates runs over seeds.
 *
 * <p>Configure with {@link #builder()}: {@code setMetric} is required; the positive label (binary
 * F1), the span mode (lenient seqeval default or strict with a scheme) and the standard-deviation
 * kind are optional. Then call the {@code evaluate*} method that fits the task format:
 * <pre>{@code
 * Evaluator ev = Evaluator.builder().setMetric(MetricType.MACRO_F1).build();
 * EvaluationResult r = ev.evaluateLabels(gold, predicted);
 * SeedSummary s = ev.aggregate(List.of(r1, r2, r3));
 * }</pre>
 * Immutable and thread-safe; results are immutable records.
 */
public final class Evaluator {
    private final MetricType metric;
    private final String positiveLabel;
    private final TagScheme strictScheme;
    private final StdKind stdKind;

    private Evaluator(Builder b) {
        this.metric = b.metric;
        this.positiveLabel = b.positiveLabel;
        this.strictScheme = b.strictScheme;
        this.stdKind = b.stdKind;
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the metric this evaluator computes.
     *
     * @return the metric this evaluator computes
     */
    public MetricType metric() {
        return metric;
    }

    /**
     * Returns the standard-deviation kind used by {@link #aggregate(List)}.
     *
     * @return the standard-deviation kind used by {@link #aggregate(List)}
     */
    public StdKind stdKind() {
        return stdKind;
    }

    /**
     * Scores one label per example (ACCURACY, BINARY_F1, MACRO_F1).
     *
     * @param gold gold labels, none null: leave unlabelled examples out, as the pipeline's scores do
     * @param predicted predicted labels, same length; {@code null} where an example has no
     *     prediction, which counts as wrong
     * @return the result, in percent (scikit-learn's fraction times 100)
     * @throws IllegalStateException if the metric is not a classification metric
     * @throws IllegalArgumentException if the lengths differ, or for BINARY_F1 if the labels are
     *     more than two or are two without the positive label (see {@link
     *     ClassificationMetrics#binaryF1})
     * @throws NullPointerException if a gold label is null, naming its position
     */
    public EvaluationResult evaluateLabels(List<String> gold, List<String> predicted) {
        double v;
        switch (metric) {
            case ACCURACY:
                v = ClassificationMetrics.accuracy(gold, predicted);
                break;
            case BINARY_F1:
                v = ClassificationMetrics.binaryF1(gold, predicted, positiveLabel);
                break;
            case MACRO_F1:
                v = ClassificationMetrics.macroF1(gold, predicted);
                break;
            default:
                throw new IllegalStateException("evaluateLabels needs a classification metric, found " + metric);
        }
        return EvaluationResult.ofNativeScale(metric, v, gold.size());
    }

    /**
     * Scores tag sequences (SPAN_F1): micro entity F1 as seqeval.
     *
     * @param gold gold tags, one list per sentence
     * @param predicted predicted tags, same shape
     * @return the result, in percent (seqeval's fraction times 100)
     * @throws IllegalStateException if the metric is not SPAN_F1
     */
    public EvaluationResult evaluateTags(List<List<String>> gold, List<List<String>> predicted) {
        if (metric != MetricType.SPAN_F1) {
            throw new IllegalStateException("evaluateTags needs SPAN_F1, found " + metric);
        }
        SpanF1 f = strictScheme == null ? SpanF1.lenient() : SpanF1.strict(strictScheme);
        return EvaluationResult.ofNativeScale(metric, f.score(gold, predicted).f1(), gold.size());
    }

    /**
     * Scores answer texts (SQUAD_F1, SQUAD_EM) as the official SQuAD v1.1 script. The predictions
     * come first here, as the script and {@link SquadMetrics#evaluate} take them, where
     * {@link #evaluateLabels} and {@link #evaluateTags} take the gold first.
     *
     * @param predicted one answer per question, {@code null} when unanswered
     * @param golds gold answers per question
     * @return the result, in percent as the script prints it
     * @throws IllegalStateException if the metric is not a SQuAD metric
     */
    public EvaluationResult evaluateAnswers(List<String> predicted, List<List<String>> golds) {
        if (!EvaluationResult.isPercentScale(metric)) {
            throw new IllegalStateException("evaluateAnswers needs SQUAD_F1 or SQUAD_EM, found " + metric);
        }
        SquadScore s = SquadMetrics.evaluate(predicted, golds);
        return EvaluationResult.ofNativeScale(metric, metric == MetricType.SQUAD_F1 ? s.f1() : s.exactMatch(), s.total());
    }

    /**
     * Aggregates the results of runs with different seeds, in percent.
     *
     * @param runs one result per seed, all of this evaluator's metric
     * @return mean and standard deviation of {@link EvaluationResult#percent()}; with the sample kind,
     *     a single run has no standard deviation ({@link SeedSummary#hasStd()})
     * @throws IllegalArgumentException if runs is empty or mixes metrics
     */
    public SeedSummary aggregate(List<EvaluationResult> runs) {
        List<Double> values = new ArrayList<>(runs.size());
        for (EvaluationResult r : runs) {
            if (r.metric() != metric) {
                throw new IllegalArgumentException("aggregate: every run must use " + metric + ", found " + r.metric());
            }
            values.add(r.percent());
        }
        return SeedSummary.of(values, stdKind);
    }

    /**
     * Builder for {@link Evaluator}; mutable and single-threaded. An option that does not apply to
     * the chosen metric is refused by {@link #build()} rather than ignored.
     */
    public static final class Builder {
        private MetricType metric;
        private String positiveLabel = "1";
        /** Whether optPositiveLabel was called, so that build can refuse it where it has no effect. */
        private boolean positiveLabelSet;
        private TagScheme strictScheme;
        private StdKind stdKind = StdKind.SAMPLE;

        private Builder() {}

        /**
         * Sets the metric (required).
         *
         * @param metric the task's metric
         * @return this builder
         */
        public Builder setMetric(MetricType metric) {
            this.metric = metric;
            return this;
        }

        /**
         * Sets the positive label of BINARY_F1; {@link #build()} refuses it for any other metric,
         * where it would have no effect.
         *
         * @param positiveLabel the label, default {@code "1"}
         * @return this builder
         */
        public Builder optPositiveLabel(String positiveLabel) {
            this.positiveLabel = positiveLabel;
            this.positiveLabelSet = true;
            return this;
        }

        /**
         * Uses seqeval's strict mode for SPAN_F1.
         *
         * @param scheme the scheme, default none (lenient default mode)
         * @return this builder
         */
        public Builder optStrictScheme(TagScheme scheme) {
            this.strictScheme = scheme;
            return this;
        }

        /**
         * Sets which standard deviation {@link Evaluator#aggregate(List)} reports.
         *
         * @param kind the kind, default {@link StdKind#SAMPLE} (n - 1)
         * @return this builder
         */
        public Builder optStdKind(StdKind kind) {
            this.stdKind = kind;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the evaluator
         * @throws IllegalArgumentException if the metric is missing, a positive label is set for a
         *     metric other than BINARY_F1, a strict scheme is set for a metric other than SPAN_F1, or
         *     a value is null
         */
        public Evaluator build() {
            if (metric == null) {
                throw new IllegalArgumentException("metric is required, found none");
            }
            if (positiveLabel == null) {
                throw new IllegalArgumentException("positiveLabel must not be null");
            }
            if (stdKind == null) {
                throw new IllegalArgumentException("stdKind must not be null");
            }
            if (positiveLabelSet && metric != MetricType.BINARY_F1) {
                throw new IllegalArgumentException("a positive label applies to BINARY_F1 only, found metric " + metric);
            }
            if (strictScheme != null && metric != MetricType.SPAN_F1) {
                throw new IllegalArgumentException("a strict scheme applies to SPAN_F1 only, found metric " + metric);
            }
            return new Evaluator(this);
        }
    }
}
