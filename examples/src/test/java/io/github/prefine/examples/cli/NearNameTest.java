package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which names a mistyped word is offered, the edits counted by hand. */
class NearNameTest {
    @Test
    void oneEditAwayIsNear() {
        assertTrue(PrefineCli.isNear("reproduse", "reproduce")); // one replaced
        assertTrue(PrefineCli.isNear("demi", "demo"));
        assertTrue(PrefineCli.isNear("fetsh", "fetch"));
        assertTrue(PrefineCli.isNear("--seed", "--seeds")); // one inserted, dashes aside
        assertTrue(PrefineCli.isNear("--seed=3", "--seeds")); // the value aside
        assertTrue(PrefineCli.isNear("bnech", "bench")); // one swap of neighbours
    }

    @Test
    void aThirdOfTheNamesLettersAtMost() {
        // "reproduce" has 9 letters: 3 edits are near, 4 are not
        assertTrue(PrefineCli.isNear("rprdce", "reproduce"));
        assertFalse(PrefineCli.isNear("rprdc", "reproduce"));
        // a short name still allows one
        assertTrue(PrefineCli.isNear("dmo", "demo"));
        assertFalse(PrefineCli.isNear("dm", "demo"));
    }

    @Test
    void aBeginningOfThreeLettersOrMoreIsNear() {
        assertTrue(PrefineCli.isNear("repro", "reproduce"));
        assertTrue(PrefineCli.isNear("--target-ep", "--target-epochs"));
        assertFalse(PrefineCli.isNear("re", "reproduce"));
    }

    @Test
    void farWordsAreNot() {
        // picocli's first suggestion for these: five and six edits away
        assertFalse(PrefineCli.isNear("nosuch", "bench"));
        assertFalse(PrefineCli.isNear("zzz", "demo"));
        assertFalse(PrefineCli.isNear("--zzz", "--seeds"));
    }
}
