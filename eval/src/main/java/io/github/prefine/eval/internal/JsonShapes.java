package io.github.prefine.eval.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Shape checks of parsed JSON for the eval module's file readers. Each reader reports a mismatch
 * with its own exception, naming its file: it passes a {@link Mismatch} that makes it. Stateless.
 */
public final class JsonShapes {
    /** The non-finite literals Gson's lenient reader gives as strings. */
    private static final List<String> NON_FINITE = List.of("NaN", "Infinity", "-Infinity");

    /** JSON's integer syntax: no leading zero, no fraction, no exponent. */
    private static final Pattern INTEGER_LITERAL = Pattern.compile("-?(0|[1-9][0-9]*)");

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
     * Requires an integer that fits an {@code int}, written as one: see {@link #wholeLong}.
     *
     * @param <X> the reader's exception
     * @param e the element, null when absent
     * @param path its JSON path or field name
     * @param mismatch makes the exception otherwise
     * @return the value
     * @throws X when it is not an integer literal or is outside the range of an {@code int}
     */
    public static <X extends Exception> int wholeInt(JsonElement e, String path, Mismatch<X> mismatch) throws X {
        return (int) whole(e, path, mismatch, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /**
     * Requires an integer that fits a {@code long}, written as one: an optional minus sign and
     * digits, without a fraction or an exponent. That is what Python's {@code json} module reads as
     * an {@code int}: it reads {@code 768.0} and {@code 7.68e2} as floats, which HF then refuses as a
     * size, so they are refused here too rather than read as 768; Gson's {@code getAsInt} would
     * also read {@code 768.5} as 768 and wrap a number past the type's range.
     *
     * @param <X> the reader's exception
     * @param e the element, null when absent
     * @param path its JSON path or field name
     * @param mismatch makes the exception otherwise
     * @return the value
     * @throws X when it is not an integer literal or is outside the range of a {@code long}
     */
    public static <X extends Exception> long wholeLong(JsonElement e, String path, Mismatch<X> mismatch) throws X {
        return whole(e, path, mismatch, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private static <X extends Exception> long whole(JsonElement e, String path, Mismatch<X> mismatch, long min,
            long max) throws X {
        String expected = "an integer from " + min + " to " + max + ", without a fraction or exponent";
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw mismatch.at(path, expected, describe(e));
        }
        // a parsed number keeps its literal text, so 768.0 is told from 768
        String text = e.getAsString();
        if (!INTEGER_LITERAL.matcher(text).matches()) {
            throw mismatch.at(path, expected, describe(e));
        }
        try {
            long v = Long.parseLong(text);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException outOfRange) {
            // falls through to the refusal: the literal is an integer past the range of a long
        }
        throw mismatch.at(path, expected, describe(e));
    }

    /**
     * Requires a finite number: not NaN or Infinity, whose literals Gson's lenient reader gives as
     * strings ({@link #isLenientNumber}), nor a number past a double's range such as {@code 1e400},
     * which {@code getAsDouble} reads as Infinity.
     *
     * @param <X> the reader's exception
     * @param e the element, null when absent
     * @param path its JSON path or field name
     * @param mismatch makes the exception otherwise
     * @return the value
     * @throws X when it is not a finite number
     */
    public static <X extends Exception> double finite(JsonElement e, String path, Mismatch<X> mismatch) throws X {
        if (!isLenientNumber(e) || !Double.isFinite(e.getAsDouble())) {
            throw mismatch.at(path, "a finite number", describe(e));
        }
        return e.getAsDouble();
    }

    /**
     * Tells whether an element is a number as Gson's lenient reader gives one: a JSON number, or
     * the literal {@code NaN}, {@code Infinity} or {@code -Infinity} (read as a string). Not any
     * string Java parses: {@code getAsDouble} takes {@code "0.7f"} and {@code "0x1p3"} too.
     *
     * @param e the element, null when absent
     * @return whether it is one
     */
    public static boolean isLenientNumber(JsonElement e) {
        return e != null && e.isJsonPrimitive() && (e.getAsJsonPrimitive().isNumber()
                || e.getAsJsonPrimitive().isString() && NON_FINITE.contains(e.getAsString()));
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
