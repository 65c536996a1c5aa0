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
    void aWindowBelowTheQaMinimumIsRefusedOnlyWhereQaFeaturesAreBuilt() throws Exception {
        // a classifier of 6 positions: rows of 6, and a QA window it never builds
        FeatureSettings six = FeatureSettings.paper().withLengths(6, 6, 2);
        assertEquals(6, six.qaMaxLength());
        try (io.github.prefine.core.tokenize.SubwordTokenizer tok = Fixtures.tokenizer("bert")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> QaFeaturizer.builder().setTokenizer(tok).optMaxLength(six.qaMaxLength())
                            .optStride(six.qaStride()).optName("squad").build());
            assertEquals("QA task squad: windows of 6 tokens are too short; a window holds the question, a part of"
                    + " the context and 3 or 4 special tokens, so at least 8 are required", e.getMessage());
            QaFeaturizer.builder().setTokenizer(tok).optMaxLength(8).optStride(2).optName("squad").build();
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeatureSettings.paper().withLengths(3, 6, 2));
        assertEquals("feature settings: maxLength >= 4 required, found 3", e.getMessage());
    }

    @Test
    void withLengthsChecksThemAsTheConstructorDoes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeatureSettings.paper().withLengths(64, 64, 64));
        assertEquals("feature settings: qaStride must be in (0, qaMaxLength), found 64", e.getMessage());
    }

    @Test
    void aQaFeaturizerTakesTheStridesTheSettingsTake() throws Exception {
        // the settings refuse a stride of 0 (windows sharing no context token lose an answer across
        // their edge); the featurizer's builder took it, and past the window it said nothing of the task
        assertThrows(IllegalArgumentException.class, () -> FeatureSettings.paper().withLengths(64, 64, 0));
        try (io.github.prefine.core.tokenize.SubwordTokenizer tok = Fixtures.tokenizer("bert")) {
            for (int stride : new int[] {0, -1, 64}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> QaFeaturizer.builder().setTokenizer(tok).optMaxLength(64).optStride(stride)
                                .optName("squad").build());
                assertEquals("QA task squad: stride must be in (0, maxLength 64), found " + stride + "; consecutive"
                        + " windows share that many context tokens, at least 1 so that an answer across a window's"
                        + " edge lies whole in the next one", e.getMessage());
            }
            // the bounds the settings take, the featurizer takes
            new FeatureSettings(16, 64, 1, 0, 0, 1L);
            new FeatureSettings(16, 64, 63, 0, 0, 1L);
            QaFeaturizer.builder().setTokenizer(tok).optMaxLength(64).optStride(1).build();
            QaFeaturizer.builder().setTokenizer(tok).optMaxLength(64).optStride(63).build();
        }
    }

    @Test
    void withExampleCapsChangesTheCapsAndKeepsTheLengthsAndSeed() {
        FeatureSettings small = FeatureSettings.paper().withLengths(64, 64, 16);
        assertEquals(new FeatureSettings(64, 64, 16, 300, 100, 1L), small.withExampleCaps(300, 100));
        assertEquals(new FeatureSettings(64, 64, 16, 0, 0, 1L), small.withExampleCaps(300, 100).withExampleCaps(0, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> small.withExampleCaps(-1, 0));
        assertEquals("feature settings: example caps must be >= 0, found -1 and 0", e.getMessage());
    }
}
