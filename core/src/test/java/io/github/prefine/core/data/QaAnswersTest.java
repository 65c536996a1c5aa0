package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The whitespace-insensitive answer repair on hand-worked contexts. */
class QaAnswersTest {
    @Test
    void findsTheShortestRegionWhoseNonWhitespaceCharactersAreTheAnswers() {
        // "New  York" (two spaces) holds "New York": the region ends after 'k', at 9
        assertEquals(9, QaAnswers.whitespaceInsensitiveEnd("New  York", "New York", 0));
        // a one-character answer at the start ends at 1
        assertEquals(1, QaAnswers.whitespaceInsensitiveEnd("a b", "a", 0));
        // from offset 2 of "x  a\tb c": skips the space, matches "a", the TAB, "b"
        assertEquals(6, QaAnswers.whitespaceInsensitiveEnd("x  a\tb c", "a b", 2));
    }

    @Test
    void noRegionWhenTheContextRunsOutOrDiffers() {
        // the context ends (after trailing whitespace) before the answer's 'c'
        assertEquals(-1, QaAnswers.whitespaceInsensitiveEnd("ab ", "ab c", 0));
        assertEquals(-1, QaAnswers.whitespaceInsensitiveEnd("ab", "abc", 0));
        assertEquals(-1, QaAnswers.whitespaceInsensitiveEnd("abc", "abd", 0));
        // an answer of whitespace only matches nothing
        assertEquals(-1, QaAnswers.whitespaceInsensitiveEnd("a b", " ", 0));
        // offsets outside the context
        assertEquals(-1, QaAnswers.whitespaceInsensitiveEnd("abc", "a", -1));
        assertEquals(-1, QaAnswers.whitespaceInsensitiveEnd("abc", "a", 4));
        assertEquals(-1, QaAnswers.whitespaceInsensitiveEnd("abc", "a", 3));
    }
}
