package io.github.prefine.core.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The paper's lengths and the variant for an encoder with a shorter position table. */
class FeatureSettingsTest {
    @Test
    void withLengthsChangesTheThreeLengthsAndKeepsTheCapsAndSeed() {
        FeatureSettings capped = new FeatureSettings(128, 384, 128, 200, 50, 9L);
        assertEquals(new FeatureSettings(64, 64, 16, 200, 50, 9L), capped.withLengths(64, 64, 16));
        assertEquals(new FeatureSettings(64, 64, 16, 0, 0, 1L), FeatureSettings.paper().withLengths(64, 64, 16));
    }

    @Test
    void withLengthsChecksThemAsTheConstructorDoes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeatureSettings.paper().withLengths(64, 64, 64));
        assertEquals("feature settings: qaStride must be in (0, qaMaxLength), found 64", e.getMessage());
    }
}
