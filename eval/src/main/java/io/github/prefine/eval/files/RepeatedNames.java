package io.github.prefine.eval.files;

import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * Finds a name that one JSON object holds twice. RFC 8259 leaves such objects' meaning open, and
 * Gson keeps the last value silently, so a reader that must not drop data (a second {@code qas}
 * list, a repeated prediction id) checks with this and reports where. Stateless.
 */
public final class RepeatedNames {
    private RepeatedNames() {}

    /**
     * Reads one JSON value and stops at the first name that its object already holds.
     *
     * @param r a reader before the value; on a find it stands right after the repeated name, so that
     *     its path and position say where the name is
     * @return the repeated name, or null when every object names each member once
     * @throws IOException if the text is not JSON
     */
    public static String first(JsonReader r) throws IOException {
        switch (r.peek()) {
            case BEGIN_OBJECT -> {
                r.beginObject();
                Set<String> names = new HashSet<>();
                while (r.hasNext()) {
                    String name = r.nextName();
                    if (!names.add(name)) {
                        return name;
                    }
                    String inner = first(r);
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
                    String inner = first(r);
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
