package io.github.prefine.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.prefine.core.data.ConllReader;
import io.github.prefine.core.data.FileTagScheme;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link PieceEncoder#encodeWords} under the XLM-R fixture (a Unigram model of 256 pieces, so most
 * capitalised words are a lone {@code ▁} and an unknown token) gives each word the pieces the
 * library gives it encoded alone, HF's {@code is_split_into_words}, whether the strings of the
 * tokens it reads come from the {@link PieceTable} learnt from earlier chunks or from the library.
 *
 * <p>Ground truth: each word encoded alone by the library. The words: capitalised ones, digits and
 * punctuation (a lone {@code ▁} then an unknown token), words that start with {@code ▁} once
 * normalized ("¨" and "´s" under NFKC, a literal U+2581, alone and twice), the added token {@code
 * <mask>} inside a word (a word of it alone keeps the joined space's {@code ▁} either way, which
 * is not this test's matter), known and unknown CJK, compatibility characters, and the distinct words of
 * CoNLL-2003 English train when {@code ../shared/data} holds it.
 */
class PieceTableTest {
    private static final List<String> WORDS = List.of("Japan", "J", "a", "(", "U.S.", "1996-08-22", "\u00a8", "\u00b4s",
            "\u2581b", "\u2581", "\u2581\u2581", "a\u2581", "\u00a8\u00a8", "\u00b4", "x<mask>", "\u6771\u4eac",
            "\u5317", "\u03a9", "\u00e9", "e\u0301", "\ufb01", "\u216b", "\uff04", "\u0001", "Berlin", "river", "?!");

    @Test
    void tableAndLibraryStringsGiveEachWordItsPiecesAlone() throws IOException {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        List<String> words = new ArrayList<>(WORDS);
        Path conll = SharedFixtures.root().resolve("data/sl/conll2003/eng.train");
        if (Files.isRegularFile(conll)) {
            Set<String> distinct = new LinkedHashSet<>();
            for (TokenExample ex : ConllReader.builder().optScheme(FileTagScheme.IOB1).build()
                    .read(conll, Leniency.STRICT).examples()) {
                distinct.addAll(ex.tokens());
            }
            words.addAll(distinct);
        } else {
            System.out.println("PieceTableTest: " + conll + " absent, checking the listed words only");
        }
        // the unknown id as the builder reads it from the file
        int unknownId = TokenizerJson.unigramUnknownId(
                new TokenizerSource(fixture, null).json(Files.readString(fixture)).get("model"));
        assertEquals(3, unknownId, "<unk> is entry 3 of the fixture's vocabulary");
        // the added tokens as the builder reads them from the file
        var added = TokenizerJson.addedTokens(fixture, new TokenizerSource(fixture, null).json(Files.readString(fixture)));
        try (PieceEncoder encoder = new PieceEncoder(new TokenizerSource(fixture, null), ex -> ex, unknownId, added)) {
            assertEachWordGetsItsPiecesAlone(encoder, words);
        }
    }

    /**
     * Asserts that {@link PieceEncoder#encodeWords} gives each word the pieces the library gives it
     * encoded alone, with the strings from the table and from the library.
     *
     * @return the words encoded alone, one row each
     */
    static Pieces assertEachWordGetsItsPiecesAlone(PieceEncoder encoder, List<String> words) {
        Pieces alone = encoder.encode(words, false);
        Pieces table = encoder.encodeWords(words, true);
        Pieces library = encoder.encodeWords(words, false);
        for (int w = 0; w < words.size(); w++) {
            int[] expected = row(alone, w);
            String where = "word " + w + " '" + words.get(w) + "'";
            assertArrayEquals(expected, row(table, w), where + ", strings from the table");
            assertArrayEquals(expected, row(library, w), where + ", strings from the library");
        }
        return alone;
    }

    @Test
    void knowsOnlyLearntPiecesAndDecidesAnUnknownTokenAfterAOneCharacterSpace() {
        // "a ▁J" and "a J" joined: "a" (112), "▁" (7) on the space, then at "J" the unknown id 3 or
        // the piece "▁" again; the library's strings of "a ▁J" once learnt, then asked of the other
        int[] ends = {1, 3};
        int[] starts = {0, 1, 2};
        int[] tokenEnds = {1, 2, 3};
        PieceTable table = new PieceTable(3);
        assertNull(table.strings(new int[] {112, 7, 3}, 0, 3, ends, starts, tokenEnds), "nothing learnt yet");
        table.learn(new int[] {112, 7, 7}, 0, new String[] {"a", "\u2581", "\u2581"});
        // no unknown token's text starts with "▁", a piece of its own: it fails the test as the library's would
        assertEquals(Arrays.asList("a", "\u2581", ""),
                Arrays.asList(table.strings(new int[] {112, 7, 3}, 0, 3, ends, starts, tokenEnds)));
        assertEquals(Arrays.asList("a", "\u2581", "\u2581"),
                Arrays.asList(table.strings(new int[] {112, 7, 7}, 0, 3, ends, starts, tokenEnds)));
        table.learn(new int[] {3}, 0, new String[] {"J"});
        assertNull(table.strings(new int[] {112, 200, 3}, 0, 3, ends, starts, tokenEnds),
                "a space token not learnt, and the unknown id's text never is");
    }

    static int[] row(Pieces p, int w) {
        return Arrays.copyOfRange(p.ids(), p.rowStart()[w], p.rowStart()[w + 1]);
    }
}
