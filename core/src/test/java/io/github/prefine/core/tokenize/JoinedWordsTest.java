package io.github.prefine.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
