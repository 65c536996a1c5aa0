package io.github.prefine.core.data.internal;

import io.github.prefine.core.data.MalformedDatasetException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV: comma-separated (or by another delimiter, as {@code csv.reader(delimiter=...)}),
 * double-quoted fields may hold the delimiter, quotes and newlines, read a record at a time. Lines
 * end with LF, CRLF or a lone CR, and a line end inside quotes is kept in the field as it is; line numbers count all three, as Python's {@code csv.reader} does.
 * Byte-order marks opening a record are removed and counted ({@link #marks}). Not API.
 * Not thread-safe.
 */
public final class Csv {
    private final Reader in;
    private final String file;
    private final char delimiter;
    private final char[] buffer = new char[1 << 14];
    private int position;
    private int limit;
    private int line = 1;
    private int blankLines;
    private int marks;
    private final List<Integer> firstBlankLines = new ArrayList<>();
    /** The longest record, in UTF-8 bytes; no cap unless set. */
    private int cap = Integer.MAX_VALUE;
    private boolean overCap;
    /** Bytes of the record being read, and the line where it starts. */
    private long recordBytes;
    private int recordLine;

    /**
     * Reads records from characters.
     *
     * @param in the characters; not closed here
     * @param file short file name for errors
     */
    public Csv(Reader in, String file) {
        this(in, file, ',');
    }

    /**
     * Reads records whose fields another character separates.
     *
     * @param in the characters; not closed here
     * @param file short file name for errors
     * @param delimiter the field separator
     * @throws IllegalArgumentException if the delimiter is a quote, CR or LF
     */
    public Csv(Reader in, String file, char delimiter) {
        checkDelimiter(delimiter);
        this.in = in;
        this.file = file;
        this.delimiter = delimiter;
    }

    /**
     * Checks that a character can separate fields.
     *
     * @param delimiter the field separator
     * @throws IllegalArgumentException if it is a double quote, CR or LF, which already mean
     *     something in a CSV file
     */
    public static void checkDelimiter(char delimiter) {
        if (delimiter == '"' || delimiter == '\r' || delimiter == '\n') {
            throw new IllegalArgumentException("delimiter " + describe(delimiter)
                    + " cannot separate fields: it quotes a field or ends a line; use a comma, semicolon, TAB or |");
        }
    }

    /**
     * Names a delimiter for messages.
     *
     * @param delimiter the field separator
     * @return {@code comma}, {@code semicolon}, {@code TAB}, or the character in quotes
     */
    public static String describe(char delimiter) {
        return switch (delimiter) {
            case ',' -> "comma";
            case ';' -> "semicolon";
            case '\t' -> "TAB";
            case '\r' -> "CR";
            case '\n' -> "LF";
            default -> "'" + delimiter + "'";
        };
    }

    /**
     * Caps a record: one longer than {@code bytes} in UTF-8, without the line end that closes it,
     * fails {@link #next()} at the line where it starts before it is held (an unclosed quote held
     * the rest of the file in one field). Such a failure ends the read in every mode, as {@link
     * #overCap()} tells.
     *
     * @param bytes the cap ({@link DocumentReader#cap()})
     * @return this reader
     */
    public Csv refuseRecordsOver(int bytes) {
        this.cap = bytes;
        return this;
    }

    /**
     * Tells whether {@link #next()} failed on a record over the cap: not a defect of one record
     * that a lenient read may skip, but a setting against the file.
     *
     * @return true once a record was over the cap
     */
    public boolean overCap() {
        return overCap;
    }

    /** How many blank lines' numbers {@link #firstBlankLines()} keeps. */
    public static final int FIRST_BLANK_LINES = 3;

    /**
     * Returns how many blank lines were passed over so far (each one that {@code csv.reader}
     * returns as an empty record: before, between and after the records).
     *
     * @return the count
     */
    public int blankLines() {
        return blankLines;
    }

    /**
     * Returns the numbers of the first blank lines passed over.
     *
     * @return up to {@value #FIRST_BLANK_LINES} 1-based line numbers, in file order
     */
    public List<Integer> firstBlankLines() {
        return List.copyOf(firstBlankLines);
    }

    /**
     * Returns how many byte-order marks opening a record were removed so far: files joined with
     * {@code cat} put each file's mark at the start of a line after the first. The marks opening
     * the text are the caller's ({@link DocumentReader} removes them).
     *
     * @return the count
     */
    public int marks() {
        return marks;
    }

    /**
     * One CSV record.
     *
     * @param line 1-based line where the record starts
     * @param fields its fields
     */
    public record Row(int line, List<String> fields) {}

    /**
     * Parses a whole document.
     *
     * @param text the decoded text
     * @param file short file name for errors
     * @return the records, header included; blank lines are skipped
     * @throws MalformedDatasetException on an unterminated quote or text after a closing quote
     */
    public static List<Row> parse(String text, String file) throws MalformedDatasetException {
        Csv csv = new Csv(new StringReader(text), file);
        List<Row> rows = new ArrayList<>();
        try {
            for (Row r = csv.next(); r != null; r = csv.next()) {
                rows.add(r);
            }
        } catch (MalformedDatasetException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("a string cannot fail to read", e);
        }
        return rows;
    }

    /**
     * Reads the next record; blank lines, and the byte-order marks opening it, are skipped.
     *
     * <p>A record with a defect is read to its end first, with the record boundaries Python's
     * {@code csv.reader} finds (text after a closing quote joins the field), so that the next call
     * reads the record after it.
     *
     * @return the record, or null at the end of the text
     * @throws MalformedDatasetException on an unterminated quote (at the line where its record
     *     starts) or text after a closing quote
     * @throws IOException if the characters cannot be read
     */
    public Row next() throws IOException {
        // a blank line ends with LF, CRLF or a lone CR, as csv.reader reads lines; csv.reader
        // returns it as an empty record, passed over here as DictReader does, and counted. The
        // marks opening a record (files joined with cat) go, counted, or the first field kept
        // them and a quote after them was text; a line of marks alone is blank
        for (int c = peek(0); c == '\n' || c == '\r' || c == TextFiles.BOM; c = peek(0)) {
            if (c == TextFiles.BOM) {
                marks++;
                position++;
                continue;
            }
            blankLines++;
            if (firstBlankLines.size() < FIRST_BLANK_LINES) {
                firstBlankLines.add(line);
            }
            lineBreak(c);
        }
        if (peek(0) < 0) {
            return null;
        }
        int start = line;
        recordBytes = 0;
        recordLine = start;
        MalformedDatasetException defect = null;
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean atFieldStart = true;
        while (true) {
            int c = peek(0);
            if (c < 0) {
                fields.add(f.toString());
                break;
            }
            if (atFieldStart && c == '"') {
                position++;
                bytes(1);
                while (true) {
                    int d = peek(0);
                    if (d < 0) {
                        throw new MalformedDatasetException(file, Integer.toString(start),
                                "a closing quote for the field opened here", "the end of the file");
                    }
                    if (d == '"') {
                        if (peek(1) == '"') {
                            f.append('"');
                            position += 2;
                            bytes(2);
                            continue;
                        }
                        position++;
                        bytes(1);
                        break;
                    }
                    if (d == '\n' || d == '\r') {
                        // a CRLF inside quotes is kept whole in the field and counted once
                        f.append((char) d);
                        if (d == '\r' && peek(1) == '\n') {
                            f.append('\n');
                            bytes(1);
                        }
                        bytes(1);
                        lineBreak(d);
                        continue;
                    }
                    f.append((char) d);
                    position++;
                    grow(d);
                }
                atFieldStart = false;
                int e = peek(0);
                if (e >= 0 && e != delimiter && e != '\n' && e != '\r' && defect == null) {
                    defect = new MalformedDatasetException(file, Integer.toString(line),
                            "a " + describe(delimiter) + " or line end after a closing quote", "'" + (char) e + "'");
                }
                continue;
            }
            if (c == delimiter) {
                fields.add(f.toString());
                f.setLength(0);
                atFieldStart = true;
                position++;
                grow(c);
            } else if (c == '\n' || c == '\r') {
                fields.add(f.toString());
                lineBreak(c);
                break;
            } else {
                f.append((char) c);
                atFieldStart = false;
                position++;
                grow(c);
            }
        }
        if (defect != null) {
            throw defect;
        }
        return new Row(start, fields);
    }

    /** Counts a character's UTF-8 bytes into the record (a surrogate is half of a 4-byte one), refusing it over the cap. */
    private void grow(int c) throws MalformedDatasetException {
        bytes(c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate((char) c) ? 2 : 3);
    }

    /** Counts bytes into the record, refusing it over the cap. */
    private void bytes(int n) throws MalformedDatasetException {
        recordBytes += n;
        if (recordBytes > cap) {
            overCap = true;
            throw new MalformedDatasetException(file, Integer.toString(recordLine), "a record of at most " + cap
                    + " bytes" + TextFiles.capHint("records"), "a longer one");
        }
    }

    /** Steps over a line end that starts with {@code c}: LF, CRLF or a lone CR. */
    private void lineBreak(int c) throws IOException {
        // peek first: it may move the buffer's content, and position with it
        int length = c == '\r' && peek(1) == '\n' ? 2 : 1;
        position += length;
        line++;
    }

    /** The character {@code ahead} places on, or -1 past the end; reads more as needed. */
    private int peek(int ahead) throws IOException {
        while (position + ahead >= limit) {
            if (position > 0) {
                System.arraycopy(buffer, position, buffer, 0, limit - position);
                limit -= position;
                position = 0;
            }
            int n = in.read(buffer, limit, buffer.length - limit);
            if (n < 0) {
                return -1;
            }
            limit += n;
        }
        return buffer[position + ahead];
    }
}
