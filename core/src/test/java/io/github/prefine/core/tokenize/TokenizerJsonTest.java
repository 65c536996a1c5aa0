package io.github.prefine.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerJsonTest {

    private static boolean wordwise(String preTokenizer) {
        JsonElement pre = preTokenizer == null ? null : JsonParser.parseString(preTokenizer);
        return TokenizerJson.splitsWordsIndependently(pre);
    }

    @Test
    void whitespaceSplittersTokenizeWordsIndependently() {
        assertTrue(wordwise("{\"type\": \"BertPreTokenizer\"}"));
        assertTrue(wordwise("{\"type\": \"WhitespaceSplit\"}"));
        assertTrue(wordwise("{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"WhitespaceSplit\"},"
                + " {\"type\": \"Punctuation\"}, {\"type\": \"Digits\"}]}"));
    }

    @Test
    void metaspaceDoesOnlyWhenItSplitsAndMarksEveryWord() {
        // XLM-R's own setting (../shared/fixtures/hf-reference/xlm-roberta/tokenizer.json)
        assertTrue(wordwise("{\"type\": \"Metaspace\", \"prepend_scheme\": \"always\", \"split\": true}"));
        // the first word would lack its ▁ and tokenize differently inside a sentence
        assertFalse(wordwise("{\"type\": \"Metaspace\", \"prepend_scheme\": \"never\", \"split\": true}"));
        assertFalse(wordwise("{\"type\": \"Metaspace\", \"prepend_scheme\": \"always\", \"split\": false}"));
        // files written before prepend_scheme existed
        assertTrue(wordwise("{\"type\": \"Metaspace\", \"add_prefix_space\": true}"));
    }

    @Test
    void byteLevelDoesOnlyWithAPrefixSpaceAndItsRegex() {
        assertTrue(wordwise("{\"type\": \"ByteLevel\", \"add_prefix_space\": true}"));
        // RoBERTa's default: the first word gets no Ġ, so it encodes unlike the same word later on
        assertFalse(wordwise("{\"type\": \"ByteLevel\", \"add_prefix_space\": false}"));
        assertFalse(wordwise("{\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"use_regex\": false}"));
    }

    @Test
    void absentUnknownOrPunctuationOnlyPreTokenizersDoNot() {
        assertFalse(wordwise(null));
        assertFalse(wordwise("{\"type\": \"Split\", \"pattern\": {\"Regex\": \"x\"}}"));
        assertFalse(wordwise("{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Punctuation\"}]}"));
        assertFalse(wordwise("{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"WhitespaceSplit\"},"
                + " {\"type\": \"Split\", \"pattern\": {\"Regex\": \"x\"}}]}"));
    }

    private static boolean marks(String preTokenizer) {
        JsonElement pre = preTokenizer == null ? null : JsonParser.parseString(preTokenizer);
        return TokenizerJson.marksWordStarts(pre);
    }

    /**
     * Whitespace splitters drop the whitespace and mark nothing, so a space a normalizer puts inside
     * a word only splits it where it stands; Metaspace's ▁ and ByteLevel's Ġ mark word starts, and
     * anything unknown is taken to mark them.
     */
    @Test
    void onlyWhitespaceSplittersLeaveWordStartsUnmarked() {
        // BERT's and MiniLM's setting (../shared/fixtures/hf-reference/bert/tokenizer.json)
        assertFalse(marks("{\"type\": \"BertPreTokenizer\"}"));
        assertFalse(marks("{\"type\": \"Whitespace\"}"));
        assertFalse(marks("{\"type\": \"WhitespaceSplit\"}"));
        assertFalse(marks("{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"WhitespaceSplit\"},"
                + " {\"type\": \"Punctuation\"}, {\"type\": \"Digits\"}]}"));
        // XLM-R's own setting (../shared/fixtures/hf-reference/xlm-roberta/tokenizer.json)
        assertTrue(marks("{\"type\": \"Metaspace\", \"prepend_scheme\": \"always\", \"split\": true}"));
        assertTrue(marks("{\"type\": \"ByteLevel\", \"add_prefix_space\": true}"));
        assertTrue(marks("{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"WhitespaceSplit\"},"
                + " {\"type\": \"Metaspace\", \"prepend_scheme\": \"always\"}]}"));
        assertTrue(marks(null));
        assertTrue(marks("{\"type\": \"Split\", \"pattern\": {\"Regex\": \"x\"}}"));
        assertTrue(marks("{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Punctuation\"}]}"));
    }

    @Test
    void padIdComesFromPaddingThenFromAnAddedPadToken(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{\"padding\": {\"pad_id\": 7}, \"added_tokens\": [{\"id\": 1, \"content\": \"<pad>\"}]}");
        assertEquals(7, TokenizerJson.padId(file, JsonFiles.object(file)));
        Files.writeString(file, "{\"padding\": null, \"added_tokens\": [{\"id\": 0, \"content\": \"<s>\"},"
                + " {\"id\": 3, \"content\": \"[PAD]\"}]}");
        assertEquals(3, TokenizerJson.padId(file, JsonFiles.object(file)));
    }

    /** The Rust tokenizers read pad_id and id as u32: 1.5 and 4294967297 (read as 1 before) are no ids. */
    @Test
    void aPadIdThatIsNoIntegerIsRefusedByName(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        String range = "expected an integer from -2147483648 to 2147483647, without a fraction or exponent";
        Files.writeString(file, "{\"padding\": {\"pad_id\": 1.5}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenizerJson.padId(file, JsonFiles.object(file)));
        assertEquals(file + ": padding.pad_id: " + range + ", found 1.5", e.getMessage());
        Files.writeString(file, "{\"added_tokens\": [{\"id\": 4294967297, \"content\": \"<pad>\"}]}");
        e = assertThrows(IllegalArgumentException.class, () -> TokenizerJson.padId(file, JsonFiles.object(file)));
        assertEquals(file + ": added token <pad> id: " + range + ", found 4294967297", e.getMessage());
    }

    @Test
    void aFileWithoutPadTokenIsRefusedByName(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{\"added_tokens\": [{\"id\": 0, \"content\": \"<s>\"}]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenizerJson.padId(file, JsonFiles.object(file)));
        assertEquals(file + ": no padding.pad_id and no <pad> or [PAD] added token; call optPadId", e.getMessage());
    }

    @Test
    void anUnknownTokenOutsideTheVocabularyIsRefusedForEachModelType() throws Exception {
        Path file = Path.of("tokenizer.json");
        String[][] refused = {
            {"{\"type\":\"WordLevel\",\"vocab\":{\"a\":0},\"unk_token\":\"<unk>\"}",
                "tokenizer.json: $.model.unk_token \"<unk>\" is not in $.model.vocab; expected one of its entries, the"
                        + " token unknown text becomes"},
            {"{\"type\":\"BPE\",\"vocab\":{\"a\":0},\"merges\":[],\"unk_token\":\"<unk>\"}",
                "tokenizer.json: $.model.unk_token \"<unk>\" is not in $.model.vocab; expected one of its entries, the"
                        + " token unknown text becomes"},
            // two pieces: places 0 and 1
            {"{\"type\":\"Unigram\",\"unk_id\":2,\"vocab\":[[\"<unk>\",0.0],[\"a\",-1.0]]}",
                "tokenizer.json: $.model.unk_id 2 is past the 2 entries of $.model.vocab; expected the place of the"
                        + " token unknown text becomes"},
            // SentencePieceUnigramTokenizer writes null when given no unknown token; older files omit it
            {"{\"type\":\"Unigram\",\"unk_id\":null,\"vocab\":[[\"a\",0.0]]}",
                "tokenizer.json: $.model.unk_id is null; expected the place in $.model.vocab of the token unknown"
                        + " text becomes"},
            {"{\"type\":\"Unigram\",\"vocab\":[[\"a\",0.0]]}",
                "tokenizer.json: $.model.unk_id is absent; expected the place in $.model.vocab of the token unknown"
                        + " text becomes"},
        };
        for (String[] c : refused) {
            IOException e = assertThrows(IOException.class,
                    () -> TokenizerJson.checkUnknownToken(file, JsonParser.parseString(c[0])));
            assertEquals(c[1], e.getMessage());
        }
        // a BPE model without an unknown token drops unknown text; a Unigram's in range is its place
        TokenizerJson.checkUnknownToken(file, JsonParser.parseString("{\"type\":\"BPE\",\"vocab\":{\"a\":0},"
                + "\"merges\":[],\"unk_token\":null}"));
        TokenizerJson.checkUnknownToken(file, JsonParser.parseString("{\"type\":\"Unigram\",\"unk_id\":1,"
                + "\"vocab\":[[\"a\",0.0],[\"<unk>\",-1.0]]}"));
    }
}
