package io.github.prefine.core.tokenize.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one parser of a tokenizer folder's JSON files: each refusal names the file, the line and
 * column (counted by hand in the texts below) with the JSON path, and what was expected; a text
 * rebuilt from a file is placed in that text, whose lines are not the file's.
 */
class JsonFilesTest {
    @TempDir
    Path dir;

    @Test
    void textThatIsNotJsonIsPlacedAtTheFilesLineAndColumn() throws Exception {
        // line 3: `  "b" 2}`, the colon missing before the 2 at column 7, read up to column 8
        Path file = write("{\"a\":\n  1,\n  \"b\" 2}");
        IOException e = assertThrows(IOException.class, () -> JsonFiles.object(file));
        assertEquals(file + ":3: not JSON at column 8 (JSON path $.b): Expected ':'; expected a JSON object",
                e.getMessage());
    }

    @Test
    void unterminatedObjectIsPlacedAtItsEnd() throws Exception {
        // 23 characters: the input ends at column 24
        Path file = write("{\"model_max_length\": 16");
        IOException e = assertThrows(IOException.class, () -> JsonFiles.object(file));
        assertEquals(file + ":1: not JSON at column 24 (JSON path $.model_max_length): End of input;"
                + " expected a JSON object", e.getMessage());
    }

    @Test
    void textAfterTheObjectIsMalformed() throws Exception {
        Path file = write("{} x");
        IOException e = assertThrows(IOException.class, () -> JsonFiles.object(file));
        assertTrue(e.getMessage().startsWith(file + ":1: not JSON at column "), e.getMessage());
        assertTrue(e.getMessage().endsWith(": malformed JSON; expected a JSON object"), e.getMessage());
    }

    @Test
    void aFilePrefineWroteIsReadStrictly() throws Exception {
        // line 2: `"tasks": [{"name":` then a NUL at column 19, which lenient Gson read as the start
        // of the unquoted name \u0000"topic"; strict, it is refused there
        Path file = write("{\"format\": \"f\",\n\"tasks\": [{\"name\":\u0000\"topic\"}]}");
        assertEquals("\u0000\"topic\"", JsonFiles.object(file).getAsJsonArray("tasks").get(0).getAsJsonObject()
                .get("name").getAsString());
        IOException e = assertThrows(IOException.class, () -> JsonFiles.strictObject(file));
        assertEquals(file + ":2: not JSON at column 19 (JSON path $.tasks[0].name): malformed JSON; expected a JSON object",
                e.getMessage());
        Path after = write("{} x");
        e = assertThrows(IOException.class, () -> JsonFiles.strictObject(after));
        assertTrue(e.getMessage().startsWith(after + ":1: not JSON at column "), e.getMessage());
        assertEquals(Map.of("a", 1), Map.of("a", JsonFiles.strictObject(write("{\"a\": 1}")).get("a").getAsInt()));
    }

    @Test
    void rebuiltTextIsPlacedInTheTextNotAtTheFilesLine() throws Exception {
        Path file = dir.resolve("tokenizer.json");
        IOException e = assertThrows(IOException.class, () -> JsonFiles.object("{\"a\":\n  1,\n  \"b\" 2}", file, true));
        assertEquals(file + " (as rebuilt): not JSON at line 3 column 8 (JSON path $.b): Expected ':';"
                + " expected a JSON object", e.getMessage());
    }

    @Test
    void valueThatIsNoObjectIsRefusedSayingWhatItIs() throws Exception {
        Path array = write("[1, 2]");
        IOException e = assertThrows(IOException.class, () -> JsonFiles.object(array));
        assertEquals(array + ": expected a JSON object, found [1,2]", e.getMessage());
        Path empty = write("");
        e = assertThrows(IOException.class, () -> JsonFiles.object(empty));
        assertEquals(empty + ": expected a JSON object, found no text", e.getMessage());
    }

    @Test
    void fileThatIsNotUtf8CannotBeRead() throws Exception {
        Path file = dir.resolve("latin1.json");
        Files.write(file, new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'});
        IOException e = assertThrows(IOException.class, () -> JsonFiles.object(file));
        assertEquals(file + ": line 1 (byte 2) holds 0xC3, not UTF-8; expected a JSON object in UTF-8", e.getMessage());
        // a sequence cut at the end of the file is placed at its first byte, lines counted from 1
        Files.write(file, new byte[] {'{', '\n', '"', 'a', '"', ':', '\n', '"', (byte) 0xE2, (byte) 0x82});
        e = assertThrows(IOException.class, () -> JsonFiles.object(file));
        assertEquals(file + ": line 3 (byte 8) holds 0xE2, not UTF-8; expected a JSON object in UTF-8", e.getMessage());
    }

    private Path write(String text) throws IOException {
        Path file = Files.createTempFile(dir, "tokenizer", ".json");
        Files.writeString(file, text);
        return file;
    }
}
