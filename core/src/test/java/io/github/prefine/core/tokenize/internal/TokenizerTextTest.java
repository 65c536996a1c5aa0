package io.github.prefine.core.tokenize.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A {@code tokenizer.json} read and parsed once, handed to a builder ({@link TokenizerText#setOn}):
 * the tokenizer loads its text and takes its facts from its object, parsing nothing again. On the
 * BERT fixture, whose file pads with id 0 ({@code [PAD]}) and pre-tokenizes with {@code
 * BertPreTokenizer} (each word on its own); HF's ids are {@code reference.json}'s first case.
 */
class TokenizerTextTest {
    private static final Path FILE = SharedFixtures.require("fixtures/hf-reference/bert/tokenizer.json");

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
