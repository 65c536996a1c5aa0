package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LearningRateSelectionTest {
    @Test
    void parsesTheDocumentedOptionNamesCaseInsensitively() {
        assertEquals("per-target", LearningRateSelection.PER_TARGET.optionName());
        assertEquals("per-seed", LearningRateSelection.PER_SEED.optionName());
        assertEquals(LearningRateSelection.PER_TARGET, LearningRateSelection.parse("per-target"));
        assertEquals(LearningRateSelection.PER_SEED, LearningRateSelection.parse(" Per-Seed "));
    }

    @Test
    void rejectsAnUnknownNameNamingTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LearningRateSelection.parse("per_seed"));
        assertTrue(e.getMessage().contains("per-target or per-seed"), e.getMessage());
    }
}
