package io.github.prefine.core.data.internal;

import io.github.prefine.core.data.MalformedDatasetException;
import io.github.prefine.core.data.ReadReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.util.Locale;

/**
 * The characters of a whole-document dataset file (a JSON document, a CSV file), decoded as UTF-8
 * a buffer at a time. Not API.
 *
 * <p>The byte-order marks opening the file are removed and counted, each one. A byte that is not valid UTF-8 fails the read
 * with its line and its column in bytes, in every mode (after the rest of a {@code .gz} stream is
 * checked, see {@link #drain}). Tells whether every character given so far
 * was whitespace, so that a reader can call a file of only whitespace empty. Closing it closes the
 * file. Not thread-safe.
 */
public final class DocumentReader extends Reader {
    private static final int BUFFER = 1 << 16;

    private final InputStream in;
    private final String name;
    private final ReadReport.Builder report;
    private final CharsetDecoder decoder = TextFiles.decoder();
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER).limit(0);
    private final CharBuffer chars = CharBuffer.allocate(BUFFER).limit(0);
    /** Offset in the file of {@code bytes}' first byte. */
    private long base;
    /** Bytes before this position in {@code bytes} have been scanned for line ends. */
    private int scanned;
    private int line = 1;
    private long lineStart;
    private boolean endOfInput;
    private boolean flushed;
    private boolean started;
    private boolean onlyWhitespace = true;
    private boolean failed;

    DocumentReader(InputStream in, String name, ReadReport.Builder report) {
        this.in = in;
        this.name = name;
        this.report = report;
    }

    /**
     * Tells whether every character given so far is whitespace ({@link Character#isWhitespace}).
     *
     * @return true when none but whitespace was given
     */
    public boolean onlyWhitespaceSoFar() {
        return onlyWhitespace;
    }

    /**
     * Tells whether reading failed: a byte that is not UTF-8, a damaged {@code .gz} stream or a read
     * failure was thrown, or the rest was drained.
     *
     * @return true once reading failed or was drained
     */
    public boolean failed() {
        return failed;
    }

    /**
     * Reads the rest of the file's bytes without decoding them, unless reading failed already, so
     * that a damaged {@code .gz} stream is blamed for text that fails to parse: its check fails
     * only at its end, but its text is wrong from the damage on.
     *
     * @throws IOException if the rest cannot be read, or the gzip stream is damaged
     */
    public void drain() throws IOException {
        if (!failed) {
            failed = true;
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    @Override
    public int read(char[] c, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        try {
            if (!chars.hasRemaining() && !fill()) {
                return -1;
            }
        } catch (IOException e) {
            failed = true;
            throw e;
        }
        int n = Math.min(len, chars.remaining());
        chars.get(c, off, n);
        if (onlyWhitespace) {
            for (int i = off; i < off + n; i++) {
                if (!Character.isWhitespace(c[i])) {
                    onlyWhitespace = false;
                    break;
                }
            }
        }
        return n;
    }

    /** Decodes the next characters; false at the end of the file. */
    private boolean fill() throws IOException {
        while (!flushed) {
            chars.clear();
            CoderResult r = decoder.decode(bytes, chars, endOfInput);
            countLines();
            if (r.isError()) {
                long bad = base + bytes.position();
                drain();
                throw new MalformedDatasetException(name, Integer.toString(line), "valid UTF-8",
                        String.format(Locale.ROOT, "byte 0x%02X at column %d", bytes.get(bytes.position()) & 0xff, bad - lineStart + 1));
            }
            if (endOfInput && r.isUnderflow()) {
                decoder.flush(chars);
                flushed = true;
            }
            chars.flip();
            // every mark opening the file (one saved with two): Gson passed over a second unseen,
            // and a CSV header's first column kept it
            while (!started && chars.hasRemaining()) {
                if (chars.get(chars.position()) == TextFiles.BOM) {
                    chars.get();
                    report.clean(ReadReport.BOM_AT_START, 1);
                } else {
                    started = true;
                }
            }
            if (chars.hasRemaining()) {
                return true;
            }
            if (!endOfInput) {
                readBytes();
            }
        }
        return false;
    }

    private void readBytes() throws IOException {
        base += bytes.position();
        scanned -= bytes.position();
        bytes.compact();
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) {
            endOfInput = true;
        } else {
            bytes.position(bytes.position() + n);
        }
        bytes.flip();
    }

    private void countLines() {
        byte[] a = bytes.array();
        for (int i = scanned; i < bytes.position(); i++) {
            if (a[i] == '\n') {
                line++;
                lineStart = base + i + 1;
            }
        }
        scanned = bytes.position();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
