package io.github.prefine.eval.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * Shape checks of parsed JSON for the eval module's file readers. Each reader reports a mismatch
 * with its own exception, naming its file: it passes a {@link Mismatch} that makes it. Stateless.
 */
public final class JsonShapes {
    private JsonShapes() {}

    /**
     * Makes the exception of an element that is not of the expected shape.
     *
     * @param <X> the reader's exception
     */
    @FunctionalInterface
    public interface Mismatch<X extends Exception> {
        /**
         * Makes the exception.
         *
         * @param path the element's JSON path
         * @param expected what was expected there
         * @param found what was there ({@link #describe})
         * @return the exception to throw
         */
        X at(String path, String expected, String found);
    }

    /**
     * Requires an object.
     *
     * @param <X> the reader's exception
     * @param e the element, null when absent
     * @param path its JSON path
     * @param mismatch makes the exception otherwise
     * @return the object
     * @throws X when it is not an object
     */
    public static <X extends Exception> JsonObject object(JsonElement e, String path, Mismatch<X> mismatch) throws X {
        if (e == null || !e.isJsonObject()) {
            throw mismatch.at(path, "an object", describe(e));
        }
        return e.getAsJsonObject();
    }

    /**
     * Requires an array.
     *
     * @param <X> the reader's exception
     * @param e the element, null when absent
     * @param path its JSON path
     * @param mismatch makes the exception otherwise
     * @return the array
     * @throws X when it is not an array
     */
    public static <X extends Exception> JsonArray array(JsonElement e, String path, Mismatch<X> mismatch) throws X {
        if (e == null || !e.isJsonArray()) {
            throw mismatch.at(path, "an array", describe(e));
        }
        return e.getAsJsonArray();
    }

    /**
     * Requires a string.
     *
     * @param <X> the reader's exception
     * @param e the element, null when absent
     * @param path its JSON path
     * @param mismatch makes the exception otherwise
     * @return the string
     * @throws X when it is not a string
     */
    public static <X extends Exception> String string(JsonElement e, String path, Mismatch<X> mismatch) throws X {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw mismatch.at(path, "a string", describe(e));
        }
        return e.getAsString();
    }

    /**
     * What an element is, for an error message: "nothing" when absent, else its JSON, abbreviated.
     *
     * @param e the element, null when absent
     * @return the text
     */
    public static String describe(JsonElement e) {
        return e == null ? "nothing" : abbreviate(e.toString());
    }

    /**
     * Cuts a text for an error message to 60 characters, the last three "...".
     *
     * @param s the text
     * @return it, or its first 57 characters and "..."
     */
    public static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
