package io.github.prefine.core.data.internal;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.MalformedDatasetException;
import io.github.prefine.core.data.ReadReport;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The lines of a dataset file, one at a time; a leading byte-order mark is removed and counted.
 * Not API.
 *
 * <p>Lines end at LF; a CR before it is dropped; a final empty line after the last LF is not
 * returned. Because a LF byte never occurs inside a UTF-8 multi-byte sequence, each line is
 * decoded on its own, which gives exact line numbers for invalid bytes: strict reading throws,
 * lenient reading returns the line with null text and the message strict reading would have thrown.
 * Holds one line at a time. Closing it closes the file. Not thread-safe.
 *
 * <p>The file is read once. The readers before it decoded (and inflated) the whole file before
 * using any line, so a defect anywhere in the file's bytes outranked every defect in its lines:
 * a damaged gzip stream, which is found only when the stream ends although its text is wrong
 * from the damage on, and, strictly, invalid UTF-8. To report what they reported, a strict read
 * that meets invalid UTF-8 in a {@code .gz} file reads the rest first, and a caller that finds a
 * defect in a line asks {@link #outranking} which defect to throw.
 */
public final class LineReader implements Closeable {
    private final InputStream in;
    private final String name;
    private final Leniency leniency;
    private final ReadReport.Builder report;
    private final boolean inflated;
    private final CharsetDecoder decoder = TextFiles.decoder();
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private boolean endOfInput;
    private byte[] line = new byte[256];
    private int number;
    private boolean failed;
    /** The longest line returned, in bytes without its terminator ({@link #capLines}). */
    private int maxLineBytes = Integer.MAX_VALUE - 8;
    /** What a line over {@link #maxLineBytes} is told, after the limit. */
    private String capHint = "";
    /** The rest of a line over the cap is still in the stream, skipped before the next line. */
    private boolean skipping;
    /** A line over the cap throws in every mode ({@link #refuseLinesOver}). */
    private boolean capThrows;

    LineReader(InputStream in, String name, Leniency leniency, ReadReport.Builder report, boolean inflated) {
        this.in = in;
        this.name = name;
        this.leniency = leniency;
        this.report = report;
        this.inflated = inflated;
    }

    /**
     * Caps the lines this reader returns at {@code maxBytes} bytes, their terminator not counted: a
     * longer line is read no further than the cap, and returned as a bad line at its number
     * (lenient: null text and the message; strict: thrown), its rest skipped without being kept
     * only when the next line is asked for. Without a cap, one line of a file without newlines is
     * read whole into memory. {@link #outranking} reads the rest of the file as before.
     *
     * @param maxBytes the longest line, in bytes; positive
     * @param hint what the message adds after the limit (say, the option that sets it), or ""
     * @return this reader
     * @throws IllegalArgumentException if {@code maxBytes} is not positive or leaves no room for a
     *     Java array of one more byte
     */
    public LineReader capLines(int maxBytes, String hint) {
        if (maxBytes <= 0 || maxBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBytes must be 1 to " + (Integer.MAX_VALUE - 8) + ", found " + maxBytes);
        }
        this.maxLineBytes = maxBytes;
        this.capHint = Objects.requireNonNull(hint, "hint");
        return this;
    }

    /**
     * Caps the lines as {@link #capLines} does, except that a longer line throws in every mode: a
     * training-data read cannot go on without a record that the cap, a setting, refused.
     *
     * @param maxBytes the longest line, in bytes; positive
     * @param hint what the message adds after the limit (the setting to raise), or ""
     * @return this reader
     */
    LineReader refuseLinesOver(int maxBytes, String hint) {
        capThrows = true;
        return capLines(maxBytes, hint);
    }

    /**
     * Reads the next line.
     *
     * @return the line, or null at the end of the file
     * @throws IOException on read failure or, strictly, invalid UTF-8
     */
    public TextFiles.Line next() throws IOException {
        try {
            return readLine();
        } catch (IOException e) {
            // the reader's own defects come in file order already: none in the rest outranks them
            failed = true;
            throw e;
        }
    }

    private TextFiles.Line readLine() throws IOException {
        if (skipping) {
            skipRestOfLine();
        }
        if (position == limit && !fill()) {
            return null;
        }
        int length = 0;
        // the cap and a CR that the line may end with: more than this is over the cap
        int keep = maxLineBytes + 1;
        boolean over = false;
        while (true) {
            int end = position;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            if (end - position > keep - length) {
                // not kept: the line is over the cap whatever follows
                over = true;
                position = end;
                if (end < limit) {
                    position++;
                } else {
                    skipping = true;
                }
                break;
            }
            if (length + end - position > line.length) {
                line = Arrays.copyOf(line, (int) Math.min(keep, Math.max(2L * line.length, length + end - position)));
            }
            System.arraycopy(buffer, position, line, length, end - position);
            length += end - position;
            position = end;
            if (end < limit) {
                position++;
                break;
            }
            if (!fill()) {
                break;
            }
        }
        number++;
        if (!over && length > 0 && line[length - 1] == '\r') {
            length--;
        }
        if (over || length > maxLineBytes) {
            MalformedDatasetException defect = new MalformedDatasetException(name, Integer.toString(number),
                    "a line of at most " + maxLineBytes + " bytes" + capHint, "a longer one");
            if (leniency == Leniency.STRICT || capThrows) {
                throw defect;
            }
            return new TextFiles.Line(number, null, defect.getMessage());
        }
        String text;
        String invalid = null;
        try {
            text = decoder.reset().decode(ByteBuffer.wrap(line, 0, length)).toString();
        } catch (CharacterCodingException e) {
            MalformedDatasetException defect = invalidUtf8(Integer.toString(number), length, e);
            if (leniency == Leniency.STRICT) {
                if (inflated) {
                    // a damaged stream outranks it: its text is wrong from the damage on
                    in.transferTo(OutputStream.nullOutputStream());
                }
                throw defect;
            }
            text = null;
            invalid = defect.getMessage();
        }
        if (number == 1 && text != null && !text.isEmpty() && text.charAt(0) == TextFiles.BOM) {
            text = text.substring(1);
            report.clean(ReadReport.BOM_AT_START, 1);
        }
        return new TextFiles.Line(number, text, invalid);
    }

    /**
     * Returns the defect to throw for one that a caller found in a line already read: the first
     * defect in the rest of the file's bytes that a read of the whole file reported before using
     * any line (a damaged gzip stream; strictly, invalid UTF-8), else {@code found}. Reads the rest
     * without keeping it when the read is strict or the file inflated; lines before {@code found}'s
     * were valid, or they would have thrown. A defect this reader threw itself is returned as it is.
     *
     * @param found the defect the caller found
     * @return the defect that the whole-file readers reported
     * @throws IOException if the rest cannot be read
     */
    public MalformedDatasetException outranking(MalformedDatasetException found) throws IOException {
        if (!failed && (leniency == Leniency.STRICT || inflated)) {
            failed = true;
            try {
                checkRest();
            } catch (MalformedDatasetException earlier) {
                return earlier;
            }
        }
        return found;
    }

    /**
     * Reads every remaining line without keeping it, to find invalid UTF-8 (strict reading) and a
     * damaged gzip stream, whose text is wrong from the damage on although its check fails only at
     * the end. A line over the cap is not decoded: reading on would refuse it at its number, and
     * kept whole to be decoded it could fill the memory that the cap guards.
     *
     * @throws IOException on read failure, a damaged gzip stream or, strictly, invalid UTF-8
     */
    private void checkRest() throws IOException {
        if (skipping) {
            skipRestOfLine();
        }
        CharBuffer out = CharBuffer.allocate(256);
        // a damaged gzip stream's text is wrong from the damage on: its end is checked first
        MalformedDatasetException invalid = null;
        // the cap and a CR that the line may end with: a longer line is not kept, and not decoded
        int keep = maxLineBytes + 1;
        while (position < limit || fill()) {
            int length = 0;
            boolean over = false;
            boolean more = true;
            while (more) {
                int end = position;
                while (end < limit && buffer[end] != '\n') {
                    end++;
                }
                over |= end - position > keep - length;
                if (leniency == Leniency.STRICT && !over) {
                    if (length + end - position > line.length) {
                        line = Arrays.copyOf(line, (int) Math.min(keep, Math.max(2L * line.length, length + end - position)));
                    }
                    System.arraycopy(buffer, position, line, length, end - position);
                    length += end - position;
                }
                more = end == limit;
                position = more ? end : end + 1;
                more = more && fill();
            }
            number++;
            if (leniency == Leniency.STRICT && !over) {
                if (length > 0 && line[length - 1] == '\r') {
                    length--;
                }
                if (length > maxLineBytes) {
                    // one byte over the cap, kept as room for a CR that was none: not decoded either
                    continue;
                }
                if (out.capacity() < length) {
                    out = CharBuffer.allocate(Math.max(out.capacity() * 2, length));
                }
                out.clear();
                CoderResult r = decoder.reset().decode(ByteBuffer.wrap(line, 0, length), out, true);
                if (r.isError() && invalid == null) {
                    invalid = invalidUtf8(Integer.toString(number), length, null);
                }
            }
        }
        if (invalid != null) {
            throw invalid;
        }
    }

    /** Reads the rest of a line over the cap, through its LF, without keeping it. */
    private void skipRestOfLine() throws IOException {
        skipping = false;
        while (position < limit || fill()) {
            int end = position;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            position = end < limit ? end + 1 : end;
            if (end < limit) {
                return;
            }
        }
    }

    /** Refills the buffer; false at the end of the file. */
    private boolean fill() throws IOException {
        while (!endOfInput) {
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                endOfInput = true;
            } else if (n > 0) {
                position = 0;
                limit = n;
                return true;
            }
        }
        return false;
    }

    private MalformedDatasetException invalidUtf8(String at, int length, CharacterCodingException e) {
        // find the first bad byte by decoding incrementally
        CharsetDecoder dec = TextFiles.decoder();
        ByteBuffer bytes = ByteBuffer.wrap(line, 0, length);
        dec.decode(bytes, CharBuffer.allocate(length + 1), true);
        int bad = bytes.position();
        String what = bad < length
                ? String.format(Locale.ROOT, "byte 0x%02X at column %d", line[bad] & 0xff, bad + 1)
                : "a truncated multi-byte sequence at the end of the line";
        return new MalformedDatasetException(name, at, "valid UTF-8", what, e);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
