package io.github.prefine.core.tokenize;

/**
 * How a {@link SubwordTokenizer} shortens an input longer than its maximum length.
 *
 * <p>Immutable and thread-safe.
 */
public enum Truncation {
    /** Never truncate; the maximum length only matters for padding. */
    NONE,
    /** Remove tokens one at a time from the longer of the two sequences (HF's default). */
    LONGEST_FIRST,
    /** Truncate only the first sequence of a pair. */
    ONLY_FIRST,
    /** Truncate only the second sequence of a pair (extractive QA: the context). */
    ONLY_SECOND
}
