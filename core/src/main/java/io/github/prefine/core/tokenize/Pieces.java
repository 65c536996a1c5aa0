package io.github.prefine.core.tokenize;

/**
 * Sub-token ids of many inputs encoded without special tokens, truncation or padding, stored flat:
 * row {@code r} holds {@code ids[rowStart[r] .. rowStart[r + 1])}.
 *
 * <p>When offsets were requested, {@code starts} and {@code ends} are parallel to {@code ids} and
 * hold UTF-16 indices into the row's text; otherwise both are empty. No-copy contract as in
 * {@link TokenEncoding}: callers must not modify the arrays. Equality is identity of the arrays.
 *
 * <p>Safe to read from several threads under that contract.
 *
 * @param ids token ids of all rows, concatenated
 * @param rowStart where each row starts in {@code ids}, plus the total length at the end
 * @param starts UTF-16 start offset per token, or empty
 * @param ends UTF-16 end offset (exclusive) per token, or empty
 */
public record Pieces(int[] ids, int[] rowStart, int[] starts, int[] ends) {
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

    /**
     * Tells whether offsets were fetched.
     *
     * @return true when {@link #starts()} and {@link #ends()} are parallel to {@link #ids()}
     */
    public boolean hasOffsets() {
        return starts.length == ids.length;
    }
}
