package io.github.prefine.core.features;

import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;

/** Opens the fixture tokenizers. */
final class Fixtures {
    private Fixtures() {}

    static SubwordTokenizer tokenizer(String family) throws IOException {
        return SubwordTokenizer.builder()
                .setTokenizerPath(SharedFixtures.require("fixtures/hf-reference/" + family + "/tokenizer.json"))
                .build();
    }
}
