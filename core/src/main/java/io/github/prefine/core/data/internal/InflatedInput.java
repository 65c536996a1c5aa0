package io.github.prefine.core.data.internal;

import io.github.prefine.core.data.MalformedDatasetException;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The text of a {@code .gz} dataset file, inflated as it is read. Not API.
 *
 * <p>Counts the bytes and line ends it has given, so that a stream cut short or not gzip at all
 * fails with a {@link MalformedDatasetException} naming the file and how far its text got, which
 * the JDK's message does not. Closing it closes the file.
 *
 * <p>Bytes after the last gzip member that start no member fail the read as a damaged stream:
 * GZIPInputStream ends the text there without a word, so a second member with a damaged header, or
 * text appended uncompressed, was dropped uncounted, where Python's {@code gzip} module refuses
 * the file. Zero bytes after the last member, which Python's module reads past, are allowed.
 */
final class InflatedInput extends FilterInputStream {
    private final String name;
    private final Members members;
    private long bytes;
    private int lines = 1;
    private boolean ended;

    private InflatedInput(Members members, String name) {
        super(members);
        this.members = members;
        this.name = name;
    }

    /**
     * Opens the inflated text of a gzip stream.
     *
     * @param raw the file's bytes; closed here when the gzip header cannot be read
     * @param name short file name for messages
     * @return the text's bytes
     * @throws IOException if the header is not gzip, or on read failure
     */
    static InputStream open(InputStream raw, String name) throws IOException {
        try {
            // GZIPInputStream reads the header in its constructor
            return new InflatedInput(new Members(new Lookahead(raw)), name);
        } catch (ZipException | EOFException e) {
            raw.close();
            throw broken(name, 0, 1, e);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (ZipException | EOFException e) {
            throw broken(name, bytes, lines, e);
        }
        if (n < 0 && !ended) {
            ended = true;
            if (members.bytesAfterLast()) {
                throw new MalformedDatasetException(name, Integer.toString(lines), "a complete gzip stream",
                        AFTER_LAST + " after " + bytes + " bytes of text");
            }
        }
        for (int i = off; i < off + n; i++) {
            if (b[i] == '\n') {
                lines++;
            }
        }
        bytes += Math.max(n, 0);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skipping would leave the counts behind; the readers never skip
        throw new UnsupportedOperationException("skip");
    }

    /** What bytes after the last member that start no member are called in the message. */
    static final String AFTER_LAST = "bytes after the last gzip member that start no gzip member";

    /**
     * The gzip members of a file, which tell at the end whether bytes other than zeros followed the
     * last one. After each member's trailer GZIPInputStream reads a header from what follows, and
     * takes a failure for the end of the text.
     */
    private static final class Members extends GZIPInputStream {
        private final Lookahead raw;

        Members(Lookahead raw) throws IOException {
            super(raw, 1 << 16);
            this.raw = raw;
            raw.members = this;
        }

        /** Whether the current member's deflate data has ended: what is read now follows it. */
        boolean memberEnded() {
            return inf.finished();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            // entered again after each member that another follows: what was read past it is that one's
            if (!inf.finished()) {
                raw.afterMember.reset();
            }
            return super.read(b, off, len);
        }

        /**
         * Tells, once the text has ended, whether bytes other than zeros followed the last member's
         * 8-byte trailer: in the buffer past its deflate data, among those read past it looking for a
         * header, or in the rest of the file (read here).
         */
        boolean bytesAfterLast() throws IOException {
            int rest = inf.getRemaining();
            java.io.ByteArrayOutputStream after = new java.io.ByteArrayOutputStream();
            after.write(buf, len - rest, rest);
            raw.afterMember.writeTo(after);
            byte[] a = after.toByteArray();
            for (int i = 8; i < a.length; i++) {
                if (a[i] != 0) {
                    return true;
                }
            }
            return raw.restHoldsNonZero();
        }
    }

    /**
     * Answers {@link #available} by reading a byte ahead. After each gzip member, GZIPInputStream
     * asks whether another follows through {@code available()}, which a stream over a pipe cannot
     * answer: JDK 17's channel stream tries to seek there and fails with "Illegal seek", and a
     * pipe's count of buffered bytes can be 0 while its writer is still writing. Keeps the bytes
     * read after a member's deflate data, which the trailer and any header after it come from.
     */
    private static final class Lookahead extends PushbackInputStream {
        private final java.io.ByteArrayOutputStream afterMember = new java.io.ByteArrayOutputStream();
        /** Set once the first header is read. */
        private Members members;

        Lookahead(InputStream in) {
            super(in, 1);
        }

        private boolean pastMember() {
            return members != null && members.memberEnded();
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && pastMember()) {
                afterMember.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && pastMember()) {
                afterMember.write(b, off, n);
            }
            return n;
        }

        /** Reads the rest of the file, telling whether it holds a byte other than zero. */
        boolean restHoldsNonZero() throws IOException {
            byte[] chunk = new byte[8192];
            for (int n = super.read(chunk, 0, chunk.length); n >= 0; n = super.read(chunk, 0, chunk.length)) {
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != 0) {
                        return true;
                    }
                }
            }
            return false;
        }

        @Override
        public int available() throws IOException {
            if (pos < buf.length) {
                return buf.length - pos;
            }
            int b = super.read();
            if (b < 0) {
                return 0;
            }
            unread(b);
            return 1;
        }
    }

    private static MalformedDatasetException broken(String name, long bytes, int lines, IOException e) {
        return new MalformedDatasetException(name, bytes == 0 ? "" : Integer.toString(lines), "a complete gzip stream",
                (e.getMessage() == null ? "the end of the file" : "'" + e.getMessage() + "'") + " after " + bytes
                + " bytes of text", e);
    }
}
