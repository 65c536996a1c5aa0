package io.github.prefine.core.model;

import java.util.List;
import java.util.Objects;

/**
 * A heterogeneous batch assembled on the host: the padded token rows of every example, plus one
 * {@link TaskSlice} per task present saying which rows are that task's and what their labels are.
 *
 * <p>Rows of different formats (token, sequence, span, choice) share one padded [rows, seqLen]
 * grid, so the encoder runs once over the whole batch. Holds no native memory. No-copy contract
 * as in {@link TaskSlice}: the token arrays are kept as given.
 *
 * <p>Safe to read from several threads under that contract.
 */
public final class MultiTaskBatch {
    private final int rows;
    private final int seqLen;
    private final long[] inputIds;
    private final long[] attentionMask;
    private final long[] tokenTypeIds;
    private final List<TaskSlice> slices;
    private final int numExamples;

    /**
     * Creates a batch.
     *
     * @param rows the number of encoder rows
     * @param seqLen the padded sequence length
     * @param inputIds row-major token ids, [rows, seqLen]
     * @param attentionMask row-major mask, [rows, seqLen]: each row's real tokens (1) first, then
     *     its padding (0), with at least one real token, as the featurizers pad
     * @param tokenTypeIds row-major segment ids, [rows, seqLen], or {@code null} when the encoder
     *     takes none
     * @param slices one slice per task present, in increasing task order, covering every row once
     * @throws IllegalArgumentException if sizes disagree, a row is claimed twice or never, or a
     *     row's mask is not right padding (a sequence head reads position 0, the first token, and a
     *     left-padded row would give it padding)
     */
    public MultiTaskBatch(int rows, int seqLen, long[] inputIds, long[] attentionMask, long[] tokenTypeIds,
            List<TaskSlice> slices) {
        if (rows <= 0 || seqLen <= 0) {
            throw new IllegalArgumentException("batch: rows and seqLen must be positive, found " + rows + " x " + seqLen);
        }
        this.rows = rows;
        this.seqLen = seqLen;
        this.inputIds = check("inputIds", inputIds, rows, seqLen);
        this.attentionMask = check("attentionMask", attentionMask, rows, seqLen);
        this.tokenTypeIds = tokenTypeIds == null ? null : check("tokenTypeIds", tokenTypeIds, rows, seqLen);
        checkRightPadded(attentionMask, rows, seqLen);
        this.slices = List.copyOf(slices);
        boolean[] seen = new boolean[rows];
        int prevTask = -1;
        int examples = 0;
        for (TaskSlice s : this.slices) {
            if (s.task() <= prevTask) {
                throw new IllegalArgumentException("batch: slices must be in increasing task order, found task "
                        + s.task() + " after " + prevTask);
            }
            prevTask = s.task();
            examples += s.numExamples();
            for (int r : s.rows()) {
                if (r < 0 || r >= rows || seen[r]) {
                    throw new IllegalArgumentException("batch: row " + r + " of task " + s.task()
                            + " is outside [0, " + rows + ") or claimed twice");
                }
                seen[r] = true;
            }
        }
        for (int r = 0; r < rows; r++) {
            if (!seen[r]) {
                throw new IllegalArgumentException("batch: row " + r + " belongs to no task");
            }
        }
        this.numExamples = examples;
    }

    private static void checkRightPadded(long[] mask, int rows, int seqLen) {
        for (int r = 0; r < rows; r++) {
            int at = r * seqLen;
            if (mask[at] != 1) {
                throw new IllegalArgumentException("batch: row " + r + ", position 0: attention mask must start with a real token"
                        + " (1; the classification heads read position 0), found " + mask[at]);
            }
            boolean padding = false;
            for (int p = 1; p < seqLen; p++) {
                long m = mask[at + p];
                if (m != 0 && m != 1 || padding && m == 1) {
                    throw new IllegalArgumentException("batch: row " + r + ", position " + p + ": attention mask must"
                            + " be 1s then 0s (right padding), found " + m + (padding ? " after padding" : ""));
                }
                padding = m == 0;
            }
        }
    }

    private static long[] check(String name, long[] a, int rows, int seqLen) {
        Objects.requireNonNull(a, name);
        if (a.length != (long) rows * seqLen) {
            throw new IllegalArgumentException("batch: " + name + " needs " + rows + " x " + seqLen
                    + " values, found " + a.length);
        }
        return a;
    }

    /**
     * Returns the number of encoder rows.
     *
     * @return rows
     */
    public int rows() {
        return rows;
    }

    /**
     * Returns the padded sequence length.
     *
     * @return seqLen
     */
    public int seqLen() {
        return seqLen;
    }

    /**
     * Returns the token ids (not copied).
     *
     * @return [rows, seqLen] row-major
     */
    public long[] inputIds() {
        return inputIds;
    }

    /**
     * Returns the attention mask (not copied).
     *
     * @return [rows, seqLen] row-major
     */
    public long[] attentionMask() {
        return attentionMask;
    }

    /**
     * Returns the segment ids (not copied), or null.
     *
     * @return [rows, seqLen] row-major, or {@code null}
     */
    public long[] tokenTypeIds() {
        return tokenTypeIds;
    }

    /**
     * Returns the task slices in increasing task order.
     *
     * @return the slices
     */
    public List<TaskSlice> slices() {
        return slices;
    }

    /**
     * Returns the number of examples (not rows) over all tasks.
     *
     * @return the example count
     */
    public int numExamples() {
        return numExamples;
    }

    /**
     * Returns the tasks present, in increasing order.
     *
     * @return task indices
     */
    public int[] tasks() {
        int[] t = new int[slices.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = slices.get(i).task();
        }
        return t;
    }
}
