package io.github.prefine.eval.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Places the first byte of a file that is not UTF-8, for the readers of the eval module and, through
 * the core module's {@code JsonFiles}, of model folders and grids: the JDK's own refusal ({@code
 * MalformedInputException: Input length = 1}) names neither the file nor the place. Stateless.
 */
public final class Utf8Bytes {
    private Utf8Bytes() {}

    /**
     * Finds the first byte that is not part of UTF-8 text.
     *
     * @param bytes the bytes
     * @return where it is and what it holds, as {@code "line 3 (byte 41) holds 0x80, not UTF-8"}, or
     *     {@code null} when all the bytes are UTF-8
     */
    public static String notUtf8(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // UTF-8 never decodes to more chars than it has bytes
        CoderResult r = StandardCharsets.UTF_8.newDecoder().decode(in, CharBuffer.allocate(bytes.length), true);
        if (!r.isError()) {
            return null;
        }
        int offset = in.position();
        int line = 1;
        for (int i = 0; i < offset; i++) {
            line += bytes[i] == '\n' ? 1 : 0;
        }
        return String.format(Locale.ROOT, "line %d (byte %d) holds 0x%02X, not UTF-8", line, offset, bytes[offset] & 0xff);
    }

    /**
     * Tells whether bytes that are not all UTF-8 are UTF-8 but for one sequence cut off by their
     * end, as an interrupted write leaves it.
     *
     * @param bytes the bytes
     * @return true when only their last few bytes begin a character they do not finish
     */
    public static boolean cutAtEnd(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // not the end of the input: the decoder leaves a sequence the bytes do not finish unread
        CoderResult r = StandardCharsets.UTF_8.newDecoder().decode(in, CharBuffer.allocate(bytes.length), false);
        return r.isUnderflow() && in.hasRemaining();
    }
}
