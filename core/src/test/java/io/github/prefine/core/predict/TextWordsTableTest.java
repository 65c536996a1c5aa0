package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link TextWords}'s table for Latin text (below {@link TextWords#TABLE_END}) against the general
 * path it is built from, for every code point of it, and against hand-read Unicode classes.
 */
class TextWordsTableTest {
    @Test
    void tableAgreesWithTheGeneralPathForEveryCodePoint() {
        for (int cp = 0; cp < TextWords.TABLE_END; cp++) {
            for (boolean ideographs : new boolean[] {false, true}) {
                for (boolean strip : new boolean[] {false, true}) {
                    int c = cp;
                    assertEquals(TextWords.kind(cp, ideographs, strip), TextWords.fastKind(cp, ideographs, strip),
                            () -> String.format("U+%04X ideographs=%s stripAccents=%s", c, ideographs, strip));
                }
            }
        }
        // just past the table the general path answers: U+0300 is a combining grave, a mark
        assertEquals(TextWords.REMOVED, TextWords.fastKind(0x0300, false, true));
        assertEquals(TextWords.LETTER, TextWords.fastKind(0x0300, false, false));
    }

    /** Classes read off the Unicode charts by hand, with and without accent stripping. */
    @Test
    void tableHoldsTheHandReadClasses() {
        // {code point, without stripping, with stripping}
        int[][] cases = {
            {'a', TextWords.LETTER, TextWords.LETTER},
            {' ', TextWords.SPACE, TextWords.SPACE},
            {'$', TextWords.PUNCTUATION, TextWords.PUNCTUATION},
            {0x00E9, TextWords.LETTER, TextWords.LETTER}, // é: e + U+0301, the e is left
            {0x00DF, TextWords.LETTER, TextWords.LETTER}, // ß: no decomposition
            {0x00A0, TextWords.SPACE, TextWords.SPACE}, // no-break space, Zs
            {0x00A1, TextWords.PUNCTUATION, TextWords.PUNCTUATION}, // ¡, Po
            {0x00AB, TextWords.PUNCTUATION, TextWords.PUNCTUATION}, // «, Pi
            {0x00B7, TextWords.PUNCTUATION, TextWords.PUNCTUATION}, // middle dot, Po
            {0x00B4, TextWords.LETTER, TextWords.LETTER}, // acute accent, Sk, decomposes to itself in NFD
            {0x00AD, TextWords.REMOVED, TextWords.REMOVED}, // soft hyphen, Cf
            {0x0085, TextWords.REMOVED, TextWords.REMOVED}, // next line, Cc
            {0x0007, TextWords.REMOVED, TextWords.REMOVED}, // bell, Cc
        };
        for (int[] c : cases) {
            String at = String.format("U+%04X", c[0]);
            assertEquals(c[1], TextWords.fastKind(c[0], false, false), at + " without stripping");
            assertEquals(c[2], TextWords.fastKind(c[0], false, true), at + " with stripping");
        }
    }
}
