package io.github.prefine.core.data.internal;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.MalformedDatasetException;
import io.github.prefine.core.data.ReadReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Opens dataset files for reading a line or a buffer at a time, inflating {@code .gz} files as
 * they are read, with strict UTF-8 decoding and line numbers for every defect. Not API.
 */
public final class TextFiles {
    private TextFiles() {}

    /** The byte-order mark character. */
    public static final char BOM = '\uFEFF';

    /**
     * The system property that sets the longest piece of a dataset file that a reader holds whole,
     * in bytes: {@value}. A piece is a line of a file read a line at a time, a string, name or
     * number of a JSON document, a record of a CSV file.
     */
    public static final String MAX_LINE_BYTES_PROPERTY = "prefine.maxLineBytes";

    /** The longest line by default: 64 MiB, far above any line of a real dataset. */
    public static final int DEFAULT_MAX_LINE_BYTES = 64 << 20;

    /** The largest cap, 1 GiB, here and for {@code predict --max-line-bytes}: a line's bytes, and its text, must fit Java arrays. */
    public static final int LARGEST_MAX_LINE_BYTES = 1 << 30;

    /** What a line over the cap is told: the setting to raise. */
    private static final String CAP_HINT = capHint("lines");

    /**
     * Names the setting that raises the cap, for the message about a piece over it.
     *
     * @param pieces what is capped, in the plural: {@code lines}, {@code values}, {@code records}
     * @return for example {@code " (raise -Dprefine.maxLineBytes for longer values)"}
     */
    static String capHint(String pieces) {
        return " (raise -D" + MAX_LINE_BYTES_PROPERTY + " for longer " + pieces + ")";
    }

    /** A counter that counts nothing, for reads nobody watches. */
    public static final LongConsumer UNCOUNTED = n -> {};

    /**
     * One decoded line.
     *
     * @param number 1-based line number
     * @param text the line without its terminator, or null when it is not valid UTF-8 (lenient)
     * @param invalid when {@code text} is null, the located message a strict read would have
     *     thrown; else null
     */
    public record Line(int number, String text, String invalid) {
        /**
         * A decoded line.
         *
         * @param number 1-based line number
         * @param text the line
         */
        public Line(int number, String text) {
            this(number, text, null);
        }
    }

    /**
     * Returns the short name used in messages: parent folder and file name.
     *
     * @param file the path
     * @return for example {@code wnut17/wnut17train.conll}
     */
    public static String shortName(Path file) {
        Path name = file.getFileName();
        Path parent = file.getParent();
        if (parent == null || parent.getFileName() == null) {
            return String.valueOf(name);
        }
        return parent.getFileName() + "/" + name;
    }

    /**
     * Opens a file's bytes, inflating {@code .gz} files as they are read.
     *
     * @param file the file
     * @return its (inflated) bytes; the caller closes it
     * @throws MalformedDatasetException if a {@code .gz} file's header is not gzip; a stream cut
     *     short fails the same way when the read reaches the cut
     * @throws IOException on read failure
     */
    public static InputStream open(Path file) throws IOException {
        return open(file, UNCOUNTED);
    }

    /**
     * Opens a file's bytes as {@link #open(Path)} does, counting the bytes taken from the file.
     *
     * @param file the file
     * @param bytesRead receives the number of the file's bytes each read took (compressed bytes
     *     for a {@code .gz} file), on the reading thread; over a whole read they sum to the file's size
     * @return its (inflated) bytes; the caller closes it
     * @throws MalformedDatasetException if a {@code .gz} file's header is not gzip
     * @throws IOException on read failure
     */
    public static InputStream open(Path file, LongConsumer bytesRead) throws IOException {
        InputStream raw = Files.newInputStream(file);
        if (bytesRead != UNCOUNTED) {
            raw = new CountedInput(raw, bytesRead);
        }
        if (isGzip(file)) {
            return InflatedInput.open(raw, shortName(file));
        }
        return raw;
    }

    private static boolean isGzip(Path file) {
        return file.getFileName().toString().endsWith(".gz");
    }

    static CharsetDecoder decoder() {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /**
     * Opens a file's lines, read one at a time and once (see {@link LineReader}); a line longer than
     * {@link #maxLineBytes} fails the read in every mode, at its file and line.
     *
     * @param file the file
     * @param leniency strict throws on invalid UTF-8; lenient yields a line with null text
     * @param report receives the byte-order-mark count
     * @return the lines; the caller closes them
     * @throws IOException if the file cannot be opened
     */
    public static LineReader lines(Path file, Leniency leniency, ReadReport.Builder report) throws IOException {
        return lines(file, leniency, report, UNCOUNTED);
    }

    /**
     * Opens a file's lines as {@link #lines(Path, Leniency, ReadReport.Builder)} does, counting
     * the bytes taken from the file as {@link #open(Path, LongConsumer)} does. A line longer than
     * {@link #maxLineBytes} fails the read in every mode, at its file and line: it is a setting
     * against the file, not a defect of one line that a lenient read could skip.
     *
     * @param file the file
     * @param leniency strict throws on invalid UTF-8; lenient yields a line with null text
     * @param report receives the byte-order-mark count
     * @param bytesRead receives the number of the file's bytes each read took
     * @return the lines; the caller closes them
     * @throws IOException if the file cannot be opened
     */
    public static LineReader lines(Path file, Leniency leniency, ReadReport.Builder report, LongConsumer bytesRead)
            throws IOException {
        int cap = maxLineBytes();
        return new LineReader(open(file, bytesRead), shortName(file), leniency, report, isGzip(file))
                .refuseLinesOver(cap, CAP_HINT);
    }

    /**
     * Returns the longest line, in bytes without its terminator, that a file opened with {@link
     * #lines(Path, Leniency, ReadReport.Builder, LongConsumer)} may hold, and the longest JSON
     * string or number, or CSV record, of a file opened with {@link #document}: {@value
     * #MAX_LINE_BYTES_PROPERTY} when set, else {@link #DEFAULT_MAX_LINE_BYTES}. Without a cap one
     * line of a file without newlines, or one JSON string, was read whole into memory.
     *
     * @return the cap, 1 to 1 GiB
     * @throws IllegalArgumentException if the property is not a whole number from 1 to 1 GiB
     */
    public static int maxLineBytes() {
        String v = System.getProperty(MAX_LINE_BYTES_PROPERTY);
        if (v == null) {
            return DEFAULT_MAX_LINE_BYTES;
        }
        int cap = 0;
        try {
            cap = Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            // refused below with the range
        }
        if (cap < 1 || cap > LARGEST_MAX_LINE_BYTES) {
            throw new IllegalArgumentException("-D" + MAX_LINE_BYTES_PROPERTY + ": expected a whole number of bytes from 1 to "
                    + LARGEST_MAX_LINE_BYTES + " (1 GiB), found '" + v + "'");
        }
        return cap;
    }

    /**
     * Reads a stream's lines (standard input, a file opened elsewhere) as {@link #lines(Path,
     * Leniency, ReadReport.Builder)} reads a file's, without inflating.
     *
     * @param in the bytes; closed when the lines are
     * @param name the name that messages give the input
     * @param leniency strict throws on invalid UTF-8; lenient yields a line with null text
     * @param report receives the byte-order-mark count
     * @return the lines; the caller closes them
     */
    public static LineReader lines(InputStream in, String name, Leniency leniency, ReadReport.Builder report) {
        return new LineReader(in, name, leniency, report, false);
    }

    /**
     * Opens a whole-document file as characters (see {@link DocumentReader}); invalid UTF-8 fails
     * the read in every mode. The reader carries {@link #maxLineBytes} as the cap on a piece held
     * whole: a JSON string or number, a CSV record.
     *
     * @param file the file
     * @param report receives the byte-order-mark count
     * @return the characters; the caller closes them
     * @throws IOException if the file cannot be opened
     */
    public static DocumentReader document(Path file, ReadReport.Builder report) throws IOException {
        return document(file, report, UNCOUNTED);
    }

    /**
     * Opens a whole-document file as {@link #document(Path, ReadReport.Builder)} does, counting
     * the bytes taken from the file as {@link #open(Path, LongConsumer)} does.
     *
     * @param file the file
     * @param report receives the byte-order-mark count
     * @param bytesRead receives the number of the file's bytes each read took
     * @return the characters; the caller closes them
     * @throws IOException if the file cannot be opened
     * @throws IllegalArgumentException if {@value #MAX_LINE_BYTES_PROPERTY} is out of range
     */
    public static DocumentReader document(Path file, ReadReport.Builder report, LongConsumer bytesRead)
            throws IOException {
        int cap = maxLineBytes();
        return new DocumentReader(open(file, bytesRead), shortName(file), report, cap);
    }

    /**
     * Counts the byte-order marks opening a line: files joined with {@code cat} put each file's
     * mark at the start of a line after the first.
     *
     * @param text a line, or null (invalid UTF-8)
     * @return how many U+FEFF characters open it; 0 for null
     */
    public static int leadingMarks(String text) {
        int marks = 0;
        while (text != null && marks < text.length() && text.charAt(marks) == BOM) {
            marks++;
        }
        return marks;
    }

    /**
     * Removes the byte-order marks opening a line and counts them ({@link
     * ReadReport#BOM_AT_LINE_START}): files joined with {@code cat} put each file's mark at the start
     * of a line after the first, and a file saved with two keeps the second on line 1 once {@link
     * LineReader} removed the first. Left in, a mark became part of the line's first field.
     *
     * @param line a line, or null at the end of the file
     * @param report receives the count
     * @return the line without its leading marks; {@code line} itself when it has none
     */
    public static Line withoutLeadingMarks(Line line, ReadReport.Builder report) {
        int marks = line == null ? 0 : leadingMarks(line.text());
        if (marks == 0) {
            return line;
        }
        report.clean(ReadReport.BOM_AT_LINE_START, marks);
        return new Line(line.number(), line.text().substring(marks));
    }

    /**
     * Tells whether a line is blank: empty or only white space (a lone TAB counts as blank), white
     * space being Java's ({@link Character#isWhitespace}) or a Unicode space separator ({@link
     * Character#isSpaceChar}) or U+0085, the no-break spaces U+00A0, U+2007 and U+202F included,
     * which {@code String.isBlank} does not count and Python's {@code str.isspace} does: the same
     * code points as {@code str.isspace}.
     *
     * @param s the line
     * @return true when blank
     */
    public static boolean isBlank(String s) {
        return s.codePoints().allMatch(TextFiles::isSpace);
    }

    /**
     * Tells whether a code point is white space as {@link #isBlank} reads it.
     *
     * @param cp the code point
     * @return true for Java's whitespace, a Unicode space separator or U+0085, the code points
     *     Python's {@code str.isspace} takes
     */
    public static boolean isSpace(int cp) {
        // U+0085 (NEXT LINE) is a control to Java, white space to Python (and Unicode's White_Space)
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }
}
