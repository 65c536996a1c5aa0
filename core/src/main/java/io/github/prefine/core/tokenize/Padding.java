package io.github.prefine.core.tokenize;

/**
 * How a {@link SubwordTokenizer} pads the encodings it returns.
 *
 * <p>Immutable and thread-safe.
 */
public enum Padding {
    /** No padding: each encoding has its own length. */
    NONE,
    /** Pad every encoding of one batch call to the longest encoding of that call. */
    LONGEST,
    /** Pad every encoding to the tokenizer's maximum length. */
    MAX_LENGTH
}
