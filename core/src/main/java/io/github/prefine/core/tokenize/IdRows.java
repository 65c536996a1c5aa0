package io.github.prefine.core.tokenize;

/**
 * Token ids and type ids of many inputs encoded with the tokenizer's settings (special tokens,
 * truncation), stored flat: row {@code r} holds positions {@code rowStart[r] .. rowStart[r + 1]}
 * of {@code ids} and {@code typeIds}.
 *
 * <p>The cheap sibling of a list of {@link TokenEncoding}s for callers that need neither offsets,
 * word ids, token strings nor overflow windows: it costs four arrays in all instead of about ten
 * arrays and a string per token for each input. No-copy contract as in {@link TokenEncoding}:
 * callers must not modify the arrays. Equality is identity of the arrays.
 *
 * <p>Safe to read from several threads under that contract.
 *
 * @param ids token ids of all rows, concatenated
 * @param typeIds token type id per position, parallel to {@code ids}
 * @param rowStart where each row starts, plus the total length at the end
 * @param truncated per row, whether truncation cut tokens off (as {@link
 *     TokenEncoding#isTruncated()})
 */
public record IdRows(int[] ids, int[] typeIds, int[] rowStart, boolean[] truncated) {
    /**
     * Returns the number of rows.
     *
     * @return the row count
     */
    public int rowCount() {
        return rowStart.length - 1;
    }

    /**
     * Returns the number of tokens of a row.
     *
     * @param row the row index
     * @return its token count
     */
    public int length(int row) {
        return rowStart[row + 1] - rowStart[row];
    }
}
