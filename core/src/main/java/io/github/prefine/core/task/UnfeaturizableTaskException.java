package io.github.prefine.core.task;

import io.github.prefine.core.features.FeatureReport;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Thrown by {@link FeaturizedTask#featurize} when a task's data cannot make a trainable task: no
 * training examples, fewer than 2 labels, no validation split and too few training examples to
 * hold one out, or every training or every validation example skipped by featurization.
 *
 * <p>It is an {@link IllegalArgumentException}, as {@code featurize} documents, but a type of its
 * own, so that a caller can leave such a task out with the reason and let any other illegal
 * argument (a bug, a bad setting) surface with its own message.
 */
public final class UnfeaturizableTaskException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String taskName;
    /** What featurization skipped per split before the refusal; not serialized. */
    private final transient Map<Split, FeatureReport> featureReports;

    /**
     * Creates the exception.
     *
     * @param taskName the task refused
     * @param reason why, without the task's name
     */
    public UnfeaturizableTaskException(String taskName, String reason) {
        this(taskName, reason, Map.of());
    }

    /**
     * Creates the exception for a task refused after featurization, keeping what it skipped so
     * that a caller can report those examples as dropped; {@link FeaturizedTask} alone refuses a
     * task after featurizing it.
     *
     * @param taskName the task refused
     * @param reason why, without the task's name
     * @param featureReports the featurization report of each split featurized
     */
    UnfeaturizableTaskException(String taskName, String reason, Map<Split, FeatureReport> featureReports) {
        super("task " + taskName + ": " + reason);
        this.taskName = Objects.requireNonNull(taskName, "taskName");
        Map<Split, FeatureReport> copy = new EnumMap<>(Split.class);
        copy.putAll(featureReports);
        this.featureReports = Collections.unmodifiableMap(copy);
    }

    /**
     * Returns what featurization skipped per split before the refusal: empty when the task was
     * refused before featurizing (no training examples, fewer than 2 labels, no hold-out), and in
     * a deserialized copy, which does not carry them.
     *
     * @return the report of each split featurized
     */
    public Map<Split, FeatureReport> featureReports() {
        return featureReports == null ? Map.of() : featureReports;
    }

    /**
     * Returns the name of the task refused.
     *
     * @return the task name
     */
    public String taskName() {
        return taskName;
    }
}
