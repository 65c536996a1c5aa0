package io.github.prefine.core.features;

import java.util.Objects;

/**
 * How far one featurization has come: examples of the list, counted from its start, that are
 * featurized or skipped. Counted on the host after each native batch, so reporting costs nothing
 * per example.
 *
 * @param name the featurization's report name, for example {@code conll2003-en/train}
 * @param done examples done so far
 * @param total examples of the whole list
 */
public record FeaturizationProgress(String name, int done, int total) {
    /**
     * Checks the fields.
     *
     * @param name the report name
     * @param done examples done so far
     * @param total examples of the whole list
     * @throws IllegalArgumentException if {@code done} lies outside [0, total]
     */
    public FeaturizationProgress {
        Objects.requireNonNull(name, "name");
        if (done < 0 || done > total) {
            throw new IllegalArgumentException(
                    name + ": featurization progress done " + done + " must lie in [0, total " + total + "]");
        }
    }
}
