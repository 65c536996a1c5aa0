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
 *
 * <p>It carries the cap on a piece held whole ({@link TextFiles#maxLineBytes}): a JSON reader
 * turns on {@link #refuseJsonValuesOver()}, which fails the read, in every mode, at the first
 * string, name or number longer than the cap, before it is held (Gson builds each one whole, so a
 * 2 GB context was an OutOfMemoryError naming nothing); the CSV reader caps its records with it.
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
    /** The longest piece held whole, in UTF-8 bytes. */
    private final int cap;
    /** Whether the characters given are checked as JSON tokens against {@link #cap}. */
    private boolean jsonValues;
    /** Where the JSON token scan stands: between tokens, in a string, after a backslash, in a bare literal. */
    private int token = BETWEEN;
    private long tokenBytes;
    private int tokenLine;
    /** Line of the next character given, counting LFs given (not decoded ahead). */
    private int givenLine = 1;

    private static final int BETWEEN = 0;
    private static final int STRING = 1;
    private static final int ESCAPE = 2;
    private static final int LITERAL = 3;

    DocumentReader(InputStream in, String name, ReadReport.Builder report, int cap) {
        this.in = in;
        this.name = name;
        this.report = report;
        this.cap = cap;
    }

    /**
     * Returns the longest piece, in UTF-8 bytes, that a reader of this file may hold whole: a CSV
     * record, a JSON string, name or number ({@link TextFiles#maxLineBytes}).
     *
     * @return the cap, 1 to 1 GiB
     */
    public int cap() {
        return cap;
    }

    /**
     * Checks the characters given from now on as JSON: a string or name (its bytes between the
     * quotes, as the file holds them) or a number or literal longer than {@link #cap()} fails the
     * read in every mode, at the line where it starts, before the parser holds it.
     *
     * @return this reader
     */
    public DocumentReader refuseJsonValuesOver() {
        jsonValues = true;
        return this;
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
        if (jsonValues) {
            scanTokens(c, off, n);
        }
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

    /** Follows the JSON tokens of the characters given, refusing one longer than the cap. */
    private void scanTokens(char[] c, int off, int n) throws IOException {
        for (int i = off; i < off + n; i++) {
            char ch = c[i];
            switch (token) {
                case STRING -> {
                    if (ch == '"') {
                        token = BETWEEN;
                        break;
                    }
                    token = ch == '\\' ? ESCAPE : STRING;
                    grow(ch);
                }
                case ESCAPE -> {
                    token = STRING;
                    grow(ch);
                }
                case LITERAL -> {
                    if (endsLiteral(ch)) {
                        token = BETWEEN;
                        between(ch);
                    } else {
                        grow(ch);
                    }
                }
                default -> between(ch);
            }
            if (ch == '\n') {
                givenLine++;
            }
        }
    }

    private void between(char ch) throws IOException {
        if (ch == '"') {
            token = STRING;
            tokenBytes = 0;
            tokenLine = givenLine;
        } else if (!endsLiteral(ch)) {
            token = LITERAL;
            tokenBytes = 0;
            tokenLine = givenLine;
            grow(ch);
        }
    }

    private static boolean endsLiteral(char ch) {
        return switch (ch) {
            case ' ', '\t', '\n', '\r', '{', '}', '[', ']', ',', ':', '"' -> true;
            default -> false;
        };
    }

    /** Counts a character's UTF-8 bytes (a surrogate is half of a 4-byte character) into the token. */
    private void grow(char ch) throws IOException {
        tokenBytes += ch < 0x80 ? 1 : ch < 0x800 || Character.isSurrogate(ch) ? 2 : 3;
        if (tokenBytes > cap) {
            drain();
            throw new MalformedDatasetException(name, Integer.toString(tokenLine), "a JSON string or number of at most "
                    + cap + " bytes" + TextFiles.capHint("values"), "a longer one");
        }
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
