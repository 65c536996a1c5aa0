package io.github.prefine.eval.metrics;

import java.util.Objects;

/**
 * One entity found in a tag sequence: a sentence, a token range and an entity type.
 *
 * <p>Two spans are the same entity when all four fields are equal, which is how seqeval matches
 * gold and predicted entities.
 *
 * <p>Immutable and thread-safe.
 *
 * @param sentence index of the sentence in the input
 * @param start first token, inclusive
 * @param end last token, exclusive
 * @param type entity type (the tag without its prefix; {@code "_"} when a tag has no type)
 */
public record Span(int sentence, int start, int end, String type) {

    /**
     * Validates the range.
     *
     * @param sentence see the record description
     * @param start see the record description
     * @param end see the record description
     * @param type see the record description
     */
    public Span {
        Objects.requireNonNull(type, "type");
        if (sentence < 0 || start < 0 || end <= start) {
            throw new IllegalArgumentException(
                    "span must have 0 <= start < end, found sentence " + sentence + " [" + start + ", " + end + ")");
        }
    }
}
