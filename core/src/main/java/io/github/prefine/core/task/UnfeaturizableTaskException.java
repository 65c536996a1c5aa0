package io.github.prefine.core.task;

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

    /**
     * Creates the exception.
     *
     * @param taskName the task refused
     * @param reason why, without the task's name
     */
    public UnfeaturizableTaskException(String taskName, String reason) {
        super("task " + taskName + ": " + reason);
        this.taskName = Objects.requireNonNull(taskName, "taskName");
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
