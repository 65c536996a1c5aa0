package io.github.prefine.core.features;

import io.github.prefine.core.tokenize.SubwordTokenizer;

/**
 * The settings every featurizer keeps from its {@link FeaturizerBuilder}: the base tokenizer (not
 * owned), the maximum length, the native batch size and the report name. Immutable.
 */
abstract class FeaturizerBase {
    final SubwordTokenizer tokenizer;
    final int maxLength;
    final int batchSize;
    final String name;

    FeaturizerBase(FeaturizerBuilder<?> b) {
        tokenizer = b.tokenizer;
        maxLength = b.maxLength;
        batchSize = b.batchSize;
        name = b.name;
    }
}
