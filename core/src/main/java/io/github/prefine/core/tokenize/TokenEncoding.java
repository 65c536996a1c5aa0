package io.github.prefine.core.tokenize;

import java.util.List;
import java.util.Objects;

/**
 * One encoded input (a text, a text pair or a pre-split sentence) as parallel primitive arrays,
 * one entry per token position, plus the overflow windows that truncation produced.
 *
 * <p>Positions cover special tokens and padding. Conventions, as in Hugging Face's Python
 * {@code Encoding}: {@link #wordIds()} is -1 for special tokens and padding; offsets are {@code
 * [0, 0)} there. Unlike Python, offsets are Java {@code String} (UTF-16) indices, so a character
 * outside the Basic Multilingual Plane (an emoji) spans two indices; for a pair they index into the
 * sequence the token belongs to (see {@link #sequenceIds()}).
 *
 * <p>No-copy contract: the accessors return the internal arrays, for speed in featurization.
 * Callers must not modify them. Instances hold no native memory and outlive their tokenizer; they
 * are immutable under that contract and therefore thread-safe. Equality is identity.
 */
public final class TokenEncoding {
    private final int[] ids;
    private final int[] typeIds;
    private final int[] attentionMask;
    private final int[] wordIds;
    private final int[] sequenceIds;
    private final int[] starts;
    private final int[] ends;
    private final String[] tokens;
    private final List<TokenEncoding> overflowing;

    /**
     * Creates an encoding from arrays it takes ownership of (not copied).
     *
     * @param ids token ids
     * @param typeIds token type (segment) ids
     * @param attentionMask 1 for real tokens, 0 for padding
     * @param wordIds word index per position, -1 for special tokens and padding
     * @param sequenceIds 0 or 1 for the sequence a token comes from, -1 for special tokens and
     *     padding
     * @param starts UTF-16 start offset per position
     * @param ends UTF-16 end offset (exclusive) per position
     * @param tokens token strings
     * @param overflowing the further windows when the input was truncated, else empty
     */
    public TokenEncoding(
            int[] ids,
            int[] typeIds,
            int[] attentionMask,
            int[] wordIds,
            int[] sequenceIds,
            int[] starts,
            int[] ends,
            String[] tokens,
            List<TokenEncoding> overflowing) {
        int n = ids.length;
        if (typeIds.length != n
                || attentionMask.length != n
                || wordIds.length != n
                || sequenceIds.length != n
                || starts.length != n
                || ends.length != n
                || tokens.length != n) {
            throw new IllegalArgumentException("encoding: all arrays must have length " + n);
        }
        this.ids = ids;
        this.typeIds = typeIds;
        this.attentionMask = attentionMask;
        this.wordIds = wordIds;
        this.sequenceIds = sequenceIds;
        this.starts = starts;
        this.ends = ends;
        this.tokens = tokens;
        this.overflowing = List.copyOf(Objects.requireNonNull(overflowing, "overflowing"));
    }

    /**
     * Returns the number of positions, padding included.
     *
     * @return the length of every array of this encoding
     */
    public int length() {
        return ids.length;
    }

    /**
     * Returns the number of non-padding positions.
     *
     * @return the count of positions whose attention mask is 1
     */
    public int unpaddedLength() {
        int n = 0;
        for (int m : attentionMask) {
            n += m;
        }
        return n;
    }

    /**
     * Returns the token ids (no copy).
     *
     * @return the ids, one per position
     */
    public int[] ids() {
        return ids;
    }

    /**
     * Returns the token type ids (no copy): 0 for the first sequence, 1 for the second where the
     * tokenizer's template says so (BERT), always 0 for RoBERTa-style tokenizers.
     *
     * @return the type ids, one per position
     */
    public int[] typeIds() {
        return typeIds;
    }

    /**
     * Returns the attention mask (no copy).
     *
     * @return 1 for real tokens and 0 for padding, one per position
     */
    public int[] attentionMask() {
        return attentionMask;
    }

    /**
     * Returns the word index of each position (no copy); -1 for special tokens and padding.
     *
     * <p>For pre-split input the words are the caller's words; for raw text they are the
     * tokenizer's pre-tokenized words, counted from 0 again in the second sequence of a pair.
     *
     * @return the word ids, one per position
     */
    public int[] wordIds() {
        return wordIds;
    }

    /**
     * Returns which sequence each position comes from (no copy): 0 or 1, -1 for special tokens
     * and padding.
     *
     * @return the sequence ids, one per position
     */
    public int[] sequenceIds() {
        return sequenceIds;
    }

    /**
     * Returns the UTF-16 start offsets (no copy) into the text the token comes from.
     *
     * @return the start offsets, 0 for special tokens and padding
     */
    public int[] starts() {
        return starts;
    }

    /**
     * Returns the UTF-16 end offsets, exclusive (no copy).
     *
     * @return the end offsets, 0 for special tokens and padding
     */
    public int[] ends() {
        return ends;
    }

    /**
     * Returns the token strings (no copy).
     *
     * @return the tokens, one per position
     */
    public String[] tokens() {
        return tokens;
    }

    /**
     * Returns the further windows that truncation produced, in order; empty when nothing was cut.
     *
     * <p>With a stride {@code s}, consecutive windows share {@code s} tokens of the truncated
     * sequence. The windows themselves have no further windows.
     *
     * @return the overflow windows, immutable
     */
    public List<TokenEncoding> overflowing() {
        return overflowing;
    }

    /**
     * Tells whether truncation removed tokens from this input.
     *
     * @return true when there are overflow windows
     */
    public boolean isTruncated() {
        return !overflowing.isEmpty();
    }
}
