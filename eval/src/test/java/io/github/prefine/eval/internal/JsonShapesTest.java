package io.github.prefine.eval.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import org.junit.jupiter.api.Test;

class JsonShapesTest {
    private static final JsonShapes.Mismatch<IllegalArgumentException> MISMATCH =
            (path, expected, found) -> new IllegalArgumentException(path + ": expected " + expected + ", found " + found);

    @Test
    void abbreviatesOnlyBeyondSixtyCharacters() {
        assertEquals("x".repeat(60), JsonShapes.abbreviate("x".repeat(60)));
        assertEquals("x".repeat(57) + "...", JsonShapes.abbreviate("x".repeat(61)));
    }

    /** Exactly the literals Python's json.loads returns an int for, within the Java type's range. */
    @Test
    void readsWholeNumbersAsPythonsJsonReadsInts() {
        assertEquals(768, JsonShapes.wholeInt(JsonParser.parseString("768"), "n", MISMATCH));
        assertEquals(-3, JsonShapes.wholeInt(JsonParser.parseString("-3"), "n", MISMATCH));
        assertEquals(0, JsonShapes.wholeInt(JsonParser.parseString("-0"), "n", MISMATCH));
        assertEquals(Integer.MAX_VALUE, JsonShapes.wholeInt(JsonParser.parseString("2147483647"), "n", MISMATCH));
        assertEquals(Long.MIN_VALUE, JsonShapes.wholeLong(JsonParser.parseString("-9223372036854775808"), "n", MISMATCH));
        assertEquals(5, JsonShapes.wholeInt(new JsonPrimitive(5), "n", MISMATCH));
        // floats to Python, or past the range: Gson's getAsInt/getAsLong truncated or wrapped them
        for (String s : new String[] {"768.5", "768.0", "7.68e2", "1E3", "2147483648", "\"7\"", "true", "null", "[1]"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> JsonShapes.wholeInt(JsonParser.parseString(s), "$.n", MISMATCH), s);
            assertEquals("$.n: expected an integer from -2147483648 to 2147483647, without a fraction or exponent, found "
                    + s, e.getMessage());
        }
        assertEquals("n: expected an integer from -9223372036854775808 to 9223372036854775807, without a fraction or"
                + " exponent, found 9223372036854775808", assertThrows(IllegalArgumentException.class,
                        () -> JsonShapes.wholeLong(JsonParser.parseString("9223372036854775808"), "n", MISMATCH))
                        .getMessage());
        assertEquals("n: expected an integer from -2147483648 to 2147483647, without a fraction or exponent, found nothing",
                assertThrows(IllegalArgumentException.class, () -> JsonShapes.wholeInt(null, "n", MISMATCH)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> JsonShapes.wholeInt(new JsonPrimitive(5.0), "n", MISMATCH));
    }

    /** A finite number: not the NaN and Infinity lenient Gson gives as strings, nor a number past a double's range. */
    @Test
    void readsOnlyFiniteNumbersAsFinite() {
        assertEquals(1.5, JsonShapes.finite(JsonParser.parseString("1.5"), "x", MISMATCH));
        assertEquals(-0.0, JsonShapes.finite(JsonParser.parseString("-0.0"), "x", MISMATCH));
        for (String s : new String[] {"NaN", "\"NaN\"", "Infinity", "-Infinity", "1e400", "-1e400", "\"0.7f\"", "null"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> JsonShapes.finite(JsonParser.parseString(s), "$.x", MISMATCH), s);
            // lenient Gson gives a bare NaN as the string "NaN"
            String found = s.matches("-?[A-Za-z]+") && !s.equals("null") ? "\"" + s + "\"" : s;
            assertEquals("$.x: expected a finite number, found " + found, e.getMessage());
        }
    }
}
