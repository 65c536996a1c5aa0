package io.github.prefine.core.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Words that start with Metaspace's {@code ▁} once normalized, under the XLM-R fixture: NFKC makes
 * "¨" and "´" a space and a combining mark (CoNLL-2003 holds such words), and U+2581 is the mark
 * itself.
 *
 * <p>Ground truth is HF's {@code run_ner.py}, which encodes with {@code is_split_into_words=True}:
 * the tokenizers library normalizes and pre-tokenizes each word on its own, and Metaspace prepends
 * no {@code ▁} to a word that already starts with one, so each word's sub-tokens are those of the
 * word encoded alone as a text, wherever it stands; the label goes on each word's first sub-token,
 * -100 elsewhere. Joining the words with spaces gave such a word, after the first, one more token:
 * the joined space as a {@code ▁} of its own, which carried the word's label.
 */
class SpaceStartingWordTest {
    private static final List<String> TAGS = List.of("O", "B-X");

    @Test
    void aWordStartingWithTheMetaspaceMarkGetsTheSubTokensItHasAlone() throws IOException {
        try (SubwordTokenizer tok = Fixtures.tokenizer("xlm-roberta")) {
            for (List<String> words : List.of(List.of("a", "\u00a8"), List.of("a", "\u00b4s", "b"),
                    List.of("a", "\u2581b"), List.of("\u00a8", "a", "\u00a8"))) {
                assertLikeEachWordAlone(tok, words);
            }
        }
    }

    @Test
    void aWordStartingWithAnAddedTokenGetsTheSubTokensItHasAlone() throws IOException {
        // before, "<mask>" after a word kept the joined space's ▁: [▁, <mask>] where HF has [<mask>]
        // alone; "x" alone is [▁, <unk>] under the fixture's small vocabulary, the model's <unk>
        // (an added token's id, not its text) that keeps its ▁
        try (SubwordTokenizer tok = Fixtures.tokenizer("xlm-roberta")) {
            for (List<String> words : List.of(List.of("a", "<mask>"), List.of("a", "<mask>x", "b"),
                    List.of("<mask>", "a", "<mask>"), List.of("a", "x", "<mask>"))) {
                assertLikeEachWordAlone(tok, words);
            }
        }
    }

    @Test
    void aWordStartingWithANormalizedAddedTokenGetsTheSubTokensItHasAlone(@TempDir Path dir) throws IOException {
        // an added token with "normalized": true is matched in the NFKC-normalized text: the
        // full-width "\uff46\uff4f\uff4f" becomes "foo" and matches it, so the text at its offsets
        // is not its content; alone the word is [foo], joined it was [\u2581, foo]
        Path file = dir.resolve("tokenizer.json");
        JsonObject root;
        try (Reader r = Files.newBufferedReader(
                SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json"))) {
            root = JsonParser.parseReader(r).getAsJsonObject();
        }
        JsonObject foo = new JsonObject();
        foo.addProperty("id", 257);
        foo.addProperty("content", "foo");
        foo.addProperty("single_word", false);
        foo.addProperty("lstrip", false);
        foo.addProperty("rstrip", false);
        foo.addProperty("normalized", true);
        foo.addProperty("special", false);
        root.getAsJsonArray("added_tokens").add(foo);
        Files.writeString(file, root.toString());
        try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            assertEquals(List.of(0, 257, 2), boxed(tok.encode("\uff46\uff4f\uff4f").ids()), "the word alone");
            for (List<String> words : List.of(List.of("a", "\uff46\uff4f\uff4f"), List.of("a", "\uff46\uff4f\uff4fx", "b"),
                    List.of("a", "foo"))) {
                assertLikeEachWordAlone(tok, words);
            }
        }
    }

    /** encodeWords and both featurizer paths give each word the sub-tokens it has encoded alone. */
    private static void assertLikeEachWordAlone(SubwordTokenizer tok, List<String> words) throws IOException {
        // HF: <s>, each word's own sub-tokens, </s>
        List<Integer> ids = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        ids.add(0);
        labels.add(-100);
        for (String w : words) {
            TokenEncoding alone = tok.encode(w);
            for (int p = 1; p < alone.length() - 1; p++) {
                ids.add(alone.ids()[p]);
                labels.add(p == 1 ? 1 : -100);
            }
        }
        ids.add(2);
        labels.add(-100);
        assertEquals(ids, boxed(tok.encodeWords(words).ids()), words + ": encodeWords ids");
        for (boolean fast : new boolean[] {true, false}) {
            TokenClassificationFeatures f = TokenClassificationFeaturizer.builder().setTokenizer(tok)
                    .setLabels(TAGS).optFastPath(fast).build()
                    .featurize(List.of(new TokenExample("e", words, Collections.nCopies(words.size(), "B-X"))));
            List<Integer> gotIds = new ArrayList<>();
            List<Integer> gotLabels = new ArrayList<>();
            for (int p = 0; p < f.tokens().length(0); p++) {
                gotIds.add(f.tokens().id(0, p));
                gotLabels.add(f.label(0, p));
            }
            assertEquals(ids, gotIds, words + ", fast path " + fast + ": ids");
            assertEquals(labels, gotLabels, words + ", fast path " + fast + ": labels");
        }
    }

    private static List<Integer> boxed(int[] a) {
        List<Integer> out = new ArrayList<>(a.length);
        for (int v : a) {
            out.add(v);
        }
        return out;
    }
}
