package io.github.prefine.eval.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.stream.JsonReader;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class StrictJsonTest {

    private static String repeated(String json) throws Exception {
        try (JsonReader r = new JsonReader(new StringReader(json))) {
            return StrictJson.firstRepeatedName(r);
        }
    }

    @Test
    void findsARepeatedNameAtAnyDepth() throws Exception {
        assertEquals("b", repeated("{\"a\":{\"b\":1,\"b\":2}}"));
        assertEquals("y", repeated("[{\"x\":1},{\"y\":1,\"y\":2}]"));
        assertEquals("a", repeated("{\"a\":1,\"a\":1}"));
        // one name in two objects is no repetition
        assertNull(repeated("{\"a\":{\"x\":1},\"b\":[{\"x\":1},{\"x\":2}]}"));
    }

    @Test
    void splitsGsonsMessageIntoReasonAndPlace() {
        StrictJson.Syntax s = StrictJson.syntax("Expected name at line 2 column 3 path $.\nSee https://example");
        assertEquals(new StrictJson.Syntax("Expected name", 2, 3, "$."), s);
        assertTrue(s.located());
        StrictJson.Syntax advice = StrictJson.syntax(
                "Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON at line 1 column 2 path $");
        assertEquals("non-standard JSON (such as single quotes, unquoted names or values, comments)", advice.reason());
        StrictJson.Syntax nowhere = StrictJson.syntax("closed");
        assertEquals(new StrictJson.Syntax("closed", 0, 0, ""), nowhere);
        assertFalse(nowhere.located());
    }
}
