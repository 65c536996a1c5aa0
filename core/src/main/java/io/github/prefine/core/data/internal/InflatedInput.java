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
 */
final class InflatedInput extends FilterInputStream {
    private final String name;
    private long bytes;
    private int lines = 1;

    private InflatedInput(InputStream in, String name) {
        super(in);
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
            return new InflatedInput(new GZIPInputStream(new Lookahead(raw), 1 << 16), name);
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

    /**
     * Answers {@link #available} by reading a byte ahead. After each gzip member, GZIPInputStream
     * asks whether another follows through {@code available()}, which a stream over a pipe cannot
     * answer: JDK 17's channel stream tries to seek there and fails with "Illegal seek", and a
     * pipe's count of buffered bytes can be 0 while its writer is still writing.
     */
    private static final class Lookahead extends PushbackInputStream {
        Lookahead(InputStream in) {
            super(in, 1);
        }

        @Override
        public int available() throws IOException {
            if (pos < buf.length) {
                return buf.length - pos;
            }
            int b = read();
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
