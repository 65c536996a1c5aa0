package io.github.prefine.core.features;

import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Base of the featurizer properties: opens the fixture tokenizers of {@link PropertyText#FAMILIES}
 * once per property class and closes them after it.
 */
abstract class FixtureTokenizerProperties {
    /** The fixture tokenizers, indexed as {@link PropertyText#FAMILIES}. */
    static SubwordTokenizer[] tokenizers;

    @BeforeContainer
    static void openTokenizers() throws IOException {
        tokenizers = PropertyText.openTokenizers();
    }

    @AfterContainer
    static void closeTokenizers() {
        PropertyText.close(tokenizers);
    }
}
