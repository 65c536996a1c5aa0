package io.github.prefine.core.tokenize.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code tokenizer.json} read and parsed once, handed to a builder ({@link TokenizerText#setOn}):
 * the tokenizer loads its text and takes its facts from its object, parsing nothing again. On the
 * BERT fixture, whose file pads with id 0 ({@code [PAD]}) and pre-tokenizes with {@code
 * BertPreTokenizer} (each word on its own); HF's ids are {@code reference.json}'s first case.
 */
class TokenizerTextTest {
    private static final Path FILE = SharedFixtures.require("fixtures/hf-reference/bert/tokenizer.json");

    @TempDir
    Path tmp;

    /**
     * The read is the check for standard JSON the native load needs: a {@code decoder} of {@code NaN}
     * (which lenient Gson reads, and the library would abort the JVM on) is refused by the read at
     * its line, as a builder given the path refuses it, not at the build after it.
     */
    @Test
    void theReadRefusesTextThatIsNotStandardJsonAsTheLoadDoes() throws Exception {
        String good = Files.readString(FILE);
        String nan = good.replaceFirst("\"decoder\": \\{[^}]*}", "\"decoder\": NaN");
        Path file = Files.writeString(tmp.resolve("tokenizer.json"), nan);
        int line = nan.substring(0, nan.indexOf("\"decoder\"")).split("\n", -1).length;
        IOException read = assertThrows(IOException.class, () -> TokenizerText.read(file));
        IOException built = assertThrows(IOException.class, () -> SubwordTokenizer.builder().setTokenizerPath(file).build());
        assertEquals(built.getMessage(), read.getMessage());
        assertTrue(read.getMessage().startsWith(file + ":" + line + ": not JSON at column "), read.getMessage());
        assertTrue(read.getMessage().endsWith("(JSON path $.decoder): malformed JSON; expected standard JSON"
                + " (a tokenizer.json)"), read.getMessage());
    }

    /**
     * The load's own checks of the file read (not rebuilt) take the parse the read made, not a parse
     * of the text again: a {@code Precompiled} normalizer with a charsmap of 2 bytes ("AAA=", fewer
     * than the 4 of its trie size) put into the parsed object only, the text keeping its {@code
     * BertNormalizer}, is refused. (A count of the passes over the text is not observable without a
     * hook in the JSON reader; the refusal is what a second parse could not give.)
     */
    @Test
    void theLoadsChecksTakeTheReadsParseOfTheFile() throws Exception {
        TokenizerText read = TokenizerText.read(FILE);
        assertTrue(read.isStandard());
        JsonObject precompiled = new JsonObject();
        precompiled.addProperty("type", "Precompiled");
        precompiled.addProperty("precompiled_charsmap", "AAA=");
        read.json().add("normalizer", precompiled);
        IOException e = assertThrows(IOException.class, () -> read.setOn(SubwordTokenizer.builder()).build());
        assertTrue(e.getMessage().startsWith(FILE + ": $.normalizer.precompiled_charsmap holds 2 bytes, fewer than"
                + " the 4 of its trie size"), e.getMessage());
        assertFalse(read.rebuilt(read.text()).isStandard(), "a rebuilt text is checked when loaded");
    }

    @Test
    void givenFileEncodesAsHfAndReportsTheFile() throws Exception {
        try (SubwordTokenizer t = TokenizerText.read(FILE).setOn(SubwordTokenizer.builder()).build()) {
            assertEquals(FILE, t.path());
            assertTrue(t.rebuiltJson().isEmpty());
            assertEquals(0, t.padId());
            assertTrue(t.encodesWordsIndependently());
            assertArrayEquals(new int[] {2, 237, 233, 206, 169, 172, 90, 57, 6, 3},
                    t.encode("John Smith visited Paris in May.").ids());
        }
    }

    /**
     * The object, changed after the read and not written out, is what the facts come from: a
     * {@code Split} pre-tokenizer (no word on its own) and a padding id of 4, where the text says
     * {@code BertPreTokenizer} and 0. A builder that parsed the text again would find the text's.
     */
    @Test
    void factsComeFromTheGivenObjectNotFromTheTextParsedAgain() throws Exception {
        TokenizerText read = TokenizerText.read(FILE);
        JsonObject split = new JsonObject();
        split.addProperty("type", "Split");
        read.json().add("pre_tokenizer", split);
        read.json().getAsJsonObject("padding").addProperty("pad_id", 4);
        try (SubwordTokenizer t = read.rebuilt(read.text()).setOn(SubwordTokenizer.builder()).build()) {
            assertFalse(t.encodesWordsIndependently());
            assertEquals(4, t.padId());
            assertEquals(read.text(), t.rebuiltJson().orElseThrow());
        }
    }
}
