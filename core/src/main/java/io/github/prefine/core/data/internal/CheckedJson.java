package io.github.prefine.core.data.internal;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import io.github.prefine.core.data.MalformedDatasetException;
import io.github.prefine.eval.files.StrictJson;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * A whole-document JSON file read once by a caller's walk, and checked as it goes as a parse into
 * a tree was: one standard JSON value, strings unescaped, each name once per object. Not API.
 *
 * <p>The readers before parsed the whole document first, so its defects outranked every defect
 * the walk finds: a syntax error anywhere (after the rest of a {@code .gz} stream is checked), then
 * text after the value, then the first repeated name. A walk reads through this class's methods,
 * which note every name of every open object; when it fails with a defect of its own, the rest of
 * the document is read with the same checks before that defect is thrown. A string, name or number
 * longer than the document's cap ({@link DocumentReader#refuseJsonValuesOver()}) fails the read
 * first. Not thread-safe.
 */
public final class CheckedJson {
    /** What a caller does with the document. */
    @FunctionalInterface
    public interface Walk {
        /**
         * Walks the document from its first value.
         *
         * @param json the document
         * @throws IOException on a defect the caller finds, or from the reader
         */
        void walk(CheckedJson json) throws IOException;
    }

    private static final Set<String> ARRAY = Set.of();
    /**
     * Gson's own tree adapter, for numbers: it keeps their text as its tree parser does, through
     * public API; the class it uses is in a package that Gson's module does not export, so naming
     * it failed on the module path (IllegalAccessError).
     */
    private static final TypeAdapter<JsonElement> ELEMENTS = new Gson().getAdapter(JsonElement.class);

    private final DocumentReader doc;
    private final JsonReader reader;
    private final String file;
    /** The names read so far in each open object, {@link #ARRAY} for an open array; innermost first. */
    private final Deque<Set<String>> open = new ArrayDeque<>();
    private final String[] repeated = new String[2];
    private boolean started;

    private CheckedJson(DocumentReader doc, String file) {
        // every string Gson reads it holds whole, a walk's or one it passes over
        this.doc = doc.refuseJsonValuesOver();
        this.reader = Json.strictReader(doc);
        this.file = file;
    }

    /**
     * Reads a document once with {@code walk}.
     *
     * @param doc the document; read to its end, not closed
     * @param file short file name for messages
     * @param expected what the file should hold, for the message about a file of only whitespace
     * @param walk the caller's walk; a document Gson's tree parser read as null (a second
     *     byte-order mark, which Gson skips) reaches it with a reader at its end
     * @throws MalformedDatasetException if the file holds only whitespace, is not JSON, holds more
     *     than one value or repeats a name in an object, else the walk's defect
     * @throws IOException on read failure
     */
    public static void read(DocumentReader doc, String file, String expected, Walk walk) throws IOException {
        new CheckedJson(doc, file).read(expected, walk);
    }

    private void read(String expected, Walk walk) throws IOException {
        MalformedDatasetException defect = null;
        try {
            try {
                reader.peek();
            } catch (MalformedDatasetException e) {
                throw e;
            } catch (IOException | IllegalStateException e) {
                if (Json.onlyWhitespace(doc)) {
                    throw new MalformedDatasetException(file, "", expected, "an empty file");
                }
                if (!(e instanceof EOFException)) {
                    throw e;
                }
                // nothing else to check: the walk finds a null root
                walk.walk(this);
                return;
            }
            try {
                walk.walk(this);
            } catch (MalformedDatasetException e) {
                if (doc.failed()) {
                    throw e;
                }
                defect = e;
                rest();
            }
            if (!Json.atEnd(reader)) {
                throw new JsonParseException("more text after the JSON value"
                        + reader.toString().substring(JsonReader.class.getSimpleName().length()));
            }
            if (repeated[0] != null) {
                StrictJson.Syntax at = StrictJson.syntax(repeated[1]);
                throw new MalformedDatasetException(file, Json.where("", at), "each name once per object",
                        "'" + repeated[0] + "' again" + Json.column(at));
            }
        } catch (MalformedDatasetException e) {
            throw e;
        } catch (JsonParseException | IOException | IllegalStateException e) {
            doc.drain();
            throw Json.syntaxError(e, file, "");
        }
        if (defect != null) {
            throw defect;
        }
    }

    /**
     * Returns the reader, for peeking, {@code hasNext} and reading strings and numbers.
     *
     * @return the reader
     */
    public JsonReader reader() {
        return reader;
    }

    /**
     * Begins an object.
     *
     * @throws IOException if the next token is not one
     */
    public void beginObject() throws IOException {
        reader.beginObject();
        started = true;
        open.push(new HashSet<>());
    }

    /**
     * Ends an object.
     *
     * @throws IOException if the next token does not end one
     */
    public void endObject() throws IOException {
        reader.endObject();
        open.pop();
    }

    /**
     * Begins an array.
     *
     * @throws IOException if the next token is not one
     */
    public void beginArray() throws IOException {
        reader.beginArray();
        started = true;
        open.push(ARRAY);
    }

    /**
     * Ends an array.
     *
     * @throws IOException if the next token does not end one
     */
    public void endArray() throws IOException {
        reader.endArray();
        open.pop();
    }

    /**
     * Reads a name of the innermost open object, noting the first name that comes twice.
     *
     * @return the name
     * @throws IOException if the next token is not a name
     */
    public String nextName() throws IOException {
        String name = reader.nextName();
        if (!open.peek().add(name) && repeated[0] == null) {
            repeated[0] = name;
            // JsonReader.toString() names the place as Gson's messages do
            repeated[1] = reader.toString();
        }
        return name;
    }

    /**
     * Reads past the next value, checking it as a tree parse did.
     *
     * @throws IOException if it is not valid JSON
     */
    public void skipValue() throws IOException {
        started = true;
        Json.walk(reader, repeated);
    }

    /**
     * Reads the next value into a tree, as Gson's tree parser does (the last of two equal names
     * wins; the first is noted and fails the read at the end).
     *
     * @return the value
     * @throws IOException if it is not valid JSON
     */
    public JsonElement tree() throws IOException {
        started = true;
        switch (reader.peek()) {
            case BEGIN_OBJECT -> {
                beginObject();
                JsonObject o = new JsonObject();
                while (reader.hasNext()) {
                    String name = nextName();
                    o.add(name, tree());
                }
                endObject();
                return o;
            }
            case BEGIN_ARRAY -> {
                beginArray();
                JsonArray a = new JsonArray();
                while (reader.hasNext()) {
                    a.add(tree());
                }
                endArray();
                return a;
            }
            case STRING -> {
                return new JsonPrimitive(reader.nextString());
            }
            case NUMBER -> {
                return ELEMENTS.read(reader);
            }
            case BOOLEAN -> {
                return new JsonPrimitive(reader.nextBoolean());
            }
            case NULL -> {
                reader.nextNull();
                return JsonNull.INSTANCE;
            }
            default -> throw new IllegalStateException("Expected a value but was " + reader.peek()
                    + reader.toString().substring(JsonReader.class.getSimpleName().length()));
        }
    }

    /** Reads the rest of the document after the walk's defect: the open values, then the root if untouched. */
    private void rest() throws IOException {
        if (!started) {
            skipValue();
        }
        while (!open.isEmpty()) {
            switch (reader.peek()) {
                case END_OBJECT -> endObject();
                case END_ARRAY -> endArray();
                case NAME -> nextName();
                default -> skipValue();
            }
        }
    }
}
