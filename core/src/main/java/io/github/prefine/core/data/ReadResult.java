package io.github.prefine.core.data;

import java.util.List;
import java.util.Objects;

/**
 * The examples read from one file, in file order, and the report of that read.
 *
 * @param examples the examples, immutable
 * @param report counts of what was read, skipped and repaired
 * @param <E> the example type
 */
public record ReadResult<E extends Example>(List<E> examples, ReadReport report) {
    /**
     * Copies the list.
     *
     * @param examples the examples, immutable
     * @param report counts of what was read, skipped and repaired
     */
    public ReadResult {
        examples = List.copyOf(examples);
        Objects.requireNonNull(report, "report");
    }
}
