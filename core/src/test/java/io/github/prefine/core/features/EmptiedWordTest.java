package io.github.prefine.core.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.Padding;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Words that the normalizer empties, under a Metaspace tokenizer: the XLM-R fixture with the
 * normalizer of a real XLM-R checkpoint in miniature, control character U+0001 removed (as the
 * SentencePiece charsmap of {@code Precompiled} removes it), then NFKC, then, in one variant, runs
 * of spaces collapsed ({@code Replace(" {2,}", " ")}, which HF's SentencePiece converter adds).
 *
 * <p>Ground truth is HF's {@code run_ner.py}, which encodes with {@code is_split_into_words=True}:
 * the tokenizers library normalizes and pre-tokenizes each word on its own, and Metaspace prepends
 * its "▁" only to a word that is not empty after normalization, so such a word has no sub-token
 * and the sentence's tokens are those of the text without it, which the plain encoding of that
 * text gives. Joining the words with spaces left the space before the emptied word standing alone
 * as a "▁" token of its own, labelled as the word's first sub-token.
 */
class EmptiedWordTest {
    private static final List<String> TAGS = List.of("O", "B-X");

    @TempDir
    Path dir;

    @Test
    void aWordTheNormalizerEmptiesGetsNoSubTokenOnEitherPath() throws IOException {
        for (boolean collapse : new boolean[] {true, false}) {
            try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(tokenizer(collapse)).build()) {
                // last word emptied: HF's ids are those of "ab" alone
                check(tok, List.of("ab", "\u0001"), tok.encode("ab"), new int[] {0}, collapse);
                // middle word emptied: HF's ids are those of "ab cd", "cd" being word 2
                check(tok, List.of("ab", "\u0001", "cd"), tok.encode("ab cd"), new int[] {0, 2}, collapse);
                // padded to a fixed length, the row keeps it: the freed position is padding
                try (SubwordTokenizer padded = tok.toBuilder().optPadding(Padding.MAX_LENGTH).optMaxLength(8).build()) {
                    TokenEncoding hf = padded.encode("ab");
                    TokenEncoding words = padded.encodeWords(List.of("ab", "\u0001"));
                    assertArrayEquals(hf.ids(), words.ids(), "padded ids");
                    assertArrayEquals(hf.attentionMask(), words.attentionMask(), "padded mask");
                    assertArrayEquals(hf.tokens(), words.tokens(), "padded token strings");
                    assertArrayEquals(new int[] {-1, 0, 0, -1, -1, -1, -1, -1}, words.wordIds(), "padded word ids");
                }
            }
        }
    }

    private static void check(SubwordTokenizer tok, List<String> words, TokenEncoding hf, int[] firstWords,
            boolean collapse) throws IOException {
        String what = words + (collapse ? " with" : " without") + " space collapsing";
        assertArrayEquals(hf.ids(), tok.encodeWords(words).ids(), what + ": encodeWords ids");
        for (boolean fast : new boolean[] {true, false}) {
            TokenClassificationFeatures f = TokenClassificationFeaturizer.builder().setTokenizer(tok).setLabels(TAGS)
                    .optFastPath(fast).build()
                    .featurize(List.of(new TokenExample("e", words, java.util.Collections.nCopies(words.size(), "B-X"))));
            String path = what + ", fast path " + fast;
            assertEquals(hf.length(), f.tokens().length(0), path + ": row length");
            for (int p = 0; p < hf.length(); p++) {
                assertEquals(hf.ids()[p], f.tokens().id(0, p), path + ": id at " + p);
                // HF: the label on each word's first sub-token, -100 elsewhere
                boolean first = hf.wordIds()[p] >= 0 && (p == 0 || hf.wordIds()[p - 1] != hf.wordIds()[p]);
                assertEquals(first ? 1 : -100, f.label(0, p), path + ": label at " + p);
            }
            assertArrayEquals(firstWords, f.firstTokenWords(0), path + ": words of the first sub-tokens");
            assertEquals(1L, f.report().counters().get("words without sub-tokens"), path);
        }
    }

    /** The XLM-R fixture with U+0001 removed before NFKC, and runs of spaces collapsed after it when asked. */
    private Path tokenizer(boolean collapse) throws IOException {
        JsonObject root = JsonParser.parseString(Files.readString(
                SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json"))).getAsJsonObject();
        JsonArray steps = new JsonArray();
        steps.add(replace("String", "\u0001", ""));
        JsonObject nfkc = new JsonObject();
        nfkc.addProperty("type", "NFKC");
        steps.add(nfkc);
        if (collapse) {
            steps.add(replace("Regex", " {2,}", " "));
        }
        JsonObject sequence = new JsonObject();
        sequence.addProperty("type", "Sequence");
        sequence.add("normalizers", steps);
        root.add("normalizer", sequence);
        Path file = dir.resolve(collapse ? "collapse.json" : "plain.json");
        Files.writeString(file, root.toString());
        return file;
    }

    private static JsonObject replace(String kind, String pattern, String content) {
        JsonObject p = new JsonObject();
        p.addProperty(kind, pattern);
        JsonObject r = new JsonObject();
        r.addProperty("type", "Replace");
        r.add("pattern", p);
        r.addProperty("content", content);
        return r;
    }
}
