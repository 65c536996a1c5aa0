package io.github.prefine.examples.data.parquet;

/**
 * Decompresses a raw Snappy block (the format parquet's SNAPPY codec stores per page): a varint
 * length, then literals and back-references of 1, 2 or 4 offset bytes.
 */
final class Snappy {
    private Snappy() {}

    /**
     * Snappy never expands more than this: its densest element, a copy with a 2-byte offset, writes
     * 64 bytes from 3.
     */
    private static final int MAX_EXPANSION = 22;

    /**
     * Decompresses one block, which must decode to exactly {@code expected} bytes.
     *
     * <p>The block's own length header is checked against {@code expected} and against what
     * {@code len} compressed bytes can hold before anything is allocated.
     */
    static byte[] decompress(byte[] in, int off, int len, int expected) {
        int end = off + len;
        int p = off;
        long n = 0;
        for (int shift = 0; ; shift += 7) {
            if (p >= end || shift > 28) {
                throw new IllegalStateException("snappy: bad length header");
            }
            int b = in[p++] & 0xff;
            n |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        if (n != expected) {
            throw new IllegalStateException("snappy: block says " + n + " bytes, the page header " + expected);
        }
        if (n > (long) len * MAX_EXPANSION) {
            throw new IllegalStateException("snappy: block says " + n + " bytes, more than its " + len
                    + " compressed bytes can hold");
        }
        byte[] out = new byte[(int) n];
        int o = 0;
        while (p < end) {
            int tag = in[p++] & 0xff;
            int kind = tag & 3;
            if (kind == 0) {
                int l = tag >>> 2;
                if (l >= 60) {
                    int bytes = l - 59;
                    l = 0;
                    for (int i = 0; i < bytes; i++) {
                        l |= (in[p++] & 0xff) << (8 * i);
                    }
                }
                l += 1;
                if (l < 0 || p + l > end || o + l > out.length) {
                    throw new IllegalStateException("snappy: literal of " + l + " bytes overruns the block");
                }
                System.arraycopy(in, p, out, o, l);
                p += l;
                o += l;
                continue;
            }
            int l;
            int offset;
            if (kind == 1) {
                l = ((tag >>> 2) & 7) + 4;
                offset = ((tag >>> 5) << 8) | (in[p++] & 0xff);
            } else if (kind == 2) {
                l = (tag >>> 2) + 1;
                offset = (in[p] & 0xff) | (in[p + 1] & 0xff) << 8;
                p += 2;
            } else {
                l = (tag >>> 2) + 1;
                offset = (in[p] & 0xff) | (in[p + 1] & 0xff) << 8 | (in[p + 2] & 0xff) << 16 | (in[p + 3] & 0xff) << 24;
                p += 4;
            }
            if (offset <= 0 || offset > o || o + l > out.length) {
                throw new IllegalStateException("snappy: copy of " + l + " bytes at offset " + offset
                        + " is outside the " + o + " bytes written");
            }
            for (int i = 0; i < l; i++) { // may overlap its own output: byte by byte
                out[o] = out[o - offset];
                o++;
            }
        }
        if (o != out.length) {
            throw new IllegalStateException("snappy: expected " + out.length + " bytes, decoded " + o);
        }
        return out;
    }
}
