package io.github.prefine.eval.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CountsTest {

    /** One takes the singular; zero, many and a negative count the plural, as English says them. */
    @Test
    void oneIsSingularEveryOtherCountPlural() {
        assertEquals("1 epoch", Counts.counted(1, "epoch"));
        assertEquals("0 epochs", Counts.counted(0, "epoch"));
        assertEquals("2 epochs", Counts.counted(2, "epoch"));
        assertEquals("1 blank line", Counts.counted(1, "blank line"));
        assertEquals("3000000000 records", Counts.counted(3_000_000_000L, "record"));
        assertEquals("-1 records", Counts.counted(-1, "record"));
    }

    /** The noun alone, for a message that puts its count elsewhere or counts two nouns at once. */
    @Test
    void theNounAloneFollowsTheCount() {
        assertEquals("line", Counts.noun(1, "line"));
        assertEquals("lines", Counts.noun(2, "line"));
        assertEquals("lines", Counts.noun(0, "line"));
    }
}
