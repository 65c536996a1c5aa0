package io.github.prefine.core.predict;

import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.task.ExtractiveQa;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.eval.qa.QaPostProcessor;
import java.util.List;
import java.util.Objects;

/**
 * What a saved model records of one task so that new text can be featurized and its logits read
 * as the evaluation read them: the format, the label names in head order, the feature lengths,
 * and for QA the answers' post-processing.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the task name, as the model's head is keyed
 * @param format the task format
 * @param labels the label names in head order (index {@code i} is the head's class {@code i});
 *     empty for QA and multiple choice
 * @param settings the feature lengths the task was featurized with ({@link FeatureSettings#maxLength}
 *     for classification and tagging, {@link FeatureSettings#qaMaxLength} and {@link
 *     FeatureSettings#qaStride} for QA windows); the example caps play no part in prediction
 * @param qaPostProcessor for a QA task, the n-best and maximum answer length its answers were read
 *     with in evaluation; {@code null} for other formats
 */
public record SavedTask(String name, TaskFormat format, List<String> labels, FeatureSettings settings,
        QaPostProcessor qaPostProcessor) {
    /**
     * Checks the values and copies the labels.
     *
     * @param name the task name, as the model's head is keyed
     * @param format the task format
     * @param labels the label names in head order; empty for QA and multiple choice
     * @param settings the feature lengths the task was featurized with
     * @param qaPostProcessor for a QA task, its answers' post-processing; {@code null} for other formats
     * @throws IllegalArgumentException if a format with a label set has fewer than 2 labels, or one
     *     without has labels, or the post-processing is missing for a QA task or given for another,
     *     or a QA task's windows are shorter than {@link FeatureSettings#MIN_QA_WINDOW}
     */
    public SavedTask {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(settings, "settings");
        if ((format instanceof ExtractiveQa) != (qaPostProcessor != null)) {
            throw new IllegalArgumentException("task " + name + ": a " + format.label() + " task "
                    + (qaPostProcessor == null ? "needs its QA post-processing" : "has no QA post-processing, found "
                    + qaPostProcessor));
        }
        if (format instanceof ExtractiveQa) {
            // here, not at the first question asked: a predictor would refuse every one
            FeatureSettings.checkQaWindow(name, settings.qaMaxLength());
        }
        labels = List.copyOf(labels);
        if (format.hasLabelSet() && labels.size() < 2) {
            throw new IllegalArgumentException("task " + name + ": a " + format.label()
                    + " task needs at least 2 label names, found " + labels);
        }
        if (!format.hasLabelSet() && !labels.isEmpty()) {
            throw new IllegalArgumentException("task " + name + ": a " + format.label()
                    + " task has no label names, found " + labels);
        }
    }

    /**
     * Records a task with the evaluation's QA post-processing ({@link ExtractiveQa#postProcessor()})
     * for a QA task, none for others.
     *
     * @param name the task name, as the model's head is keyed
     * @param format the task format
     * @param labels the label names in head order; empty for QA and multiple choice
     * @param settings the feature lengths the task was featurized with
     * @throws IllegalArgumentException as the canonical constructor
     */
    public SavedTask(String name, TaskFormat format, List<String> labels, FeatureSettings settings) {
        this(name, format, labels, settings, format instanceof ExtractiveQa qa ? qa.postProcessor() : null);
    }

    /**
     * Returns how many classes the task's head predicts.
     *
     * @return the label count, the choice count, or 2 for QA
     */
    public int numLabels() {
        return format.numClasses(labels);
    }
}
