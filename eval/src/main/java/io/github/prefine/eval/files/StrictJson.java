package io.github.prefine.eval.files;

import com.google.gson.JsonParseException;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the project's strict JSON readers (the dataset readers, the prediction files) need beyond
 * Gson: Gson's errors in plain words with their place, and objects that repeat a name. RFC 8259
 * leaves such objects' meaning open and Gson keeps the last value silently, so a reader that must
 * not drop data (a second {@code qas} list, a repeated prediction id) checks for them. Stateless.
 *
 * <p>Stateless and thread-safe.
 */
public final class StrictJson {
    private static final Pattern PLACE = Pattern.compile(" at line (\\d+) column (\\d+) path (.+)$");
    private static final String GSON_ADVICE = "Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON";

    private StrictJson() {}

    /**
     * A JSON error split into what is wrong and where Gson found it.
     *
     * @param reason what is wrong, in plain words, without the place
     * @param line the line Gson names, 1-based, or 0 when it names no place
     * @param column the column Gson names, or 0
     * @param path the JSON path Gson names, or empty
     */
    public record Syntax(String reason, int line, int column, String path) {
        /**
         * Tells whether Gson named a place.
         *
         * @return true when line, column and path are known
         */
        public boolean located() {
            return line > 0;
        }
    }

    /**
     * Splits the error that Gson (or its {@link JsonReader}) threw.
     *
     * @param e the exception; Gson's wrappers are looked through
     * @return its reason and place
     */
    public static Syntax syntax(Throwable e) {
        Throwable t = e;
        while (t instanceof JsonParseException && t.getCause() != null) {
            t = t.getCause();
        }
        return syntax(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
    }

    /**
     * Splits a Gson message, "REASON at line L column C path P", of which the first line counts;
     * Gson's advice to read leniently becomes what it means for a file.
     *
     * @param message the message, or a {@link JsonReader}'s {@code toString()}
     * @return its reason and place
     */
    public static Syntax syntax(String message) {
        String first = message.split("\\R", 2)[0];
        Matcher m = PLACE.matcher(first);
        if (!m.find()) {
            return new Syntax(plain(first), 0, 0, "");
        }
        return new Syntax(plain(first.substring(0, m.start())), Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3));
    }

    private static String plain(String reason) {
        return reason.replace(GSON_ADVICE, "non-standard JSON (such as single quotes, unquoted names or values, comments)");
    }

    /**
     * Reads one JSON value and stops at the first name that its object already holds.
     *
     * @param r a reader before the value; on a find it stands right after the repeated name, so that
     *     its path and position say where the name is
     * @return the repeated name, or null when every object names each member once
     * @throws IOException if the text is not JSON
     */
    public static String firstRepeatedName(JsonReader r) throws IOException {
        switch (r.peek()) {
            case BEGIN_OBJECT -> {
                r.beginObject();
                Set<String> names = new HashSet<>();
                while (r.hasNext()) {
                    String name = r.nextName();
                    if (!names.add(name)) {
                        return name;
                    }
                    String inner = firstRepeatedName(r);
                    if (inner != null) {
                        return inner;
                    }
                }
                r.endObject();
                return null;
            }
            case BEGIN_ARRAY -> {
                r.beginArray();
                while (r.hasNext()) {
                    String inner = firstRepeatedName(r);
                    if (inner != null) {
                        return inner;
                    }
                }
                r.endArray();
                return null;
            }
            default -> {
                r.skipValue();
                return null;
            }
        }
    }
}
