package io.github.prefine.core.grid;

import com.google.gson.JsonElement;
import io.github.prefine.eval.internal.JsonShapes;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The numbers a resumed grid takes from the files an earlier run of it wrote (a trial's scores, a
 * history's losses and costs), checked before Gson's casts, which fail naming neither the file nor
 * the member. Stateless.
 */
final class StoredNumbers {
    private StoredNumbers() {}

    /**
     * Requires a number: JSON's, or the NaN and Infinity the grid writes for a diverged run, which
     * Gson's lenient reader gives as strings.
     *
     * @param e the element, null when absent
     * @param file the file, for the message
     * @param path its JSON path
     * @param again what deleting the file does, for the message: {@code "run the trial again"}
     * @return its value
     * @throws IOException naming the file and path when it is not a number
     */
    static double number(JsonElement e, Path file, String path, String again) throws IOException {
        if (!isNumber(e)) {
            throw notStored(file, path, "a number", e, again);
        }
        return e.getAsDouble();
    }

    /**
     * Tells whether an element is a number as the grid writes one: JSON's, or NaN and Infinity,
     * which Gson's lenient reader gives as strings. Not any string Java parses: {@code
     * getAsDouble} takes {@code "0.7f"} and {@code "0x1p3"} too.
     *
     * @param e the element, null when absent
     * @return whether it is one
     */
    static boolean isNumber(JsonElement e) {
        return JsonShapes.isLenientNumber(e);
    }

    /**
     * The refusal of a member that is missing or of another type.
     *
     * @param file the file
     * @param path the member's JSON path
     * @param expected what it should be
     * @param found what it is, null when absent
     * @param again what deleting the file does
     * @return the exception
     */
    static IOException notStored(Path file, String path, String expected, JsonElement found, String again) {
        return new IOException(file + " " + path + ": expected " + expected + ", found " + JsonShapes.describe(found)
                + "; delete the file to " + again);
    }
}
