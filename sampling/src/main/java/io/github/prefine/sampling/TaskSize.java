package io.github.prefine.sampling;

import java.util.Objects;

/**
 * One task as the sampler sees it: a name for messages and its number of training examples.
 *
 * <p>Example indices drawn for this task lie in {@code [0, size)}; mapping them to real examples is
 * the caller's business.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the task name, used in messages only; not blank
 * @param size the number of examples of the task; positive
 */
public record TaskSize(String name, int size) {
    /**
     * Checks the name and the size.
     *
     * @param name the task name; not blank
     * @param size the number of examples; positive
     * @throws IllegalArgumentException if the name is blank or the size is not positive
     */
    public TaskSize {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("task name must not be blank, found \"" + name + "\"");
        }
        if (size <= 0) {
            throw new IllegalArgumentException(
                    "task " + name + ": size must be positive, found " + size);
        }
    }
}
