package io.github.prefine.core.data.internal;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.MalformedDatasetException;
import io.github.prefine.core.data.ReadReport;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Strict UTF-8 decoding of dataset files, with line numbers for every defect. Not API. */
public final class TextFiles {
    private TextFiles() {}

    /** The byte-order mark character. */
    public static final char BOM = '\uFEFF';

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
     * Reads all bytes, decompressing {@code .gz} files.
     *
     * @param file the file
     * @return its (decompressed) bytes
     * @throws MalformedDatasetException if a {@code .gz} file is cut short or not gzip
     * @throws IOException on read failure
     */
    public static byte[] readBytes(Path file) throws IOException {
        if (file.getFileName().toString().endsWith(".gz")) {
            // the raw stream is a resource of its own: GZIPInputStream reads the header in its
            // constructor, and a file that is not gzip would otherwise stay open
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream raw = Files.newInputStream(file); InputStream in = new GZIPInputStream(raw)) {
                in.transferTo(out);
                return out.toByteArray();
            } catch (ZipException | EOFException e) {
                // a cut-short download or a file that is not gzip: the JDK's message names neither
                // the file nor how far the text got
                byte[] got = out.toByteArray();
                int line = 1;
                for (byte b : got) {
                    if (b == '\n') {
                        line++;
                    }
                }
                throw new MalformedDatasetException(shortName(file), got.length == 0 ? "" : Integer.toString(line),
                        "a complete gzip stream", (e.getMessage() == null ? "the end of the file" : "'" + e.getMessage() + "'")
                        + " after " + got.length + " bytes of text", e);
            }
        }
        return Files.readAllBytes(file);
    }

    private static CharsetDecoder decoder() {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /**
     * Decodes a file into lines; a leading byte-order mark is removed and counted.
     *
     * <p>Lines end at LF; a CR before it is dropped. Because a LF byte never occurs inside a UTF-8
     * multi-byte sequence, each line is decoded on its own, which gives exact line numbers for
     * invalid bytes.
     *
     * @param file the file
     * @param leniency strict throws on invalid UTF-8; lenient yields a line with null text
     * @param report receives the BOM count
     * @return the lines; a final empty line after the last LF is not returned
     * @throws IOException on read failure or, strictly, invalid UTF-8
     */
    public static List<Line> lines(Path file, Leniency leniency, ReadReport.Builder report)
            throws IOException {
        byte[] bytes = readBytes(file);
        String name = shortName(file);
        List<Line> lines = new ArrayList<>();
        CharsetDecoder dec = decoder();
        int start = 0;
        int number = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            number++;
            int stop = end;
            if (stop > start && bytes[stop - 1] == '\r') {
                stop--;
            }
            String text;
            String invalid = null;
            try {
                text = dec.reset().decode(ByteBuffer.wrap(bytes, start, stop - start)).toString();
            } catch (CharacterCodingException e) {
                MalformedDatasetException defect = invalidUtf8(name, Integer.toString(number), bytes, start, stop, e);
                if (leniency == Leniency.STRICT) {
                    throw defect;
                }
                text = null;
                invalid = defect.getMessage();
            }
            if (number == 1 && text != null && !text.isEmpty() && text.charAt(0) == BOM) {
                text = text.substring(1);
                report.clean(ReadReport.BOM_AT_START, 1);
            }
            lines.add(new Line(number, text, invalid));
            start = end + 1;
        }
        return lines;
    }

    /**
     * Decodes a whole file as one string; a leading byte-order mark is removed and counted.
     *
     * @param file the file
     * @param report receives the BOM count
     * @return the text
     * @throws IOException on read failure or invalid UTF-8 (in every mode)
     */
    public static String text(Path file, ReadReport.Builder report) throws IOException {
        byte[] bytes = readBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CharsetDecoder dec = decoder();
        var result = dec.decode(in, out, true);
        if (result.isError()) {
            int bad = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < bad; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw new MalformedDatasetException(
                    shortName(file),
                    Integer.toString(line),
                    "valid UTF-8",
                    String.format("byte 0x%02X at column %d", bytes[bad] & 0xff, bad - lineStart + 1));
        }
        dec.flush(out);
        out.flip();
        String s = out.toString();
        if (!s.isEmpty() && s.charAt(0) == BOM) {
            s = s.substring(1);
            report.clean(ReadReport.BOM_AT_START, 1);
        }
        return s;
    }

    private static MalformedDatasetException invalidUtf8(
            String name, String line, byte[] bytes, int start, int stop, CharacterCodingException e) {
        // find the first bad byte by decoding incrementally
        CharsetDecoder dec = decoder();
        ByteBuffer in = ByteBuffer.wrap(bytes, start, stop - start);
        CharBuffer out = CharBuffer.allocate(stop - start + 1);
        dec.decode(in, out, true);
        int bad = in.position();
        String what = bad < stop
                ? String.format("byte 0x%02X at column %d", bytes[bad] & 0xff, bad - start + 1)
                : "a truncated multi-byte sequence at the end of the line";
        return new MalformedDatasetException(name, line, "valid UTF-8", what, e);
    }

    /**
     * Tells whether a line is blank: empty or only whitespace (a lone TAB counts as blank).
     *
     * @param s the line
     * @return true when blank
     */
    public static boolean isBlank(String s) {
        return s.isBlank();
    }
}
