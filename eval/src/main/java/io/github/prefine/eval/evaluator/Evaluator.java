package io.github.prefine.eval.evaluator;

import io.github.prefine.eval.metrics.ClassificationMetrics;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.eval.metrics.SpanF1;
import io.github.prefine.eval.metrics.SquadMetrics;
import io.github.prefine.eval.metrics.SquadScore;
import io.github.prefine.eval.metrics.TagScheme;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
     * Scores one label per example (ACCURACY, BINARY_F1, MACRO_F1). The gold labels come first, as
     * scikit-learn's {@code y_true, y_pred}; {@link #evaluateAnswers} takes the predictions first.
     *
     * @param gold gold labels, none null: leave unlabelled examples out, as the pipeline's scores do
     * @param predicted predicted labels, same length; {@code null} where an example has no
     *     prediction, which counts as wrong
     * @return the result, in percent (scikit-learn's fraction times 100)
     * @throws IllegalStateException if the metric is not a classification metric
     * @throws IllegalArgumentException if there are no examples (a metric over none has no value,
     *     where a 0 would pass for a score), the lengths differ, or for BINARY_F1 if the labels are
     *     more than two or are two without the positive label (see {@link
     *     ClassificationMetrics#binaryF1})
     * @throws NullPointerException if a list or a gold label is null, naming it (a null gold label
     *     is also what predictions passed first give, where one example has none)
     */
    public EvaluationResult evaluateLabels(List<String> gold, List<String> predicted) {
        Objects.requireNonNull(gold, "gold");
        Objects.requireNonNull(predicted, "predicted");
        if (gold.isEmpty() && predicted.isEmpty()) {
            throw noInput("evaluateLabels", "examples");
        }
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
     * Scores tag sequences (SPAN_F1): micro entity F1 as seqeval. The gold tags come first, as
     * seqeval's {@code y_true, y_pred}; {@link #evaluateAnswers} takes the predictions first.
     * Sentences with tags but no entity on either side score 0, as seqeval scores them.
     *
     * @param gold gold tags, one list per sentence
     * @param predicted predicted tags, same shape
     * @return the result, in percent (seqeval's fraction times 100)
     * @throws IllegalStateException if the metric is not SPAN_F1
     * @throws IllegalArgumentException if there are no sentences or no tags at all (nothing was
     *     tagged, where a 0 would pass for a score), or the shapes differ
     * @throws NullPointerException if a list or a sentence is null, naming it
     */
    public EvaluationResult evaluateTags(List<List<String>> gold, List<List<String>> predicted) {
        if (metric != MetricType.SPAN_F1) {
            throw new IllegalStateException("evaluateTags needs SPAN_F1, found " + metric);
        }
        Objects.requireNonNull(gold, "gold");
        Objects.requireNonNull(predicted, "predicted");
        if (gold.isEmpty() && predicted.isEmpty()) {
            throw noInput("evaluateTags", "sentences");
        }
        if (gold.size() == predicted.size() && gold.stream().allMatch(t -> t != null && t.isEmpty())
                && predicted.stream().allMatch(t -> t != null && t.isEmpty())) {
            throw new IllegalArgumentException("evaluateTags: " + gold.size() + " sentences and no tags in any;"
                    + " a span F1 over no tags has no value: score at least one tagged sentence");
        }
        SpanF1 f = strictScheme == null ? SpanF1.lenient() : SpanF1.strict(strictScheme);
        return EvaluationResult.ofNativeScale(metric, f.score(gold, predicted).f1(), gold.size());
    }

    /**
     * Scores answer texts (SQUAD_F1, SQUAD_EM) as the official SQuAD v1.1 script. The predictions
     * come first here, as the script and {@link SquadMetrics#evaluate} take them, where
     * {@link #evaluateLabels} and {@link #evaluateTags} take the gold first. Swapped, the arguments
     * do not compile: one answer per question against a list of answers per question.
     *
     * @param predicted first: one answer per question, {@code null} when unanswered
     * @param golds second: gold answers per question, at least one each
     * @return the result, in percent as the script prints it
     * @throws IllegalStateException if the metric is not a SQuAD metric
     * @throws IllegalArgumentException if there are no questions (the script divides by zero), the
     *     lengths differ or a question has no gold answer
     * @throws NullPointerException if a list is null, naming it
     */
    public EvaluationResult evaluateAnswers(List<String> predicted, List<List<String>> golds) {
        if (!EvaluationResult.isPercentScale(metric)) {
            throw new IllegalStateException("evaluateAnswers needs SQUAD_F1 or SQUAD_EM, found " + metric);
        }
        Objects.requireNonNull(predicted, "predicted");
        Objects.requireNonNull(golds, "golds");
        if (predicted.isEmpty() && golds.isEmpty()) {
            throw noInput("evaluateAnswers", "questions");
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
     * @throws NullPointerException if runs or a run is null, naming it
     */
    public SeedSummary aggregate(List<EvaluationResult> runs) {
        Objects.requireNonNull(runs, "runs");
        List<Double> values = new ArrayList<>(runs.size());
        for (int i = 0; i < runs.size(); i++) {
            EvaluationResult r = runs.get(i);
            int run = i;
            Objects.requireNonNull(r, () -> "aggregate: run " + run + " is null");
            if (r.metric() != metric) {
                throw new IllegalArgumentException("aggregate: every run must use " + metric + ", found " + r.metric());
            }
            values.add(r.percent());
        }
        return SeedSummary.of(values, stdKind);
    }

    /** A metric over no input has no value; the 0 it would otherwise get would pass for a score. */
    private IllegalArgumentException noInput(String method, String items) {
        return new IllegalArgumentException(method + ": no " + items + " to score (both lists are empty); " + metric
                + " over none has no value, not 0: give at least one");
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
