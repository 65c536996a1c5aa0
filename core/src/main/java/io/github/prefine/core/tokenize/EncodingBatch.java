package io.github.prefine.core.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The encodings of one native batch call, read into flat int columns with one row per input.
 *
 * <p>Reading straight from the native handles skips the per-token objects of DJL's
 * {@code Encoding}; the price is that the handles are native memory the GC does not see, so
 * {@link #read} frees every one however reading ends. The columns grow together as rows are
 * appended. Not thread-safe.
 */
final class EncodingBatch {
    /** The native batch call. */
    @FunctionalInterface
    interface Call {
        /**
         * Encodes the batch.
         *
         * @param tokenizer the native tokenizer's handle
         * @return one encoding handle per input, in order
         */
        long[] encode(long tokenizer);
    }

    /** Reads one encoding into the batch. */
    @FunctionalInterface
    interface Reader {
        /**
         * Reads encoding {@code k}: {@link #append} its length, then fill the row in {@link #column}.
         *
         * @param batch the batch being read
         * @param k the input's index
         * @param encoding the encoding's native handle, valid during this call
         */
        void read(EncodingBatch batch, int k, long encoding);
    }

    private final int[][] columns;
    private final int[] rowStart;
    private int size;
    private int rows;

    private EncodingBatch(int inputs, int columnCount, int perRow) {
        columns = new int[columnCount][Math.max(16, inputs * perRow)];
        rowStart = new int[inputs + 1];
    }

    /**
     * Runs one native batch call and reads its encodings in input order.
     *
     * @param owner the tokenizer whose handle the call uses, kept reachable until the handles are freed
     * @param inputs how many inputs the call encodes
     * @param columnCount how many int columns a row has
     * @param perRow the first guess of a row's length, for the columns' initial size
     * @param call the native batch call
     * @param reader reads each encoding
     * @param onFailure turns the native call's exception into the caller's
     * @return the batch, holding every row
     */
    static EncodingBatch read(HuggingFaceTokenizer owner, int inputs, int columnCount, int perRow, Call call,
            Reader reader, Function<RuntimeException, RuntimeException> onFailure) {
        EncodingBatch out = new EncodingBatch(inputs, columnCount, perRow);
        TokenizersLibrary lib = TokenizersLibrary.LIB;
        long[] handles = null;
        try {
            try {
                handles = call.encode(owner.getHandle());
            } catch (RuntimeException ex) {
                throw onFailure.apply(ex);
            }
            for (int k = 0; k < handles.length; k++) {
                reader.read(out, k, handles[k]);
            }
            return out;
        } finally {
            if (handles != null) {
                for (long h : handles) {
                    lib.deleteEncoding(h);
                }
            }
            // the native calls use only the handle; keep its owner (and its finalizer) alive
            Reference.reachabilityFence(owner);
        }
    }

    /**
     * Encodes texts, or text pairs, with one native batch call and reads only their ids, type ids
     * and whether each was truncated, as {@link SubwordTokenizer#encodeIdRows} documents.
     *
     * @param owner the configured tokenizer
     * @param a the texts, or the first sequences of the pairs, checked
     * @param b the second sequences, as many, checked; or null for single texts
     * @param addSpecialTokens whether the template's special tokens are added
     * @param pad what a padding position holds, as {@link EncodingConversion#padPositions} gives it
     *     (the mask is fetched to find them); null where the tokenizer does not pad
     * @param onFailure turns the native call's exception into the caller's
     * @return one row per input, in order
     */
    static IdRows readIdRows(HuggingFaceTokenizer owner, String[] a, String[] b, boolean addSpecialTokens,
            SequenceWindows.PadPosition pad, Function<RuntimeException, RuntimeException> onFailure) {
        TokenizersLibrary lib = TokenizersLibrary.LIB;
        boolean[] truncated = new boolean[a.length];
        EncodingBatch rows = read(owner, a.length, 2, 32,
                h -> b == null ? lib.batchEncode(h, a, addSpecialTokens) : lib.batchEncodePair(h, a, b, addSpecialTokens),
                (batch, k, e) -> {
                    long[] t = lib.getTokenIds(e);
                    long[] ty = lib.getTypeIds(e);
                    int at = batch.append(t.length);
                    int[] ids = batch.column(0);
                    int[] types = batch.column(1);
                    for (int i = 0; i < t.length; i++) {
                        ids[at + i] = (int) t[i];
                        types[at + i] = (int) ty[i];
                    }
                    if (pad != null) {
                        EncodingConversion.padPositions(ids, null, at, EncodingConversion.toInt(lib.getAttentionMask(e)), pad);
                    }
                    // the overflow windows are counted, not fetched: fetching would allocate a native copy of each
                    truncated[k] = lib.getOverflowCount(e) > 0;
                }, onFailure);
        return new IdRows(rows.finished(0), rows.finished(1), rows.rowStart(), truncated);
    }

    /**
     * Appends the next row, of {@code n} values, growing the columns as needed.
     *
     * @param n the row's length
     * @return where the row starts in each {@link #column}
     */
    int append(int n) {
        if (size + n > columns[0].length) {
            int cap = Math.max(size + n, columns[0].length * 2);
            for (int c = 0; c < columns.length; c++) {
                columns[c] = Arrays.copyOf(columns[c], cap);
            }
        }
        int at = size;
        size += n;
        rowStart[++rows] = size;
        return at;
    }

    /**
     * Returns a column to fill; valid until the next {@link #append}.
     *
     * @param c the column
     * @return its live array
     */
    int[] column(int c) {
        return columns[c];
    }

    /**
     * Returns a column cut to the rows read.
     *
     * @param c the column
     * @return a copy of its first {@code rowStart()[inputs]} values
     */
    int[] finished(int c) {
        return Arrays.copyOf(columns[c], size);
    }

    /**
     * Returns where each row starts, plus the total length at the end.
     *
     * @return the row starts
     */
    int[] rowStart() {
        return rowStart;
    }
}
