package io.github.prefine.core.features;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Random words for the featurizer properties: whole words of the XLM-R fixture's vocabulary (so
 * that both fixture tokenizers meet words they know) and random Unicode words (letters, marks,
 * symbols, format and control characters, astral code points; never whitespace or lone
 * surrogates, which the featurizers reject or split on, nor precomposed letters, see
 * {@link #hasCanonicalDecomposition}).
 */
final class PropertyText {
    private PropertyText() {}

    /** The fixture tokenizers the properties run on, in this order. */
    static final String[] FAMILIES = {"bert", "xlm-roberta"};

    /** Opens the fixture tokenizers of {@link #FAMILIES}, for a property class's lifetime. */
    static SubwordTokenizer[] openTokenizers() throws IOException {
        SubwordTokenizer[] out = new SubwordTokenizer[FAMILIES.length];
        for (int f = 0; f < FAMILIES.length; f++) {
            out[f] = Fixtures.tokenizer(FAMILIES[f]);
        }
        return out;
    }

    /** Closes what {@link #openTokenizers()} opened. */
    static void close(SubwordTokenizer[] tokenizers) {
        for (SubwordTokenizer t : tokenizers) {
            t.close();
        }
    }

    private static List<String> vocabularyWords;

    /** The fixture vocabulary's whole words, "▁" removed, read once. */
    static synchronized List<String> vocabularyWords() {
        if (vocabularyWords == null) {
            try {
                String json = Files.readString(SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json"));
                JsonArray vocab = JsonParser.parseString(json).getAsJsonObject().getAsJsonObject("model")
                        .getAsJsonArray("vocab");
                List<String> out = new ArrayList<>();
                for (JsonElement e : vocab) {
                    String piece = e.getAsJsonArray().get(0).getAsString();
                    if (piece.startsWith("▁") && piece.length() > 1) {
                        out.add(piece.substring(1));
                    }
                }
                vocabularyWords = List.copyOf(out);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return vocabularyWords;
    }

    /** One code point that is neither whitespace nor a surrogate. */
    static Arbitrary<Integer> codePoint() {
        return Arbitraries.oneOf(
                        Arbitraries.integers().between(0x21, 0x7E),
                        Arbitraries.integers().between(0xA1, 0x36F),
                        Arbitraries.integers().between(0x400, 0x4FF),
                        Arbitraries.integers().between(0x900, 0x97F),
                        Arbitraries.integers().between(0x2000, 0x2BFF),
                        Arbitraries.integers().between(0x3040, 0x30FF),
                        Arbitraries.integers().between(0x4E00, 0x4E50),
                        Arbitraries.integers().between(0xFB00, 0xFFFD),
                        Arbitraries.integers().between(0x1D400, 0x1D7FF),
                        Arbitraries.integers().between(0x1F300, 0x1F64F),
                        Arbitraries.integers().between(0x0, 0x1F))
                .filter(c -> !Character.isWhitespace(c) && !Character.isSpaceChar(c) && c != 0x85
                        && Character.getType(c) != Character.SURROGATE && Character.isDefined(c)
                        && !hasCanonicalDecomposition(c));
    }

    /**
     * Whether NFD changes the code point (a precomposed letter such as U+0120 "Ġ"). Left out: for
     * one the vocabulary lacks, the tokenizers library's NFKC alignment gives the unknown token an
     * empty offset span after the character, and an overflow window's copy of that token a
     * different one, so that offsets cannot be compared across windows (a library quirk, not the
     * featurizers'). Precomposed letters still come in through vocabulary words ("résumé").
     */
    private static boolean hasCanonicalDecomposition(int c) {
        String s = new String(Character.toChars(c));
        return !java.text.Normalizer.isNormalized(s, java.text.Normalizer.Form.NFD);
    }

    /** A word: mostly from the vocabulary, sometimes 1 to 4 random code points. */
    static Arbitrary<String> word() {
        Arbitrary<String> random = codePoint().list().ofMinSize(1).ofMaxSize(4).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.of(vocabularyWords())),
                net.jqwik.api.Tuple.of(1, random));
    }
}
