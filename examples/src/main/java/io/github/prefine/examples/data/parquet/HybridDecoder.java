package io.github.prefine.examples.data.parquet;

import java.util.Arrays;

/**
 * Decodes parquet's RLE / bit-packed hybrid encoding (repetition and definition levels,
 * dictionary indices): runs of one repeated value, and groups of 8 values packed LSB first.
 *
 * <p>A run header is a few bytes that may claim billions of values, which is legitimate for an RLE
 * run only as far as its page declares values: a run past the values left of its page's count (a
 * bit-packed run past the 8-value group that holds the last of them) is refused, and so is a run
 * whose bytes end past the data. The output grows with the values the runs give, not with the count
 * the page declares, so a page claiming more values than its runs hold fails before it costs memory.
 */
final class HybridDecoder {
    private HybridDecoder() {}

    /**
     * Decodes {@code count} values of {@code bitWidth} bits from {@code buf[pos, end)}.
     *
     * @throws IllegalStateException when the runs do not give exactly {@code count} values
     *     within {@code [pos, end)}
     */
    static int[] decode(byte[] buf, int pos, int end, int bitWidth, int count) {
        if (count < 0) {
            throw new IllegalStateException("a page of " + count + " values");
        }
        if (bitWidth == 0) {
            return new int[count];
        }
        if (bitWidth > 32) {
            throw new IllegalStateException("bit width " + bitWidth + " is over 32");
        }
        if (pos < 0 || end < pos || end > buf.length) {
            throw new IllegalStateException("levels of " + (end - pos) + " bytes at byte " + pos
                    + " run past their page of " + buf.length + " bytes");
        }
        int[] out = new int[Math.min(count, 1024)];
        int n = 0;
        int valueBytes = (bitWidth + 7) / 8;
        while (n < count) {
            if (pos >= end) {
                throw new IllegalStateException("levels end after " + n + " of " + count + " values");
            }
            int runStart = pos;
            long header = 0;
            for (int shift = 0; ; shift += 7) {
                if (pos >= end || shift > 63) {
                    throw new IllegalStateException("run header at byte " + runStart + " runs past the levels' end");
                }
                int b = buf[pos++] & 0xff;
                header |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            long left = count - n;
            if ((header & 1) == 0) {
                long run = header >>> 1;
                if (run > left) {
                    throw new IllegalStateException("RLE run of " + run + " values at byte " + runStart + " runs past the "
                            + count + " values its page declares (" + n + " before it)");
                }
                if (pos + valueBytes > end) {
                    throw new IllegalStateException("RLE run at byte " + runStart + " ends past the levels' end");
                }
                int v = 0;
                for (int i = 0; i < valueBytes; i++) {
                    v |= (buf[pos++] & 0xff) << (8 * i);
                }
                out = grow(out, n + (int) run);
                Arrays.fill(out, n, n + (int) run, v);
                n += (int) run;
            } else {
                long values = (header >>> 1) * 8;
                // the last group may be padded past the page's count, never a whole group more
                if (values - 8 >= left) {
                    throw new IllegalStateException("bit-packed run of " + values + " values at byte " + runStart
                            + " runs past the " + count + " values its page declares (" + n + " before it)");
                }
                long bytes = (values * bitWidth + 7) / 8;
                if (pos + bytes > end) {
                    throw new IllegalStateException("bit-packed run of " + values + " values at byte " + runStart
                            + " needs " + bytes + " bytes, the levels have " + (end - pos));
                }
                long bitPos = (long) pos * 8;
                long mask = (1L << bitWidth) - 1;
                int take = (int) Math.min(values, left);
                out = grow(out, n + take);
                for (int i = 0; i < take; i++) {
                    long bit = bitPos + (long) i * bitWidth;
                    int at = (int) (bit >>> 3);
                    int shift = (int) (bit & 7);
                    long window = 0;
                    for (int b = 0, nb = (shift + bitWidth + 7) / 8; b < nb && at + b < end; b++) {
                        window |= (buf[at + b] & 0xffL) << (8 * b);
                    }
                    out[n++] = (int) ((window >>> shift) & mask);
                }
                pos += (int) bytes;
            }
        }
        return out.length == count ? out : Arrays.copyOf(out, count);
    }

    private static int[] grow(int[] a, int needed) {
        return needed <= a.length ? a : Arrays.copyOf(a, Math.max(needed, (int) Math.min(Integer.MAX_VALUE - 8, 2L * a.length)));
    }

    static int bitWidth(int maxValue) {
        return 32 - Integer.numberOfLeadingZeros(maxValue);
    }
}
