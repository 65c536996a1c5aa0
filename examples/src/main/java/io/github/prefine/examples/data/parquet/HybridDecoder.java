package io.github.prefine.examples.data.parquet;

/**
 * Decodes parquet's RLE / bit-packed hybrid encoding (repetition and definition levels,
 * dictionary indices): runs of one repeated value, and groups of 8 values packed LSB first.
 */
final class HybridDecoder {
    private HybridDecoder() {}

    /**
     * Decodes {@code count} values of {@code bitWidth} bits from {@code buf[pos, end)}.
     */
    static int[] decode(byte[] buf, int pos, int end, int bitWidth, int count) {
        int[] out = new int[count];
        if (bitWidth == 0) {
            return out;
        }
        if (bitWidth > 32) {
            throw new IllegalStateException("bit width " + bitWidth + " is over 32");
        }
        int n = 0;
        int valueBytes = (bitWidth + 7) / 8;
        while (n < count) {
            if (pos >= end) {
                throw new IllegalStateException("levels end after " + n + " of " + count + " values");
            }
            long header = 0;
            for (int shift = 0; ; shift += 7) {
                int b = buf[pos++] & 0xff;
                header |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            if ((header & 1) == 0) {
                long run = header >>> 1;
                int v = 0;
                for (int i = 0; i < valueBytes; i++) {
                    v |= (buf[pos++] & 0xff) << (8 * i);
                }
                for (long i = 0; i < run && n < count; i++) {
                    out[n++] = v;
                }
            } else {
                long values = (header >>> 1) * 8;
                long bitPos = (long) pos * 8;
                long mask = (1L << bitWidth) - 1;
                for (long i = 0; i < values && n < count; i++) {
                    long bit = bitPos + i * bitWidth;
                    int at = (int) (bit >>> 3);
                    int shift = (int) (bit & 7);
                    long window = 0;
                    for (int b = 0, bytes = (shift + bitWidth + 7) / 8; b < bytes && at + b < end; b++) {
                        window |= (buf[at + b] & 0xffL) << (8 * b);
                    }
                    out[n++] = (int) ((window >>> shift) & mask);
                }
                pos += (int) ((values * bitWidth + 7) / 8);
            }
        }
        return out;
    }

    static int bitWidth(int maxValue) {
        return 32 - Integer.numberOfLeadingZeros(maxValue);
    }
}
