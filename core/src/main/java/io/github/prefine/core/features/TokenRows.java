package io.github.prefine.core.features;

import java.util.Arrays;

/**
 * Token ids of many variable-length rows in one flat primitive array, with row offsets.
 *
 * <p>Rows are stored unpadded; the attention mask is implied by the row length. Ids are
 * bit-packed with the width of the largest id, chosen at {@link Builder#build()}: 15 bits for
 * BERT's 30,522-entry vocabulary, 18 bits for XLM-R's 250,002 (at most 24). Token type ids are implied by one number
 * per row, the position where type 1 starts (BERT pairs); rows without a second segment cost
 * nothing for it. Compared with one {@code int[]} per row this saves the per-array header and half
 * or more of the payload, at the price of a decode per read.
 *
 * <p>Immutable and thread-safe.
 */
public final class TokenRows {
    private final long[] packed;
    private final int bits;
    private final int[] rowStart;
    private final int[] secondStart;
    private final int padId;
    private final int largestId;

    private TokenRows(long[] packed, int bits, int[] rowStart, int[] secondStart, int padId, int largestId) {
        this.packed = packed;
        this.bits = bits;
        this.rowStart = rowStart;
        this.secondStart = secondStart;
        this.padId = padId;
        this.largestId = largestId;
    }

    /**
     * Starts a builder.
     *
     * @param padId the id that {@link PaddedBatch} pads with
     * @return an empty builder
     */
    public static Builder builder(int padId) {
        return new Builder(padId);
    }

    /**
     * Returns the largest id an encoder reads from these rows: that of any row, or the pad id that
     * batches are padded with.
     *
     * @return the largest id, below the vocabulary size of an encoder that can take the rows
     */
    public int largestId() {
        return largestId;
    }

    /**
     * Returns the number of rows.
     *
     * @return the row count
     */
    public int rowCount() {
        return rowStart.length - 1;
    }

    /**
     * Returns the length of a row, special tokens included, padding excluded.
     *
     * @param row the row index
     * @return its number of positions
     */
    public int length(int row) {
        return rowStart[row + 1] - rowStart[row];
    }

    /**
     * Returns the total number of stored token positions.
     *
     * @return the sum of the row lengths
     */
    public long tokenCount() {
        return rowStart[rowStart.length - 1];
    }

    /**
     * Returns the flat index of a row's first position (for arrays parallel to the tokens).
     *
     * @param row the row index
     * @return the offset of the row in the flat token order
     */
    public int rowStart(int row) {
        return rowStart[row];
    }

    /**
     * Returns one token id.
     *
     * @param row the row index
     * @param pos the position within the row
     * @return the id
     */
    public int id(int row, int pos) {
        return idAt(rowStart[row] + pos);
    }

    /**
     * Copies a row's ids into {@code dst} from {@code offset}.
     *
     * @param row the row index
     * @param dst destination
     * @param offset where the row starts in {@code dst}
     */
    public void copyIds(int row, long[] dst, int offset) {
        int from = rowStart[row];
        int n = rowStart[row + 1] - from;
        for (int i = 0; i < n; i++) {
            dst[offset + i] = idAt(from + i);
        }
    }

    /**
     * Returns the position where token type 1 starts in a row.
     *
     * @param row the row index
     * @return the first position with type id 1, or the row length when all are 0
     */
    public int secondStart(int row) {
        return secondStart == null ? length(row) : secondStart[row];
    }

    /**
     * Returns the padding id.
     *
     * @return the id used to pad batches
     */
    public int padId() {
        return padId;
    }

    /**
     * Returns the bytes of the primitive arrays held (ids, row offsets, type starts).
     *
     * @return the payload size, without object headers
     */
    public long storedBytes() {
        return 8L * packed.length + 4L * rowStart.length + (secondStart == null ? 0 : 4L * secondStart.length);
    }

    /**
     * Returns how many bits each id takes: the bit length of the largest stored id (at least 1).
     *
     * @return 1 to 24
     */
    public int bitsPerId() {
        return bits;
    }

    private int idAt(int flat) {
        long bit = (long) flat * bits;
        int word = (int) (bit >>> 6);
        int shift = (int) (bit & 63);
        long v = packed[word] >>> shift;
        if (shift + bits > 64) {
            v |= packed[word + 1] << (64 - shift);
        }
        return (int) (v & ((1L << bits) - 1));
    }

    /** Collects rows, then packs them; mutable and single-threaded. */
    public static final class Builder {
        private final int padId;
        private int[] ids = new int[1024];
        private int size;
        private int[] rowStart = new int[64];
        private int[] secondStart = new int[64];
        private int rows;
        private boolean anySecond;

        private Builder(int padId) {
            if (padId < 0) {
                throw new IllegalArgumentException("padId must be non-negative, found " + padId);
            }
            this.padId = padId;
        }

        /**
         * Appends a row made of the unpadded positions of an encoding.
         *
         * @param ids token ids
         * @param typeIds token type ids: zeros, then optionally ones up to the end
         * @param length how many leading positions to keep (the unpadded length)
         * @return the new row's index
         * @throws IllegalArgumentException when an id is negative or above 2^24-1, or type ids
         *     are not of the form 0…0 1…1
         */
        public int add(int[] ids, int[] typeIds, int length) {
            return add(ids, typeIds, 0, length);
        }

        /**
         * Appends a row read from flat arrays that hold many rows.
         *
         * @param ids token ids, read from {@code from}
         * @param typeIds token type ids parallel to {@code ids}: zeros, then optionally ones up to
         *     the row's end
         * @param from the row's first position in both arrays
         * @param length the row length
         * @return the new row's index
         * @throws IllegalArgumentException when an id is negative or above 2^24-1, or type ids
         *     are not of the form 0…0 1…1
         */
        public int add(int[] ids, int[] typeIds, int from, int length) {
            if (size + length > this.ids.length) {
                this.ids = Arrays.copyOf(this.ids, Math.max(size + length, this.ids.length * 2));
            }
            int second = length;
            for (int i = 0; i < length; i++) {
                int id = ids[from + i];
                if (id < 0 || id > 0xFFFFFF) {
                    throw new IllegalArgumentException("token id must be in [0, 2^24), found " + id);
                }
                this.ids[size + i] = id;
                int t = typeIds[from + i];
                if (t == 1 && second == length) {
                    second = i;
                } else if (t != (i >= second ? 1 : 0)) {
                    throw new IllegalArgumentException(
                            "type ids must be 0…0 1…1, found " + t + " at position " + i);
                }
            }
            return endRow(length, second);
        }

        /**
         * Appends a row given its ids and the position where token type 1 starts.
         *
         * @param ids token ids, read from {@code from}
         * @param from the first id to read
         * @param length the row length
         * @param secondStart the first position of type 1, or {@code length} when all are type 0
         * @return the new row's index
         * @throws IllegalArgumentException when an id is negative or above 2^24-1, or {@code
         *     secondStart} is outside {@code [0, length]}
         */
        public int add(int[] ids, int from, int length, int secondStart) {
            if (secondStart < 0 || secondStart > length) {
                throw new IllegalArgumentException(
                        "secondStart must be in [0, " + length + "], found " + secondStart);
            }
            if (size + length > this.ids.length) {
                this.ids = Arrays.copyOf(this.ids, Math.max(size + length, this.ids.length * 2));
            }
            for (int i = 0; i < length; i++) {
                int id = ids[from + i];
                if (id < 0 || id > 0xFFFFFF) {
                    throw new IllegalArgumentException("token id must be in [0, 2^24), found " + id);
                }
                this.ids[size + i] = id;
            }
            return endRow(length, secondStart);
        }

        private int endRow(int length, int second) {
            if (rows + 2 > rowStart.length) {
                rowStart = Arrays.copyOf(rowStart, rowStart.length * 2);
                secondStart = Arrays.copyOf(secondStart, secondStart.length * 2);
            }
            rowStart[rows] = size;
            secondStart[rows] = second;
            anySecond |= second < length;
            size += length;
            rows++;
            return rows - 1;
        }

        /**
         * Returns the number of rows added so far.
         *
         * @return the row count
         */
        public int rowCount() {
            return rows;
        }

        /**
         * Packs the rows.
         *
         * @return the immutable rows
         */
        public TokenRows build() {
            int max = 0;
            for (int i = 0; i < size; i++) {
                max = Math.max(max, ids[i]);
            }
            int[] starts = Arrays.copyOf(rowStart, rows + 1);
            starts[rows] = size;
            int[] seconds = anySecond ? Arrays.copyOf(secondStart, rows) : null;
            int bits = Math.max(1, 32 - Integer.numberOfLeadingZeros(max));
            long[] packed = new long[(int) (((long) size * bits + 63) >>> 6)];
            for (int i = 0; i < size; i++) {
                long bit = (long) i * bits;
                int word = (int) (bit >>> 6);
                int shift = (int) (bit & 63);
                packed[word] |= (long) ids[i] << shift;
                if (shift + bits > 64) {
                    packed[word + 1] |= (long) ids[i] >>> (64 - shift);
                }
            }
            return new TokenRows(packed, bits, starts, seconds, padId, Math.max(max, padId));
        }
    }
}
