package io.github.prefine.core.tokenize.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonFiles#standardValue}, the one pass that checks a {@code tokenizer.json} for standard
 * JSON and reads it, gives the value Gson's own parse gives (numbers kept as written, a repeated
 * name's last value) and refuses what {@link JsonFiles#requireStandard} refuses, with its message.
 */
class StandardValueTest {
    private static final Path FILE = Path.of("tokenizer.json");
    private static final String EXPECTED = "standard JSON (a tokenizer.json)";

    @Test
    void everyFixtureTokenizerReadsAsGsonParsesIt() throws Exception {
        List<Path> files;
        try (Stream<Path> all = Files.walk(SharedFixtures.require("fixtures/hf-reference"))) {
            files = all.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(files.size() >= 10, "the fixtures' tokenizer.json files and references, found " + files);
        for (Path f : files) {
            String text = Files.readString(f);
            assertSameValue(JsonParser.parseString(text), JsonFiles.standardValue(text, f, false, EXPECTED), f.toString());
        }
    }

    @Test
    void numbersRepeatedNamesAndEveryKindOfValueReadAsGsonParsesThem() throws Exception {
        for (String text : List.of(
                "{\"a\": 1, \"a\": [1.50, -0, 1e5, 2E-3, 12345678901234567890, true, false, null, \"s\\u00e9\\n\"],"
                        + " \"b\": {}, \"c\": [[], [{}]], \"d\": {\"e\": {\"f\": -7}}}",
                "[1, {\"x\": []}, \"y\"]", "\"text\"", "-0.0", "null")) {
            assertSameValue(JsonParser.parseString(text), JsonFiles.standardValue(text, FILE, false, EXPECTED), text);
        }
    }

    @Test
    void whatTheCheckRefusesIsRefusedWithItsMessage() {
        for (String text : List.of("{\"decoder\": NaN}", "{\"a\": \"x\u0001y\"}", "{\"n\": 1e400}", "{\"a\": 1} {}",
                "{\"a\": [1, 2}", "[".repeat(128) + "]".repeat(128), "{'a': 1}", "", " \n ")) {
            for (boolean rebuilt : new boolean[] {false, true}) {
                IOException check = assertThrows(IOException.class,
                        () -> JsonFiles.requireStandard(text, FILE, rebuilt, EXPECTED), text);
                IOException read = assertThrows(IOException.class,
                        () -> JsonFiles.standardValue(text, FILE, rebuilt, EXPECTED), text);
                assertEquals(check.getMessage(), read.getMessage(), text);
            }
        }
    }

    /** Equal as Gson compares values, and written out alike, so that a number keeps its text. */
    private static void assertSameValue(JsonElement expected, JsonElement actual, String where) {
        assertEquals(expected, actual, where);
        assertEquals(expected.toString(), actual.toString(), where);
    }
}
