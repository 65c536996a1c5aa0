package io.github.prefine.core.features;

import io.github.prefine.core.tokenize.SubwordTokenizer;
import org.slf4j.event.Level;

/**
 * The settings every featurizer keeps from its {@link FeaturizerBuilder}: the base tokenizer (not
 * owned), the maximum length, the native batch size, the report name, the report's log level and the progress listener. Immutable.
 */
abstract class FeaturizerBase {
    final SubwordTokenizer tokenizer;
    final int maxLength;
    final int batchSize;
    final String name;
    final FeaturizationListener listener;
    final Level reportLevel;

    FeaturizerBase(FeaturizerBuilder<?> b) {
        tokenizer = b.tokenizer;
        maxLength = b.maxLength;
        batchSize = b.batchSize;
        name = b.name;
        listener = b.listener;
        reportLevel = b.reportLevel;
    }

    /** Starts the tally of one featurization of {@code total} examples, logged at the builder's level. */
    ReportCollector report(int total) {
        return new ReportCollector(name, total, reportLevel);
    }

    /** Starts the progress reports of one featurization of {@code total} examples: reports 0 done. */
    ProgressSteps progress(int total) {
        return new ProgressSteps(listener, name, total);
    }
}
