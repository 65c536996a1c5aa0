package io.github.prefine.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A word that starts with an added token matched in the normalized text ({@code "normalized":
 * true}) whose id the model's vocabulary also holds gets, in {@link PieceEncoder#encodeWords}, the
 * pieces the library gives it encoded alone (HF's {@code is_split_into_words}): no {@code ▁} of
 * the joined space, as for an added token the raw text shows; so does {@link
 * SubwordTokenizer#encodeWords}, which drops that token as well.
 *
 * <p>The tokenizer: the XLM-R fixture (NFKC, Metaspace) with one more added token, {@code "q"},
 * normalized, at id 224, the model's own piece {@code q}. The full-width {@code "ｑ"} (U+FF51)
 * normalizes to it under NFKC, so the library matches the added token there, while the raw text
 * at its offsets is not its content. Ground truth: each word encoded alone by the library.
 */
class NormalizedAddedTokenTest {
    /** Full-width letters, which NFKC turns into the ASCII ones. */
    private static final List<String> WORDS = List.of("a", "\uff51", "q", "\uff51a", "a\uff51", "\uff51\uff51", "Japan",
            "\uff51", "quiz", "\uff31", "\u00a8\uff51", "river");

    @TempDir
    Path tmp;

    @Test
    void aWordStartingWithANormalizedAddedTokenTheModelHoldsGetsItsPiecesAlone() throws IOException {
        Path file = withAddedToken("q");
        Pieces alone = assertEachWordGetsItsPiecesAlone(file, WORDS);
        // the library matches the added token in "ｑ": alone, the word is that token and no "▁"
        assertArrayEquals(new int[] {224}, PieceTableTest.row(alone, 1), "'\uff51' alone");
    }

    /**
     * An added token the file gives the id of another of the model's pieces ("zz" at 224, the
     * model's {@code q}, hand-edited) is not that piece: the library gives the token an id of its
     * own, and {@code q} from the model, after the space's {@code ▁}, in ordinary text. The id then
     * shows nothing; before, a word starting with {@code q} lost its {@code ▁}.
     */
    @Test
    void theModelsOwnPieceAtAnAddedTokensIdInTheFileKeepsTheSpaceBeforeIt() throws IOException {
        Path file = withAddedToken("zz");
        // the words whose pieces the model gives: "zz" itself the library numbers past the file's ids
        Pieces alone = assertEachWordGetsItsPiecesAlone(file, List.of("a", "q", "quiz", "river", "q"));
        assertArrayEquals(new int[] {7, 224}, PieceTableTest.row(alone, 1), "'q' alone: the model's \u2581 and q");
    }

    /**
     * A Unigram vocabulary that holds the added token's content twice, at the file's id (224) and
     * after its last piece: the library gives the token the model's id of its content, the last of
     * the two, as its piece-to-id map keeps the last, so that id is the one matched in "ｑ". Keyed by
     * the file's id, the matched token was taken for the model's own and the word got a "▁".
     */
    @Test
    void anAddedTokenWhoseContentTheVocabularyHoldsTwiceIsTheLastOnesId() throws IOException {
        Path file = withAddedToken("q");
        JsonObject root = JsonFiles.object(file);
        JsonArray vocab = root.getAsJsonObject("model").getAsJsonArray("vocab");
        vocab.add(JsonParser.parseString("[\"q\", -30.0]"));
        Files.writeString(file, root.toString());
        Pieces alone = assertEachWordGetsItsPiecesAlone(file, WORDS);
        assertArrayEquals(new int[] {vocab.size() - 1}, PieceTableTest.row(alone, 1), "'\uff51' alone: the last q's id");
    }

    /**
     * Added tokens whose content the vocabulary lacks, hand-edited in at ids the file picks past
     * the vocabulary and out of order ("zz" at 266, then "yy" at 260): the library ignores those
     * ids and numbers the tokens as it adds them, in the file's order, each one past the largest
     * id added so far where that is at least the model's size (256 pieces; the fixture's {@code
     * <mask>}, which the vocabulary lacks too, has 256): "zz" 257, "yy" 258. Keyed by the file's
     * ids, the matched tokens were taken for unknown ones and a word starting with one kept the
     * joined space's lone {@code ▁}, which the library does not give it alone.
     */
    @Test
    void addedTokensTheVocabularyLacksHaveTheIdsTheLibraryNumbersThem() throws IOException {
        Path file = withAddedToken("zz");
        JsonObject root = JsonFiles.object(file);
        JsonArray added = root.getAsJsonArray("added_tokens");
        JsonObject zz = added.get(added.size() - 1).getAsJsonObject();
        zz.addProperty("id", 266);
        zz.addProperty("normalized", false);
        JsonObject yy = zz.deepCopy();
        yy.addProperty("content", "yy");
        yy.addProperty("id", 260);
        added.add(yy);
        Files.writeString(file, root.toString());
        Pieces alone = assertEachWordGetsItsPiecesAlone(file, List.of("a", "zz", "river", "yy", "zzq", "yy", "a"));
        assertArrayEquals(new int[] {257}, PieceTableTest.row(alone, 1), "'zz' alone: numbered after <mask>'s 256");
        assertArrayEquals(new int[] {258}, PieceTableTest.row(alone, 3), "'yy' alone: numbered after zz");
        Map<Integer, String> keyed = new HashMap<>(TokenizerJson.addedTokens(file, JsonFiles.object(file)));
        keyed.keySet().removeIf(id -> id <= 256);
        assertEquals(Map.of(257, "", 258, ""), keyed, "the added tokens past <mask>, by the library's ids");
    }

    /**
     * The vocabulary size counts the id the library gives an added token the vocabulary lacks, not
     * the file's: "zz" at the file's 224, below the model's 256 pieces, is numbered 257 (after
     * {@code <mask>}'s 256), so the ids run to 257 and an encoder needs 258 rows. Counted by the
     * file's ids, the size was 257 and the token's id past the last row. The library's own
     * encoding of "zz" gives the id.
     */
    @Test
    void theVocabularySizeCountsTheIdTheLibraryGivesAnAddedTokenTheVocabularyLacks() throws IOException {
        Path file = withAddedToken("zz");
        try (HuggingFaceTokenizer lib = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false"));
                SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            assertArrayEquals(new long[] {257}, lib.encode("zz").getIds(), "the library's id of zz");
            assertEquals(258, tok.vocabularySize(), "ids 0 to 257");
        }
    }

    /**
     * Without a {@code padding} section the padding id is that of the added token {@code <pad>}, as
     * the library numbers it: the vocabulary's 1, where a hand-edited file gives it 7 (the library
     * warns and keeps the vocabulary's id). Before, the file's 7 padded the rows.
     */
    @Test
    void thePaddingIdOfAnAddedPadTokenIsTheLibrarysId() throws IOException {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        JsonObject root = JsonFiles.object(fixture);
        root.remove("padding");
        JsonObject pad = root.getAsJsonArray("added_tokens").get(1).getAsJsonObject();
        assertEquals("<pad>", pad.get("content").getAsString(), "the fixture's second added token");
        pad.addProperty("id", 7);
        Path file = Files.writeString(tmp.resolve("tokenizer.json"), root.toString());
        try (HuggingFaceTokenizer lib = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false"));
                SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            assertArrayEquals(new long[] {1}, lib.encode("<pad>").getIds(), "the library's id of <pad>");
            assertEquals(1, tok.padId(), "the padding id");
        }
    }

    /** The XLM-R fixture with one more added token, normalized, at id 224, the model's piece {@code q}. */
    private Path withAddedToken(String content) throws IOException {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        JsonObject root = JsonFiles.object(fixture);
        JsonArray vocab = root.getAsJsonObject("model").getAsJsonArray("vocab");
        assertEquals("q", vocab.get(224).getAsJsonArray().get(0).getAsString(), "piece 224 of the fixture's vocabulary");
        JsonObject token = JsonParser.parseString("{\"id\": 224, \"single_word\": false, \"lstrip\": false,"
                + " \"rstrip\": false, \"normalized\": true, \"special\": false}").getAsJsonObject();
        token.addProperty("content", content);
        root.getAsJsonArray("added_tokens").add(token);
        return Files.writeString(tmp.resolve("tokenizer.json"), root.toString());
    }

    /**
     * Asserts that {@link PieceEncoder#encodeWords} and {@link SubwordTokenizer#encodeWords} give
     * each word the pieces the library gives it encoded alone.
     *
     * @return the words encoded alone, one row each
     */
    private static Pieces assertEachWordGetsItsPiecesAlone(Path file, List<String> words) throws IOException {
        TokenizerSource source = new TokenizerSource(file, null);
        JsonObject read = source.json(Files.readString(file));
        int unknownId = TokenizerJson.unigramUnknownId(read.get("model"));
        try (PieceEncoder encoder = new PieceEncoder(source, ex -> ex, unknownId, TokenizerJson.addedTokens(file, read))) {
            Pieces alone = PieceTableTest.assertEachWordGetsItsPiecesAlone(encoder, words);
            // the same words as one sentence, between the template's <s> (0) and </s> (2)
            int[] sentence = new int[alone.ids().length + 2];
            System.arraycopy(alone.ids(), 0, sentence, 1, alone.ids().length);
            sentence[sentence.length - 1] = 2;
            try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
                assertArrayEquals(sentence, tok.encodeWords(words).ids(), "encodeWords of the words as one sentence");
            }
            return alone;
        }
    }
}
