package io.github.prefine.core.tokenize.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TokenizerText#addedTokenIds} against the ids the tokenizers library gives hand-written
 * files' added tokens (each token encoded alone), and against the ids worked out by hand from its
 * rule: in the file's order, special or not; a content the vocabulary holds its id there, whatever
 * the file's; a repeated one its first id; any other the vocabulary's size, or one past the largest
 * id added so far once that is at least the size.
 */
class AddedTokenIdsTest {
    @TempDir
    Path tmp;

    /**
     * Special and non-special tokens interleaved take ids in the file's order, the first new one
     * the size 3 after b's 1, below it; b and a the vocabulary's ids, not the file's.
     */
    @Test
    void tokensAreNumberedInTheFilesOrderSpecialOrNot() throws IOException {
        assertIds("{\"a\": 0, \"b\": 1, \"c\": 2}", ids("b", 1, "Y", 3, "X", 4, "a", 0, "Z", 5), token("b", 5, true),
                token("Y", 9, false), token("X", 3, true), token("a", 7, true), token("Z", 1, true));
    }

    /**
     * A vocabulary whose ids have a gap (2 pieces, ids 0 and 5): the first new token gets the size,
     * 2, the next ones one past it, the fourth 5, b's id too, and the fifth 6.
     */
    @Test
    void aVocabularyWithAGapNumbersFromItsSize() throws IOException {
        assertIds("{\"a\": 0, \"b\": 5}", ids("N1", 2, "N2", 3, "N3", 4, "N4", 5, "N5", 6),
                token("N1", 2, false), token("N2", 3, false), token("N3", 4, false), token("N4", 5, false),
                token("N5", 6, false));
    }

    /** An added token the vocabulary holds at 10, past its size 3: the next new one is 11. */
    @Test
    void aNewTokenFollowsAVocabularyIdPastTheSize() throws IOException {
        assertIds("{\"a\": 0, \"b\": 1, \"c\": 10}", ids("c", 10, "N", 11), token("c", 2, true), token("N", 3, true));
    }

    /** A content listed again keeps its first id and takes none; an empty one is skipped. */
    @Test
    void aRepeatedTokenKeepsItsFirstIdAndAnEmptyOneNone() throws IOException {
        assertIds("{\"a\": 0, \"b\": 1, \"c\": 2}", ids("N", 3, "M", 4, "O", 5),
                token("", 3, true), token("N", 3, true), token("M", 4, true), token("N", 5, false), token("O", 5, false));
    }

    /** An empty vocabulary: the first new token gets 0, the next 1. */
    @Test
    void anEmptyVocabularyNumbersFromZero() throws IOException {
        assertIds("{}", ids("N", 0, "M", 1), token("N", 3, true), token("M", 4, true));
    }

    /** Checks the ids against the hand-worked ones and the library's encoding of each token alone. */
    private void assertIds(String vocab, Map<String, Long> want, String... added) throws IOException {
        String json = "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": ["
                + String.join(", ", added) + "], \"normalizer\": null, \"pre_tokenizer\": {\"type\": \"WhitespaceSplit\"},"
                + " \"post_processor\": null, \"decoder\": null, \"model\": {\"type\": \"WordLevel\", \"vocab\": " + vocab
                + ", \"unk_token\": \"a\"}}";
        Path file = Files.writeString(tmp.resolve("tokenizer.json"), json);
        Map<String, Long> got = TokenizerText.addedTokenIds(JsonParser.parseString(json).getAsJsonObject());
        assertEquals(want, got, file + ": the added tokens' ids, in the file's order");
        assertEquals(want.keySet().stream().toList(), got.keySet().stream().toList(), file + ": the file's order");
        try (HuggingFaceTokenizer lib = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false"))) {
            for (Map.Entry<String, Long> e : want.entrySet()) {
                assertArrayEquals(new long[] {e.getValue()}, lib.encode(e.getKey()).getIds(),
                        file + ": the library's id of " + e.getKey());
            }
        }
    }

    private static String token(String content, int fileId, boolean special) {
        return "{\"id\": " + fileId + ", \"content\": \"" + content + "\", \"single_word\": false, \"lstrip\": false,"
                + " \"rstrip\": false, \"normalized\": false, \"special\": " + special + "}";
    }

    private static Map<String, Long> ids(Object... contentsAndIds) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < contentsAndIds.length; i += 2) {
            m.put((String) contentsAndIds[i], ((Integer) contentsAndIds[i + 1]).longValue());
        }
        return m;
    }
}
