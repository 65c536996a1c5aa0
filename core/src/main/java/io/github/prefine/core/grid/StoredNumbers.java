package io.github.prefine.core.grid;

import com.google.gson.JsonElement;
import io.github.prefine.eval.internal.JsonShapes;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The numbers a resumed grid takes from the files an earlier run of it wrote (a trial's scores, a
 * history's losses and costs), checked before Gson's casts, which fail naming neither the file nor
 * the member, and held to what the grid writes there: a finite number, or NaN only where the grid
 * writes NaN (a diverged run, a loss no step or example gave), never Infinity where it writes
 * none. Stateless.
 */
final class StoredNumbers {
    private StoredNumbers() {}

    /**
     * Requires a finite number, where the grid never writes NaN or Infinity (a learning rate, a
     * time): Gson's lenient reader takes the literals, and a number past a double's range, such as
     * {@code 1e400}, reads as Infinity, either of which would flow into the sweep or the tables.
     *
     * @param e the element, null when absent
     * @param file the file, for the message
     * @param path its JSON path
     * @param again what deleting the file does, for the message: {@code "run the trial again"}
     * @return its value
     * @throws IOException naming the file and path when it is not a finite number
     */
    static double finite(JsonElement e, Path file, String path, String again) throws IOException {
        return JsonShapes.finite(e, path, (at, expected, found) -> new IOException(file + " " + at + ": expected "
                + expected + ", found " + found + "; delete the file to " + again));
    }

    /**
     * Requires a finite number or NaN, where the grid writes NaN for a reason ({@code nan} says
     * which) and never Infinity.
     *
     * @param e the element, null when absent
     * @param file the file, for the message
     * @param path its JSON path
     * @param nan what NaN stands for there, for the message: {@code "a diverged trial"}
     * @param again what deleting the file does, for the message
     * @return its value
     * @throws IOException naming the file and path when it is neither
     */
    static double finiteOrNaN(JsonElement e, Path file, String path, String nan, String again) throws IOException {
        if (!isNumber(e) || Double.isInfinite(e.getAsDouble())) {
            throw notStored(file, path, "a finite number, or NaN for " + nan, e, again);
        }
        return e.getAsDouble();
    }

    /**
     * Tells whether an element is a number as the grid writes one: JSON's, or NaN and Infinity,
     * which Gson's lenient reader gives as strings (a quoted {@code "NaN"} reads the same). Not any
     * string Java parses: {@code getAsDouble} takes {@code "0.7f"} and {@code "0x1p3"} too. Callers
     * then say which of the non-finite values the member may hold.
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
