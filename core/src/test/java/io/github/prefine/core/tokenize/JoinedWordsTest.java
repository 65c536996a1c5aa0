package io.github.prefine.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JoinedWordsTest {

    @Test
    void endsIndexTheJoinedTextInUtf16Units() {
        // "😀" is two UTF-16 units, so the word after it ends one unit later than its code points say
        JoinedWords j = JoinedWords.join(List.of("a", "café", "😀", "b"), 0, 4, "");
        assertEquals("a café 😀 b", j.text());
        assertArrayEquals(new int[] {1, 6, 9, 11}, j.ends());
    }

    @Test
    void joinsARangeWithEndsCountedFromItsFirstWord() {
        JoinedWords j = JoinedWords.join(List.of("skip", "New", "York", "skip"), 1, 3, "");
        assertEquals("New York", j.text());
        assertArrayEquals(new int[] {3, 8}, j.ends());
    }

    @Test
    void rejectsAWordHoldingWhitespaceNamingWhereItIs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JoinedWords.join(List.of("ok", "no\u00a0break"), 0, 2, "sentence 4 "));
        assertEquals("sentence 4 word 1: words must hold no whitespace, found 'no\u00a0break'", e.getMessage());
    }

    @Test
    void rejectsAnEmptyWordNamingWhereItIs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JoinedWords.join(List.of("a", "b", ""), 0, 3, ""));
        assertEquals("word 2: words must be non-empty, found ''", e.getMessage());
    }

    @Test
    void anyOnSpaceFindsOnlyATokenOfAJoinedSpaceAlone() {
        // "New York !": words end at 3, 8 and 10; the joined spaces sit at 3 and 8
        int[] ends = {3, 8, 10};
        // WordPiece: no token covers a space
        assertFalse(JoinedWords.anyOnSpace(ends, new int[] {0, 4, 9}, new int[] {3, 8, 10}, 0, 3));
        // Metaspace: "▁York" starts on its space but holds the word too; a lone "▁" before "!" is on the space
        int[] starts = {0, 3, 8, 9};
        int[] tokenEnds = {3, 8, 9, 10};
        assertTrue(JoinedWords.anyOnSpace(ends, starts, tokenEnds, 0, 4));
        // only the tokens in [from, from + n) count: the first two hold no lone space
        assertFalse(JoinedWords.anyOnSpace(ends, starts, tokenEnds, 0, 2));
        // an empty span just past a space is on it as well (RoBERTa's trim_offsets puts a lone "Ġ" there),
        assertTrue(JoinedWords.anyOnSpace(ends, new int[] {0, 9, 9}, new int[] {3, 9, 10}, 0, 3));
        // but one at the space is the end of the word before it (trim_offsets puts "Ġa" of "</s>a" there)
        assertFalse(JoinedWords.anyOnSpace(ends, new int[] {0, 8, 9}, new int[] {3, 8, 10}, 0, 3));
        // a window starting further on: its lone space is found from that offset
        assertTrue(JoinedWords.anyOnSpace(new int[] {3, 8, 10}, new int[] {99, 0, 3, 8}, new int[] {99, 3, 4, 10}, 1, 3));
    }
}
