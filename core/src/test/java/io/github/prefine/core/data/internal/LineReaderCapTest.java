package io.github.prefine.core.data.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.MalformedDatasetException;
import io.github.prefine.core.data.ReadReport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link LineReader#capLines}: a line longer than the cap comes back as a bad line at its number,
 * having been read no further than the cap, and the lines after it are read as before. Lines
 * longer than the reader's 64 KiB buffer, so that the cap and the skip cross buffer fills.
 */
class LineReaderCapTest {
    private static final int CAP = 100;
    private static final String WHY = " (raise --max-line-bytes for longer lines)";

    private static String message(int line) {
        return "in.jsonl:" + line + ": expected a line of at most 100 bytes" + WHY + ", found a longer one";
    }

    /** Line 2: 200,000 bytes; 3: exactly 100; 4: 100 and a CR; 5: 101; 6: after it, no final LF. */
    private static byte[] text() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("first\n".getBytes(StandardCharsets.US_ASCII));
        b.writeBytes("x".repeat(200_000).getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(("\n" + "y".repeat(100) + "\n" + "z".repeat(100) + "\r\n" + "w".repeat(101) + "\nlast")
                .getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    @Test
    void aLenientReadGivesALongLineAsABadLineAndGoesOn() throws Exception {
        try (LineReader r = TextFiles.lines(new ByteArrayInputStream(text()), "in.jsonl", Leniency.LENIENT,
                new ReadReport.Builder("in.jsonl")).capLines(CAP, WHY)) {
            assertEquals(new TextFiles.Line(1, "first"), r.next());
            assertEquals(new TextFiles.Line(2, null, message(2)), r.next());
            assertEquals(new TextFiles.Line(3, "y".repeat(100)), r.next());
            assertEquals(new TextFiles.Line(4, "z".repeat(100)), r.next());
            assertEquals(new TextFiles.Line(5, null, message(5)), r.next());
            assertEquals(new TextFiles.Line(6, "last"), r.next());
            assertNull(r.next());
        }
    }

    @Test
    void aStrictReadThrowsAtTheLongLine() throws Exception {
        try (LineReader r = TextFiles.lines(new ByteArrayInputStream(text()), "in.jsonl", Leniency.STRICT,
                new ReadReport.Builder("in.jsonl")).capLines(CAP, WHY)) {
            assertEquals(new TextFiles.Line(1, "first"), r.next());
            MalformedDatasetException e = assertThrows(MalformedDatasetException.class, r::next);
            assertEquals(message(2), e.getMessage());
        }
    }

    /**
     * A line of 256 MiB without a newline (a stream that makes its bytes as they are read, holding
     * none): the bad line comes back having read at most the cap and one buffer fill of the
     * stream, and the line after it is read once the long one is skipped.
     */
    @Test
    void aLineOf256MibIsNotReadBeyondTheCapUntilTheNextLineIsAskedFor() throws Exception {
        long huge = 1L << 28;
        byte[] tail = "\nafter\n".getBytes(StandardCharsets.US_ASCII);
        long[] served = {0};
        InputStream in = new InputStream() {
            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                long at = served[0];
                if (at >= huge + tail.length) {
                    return -1;
                }
                int n = (int) Math.min(len, huge + tail.length - at);
                for (int i = 0; i < n; i++) {
                    long p = at + i;
                    b[off + i] = p < huge ? (byte) 'q' : tail[(int) (p - huge)];
                }
                served[0] += n;
                return n;
            }
        };
        try (LineReader r = TextFiles.lines(in, "in.jsonl", Leniency.LENIENT, new ReadReport.Builder("in.jsonl"))
                .capLines(CAP, WHY)) {
            assertEquals(new TextFiles.Line(1, null, message(1)), r.next());
            assertTrue(served[0] <= CAP + 1 + (1 << 16), served[0] + " bytes read for the first line");
            assertEquals(new TextFiles.Line(2, "after"), r.next());
            assertNull(r.next());
        }
    }
}
