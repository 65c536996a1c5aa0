package io.github.prefine.core.data;

import java.util.List;
import java.util.Objects;

/**
 * A sequence-labelling example: pre-split words with one tag each (BIO, IOB2 or BIOES).
 *
 * <p>Immutable and thread-safe.
 *
 * @param id unique within its split, usually {@code file:line} of the sentence's first token
 * @param tokens the words, at least one
 * @param tags one tag per word
 */
public record TokenExample(String id, List<String> tokens, List<String> tags) implements Example {
    /**
     * Checks that every word has a tag and copies the lists.
     *
     * @param id unique within its split, usually {@code file:line} of the sentence's first token
     * @param tokens the words, at least one
     * @param tags one tag per word
     */
    public TokenExample {
        Objects.requireNonNull(id, "id");
        tokens = List.copyOf(tokens);
        tags = List.copyOf(tags);
        if (tokens.size() != tags.size()) {
            throw new IllegalArgumentException(
                    id + ": " + tokens.size() + " tokens but " + tags.size() + " tags");
        }
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException(id + ": a sentence needs at least one token");
        }
    }
}
