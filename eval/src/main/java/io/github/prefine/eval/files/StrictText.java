package io.github.prefine.eval.files;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.github.prefine.eval.internal.JsonShapes;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads prediction files as UTF-8 and JSON with no leniency: a bad byte is reported with its
 * offset and line, and JSON must be standard (double-quoted names and strings, no comments, one
 * value per document). Stateless.
 */
final class StrictText {
    private StrictText() {}

    /**
     * Reads a whole file as UTF-8.
     *
     * @param file the file
     * @return its text
     * @throws PredictionFileException at the first byte that is not UTF-8, naming its offset and line
     * @throws IOException if reading fails
     */
    static String readUtf8(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate((int) Math.ceil(bytes.length * (double) d.maxCharsPerByte()) + 1);
        CoderResult r = d.decode(in, out, true);
        if (!r.isError()) {
            r = d.flush(out);
        }
        if (r.isError()) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new PredictionFileException(file, line + " (byte " + offset + ")", "UTF-8 text",
                    String.format(Locale.ROOT, "the byte 0x%02X; save the file as UTF-8", bytes[offset] & 0xff));
        }
        out.flip();
        String text = out.toString();
        // a byte-order mark is not part of the content
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /**
     * Parses one strict JSON document.
     *
     * @param file the file, for messages
     * @param text the document
     * @param line the line it starts at in the file, or 0 when it is the whole file
     * @return the value
     * @throws PredictionFileException naming line, column and JSON path of the first defect
     */
    static JsonElement parseJson(Path file, String text, int line) throws PredictionFileException {
        try (JsonReader r = new JsonReader(new StringReader(text))) {
            r.setStrictness(Strictness.STRICT);
            JsonElement e = JsonParser.parseReader(r);
            if (r.peek() != JsonToken.END_DOCUMENT) {
                throw new PredictionFileException(file, location(line, r.getPath()), "one JSON value",
                        "more text after it (" + r.peek() + ")");
            }
            // Gson keeps the last of two equal names silently; a repeated id is an error here
            try (JsonReader again = new JsonReader(new StringReader(text))) {
                again.setStrictness(Strictness.STRICT);
                rejectDuplicateNames(again, file, line);
            }
            return e;
        } catch (JsonParseException | IOException e) {
            if (e instanceof PredictionFileException p) {
                throw p;
            }
            StrictJson.Syntax s = StrictJson.syntax(e);
            String where = line == 0 ? "$" : Integer.toString(line);
            if (s.located()) {
                where = (line == 0 ? "line " + s.line() : Integer.toString(line)) + " column " + s.column() + " " + s.path();
            }
            throw new PredictionFileException(file, where, "strict JSON (double-quoted names and strings)", s.reason(), e);
        }
    }

    private static void rejectDuplicateNames(JsonReader r, Path file, int line) throws IOException {
        String name = StrictJson.firstRepeatedName(r);
        if (name != null) {
            throw new PredictionFileException(file, location(line, r.getPath()), "each name (id) once in an object",
                    "\"" + JsonShapes.abbreviate(name) + "\" again");
        }
    }

    private static String location(int line, String path) {
        return (line == 0 ? "" : line + ": ") + path;
    }
}
