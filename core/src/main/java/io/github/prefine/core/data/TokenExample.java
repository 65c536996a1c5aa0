package io.github.prefine.core.data;

import java.util.List;
import java.util.Objects;

/**
 * A sequence-labelling example: pre-split words with one tag each (BIO, IOB2 or BIOES), and, where
 * the words were split from a raw text, that text with each word's offsets into it ({@link
 * SourceText}), so that a tokenizer whose pre-split encoding differs from its raw-text one can
 * encode the text as Hugging Face's pipeline does.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id unique within its split, usually {@code file:line} of the sentence's first token
 * @param tokens the words, at least one
 * @param tags one tag per word
 * @param source the raw text the words were split from, or null for pre-split words (CoNLL)
 */
public record TokenExample(String id, List<String> tokens, List<String> tags, SourceText source) implements Example {
    /**
     * Checks that every word has a tag, and the source one span per word, and copies the lists.
     *
     * @param id unique within its split, usually {@code file:line} of the sentence's first token
     * @param tokens the words, at least one
     * @param tags one tag per word
     * @param source the raw text the words were split from, or null for pre-split words
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
        if (source != null && source.wordCount() != tokens.size()) {
            throw new IllegalArgumentException(id + ": " + tokens.size() + " tokens but " + source.wordCount()
                    + " word spans in the source text; expected one span per token");
        }
    }

    /**
     * An example of pre-split words, with no source text.
     *
     * @param id unique within its split, usually {@code file:line} of the sentence's first token
     * @param tokens the words, at least one
     * @param tags one tag per word
     */
    public TokenExample(String id, List<String> tokens, List<String> tags) {
        this(id, tokens, tags, null);
    }

    /**
     * A raw text and where each of its words lies in it.
     *
     * @param text the text
     * @param bounds each word's start and end (exclusive) char offsets, in order: start of word 0,
     *     end of word 0, start of word 1...; the words in text order, none overlapping
     */
    public record SourceText(String text, List<Integer> bounds) {
        /**
         * Checks the bounds and copies them.
         *
         * @param text the text
         * @param bounds each word's start and end char offsets, in order
         * @throws IllegalArgumentException naming the first word whose span is out of order or
         *     outside the text, or when the bounds are odd in number
         */
        public SourceText {
            Objects.requireNonNull(text, "text");
            bounds = List.copyOf(bounds);
            if (bounds.size() % 2 != 0) {
                throw new IllegalArgumentException(bounds.size() + " word bounds; expected a start and an end per word");
            }
            int last = 0;
            for (int b = 0; b < bounds.size(); b += 2) {
                int start = bounds.get(b);
                int end = bounds.get(b + 1);
                if (start < last || end < start || end > text.length()) {
                    throw new IllegalArgumentException("word " + b / 2 + " spans [" + start + ", " + end
                            + "); expected a span in order, within the text's " + text.length() + " chars");
                }
                last = end;
            }
        }

        /**
         * Returns the number of words.
         *
         * @return half the bounds' count
         */
        public int wordCount() {
            return bounds.size() / 2;
        }
    }
}
