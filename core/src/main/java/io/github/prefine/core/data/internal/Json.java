package io.github.prefine.core.data.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import io.github.prefine.core.data.MalformedDatasetException;
import io.github.prefine.eval.files.StrictJson;
import java.io.IOException;
import java.io.StringReader;

/** Shape-checked access to parsed JSON, with JSON paths in every error. Not API. */
public final class Json {
    private Json() {}

    /**
     * Parses one JSON value strictly: standard JSON, one value, each name once per object.
     *
     * @param text the JSON text
     * @param file short file name for messages
     * @param line line number for messages, or empty
     * @return the value
     * @throws MalformedDatasetException if it does not parse, or an object repeats a name
     */
    public static JsonElement parse(String text, String file, String line) throws MalformedDatasetException {
        try {
            JsonReader r = new JsonReader(new StringReader(text));
            r.setStrictness(Strictness.STRICT);
            JsonElement e = JsonParser.parseReader(r);
            if (!atEnd(r)) {
                // JsonReader.toString() ends with " at line L column C path P"
                throw new JsonParseException("more text after the JSON value"
                        + r.toString().substring(JsonReader.class.getSimpleName().length()));
            }
            // Gson keeps the last of two equal names, which would drop the first value uncounted
            JsonReader again = new JsonReader(new StringReader(text));
            again.setStrictness(Strictness.STRICT);
            rejectRepeatedNames(again, file, line);
            return e;
        } catch (MalformedDatasetException e) {
            throw e;
        } catch (JsonParseException | java.io.IOException | IllegalStateException e) {
            throw syntaxError(e, file, line);
        }
    }

    /**
     * Opens a strict reader over characters: standard JSON, with Gson's nesting limit.
     *
     * @param in the characters
     * @return the reader
     */
    public static JsonReader strictReader(java.io.Reader in) {
        JsonReader r = new JsonReader(in);
        r.setStrictness(Strictness.STRICT);
        return r;
    }

    // reads every value as Gson's tree parser does (strings unescaped, so bad escapes fail) and
    // notes the first repeated name with the place the reader names right after it
    static void walk(JsonReader r, String[] repeated) throws IOException {
        switch (r.peek()) {
            case BEGIN_OBJECT -> {
                r.beginObject();
                java.util.Set<String> names = new java.util.HashSet<>();
                while (r.hasNext()) {
                    String name = r.nextName();
                    if (!names.add(name) && repeated[0] == null) {
                        repeated[0] = name;
                        repeated[1] = r.toString();
                    }
                    walk(r, repeated);
                }
                r.endObject();
            }
            case BEGIN_ARRAY -> {
                r.beginArray();
                while (r.hasNext()) {
                    walk(r, repeated);
                }
                r.endArray();
            }
            case BOOLEAN -> r.nextBoolean();
            case NULL -> r.nextNull();
            default -> r.nextString();
        }
    }

    // the old whole-text rule: a file is empty when all its characters are whitespace
    static boolean onlyWhitespace(DocumentReader doc) throws IOException {
        char[] rest = new char[8192];
        while (doc.onlyWhitespaceSoFar() && doc.read(rest, 0, rest.length) >= 0) {
            // reading on until the end or a character that is not whitespace
        }
        return doc.onlyWhitespaceSoFar();
    }

    private static void rejectRepeatedNames(JsonReader r, String file, String line) throws java.io.IOException {
        String name = StrictJson.firstRepeatedName(r);
        if (name != null) {
            // JsonReader.toString() names the place as Gson's messages do
            StrictJson.Syntax at = StrictJson.syntax(r.toString());
            throw new MalformedDatasetException(file, where(line, at), "each name once per object",
                    "'" + name + "' again" + column(at));
        }
    }

    // a strict reader refuses a second top-level value with its generic "malformed JSON" message
    static boolean atEnd(JsonReader r) throws java.io.IOException {
        try {
            return r.peek() == com.google.gson.stream.JsonToken.END_DOCUMENT;
        } catch (com.google.gson.stream.MalformedJsonException x) {
            return false;
        }
    }

    // Gson's message is "<reason> at line L column C path P": the reason in plain words, the place in the location
    static MalformedDatasetException syntaxError(Exception e, String file, String line) {
        StrictJson.Syntax s = StrictJson.syntax(e);
        return new MalformedDatasetException(file, where(line, s), "valid JSON", "'" + s.reason() + "'" + column(s), e);
    }

    /** The line a JSON-lines caller gave, else the one Gson names in a whole-file document. */
    static String where(String line, StrictJson.Syntax s) {
        return line.isEmpty() && s.located() ? Integer.toString(s.line()) : line;
    }

    static String column(StrictJson.Syntax s) {
        return s.located() ? " at column " + s.column() + " (" + s.path() + ")" : "";
    }

    /**
     * Describes the kind of a JSON value for messages.
     *
     * @param e the value, possibly null (absent)
     * @return {@code nothing}, {@code null}, {@code an object}, {@code an array}, {@code a string}...
     */
    public static String kind(JsonElement e) {
        if (e == null) {
            return "nothing";
        }
        if (e.isJsonNull()) {
            return "null";
        }
        if (e.isJsonObject()) {
            return "an object";
        }
        if (e.isJsonArray()) {
            return "an array";
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        return p.isString() ? "a string" : p.isNumber() ? "a number" : "a boolean";
    }

    /**
     * Describes the kind of the value a reader stands before, in the words of {@link #kind(JsonElement)}.
     *
     * @param token the reader's next token
     * @return {@code null}, {@code an object}, {@code an array}, {@code a string}...
     */
    public static String kind(com.google.gson.stream.JsonToken token) {
        return switch (token) {
            case BEGIN_OBJECT -> "an object";
            case BEGIN_ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "nothing";
        };
    }

    /** A cursor naming its place in the document, for errors. */
    public static final class At {
        private final String file;
        private final String line;

        /**
         * Creates a cursor factory for one file (and line, for JSON lines).
         *
         * @param file short file name
         * @param line line number, or empty for a whole document
         */
        public At(String file, String line) {
            this.file = file;
            this.line = line;
        }

        /**
         * Builds the error for a value of the wrong shape.
         *
         * @param path JSON path
         * @param expected what was expected
         * @param found what was found
         * @return the exception
         */
        public MalformedDatasetException error(String path, String expected, String found) {
            if (line.isEmpty()) {
                return new MalformedDatasetException(file, path, expected, found);
            }
            return new MalformedDatasetException(file, line, path + " to be " + expected, found);
        }

        /**
         * Requires an object.
         *
         * @param e the value
         * @param path its JSON path
         * @return the object
         * @throws MalformedDatasetException otherwise
         */
        public JsonObject object(JsonElement e, String path) throws MalformedDatasetException {
            if (e == null || !e.isJsonObject()) {
                throw error(path, "an object", kind(e));
            }
            return e.getAsJsonObject();
        }

        /**
         * Requires an array member.
         *
         * @param o the parent
         * @param key member name
         * @param path parent's path
         * @return the array
         * @throws MalformedDatasetException otherwise
         */
        public JsonArray array(JsonObject o, String key, String path) throws MalformedDatasetException {
            JsonElement e = o.get(key);
            if (e == null || !e.isJsonArray()) {
                throw error(path + "." + key, "an array", kind(e));
            }
            return e.getAsJsonArray();
        }

        /**
         * Requires a string member.
         *
         * @param o the parent
         * @param key member name
         * @param path parent's path
         * @return the string
         * @throws MalformedDatasetException otherwise
         */
        public String string(JsonObject o, String key, String path) throws MalformedDatasetException {
            return string(o.get(key), path + "." + key);
        }

        /**
         * Requires a string value.
         *
         * @param e the value
         * @param path its path
         * @return the string
         * @throws MalformedDatasetException otherwise
         */
        public String string(JsonElement e, String path) throws MalformedDatasetException {
            if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw error(path, "a string", kind(e));
            }
            return e.getAsString();
        }

        /**
         * Requires a scalar member (string, number or boolean) and returns its text.
         *
         * @param o the parent
         * @param key member name
         * @param path parent's path
         * @return the text ({@code true}/{@code false} for booleans, numbers as written)
         * @throws MalformedDatasetException otherwise
         */
        public String scalar(JsonObject o, String key, String path) throws MalformedDatasetException {
            JsonElement e = o.get(key);
            if (e == null || !e.isJsonPrimitive()) {
                throw error(path + "." + key, "a string, number or boolean", kind(e));
            }
            return e.getAsString();
        }

        /**
         * Requires an integer member.
         *
         * @param o the parent
         * @param key member name
         * @param path parent's path
         * @return the value
         * @throws MalformedDatasetException otherwise
         */
        public int integer(JsonObject o, String key, String path) throws MalformedDatasetException {
            return integer(o.get(key), path + "." + key);
        }

        /**
         * Requires an integer value.
         *
         * @param e the value
         * @param path its path
         * @return the value
         * @throws MalformedDatasetException otherwise
         */
        public int integer(JsonElement e, String path) throws MalformedDatasetException {
            if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw error(path, "an integer", kind(e));
            }
            try {
                return Integer.parseInt(e.getAsString());
            } catch (NumberFormatException x) {
                throw error(path, "an integer", e.getAsString());
            }
        }
    }
}
