package io.github.prefine.core.features;

import java.util.Arrays;

/**
 * A batch of feature rows right-padded to its longest row, as flat row-major {@code long} arrays
 * ready to become NDArrays of shape {@code [rows, seqLen]} (int64).
 *
 * <p>Inputs: {@link #inputIds()}, {@link #typeIds()} and {@link #attentionMask()}, each {@code
 * [rows, seqLen]}. Targets depend on the task format and are null when absent:
 *
 * <ul>
 *   <li>classification: {@link #labels()} of shape {@code [rows]};
 *   <li>token classification: {@link #labels()} of shape {@code [rows, seqLen]}, -100 on special
 *       tokens, non-first sub-tokens and padding;
 *   <li>extractive QA: {@link #startPositions()} and {@link #endPositions()}, each {@code [rows]};
 *   <li>multiple choice: inputs hold {@code groupSize} consecutive rows per example and {@link
 *       #labels()} has shape {@code [rows / groupSize]}.
 * </ul>
 *
 * <p>No-copy contract: accessors return the internal arrays; callers must not modify them.
 * Unlabelled data gives -1 labels (classification, choice), all -100 token labels, or 0 spans.
 *
 * <p>Safe to read from several threads under that contract.
 */
public final class PaddedBatch {
    private final int rows;
    private final int seqLen;
    private final int groupSize;
    private final long[] inputIds;
    private final long[] typeIds;
    private final long[] attentionMask;
    private final long[] labels;
    private final long[] startPositions;
    private final long[] endPositions;

    private PaddedBatch(
            int rows,
            int seqLen,
            int groupSize,
            long[] inputIds,
            long[] typeIds,
            long[] attentionMask,
            long[] labels,
            long[] startPositions,
            long[] endPositions) {
        this.rows = rows;
        this.seqLen = seqLen;
        this.groupSize = groupSize;
        this.inputIds = inputIds;
        this.typeIds = typeIds;
        this.attentionMask = attentionMask;
        this.labels = labels;
        this.startPositions = startPositions;
        this.endPositions = endPositions;
    }

    /**
     * Pads the given rows to the longest of them.
     *
     * @param tokens the stored rows
     * @param rowIndices which rows, in batch order; at least one
     * @return a batch with inputs only
     */
    public static PaddedBatch inputsOf(TokenRows tokens, int[] rowIndices) {
        int t = 0;
        for (int r : rowIndices) {
            t = Math.max(t, tokens.length(r));
        }
        return inputsOf(tokens, rowIndices, t);
    }

    /**
     * Pads the given rows to a given length, so rows of several tasks share one width without
     * padding twice.
     *
     * @param tokens the stored rows
     * @param rowIndices which rows, in batch order; at least one
     * @param seqLen the padded length, at least the longest row's
     * @return a batch with inputs only
     * @throws IllegalArgumentException if there are no rows or one is longer than {@code seqLen}
     */
    public static PaddedBatch inputsOf(TokenRows tokens, int[] rowIndices, int seqLen) {
        if (rowIndices.length == 0) {
            throw new IllegalArgumentException("a batch needs at least one row, found 0");
        }
        int t = seqLen;
        for (int r : rowIndices) {
            if (tokens.length(r) > t) {
                throw new IllegalArgumentException("batch: row " + r + " has " + tokens.length(r)
                        + " tokens, longer than the padded length " + t);
            }
        }
        int b = rowIndices.length;
        long[] ids = new long[b * t];
        long[] types = new long[b * t];
        long[] mask = new long[b * t];
        Arrays.fill(ids, tokens.padId());
        for (int i = 0; i < b; i++) {
            int r = rowIndices[i];
            int len = tokens.length(r);
            tokens.copyIds(r, ids, i * t);
            Arrays.fill(mask, i * t, i * t + len, 1L);
            Arrays.fill(types, i * t + tokens.secondStart(r), i * t + len, 1L);
        }
        return new PaddedBatch(b, t, 1, ids, types, mask, null, null, null);
    }

    PaddedBatch withLabels(long[] newLabels) {
        return new PaddedBatch(rows, seqLen, groupSize, inputIds, typeIds, attentionMask, newLabels, null, null);
    }

    PaddedBatch withSpans(long[] starts, long[] ends) {
        return new PaddedBatch(rows, seqLen, groupSize, inputIds, typeIds, attentionMask, null, starts, ends);
    }

    PaddedBatch withGroups(int size, long[] newLabels) {
        return new PaddedBatch(rows, seqLen, size, inputIds, typeIds, attentionMask, newLabels, null, null);
    }

    /**
     * Returns the number of rows (batch axis of the inputs).
     *
     * @return rows
     */
    public int rows() {
        return rows;
    }

    /**
     * Returns the padded sequence length, the longest row of this batch.
     *
     * @return seqLen
     */
    public int seqLen() {
        return seqLen;
    }

    /**
     * Returns the number of consecutive rows per example: choices per example for multiple choice,
     * else 1.
     *
     * @return the group size
     */
    public int groupSize() {
        return groupSize;
    }

    /**
     * Returns the token ids, {@code [rows, seqLen]}, padded with the tokenizer's pad id.
     *
     * @return the ids (no copy)
     */
    public long[] inputIds() {
        return inputIds;
    }

    /**
     * Returns the token type ids, {@code [rows, seqLen]}, 0 on padding.
     *
     * @return the type ids (no copy)
     */
    public long[] typeIds() {
        return typeIds;
    }

    /**
     * Returns the attention mask, {@code [rows, seqLen]}: 1 on real tokens, 0 on padding.
     *
     * @return the mask (no copy)
     */
    public long[] attentionMask() {
        return attentionMask;
    }

    /**
     * Returns the labels (see the class doc for their shape), or null for QA.
     *
     * @return the labels (no copy), or null
     */
    public long[] labels() {
        return labels;
    }

    /**
     * Returns the QA start token positions, {@code [rows]}, or null for other formats.
     *
     * @return the start positions (no copy), or null
     */
    public long[] startPositions() {
        return startPositions;
    }

    /**
     * Returns the QA end token positions (inclusive), {@code [rows]}, or null for other formats.
     *
     * @return the end positions (no copy), or null
     */
    public long[] endPositions() {
        return endPositions;
    }
}
