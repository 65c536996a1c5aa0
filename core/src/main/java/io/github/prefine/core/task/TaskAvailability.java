package io.github.prefine.core.task;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Whether a task's files exist under a data root, and which paths were missing.
 *
 * <p>Immutable and thread-safe.
 *
 * @param task the task name
 * @param missing absolute paths looked for and not found; empty when available
 */
public record TaskAvailability(String task, List<Path> missing) {
    /**
     * Copies the list.
     *
     * @param task the task name
     * @param missing absolute paths looked for and not found; empty when available
     */
    public TaskAvailability {
        Objects.requireNonNull(task, "task");
        missing = List.copyOf(missing);
    }

    /**
     * Tells whether every file of the task exists.
     *
     * @return true when nothing is missing
     */
    public boolean available() {
        return missing.isEmpty();
    }

    @Override
    public String toString() {
        return available() ? task + ": available" : task + ": unavailable, missing " + missing;
    }
}
