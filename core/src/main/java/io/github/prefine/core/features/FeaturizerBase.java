package io.github.prefine.core.features;

import io.github.prefine.core.tokenize.SubwordTokenizer;

/**
 * The settings every featurizer keeps from its {@link FeaturizerBuilder}: the base tokenizer (not
 * owned), the maximum length, the native batch size, the report name and the progress listener. Immutable.
 */
abstract class FeaturizerBase {
    final SubwordTokenizer tokenizer;
    final int maxLength;
    final int batchSize;
    final String name;
    final FeaturizationListener listener;

    FeaturizerBase(FeaturizerBuilder<?> b) {
        tokenizer = b.tokenizer;
        maxLength = b.maxLength;
        batchSize = b.batchSize;
        name = b.name;
        listener = b.listener;
    }

    /** Starts the progress reports of one featurization of {@code total} examples: reports 0 done. */
    ProgressSteps progress(int total) {
        return new ProgressSteps(listener, name, total);
    }
}
