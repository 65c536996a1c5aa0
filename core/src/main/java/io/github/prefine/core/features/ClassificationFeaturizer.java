package io.github.prefine.core.features;

import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.tokenize.IdRows;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import io.github.prefine.core.tokenize.Truncation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns {@link TextExample}s (single texts or pairs) into {@link ClassificationFeatures}: each
 * input truncated to the maximum length ({@link Truncation#LONGEST_FIRST} for pairs), its label
 * mapped to the index in the caller's label list.
 *
 * <p>Unlabelled examples ({@code label == null}) are kept with label -1 (ignored by the loss) and
 * counted. So are examples whose label is missing from the list, counted as {@link
 * #LABEL_OUTSIDE_LIST}: a task scores them by their gold label, which no prediction can match, so
 * they count as wrong rather than vanish from the score. Immutable and thread-safe; each
 * {@link #featurize} call derives and closes its own tokenizer variant from the given one, which
 * it does not own.
 */
public final class ClassificationFeaturizer extends FeaturizerBase {
    /** Feature report counter: examples kept with an ignored label because it is not in the list. */
    public static final String LABEL_OUTSIDE_LIST = "label not in the label list (ignored by the loss, scored as wrong)";

    private final List<String> labels;
    private final Map<String, Integer> labelIds;
    private final boolean fastPath;

    private ClassificationFeaturizer(Builder b) {
        super(b);
        labels = List.copyOf(b.labels);
        labelIds = labelIndex(labels);
        fastPath = b.fastPath;
    }

    static Map<String, Integer> labelIndex(List<String> labels) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            if (m.put(labels.get(i), i) != null) {
                throw new IllegalArgumentException("labels: duplicate label '" + labels.get(i) + "'");
            }
        }
        return m;
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
     * Returns the label list (id = index).
     *
     * @return the labels
     */
    public List<String> labels() {
        return labels;
    }

    /**
     * Featurizes the examples with native batch encoding.
     *
     * @param examples the examples; the feature's example index refers to this list
     * @return the features and their report
     * @throws IOException when the tokenizer variant cannot be loaded
     */
    public ClassificationFeatures featurize(List<TextExample> examples) throws IOException {
        ReportCollector report = report(examples.size());
        TokenRows.Builder rows = TokenRows.builder(tokenizer.padId());
        int[] labelOf = new int[examples.size()];
        int[] exampleOf = new int[examples.size()];
        BitSet cutRows = new BitSet();
        ProgressSteps steps = progress(examples.size());
        try (SubwordTokenizer tok = ChunkEncoder.variant(tokenizer, maxLength, Truncation.LONGEST_FIRST, 0)) {
            for (int from = 0; from < examples.size(); from += batchSize) {
                int to = Math.min(examples.size(), from + batchSize);
                List<Integer> singles = new ArrayList<>();
                List<Integer> pairs = new ArrayList<>();
                for (int i = from; i < to; i++) {
                    (examples.get(i).isPair() ? pairs : singles).add(i);
                }
                Encoded encSingle = encode(tok, examples, singles, false);
                Encoded encPair = encode(tok, examples, pairs, true);
                // Store in input order.
                int s = 0;
                int p = 0;
                for (int i = from; i < to; i++) {
                    Encoded enc;
                    int k;
                    if (s < singles.size() && singles.get(s) == i) {
                        enc = encSingle;
                        k = s++;
                    } else if (p < pairs.size() && pairs.get(p) == i) {
                        enc = encPair;
                        k = p++;
                    } else {
                        continue; // skipped above
                    }
                    TextExample ex = examples.get(i);
                    if (enc.rejected(k)) {
                        report.skip(ex.id(), ChunkEncoder.REJECTED);
                        continue;
                    }
                    int row = enc.addTo(rows, k);
                    if (enc.truncated(k)) {
                        report.truncated();
                        cutRows.set(row);
                    }
                    Integer id = ex.label() == null ? null : labelIds.get(ex.label());
                    if (ex.label() == null) {
                        report.count(FeatureReport.UNLABELLED, 1);
                    } else if (id == null) {
                        report.count(LABEL_OUTSIDE_LIST, 1);
                    }
                    labelOf[row] = id == null ? -1 : id;
                    exampleOf[row] = i;
                }
                steps.report(to);
            }
        }
        steps.finish();
        TokenRows built = rows.build();
        int n = built.rowCount();
        long bytes = built.storedBytes() + ClassificationFeatures.bytes(n);
        return new ClassificationFeatures(
                built, Arrays.copyOf(labelOf, n), Arrays.copyOf(exampleOf, n), cutRows, report.finish(n, built.tokenCount(), bytes));
    }

    /**
     * Encodes a batch's singles or pairs: ids and type ids only ({@link SubwordTokenizer#encodeIdRows})
     * on the fast path, else, or when the native call rejects the batch, as {@link TokenEncoding}s
     * one batch call (or one call per item) at a time.
     */
    private Encoded encode(SubwordTokenizer tok, List<TextExample> examples, List<Integer> items, boolean pair) {
        if (items.isEmpty()) {
            return new Encoded(null, new TokenEncoding[0]);
        }
        List<String> a = items.stream().map(i -> examples.get(i).textA()).toList();
        List<String> b = pair ? items.stream().map(i -> examples.get(i).textB()).toList() : null;
        if (fastPath) {
            try {
                return new Encoded(tok.encodeIdRows(a, b), null);
            } catch (IllegalArgumentException batchFailure) {
                // one bad input: the per-item path below finds it and costs only itself
            }
        }
        TokenEncoding[] enc = pair
                ? ChunkEncoder.encode(() -> tok.encodePairBatch(a, b), k -> tok.encodePair(a.get(k), b.get(k)), items.size())
                : ChunkEncoder.encode(() -> tok.encodeBatch(a), k -> tok.encode(a.get(k)), items.size());
        return new Encoded(null, enc);
    }

    /** One batch's encodings: flat id rows (fast path) or encodings with null where rejected. */
    private record Encoded(IdRows rows, TokenEncoding[] encodings) {
        boolean rejected(int k) {
            return rows == null && encodings[k] == null;
        }

        boolean truncated(int k) {
            return rows != null ? rows.truncated()[k] : encodings[k].isTruncated();
        }

        int addTo(TokenRows.Builder out, int k) {
            if (rows != null) {
                return out.add(rows.ids(), rows.typeIds(), rows.rowStart()[k], rows.length(k));
            }
            TokenEncoding e = encodings[k];
            return out.add(e.ids(), e.typeIds(), e.length());
        }
    }

    /**
     * Builds a {@link ClassificationFeaturizer}; mutable and single-threaded.
     *
     * <p>Required: {@link #setTokenizer}, {@link #setLabels}. {@link #build()} checks that the
     * labels are non-empty and distinct and the sizes positive.
     *
     * <p>Defaults: maximum length 128, batch size 1024 examples, name {@code classification}.
     */
    public static final class Builder extends FeaturizerBuilder<Builder> {
        private List<String> labels;
        private boolean fastPath = true;

        private Builder() {
            super(128, 1024, "classification");
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Sets the label list; a label's id is its index. Required.
         *
         * @param labels distinct labels
         * @return this builder
         */
        public Builder setLabels(List<String> labels) {
            this.labels = List.copyOf(labels);
            return this;
        }

        /**
         * Sets whether inputs are encoded to ids and type ids only ({@link
         * SubwordTokenizer#encodeIdRows}), skipping the offsets, word ids and token strings of full
         * encodings that classification never reads. Default true. False converts full encodings;
         * both give the same features.
         *
         * @param fastPath false to convert full encodings
         * @return this builder
         */
        public Builder optFastPath(boolean fastPath) {
            this.fastPath = fastPath;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the featurizer
         */
        public ClassificationFeaturizer build() {
            requireTokenizer();
            Objects.requireNonNull(labels, "labels are required (setLabels)");
            if (labels.isEmpty()) {
                throw new IllegalArgumentException("labels must be non-empty, found 0");
            }
            checkSizes();
            return new ClassificationFeaturizer(this);
        }
    }
}
