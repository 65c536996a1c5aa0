package io.github.prefine.core.tokenize.internal;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.github.prefine.eval.internal.JsonShapes;
import io.github.prefine.eval.internal.Utf8Bytes;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON files of a Hugging Face tokenizer folder ({@code tokenizer.json}, {@code
 * tokenizer_config.json}, {@code special_tokens_map.json}) as top-level objects, every error naming
 * the file, the line and column Gson stopped at, and what was expected; the other model-folder
 * readers ({@code config.json}, a sharded index, {@code prefine-model.json}), a checkpoint's {@code
 * state.json} and a grid's own files ({@code run.json}, records, run histories, results) take its
 * UTF-8 check, which places the first byte that is not UTF-8. Not API.
 *
 * <p>Stateless.
 */
public final class JsonFiles {
    /** Gson's reason, then where it stopped; a link to its troubleshooting page may follow. */
    private static final Pattern PLACE = Pattern.compile("^(.*) at line (\\d+) column (\\d+) path (\\S+)",
            Pattern.DOTALL);
    /** Gson's reason for text its strict-enough mode refuses (text after the value, bare words). */
    private static final String STRICTNESS_HINT = "Use JsonReader.setStrictness";

    /** What the check of a {@code tokenizer.json}'s text, which the native library is given, names as expected. */
    public static final String TOKENIZER_JSON = "standard JSON (a tokenizer.json)";

    /** The deepest nesting serde_json reads (its recursion limit, 128), which the native tokenizers parse with. */
    private static final int MAX_NATIVE_DEPTH = 127;
    /** Gson's reading of a value, which keeps a number's text (its number type is internal). */
    private static final TypeAdapter<JsonElement> ELEMENT = new Gson().getAdapter(JsonElement.class);

    private JsonFiles() {}

    /** Where a reader stands, as Gson's own messages end: {@code " at line L column C path P"}. */
    private static String place(JsonReader r) {
        return r.toString().substring(JsonReader.class.getSimpleName().length());
    }

    /**
     * Reads a file's text.
     *
     * @param file the file
     * @return its text, decoded as UTF-8
     * @throws IOException naming the file when it cannot be read or is not UTF-8
     */
    public static String read(Path file) throws IOException {
        return read(file, "a JSON object");
    }

    private static String read(Path file, String expected) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(file + ": cannot be read (" + e + "); expected " + expected + " in UTF-8", e);
        }
        // the JDK's own refusal ("Input length = 1") names neither the file nor the place
        String bad = notUtf8(bytes);
        if (bad != null) {
            throw new IOException(file + ": " + bad + "; expected " + expected + " in UTF-8");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Finds the first byte that is not part of UTF-8 text.
     *
     * @param bytes the bytes
     * @return where it is and what it holds, as {@code "line 3 (byte 41) holds 0x80, not UTF-8"}, or
     *     {@code null} when all the bytes are UTF-8
     */
    public static String notUtf8(byte[] bytes) {
        return Utf8Bytes.notUtf8(bytes);
    }

    /**
     * Reads and parses a file.
     *
     * @param file the file
     * @return its top-level object
     * @throws IOException as {@link #read(Path)}, or as {@link #object(String, Path, boolean)}
     */
    public static JsonObject object(Path file) throws IOException {
        return object(read(file), file, false);
    }

    /**
     * Reads and parses a file prefine wrote itself, strictly: standard JSON and one value, so that a
     * corrupt byte which Gson's lenient mode would read as an unquoted word (a name {@code
     * \u0000"topic"}) is refused where it stands.
     *
     * @param file the file
     * @return its top-level object
     * @throws IOException as {@link #read(Path)}, or naming the file, line, column and JSON path
     *     where the text stops being standard JSON, or what it holds instead of an object
     */
    public static JsonObject strictObject(Path file) throws IOException {
        String text = read(file);
        JsonElement e;
        try {
            JsonReader r = new JsonReader(new StringReader(text));
            r.setStrictness(Strictness.STRICT);
            e = JsonParser.parseReader(r);
            if (r.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonParseException("more text after the JSON value" + place(r));
            }
        } catch (RuntimeException | IOException ex) {
            throw new IOException(notJson(ex, file, false, file.toString(), "a JSON object"), ex);
        }
        if (!e.isJsonObject()) {
            throw new IOException(file + ": expected a JSON object, found " + (text.isBlank() ? "no text"
                    : JsonShapes.describe(e)));
        }
        return e.getAsJsonObject();
    }

    /**
     * Checks that a text is standard JSON and one value, without building its tree: for text handed
     * to a native library whose parser may abort the process on what it cannot read (the tokenizers
     * library panics on a non-standard {@code decoder}, {@code NaN} or a raw control character in
     * a string, instead of returning its error).
     *
     * @param text the text
     * @param file the file, which messages name
     * @param rebuilt true where the text was rebuilt from the file, as {@link #object(String, Path, boolean)}
     * @param expected what the file should hold, for messages: {@code "a tokenizer.json"}
     * @throws IOException naming the file, the line and column, and the JSON path where the text
     *     stops being standard JSON
     */
    public static void requireStandard(String text, Path file, boolean rebuilt, String expected) throws IOException {
        standard(text, file, rebuilt, expected, false);
    }

    /**
     * {@link #requireStandard}, also giving the value the text holds, as {@link #object(String, Path,
     * boolean)} would read it: one pass over a text that is both handed to the native library and
     * read (a 17 MB {@code tokenizer.json} took two). The caller checks it is an object ({@link
     * #object(JsonElement, String, Path, boolean)}), after the library, whose refusal of a text that
     * holds no object says more.
     *
     * @param text the text
     * @param file the file, which messages name
     * @param rebuilt true where the text was rebuilt from the file, as {@link #object(String, Path, boolean)}
     * @param expected what the file should hold, for messages: {@code "a tokenizer.json"}
     * @return its value
     * @throws IOException as {@link #requireStandard}
     */
    public static JsonElement standardValue(String text, Path file, boolean rebuilt, String expected)
            throws IOException {
        return standard(text, file, rebuilt, expected, true);
    }

    /** The check of {@link #requireStandard}, building the value where {@code read}, else giving null. */
    private static JsonElement standard(String text, Path file, boolean rebuilt, String expected, boolean read)
            throws IOException {
        String shown = rebuilt ? file + " (as rebuilt)" : file.toString();
        try {
            JsonReader r = new JsonReader(new StringReader(text));
            r.setStrictness(Strictness.STRICT);
            // the open arrays and objects, innermost last, and the names of the open objects' next members
            Deque<JsonElement> open = new ArrayDeque<>();
            Deque<String> names = new ArrayDeque<>();
            JsonElement[] top = {JsonNull.INSTANCE};
            Consumer<JsonElement> add = v -> {
                if (open.isEmpty()) {
                    top[0] = v;
                } else if (open.peekLast() instanceof JsonObject o) {
                    o.add(names.removeLast(), v);
                } else {
                    ((JsonArray) open.peekLast()).add(v);
                }
            };
            // token by token, not skipValue(), so that an error's JSON path names the member it is in
            // and a string's raw control character is refused (the strict check of nextString)
            int depth = 0;
            for (JsonToken t = r.peek(); t != JsonToken.END_DOCUMENT; t = r.peek()) {
                if ((t == JsonToken.BEGIN_ARRAY || t == JsonToken.BEGIN_OBJECT) && ++depth > MAX_NATIVE_DEPTH) {
                    throw new JsonParseException("arrays and objects nested deeper than " + MAX_NATIVE_DEPTH
                            + " levels, which the native JSON reader (serde_json) does not read" + place(r));
                }
                switch (t) {
                    case BEGIN_ARRAY, BEGIN_OBJECT -> {
                        if (t == JsonToken.BEGIN_ARRAY) {
                            r.beginArray();
                        } else {
                            r.beginObject();
                        }
                        if (read) {
                            open.addLast(t == JsonToken.BEGIN_ARRAY ? new JsonArray() : new JsonObject());
                        }
                    }
                    case END_ARRAY, END_OBJECT -> {
                        if (t == JsonToken.END_ARRAY) {
                            r.endArray();
                        } else {
                            r.endObject();
                        }
                        depth--;
                        if (read) {
                            add.accept(open.removeLast());
                        }
                    }
                    case NAME -> {
                        String name = r.nextName();
                        if (read) {
                            names.addLast(name);
                        }
                    }
                    default -> {
                        JsonElement leaf = leaf(r, t, read);
                        if (read) {
                            add.accept(leaf);
                        }
                    }
                }
            }
            return read ? top[0] : null;
        } catch (RuntimeException | IOException ex) {
            throw new IOException(notJson(ex, file, rebuilt, shown, expected), ex);
        }
    }

    /**
     * Reads a string, number, boolean or null, refusing a number beyond a double's range; gives its
     * value where {@code read}, else null.
     */
    private static JsonElement leaf(JsonReader r, JsonToken t, boolean read) throws IOException {
        switch (t) {
            case STRING -> {
                String string = r.nextString();
                return read ? new JsonPrimitive(string) : null;
            }
            case NUMBER -> {
                // Gson's own reading keeps the number's text, as a lenient parse does
                JsonElement value = read ? ELEMENT.read(r) : null;
                String number = read ? value.getAsString() : r.nextString();
                if (Double.isInfinite(Double.parseDouble(number))) {
                    throw new JsonParseException("number " + number + " is beyond the range of a double,"
                            + " which the native JSON reader (serde_json) refuses" + place(r));
                }
                return value;
            }
            case BOOLEAN -> {
                boolean b = r.nextBoolean();
                return read ? new JsonPrimitive(b) : null;
            }
            default -> {
                r.nextNull();
                return read ? JsonNull.INSTANCE : null;
            }
        }
    }

    /**
     * Parses the text of a file, or a text rebuilt from it.
     *
     * @param text the text
     * @param file the file, which messages name
     * @param rebuilt true where the text was rebuilt from the file, whose lines it does not share:
     *     messages then place the error in the text, not at the file's line
     * @return its top-level object
     * @throws IOException naming the file, the line and column, and Gson's reason when the text is
     *     not JSON, or what it holds instead of an object
     */
    public static JsonObject object(String text, Path file, boolean rebuilt) throws IOException {
        String shown = rebuilt ? file + " (as rebuilt)" : file.toString();
        JsonElement e;
        try {
            e = JsonParser.parseString(text);
        } catch (RuntimeException ex) {
            throw new IOException(notJson(ex, file, rebuilt, shown, "a JSON object"), ex);
        }
        return object(e, text, file, rebuilt);
    }

    /**
     * Takes the value a text holds as its top-level object, as {@link #object(String, Path, boolean)} does.
     *
     * @param value the value, as {@link #standardValue} gives it
     * @param text the text it was read from
     * @param file the file, which messages name
     * @param rebuilt true where the text was rebuilt from the file
     * @return the object
     * @throws IOException naming the file and what the text holds instead of an object
     */
    public static JsonObject object(JsonElement value, String text, Path file, boolean rebuilt) throws IOException {
        if (!value.isJsonObject()) {
            // Gson reads an empty text as null
            throw new IOException((rebuilt ? file + " (as rebuilt)" : file.toString()) + ": expected a JSON object, found "
                    + (text.isBlank() ? "no text" : JsonShapes.describe(value)));
        }
        return value.getAsJsonObject();
    }

    /**
     * Reads and parses a file whose value need not be an object (a JSON array of losses), as
     * {@link #object(Path)} does: Gson's lenient mode, which reads the NaN prefine writes.
     *
     * @param file the file
     * @param expected what the file should hold, for messages: {@code "an array of losses"}
     * @return its value
     * @throws IOException naming the file and what was expected, as {@link #read(Path)} does, or
     *     the line, column and JSON path where the text stops being JSON
     */
    public static JsonElement value(Path file, String expected) throws IOException {
        String text = read(file, expected);
        try {
            JsonElement e = JsonParser.parseString(text);
            if (text.isBlank()) {
                throw new IOException(file + ": expected " + expected + ", found no text");
            }
            return e;
        } catch (RuntimeException ex) {
            throw new IOException(notJson(ex, file, false, file.toString(), expected), ex);
        }
    }

    /** Gson's refusal, placed as {@code file:line} (or in the rebuilt text) with its column and JSON path. */
    private static String notJson(Exception ex, Path file, boolean rebuilt, String shown, String expected) {
        // Gson wraps the reader's exception, whose message is the one that places the error
        String message = String.valueOf(ex.getCause() != null ? ex.getCause().getMessage() : ex.getMessage());
        Matcher place = PLACE.matcher(message);
        if (!place.find()) {
            return shown + ": not JSON: " + message + "; expected " + expected;
        }
        String reason = place.group(1).startsWith(STRICTNESS_HINT) ? "malformed JSON" : place.group(1);
        String at = "column " + place.group(3) + " (JSON path " + place.group(4) + "): " + reason
                + "; expected " + expected;
        return rebuilt ? shown + ": not JSON at line " + place.group(2) + " " + at
                : file + ":" + place.group(2) + ": not JSON at " + at;
    }
}
