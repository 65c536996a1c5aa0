package io.github.prefine.core.features;

import io.github.prefine.core.data.ChoiceExample;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import io.github.prefine.core.tokenize.Truncation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Turns {@link ChoiceExample}s into {@link ChoiceFeatures}: one text pair per choice.
 *
 * <p>Template: first sequence = the premise, followed by a space and the question when the
 * question is not empty (COPA: {@code "The man broke his toe. cause"}); second sequence = the
 * choice. Pairs are truncated {@link Truncation#LONGEST_FIRST} to the maximum length; an example
 * counts as truncated when any of its choices is. An example any of whose choices the tokenizer
 * rejects is skipped and reported. Immutable and thread-safe; the given tokenizer is not owned.
 */
public final class ChoiceFeaturizer extends FeaturizerBase {

    private ChoiceFeaturizer(Builder b) {
        super(b);
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the first sequence of every choice pair of an example.
     *
     * @param ex the example
     * @return the premise, plus a space and the question when it is not empty
     */
    public static String firstSequence(ChoiceExample ex) {
        return ex.question().isEmpty() ? ex.premise() : ex.premise() + " " + ex.question();
    }

    /**
     * Featurizes the examples with native batch encoding.
     *
     * @param examples the examples; the feature's example index refers to this list
     * @return the features and their report
     * @throws IOException when the tokenizer variant cannot be loaded
     */
    public ChoiceFeatures featurize(List<ChoiceExample> examples) throws IOException {
        ReportCollector report = report(examples.size());
        TokenRows.Builder rows = TokenRows.builder(tokenizer.padId());
        int[] firstRow = new int[examples.size() + 1];
        int[] labels = new int[examples.size()];
        int[] exampleOf = new int[examples.size()];
        BitSet cutUnits = new BitSet();
        int kept = 0;
        ProgressSteps steps = progress(examples.size());
        try (SubwordTokenizer tok = ChunkEncoder.variant(tokenizer, maxLength, Truncation.LONGEST_FIRST, 0)) {
            for (int from = 0; from < examples.size(); from += batchSize) {
                int to = Math.min(examples.size(), from + batchSize);
                List<String> firsts = new ArrayList<>();
                List<String> seconds = new ArrayList<>();
                for (int i = from; i < to; i++) {
                    ChoiceExample ex = examples.get(i);
                    String first = firstSequence(ex);
                    for (String choice : ex.choices()) {
                        firsts.add(first);
                        seconds.add(choice);
                    }
                }
                TokenEncoding[] enc = ChunkEncoder.encode(
                        () -> tok.encodePairBatch(firsts, seconds),
                        k -> tok.encodePair(firsts.get(k), seconds.get(k)),
                        firsts.size());
                int k = 0;
                for (int i = from; i < to; i++) {
                    ChoiceExample ex = examples.get(i);
                    int c = ex.choices().size();
                    boolean rejected = false;
                    boolean truncated = false;
                    for (int j = 0; j < c; j++) {
                        rejected |= enc[k + j] == null;
                        truncated |= enc[k + j] != null && enc[k + j].isTruncated();
                    }
                    if (rejected) {
                        report.skip(ex.id(), ChunkEncoder.REJECTED);
                        k += c;
                        continue;
                    }
                    firstRow[kept] = rows.rowCount();
                    for (int j = 0; j < c; j++) {
                        TokenEncoding e = enc[k + j];
                        rows.add(e.ids(), e.typeIds(), e.length());
                    }
                    k += c;
                    labels[kept] = ex.label();
                    exampleOf[kept] = i;
                    if (truncated) {
                        report.truncated();
                        cutUnits.set(kept);
                    }
                    kept++;
                    if (ex.label() < 0) {
                        report.count(FeatureReport.UNLABELLED, 1);
                    }
                }
                steps.report(to);
            }
        }
        steps.finish();
        TokenRows built = rows.build();
        firstRow[kept] = built.rowCount();
        long bytes = built.storedBytes() + 12L * kept + 4;
        return new ChoiceFeatures(built, Arrays.copyOf(firstRow, kept + 1), Arrays.copyOf(labels, kept),
                Arrays.copyOf(exampleOf, kept), cutUnits, report.finish(kept, built.tokenCount(), bytes));
    }

    /**
     * Builds a {@link ChoiceFeaturizer}; mutable and single-threaded.
     *
     * <p>Required: {@link #setTokenizer}. {@link #build()} checks that the sizes are positive.
     *
     * <p>Defaults: maximum length 128 for each choice pair, batch size 512 examples, name {@code
     * multiple-choice}.
     */
    public static final class Builder extends FeaturizerBuilder<Builder> {

        private Builder() {
            super(128, 512, "multiple-choice");
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the featurizer
         */
        public ChoiceFeaturizer build() {
            requireTokenizer();
            checkSizes();
            return new ChoiceFeaturizer(this);
        }
    }
}
