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

    private static boolean ideographs(String normalizer) {
        return TokenizerJson.splitsIdeographs(normalizer == null ? null : JsonParser.parseString(normalizer));
    }

    /**
     * Only BERT's normalizer spaces out CJK ideographs, and only with {@code handle_chinese_chars}
     * on (the library refuses a file without the field), alone or in a sequence, nested or not.
     */
    @Test
    void onlyABertNormalizerWithChineseCharsOnSplitsIdeographs() {
        // BERT's setting (../shared/fixtures/hf-reference/bert/tokenizer.json)
        assertTrue(ideographs("{\"type\": \"BertNormalizer\", \"clean_text\": true, \"handle_chinese_chars\": true,"
                + " \"strip_accents\": null, \"lowercase\": true}"));
        assertFalse(ideographs("{\"type\": \"BertNormalizer\", \"handle_chinese_chars\": false}"));
        assertTrue(ideographs("{\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"NFD\"},"
                + " {\"type\": \"BertNormalizer\", \"handle_chinese_chars\": true}]}"));
        assertTrue(ideographs("{\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"Sequence\", \"normalizers\":"
                + " [{\"type\": \"BertNormalizer\", \"handle_chinese_chars\": true}]}]}"));
        // XLM-R's setting (../shared/fixtures/hf-reference/xlm-roberta/tokenizer.json)
        assertFalse(ideographs("{\"type\": \"NFKC\"}"));
        assertFalse(ideographs("{\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"NFKC\"}]}"));
        assertFalse(ideographs(null));
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
        Files.writeString(file, "{\"padding\": null, \"model\": {\"type\": \"WordLevel\", \"vocab\": {\"<s>\": 0,"
                + " \"a\": 1, \"b\": 2, \"[PAD]\": 3}}, \"added_tokens\": [{\"id\": 0, \"content\": \"<s>\"},"
                + " {\"id\": 3, \"content\": \"[PAD]\"}]}");
        assertEquals(3, TokenizerJson.padId(file, JsonFiles.object(file)));
        // a [PAD] the vocabulary lacks: the library numbers it 3, after the 3 pieces, whatever the file's 9
        Files.writeString(file, "{\"padding\": null, \"model\": {\"type\": \"WordLevel\", \"vocab\": {\"<s>\": 0,"
                + " \"a\": 1, \"b\": 2}}, \"added_tokens\": [{\"id\": 0, \"content\": \"<s>\"},"
                + " {\"id\": 9, \"content\": \"[PAD]\"}]}");
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
                    () -> TokenizerJson.checkUnknownToken(file, JsonParser.parseString(c[0]), null));
            assertEquals(c[1], e.getMessage());
        }
        // a BPE model without an unknown token drops unknown text; a Unigram's in range is its place
        TokenizerJson.checkUnknownToken(file, JsonParser.parseString("{\"type\":\"BPE\",\"vocab\":{\"a\":0},"
                + "\"merges\":[],\"unk_token\":null}"), null);
        TokenizerJson.checkUnknownToken(file, JsonParser.parseString("{\"type\":\"Unigram\",\"unk_id\":1,"
                + "\"vocab\":[[\"a\",0.0],[\"<unk>\",-1.0]]}"), null);
    }

    /**
     * A byte-level BPE model without its unknown token is accepted only where every byte has its
     * piece (the child-JVM encoding is in {@link TokenizerFileRefusalTest}); one byte short, a
     * pre-tokenizer after the byte mapping that may add characters, or a subword prefix whose
     * forms are missing, and the unknown token can be needed: refused as before.
     */
    @Test
    void aByteLevelModelIsAcceptedWithoutItsUnknownTokenOnlyWhereEveryByteHasItsPiece() throws Exception {
        Path file = Path.of("tokenizer.json");
        java.util.List<String> alphabet = TokenizerFileRefusalTest.byteLevelAlphabet();
        java.util.List<String> bytes = new java.util.ArrayList<>();
        for (int b = 0; b < 256; b++) {
            bytes.add(String.format("<0x%02X>", b));
        }
        JsonElement byteLevel = JsonParser.parseString("{\"type\":\"ByteLevel\"}");
        JsonElement sequence = JsonParser.parseString("{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":"
                + "\"ByteLevel\"},{\"type\":\"Digits\"}]}");
        JsonElement thenMetaspace = JsonParser.parseString("{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":"
                + "\"ByteLevel\"},{\"type\":\"Metaspace\"}]}");
        TokenizerJson.checkUnknownToken(file, bpe(alphabet, false, null), byteLevel);
        TokenizerJson.checkUnknownToken(file, bpe(alphabet, false, null), sequence);
        TokenizerJson.checkUnknownToken(file, bpe(bytes, true, null), null);
        java.util.List<String> prefixed = new java.util.ArrayList<>(alphabet);
        alphabet.forEach(c -> prefixed.add("##" + c));
        TokenizerJson.checkUnknownToken(file, bpe(prefixed, false, "##"), byteLevel);
        String reason = "tokenizer.json: $.model.unk_token \"<unk>\" is not in $.model.vocab; expected one of its"
                + " entries, the token unknown text becomes";
        Object[][] refused = {
            {bpe(alphabet.subList(1, 256), false, null), byteLevel},
            {bpe(bytes.subList(0, 255), true, null), null},
            {bpe(alphabet, false, null), thenMetaspace},
            {bpe(alphabet, false, null), null},
            {bpe(bytes, false, null), null},
            {bpe(alphabet, false, "##"), byteLevel},
        };
        for (Object[] c : refused) {
            IOException e = assertThrows(IOException.class,
                    () -> TokenizerJson.checkUnknownToken(file, (JsonElement) c[0], (JsonElement) c[1]));
            assertEquals(reason, e.getMessage());
        }
    }

    /** A BPE model with these pieces and {@code <unk>} as its absent unknown token. */
    private static JsonElement bpe(java.util.List<String> pieces, boolean byteFallback, String prefix) {
        com.google.gson.JsonObject vocab = new com.google.gson.JsonObject();
        pieces.forEach(p -> vocab.addProperty(p, vocab.size()));
        com.google.gson.JsonObject model = new com.google.gson.JsonObject();
        model.addProperty("type", "BPE");
        model.addProperty("unk_token", "<unk>");
        model.addProperty("byte_fallback", byteFallback);
        model.addProperty("continuing_subword_prefix", prefix);
        model.add("vocab", vocab);
        return model;
    }
}
