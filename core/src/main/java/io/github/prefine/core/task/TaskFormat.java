package io.github.prefine.core.task;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.features.PaddedBatch;
import io.github.prefine.core.head.HeadLabels;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.evaluator.EvaluationResult;
import io.github.prefine.eval.evaluator.Evaluator;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.heads.HeadFamily;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.slf4j.event.Level;

/**
 * The input/output shape of a task, and everything that varies with it: the example type and
 * its labels, the featurizer, the head, the labels' layout in a batch, and how predictions are
 * scored.
 *
 * <p>A closed family, one class per format: {@link SequenceClassification} (one text or a pair),
 * {@link TokenClassification}, {@link ExtractiveQa} and {@link MultipleChoice}. Adding a format
 * means one new class implementing this interface, registered in the {@code permits} clause; no
 * other code asks which format a task has. Implementations are immutable records, equal when
 * their settings are.
 */
public sealed interface TaskFormat permits SequenceClassification, TokenClassification, ExtractiveQa, MultipleChoice {
    /** A single text classified as a whole. */
    TaskFormat SINGLE_TEXT = new SequenceClassification(false);
    /** A text pair classified as a whole. */
    TaskFormat TEXT_PAIR = new SequenceClassification(true);
    /** One tag per word. */
    TaskFormat TOKEN = new TokenClassification();
    /** An answer span in a context. */
    TaskFormat QA = new ExtractiveQa();
    /** One of two choices (COPA). */
    TaskFormat CHOICE = new MultipleChoice(2);

    /**
     * Returns a short name of the format for tables and status lines.
     *
     * @return {@code text}, {@code text-pair}, {@code token}, {@code qa} or {@code choice}
     */
    String label();

    /**
     * Returns the metrics that {@link #score} can compute for this format; a {@link Task} of
     * another metric is refused when it is built, not after training.
     *
     * @return the metrics, non-empty
     */
    Set<MetricType> metrics();

    /**
     * Returns the example type this format reads.
     *
     * @return the example class
     */
    Class<? extends Example> exampleType();

    /**
     * Tells whether tasks of this format have a label set (declared or learned from the data).
     *
     * @return true for classification and tagging, false for QA and multiple choice (the
     *     default, with no labels per example and an empty label set)
     */
    default boolean hasLabelSet() {
        return false;
    }

    /**
     * Returns the labels one example carries, for learning and checking the label set.
     *
     * @param example an example of {@link #exampleType()}
     * @return its labels: a class, every tag, or none (unlabelled, QA, choice)
     * @throws ClassCastException if the example is of another type
     */
    default List<String> labelsOf(Example example) {
        exampleType().cast(example);
        return List.of();
    }

    /**
     * Orders a learned label set for the head.
     *
     * @param seen every label seen in the training data, each once
     * @return the label set in head order; empty by default
     */
    default List<String> labelSet(Collection<String> seen) {
        return List.of();
    }

    /**
     * Learns a label set from examples, as a task without declared labels does from its training
     * data: every label they carry ({@link #labelsOf}), ordered by {@link #labelSet}.
     *
     * @param splits the examples to learn from, such as the training split
     * @return the label set in head order; empty for a format without one
     */
    default List<String> learnLabels(Collection<? extends List<? extends Example>> splits) {
        java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        for (List<? extends Example> split : splits) {
            for (Example e : split) {
                seen.addAll(labelsOf(e));
            }
        }
        return labelSet(seen);
    }

    /**
     * Returns how many classes the head of a task with this label set predicts.
     *
     * @param labels the task's label set
     * @return the label count, the choice count, or 2 (start, end) for QA
     */
    int numClasses(List<String> labels);

    /**
     * Featurizes examples of this format.
     *
     * @param examples examples of {@link #exampleType()}
     * @param labels the task's label set
     * @param tokenizer the encoder's tokenizer (not owned)
     * @param settings lengths
     * @param name the name in the feature report, for example {@code conll2003/train}
     * @return the features, one or more units per example
     * @throws IOException if the tokenizer fails
     * @throws ClassCastException if an example is of another type
     */
    default Features featurize(List<Example> examples, List<String> labels, SubwordTokenizer tokenizer,
            FeatureSettings settings, String name) throws IOException {
        return featurize(examples, labels, tokenizer, settings, name, FeaturizationListener.NONE);
    }

    /**
     * Featurizes examples of this format, reporting progress in the steps {@link
     * FeaturizationListener} documents, under the given name.
     *
     * @param examples examples of {@link #exampleType()}
     * @param labels the task's label set
     * @param tokenizer the encoder's tokenizer (not owned)
     * @param settings lengths
     * @param name the name in the feature report and the progress, for example {@code conll2003/train}
     * @param listener hears the progress, on this thread
     * @return the features, one or more units per example
     * @throws IOException if the tokenizer fails
     * @throws ClassCastException if an example is of another type
     */
    default Features featurize(List<Example> examples, List<String> labels, SubwordTokenizer tokenizer,
            FeatureSettings settings, String name, FeaturizationListener listener) throws IOException {
        return featurize(examples, labels, tokenizer, settings, name, listener, Level.INFO);
    }

    /**
     * Featurizes examples of this format, reporting progress, and logging the feature report at
     * the given level ({@link Level#INFO} for a dataset split, {@link Level#DEBUG} for a
     * predictor, which featurizes per request).
     *
     * @param examples examples of {@link #exampleType()}
     * @param labels the task's label set
     * @param tokenizer the encoder's tokenizer (not owned)
     * @param settings lengths
     * @param name the name in the feature report and the progress, for example {@code conll2003/train}
     * @param listener hears the progress, on this thread
     * @param reportLevel the level of the report's log lines
     * @return the features, one or more units per example
     * @throws IOException if the tokenizer fails
     * @throws ClassCastException if an example is of another type
     */
    Features featurize(List<Example> examples, List<String> labels, SubwordTokenizer tokenizer,
            FeatureSettings settings, String name, FeaturizationListener listener, Level reportLevel)
            throws IOException;

    /**
     * Makes the head of a task of this format, built when the model initializes it.
     *
     * @param numClasses the task's {@link #numClasses}
     * @param family the head layout matching the encoder
     * @param seed seed of the head's initial weights
     * @return the head, not yet initialized
     * @throws IllegalArgumentException if {@code numClasses} is below 2
     */
    TaskHead newHead(int numClasses, HeadFamily family, long seed);

    /**
     * Lays out a padded batch's targets as the head's loss reads them.
     *
     * @param batch a batch of this format's features
     * @return the labels, {@link HeadLabels#IGNORE} where nothing is scored
     */
    HeadLabels batchLabels(PaddedBatch batch);

    /**
     * Scores one split's predictions with a task's metric.
     *
     * @param features the split's features
     * @param examples the examples they were made from
     * @param labels the task's label set
     * @param logits one row-major logits entry per unit, in unit order
     * @param width the last-axis size of each entry
     * @param evaluator the task's metric
     * @return the result over the split's examples
     */
    EvaluationResult score(Features features, List<Example> examples, List<String> labels, List<float[]> logits,
            int width, Evaluator evaluator);
}
