package io.github.prefine.core.data;

import java.util.Objects;

/**
 * A sequence-classification example: one text, or a pair of texts, and its label.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id unique within its split
 * @param textA the first (or only) text
 * @param textB the second text of a pair, or {@code null} for a single text
 * @param label the gold label as it appears in the data (for example {@code entailment}); {@code
 *     null} when the split is unlabelled
 */
public record TextExample(String id, String textA, String textB, String label) implements Example {
    /**
     * Checks the required fields.
     *
     * @param id unique within its split
     * @param textA the first (or only) text
     * @param textB the second text of a pair, or {@code null} for a single text
     * @param label the gold label as it appears in the data (for example {@code entailment}); {@code
     *     null} when the split is unlabelled
     */
    public TextExample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(textA, "textA");
    }

    /**
     * Tells whether this example is a text pair.
     *
     * @return true when {@code textB} is present
     */
    public boolean isPair() {
        return textB != null;
    }
}
