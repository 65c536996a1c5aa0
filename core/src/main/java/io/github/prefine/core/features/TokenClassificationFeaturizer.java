package io.github.prefine.core.features;

import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import io.github.prefine.core.tokenize.Truncation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Turns {@link TokenExample}s into {@link TokenClassificationFeatures}, aligning word tags to
 * sub-tokens.
 *
 * <p>The first sub-token of each word carries the word's tag id; later sub-tokens and special
 * tokens get -100, unless {@link Builder#optLabelAllSubTokens(boolean)} gives every sub-token its
 * word's tag (HF's {@code label_all_tokens}). Sentences longer than the maximum length are
 * truncated; the report counts them and the words cut off. Skipped and reported: sentences with a
 * tag outside the label list, with an empty word or a word holding whitespace, or rejected by the
 * tokenizer. Tags are used as given (no IOB1→IOB2 conversion here). Immutable and thread-safe;
 * the given tokenizer is not owned.
 */
public final class TokenClassificationFeaturizer {
    private final SubwordTokenizer tokenizer;
    private final List<String> labels;
    private final Map<String, Integer> labelIds;
    private final int maxLength;
    private final int batchSize;
    private final boolean labelAll;
    private final String name;

    private TokenClassificationFeaturizer(Builder b) {
        tokenizer = b.tokenizer;
        labels = b.labels;
        labelIds = ClassificationFeaturizer.labelIndex(labels);
        maxLength = b.maxLength;
        batchSize = b.batchSize;
        labelAll = b.labelAll;
        name = b.name;
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
     * Featurizes the sentences with native batch encoding.
     *
     * @param examples the sentences; the feature's example index refers to this list
     * @return the features and their report
     * @throws IOException when the tokenizer variant cannot be loaded
     */
    public TokenClassificationFeatures featurize(List<TokenExample> examples) throws IOException {
        ReportCollector report = new ReportCollector(name, examples.size());
        TokenRows.Builder rows = TokenRows.builder(tokenizer.padId());
        byte[] lab = new byte[1024];
        int labSize = 0;
        int[] exampleOf = new int[examples.size()];
        Map<Integer, int[]> gapped = new TreeMap<>();
        try (SubwordTokenizer tok = ChunkEncoder.variant(tokenizer, maxLength, Truncation.LONGEST_FIRST, 0)) {
            for (int from = 0; from < examples.size(); from += batchSize) {
                int to = Math.min(examples.size(), from + batchSize);
                List<Integer> kept = new ArrayList<>(to - from);
                List<int[]> tagIds = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    TokenExample ex = examples.get(i);
                    String problem = null;
                    int[] ids = new int[ex.tags().size()];
                    for (int w = 0; w < ids.length && problem == null; w++) {
                        Integer id = labelIds.get(ex.tags().get(w));
                        if (id == null) {
                            problem = "tag not in the label list";
                        } else {
                            ids[w] = id;
                        }
                        if (!wordIsUsable(ex.tokens().get(w))) {
                            problem = "empty word or word holding whitespace";
                        }
                    }
                    if (problem != null) {
                        report.skip(ex.id(), problem);
                    } else {
                        kept.add(i);
                        tagIds.add(ids);
                    }
                }
                TokenEncoding[] enc = ChunkEncoder.encode(
                        () -> tok.encodeWordsBatch(kept.stream().map(i -> examples.get(i).tokens()).toList()),
                        k -> tok.encodeWords(examples.get(kept.get(k)).tokens()),
                        kept.size());
                for (int k = 0; k < kept.size(); k++) {
                    int i = kept.get(k);
                    TokenEncoding e = enc[k];
                    if (e == null) {
                        report.skip(examples.get(i).id(), ChunkEncoder.REJECTED);
                        continue;
                    }
                    int[] tags = tagIds.get(k);
                    int n = e.length();
                    if (labSize + n > lab.length) {
                        lab = Arrays.copyOf(lab, Math.max(labSize + n, lab.length * 2));
                    }
                    int[] wordIds = e.wordIds();
                    int prev = -1;
                    int firsts = 0;
                    int[] firstWords = new int[tags.length];
                    for (int p = 0; p < n; p++) {
                        int w = wordIds[p];
                        byte b;
                        if (w < 0) {
                            b = TokenClassificationFeatures.IGNORE;
                        } else if (w != prev) {
                            b = (byte) (TokenClassificationFeatures.FIRST | tags[w]);
                            firstWords[firsts++] = w;
                        } else {
                            b = (byte) (labelAll ? tags[w] : TokenClassificationFeatures.IGNORE);
                        }
                        if (w >= 0) {
                            prev = w;
                        }
                        lab[labSize + p] = b;
                    }
                    labSize += n;
                    int lastWord = prev;
                    int row = rows.add(e.ids(), e.typeIds(), n);
                    exampleOf[row] = i;
                    if (e.isTruncated()) {
                        report.truncated();
                        report.count("words cut by truncation", tags.length - 1 - lastWord);
                    }
                    if (firsts != lastWord + 1) {
                        report.count("words without sub-tokens", lastWord + 1 - firsts);
                        gapped.put(row, Arrays.copyOf(firstWords, firsts));
                    }
                }
            }
        }
        TokenRows built = rows.build();
        int n = built.rowCount();
        long bytes = built.storedBytes() + labSize + 4L * n;
        for (int[] g : gapped.values()) {
            bytes += 4L * g.length + 16;
        }
        return new TokenClassificationFeatures(
                built, Arrays.copyOf(lab, labSize), Arrays.copyOf(exampleOf, n), gapped,
                report.finish(n, built.tokenCount(), bytes));
    }

    private static boolean wordIsUsable(String word) {
        if (word.isEmpty()) {
            return false;
        }
        for (int c = 0; c < word.length(); c++) {
            char ch = word.charAt(c);
            if (Character.isWhitespace(ch) || Character.isSpaceChar(ch)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Builds a {@link TokenClassificationFeaturizer}; mutable and single-threaded.
     *
     * <p>Required: {@link #setTokenizer}, {@link #setLabels}. {@link #build()} checks that there
     * are 1 to 127 distinct labels and that the sizes are positive.
     */
    public static final class Builder {
        private SubwordTokenizer tokenizer;
        private List<String> labels;
        private int maxLength = 128;
        private int batchSize = 1024;
        private boolean labelAll;
        private String name = "token-classification";

        private Builder() {}

        /**
         * Sets the tokenizer to derive from (not owned). Required.
         *
         * @param tokenizer the base tokenizer; its truncation and padding settings are replaced
         * @return this builder
         */
        public Builder setTokenizer(SubwordTokenizer tokenizer) {
            this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
            return this;
        }

        /**
         * Sets the tag list; a tag's id is its index. Required.
         *
         * @param labels 1 to 127 distinct tags
         * @return this builder
         */
        public Builder setLabels(List<String> labels) {
            this.labels = List.copyOf(labels);
            return this;
        }

        /**
         * Sets the maximum length, special tokens included. Default 128.
         *
         * @param maxLength positive
         * @return this builder
         */
        public Builder optMaxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /**
         * Sets how many sentences go to one native batch call. Default 1024.
         *
         * @param batchSize positive
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets whether every sub-token carries its word's tag. Default false (first sub-token only).
         *
         * @param labelAll true to label all sub-tokens
         * @return this builder
         */
        public Builder optLabelAllSubTokens(boolean labelAll) {
            this.labelAll = labelAll;
            return this;
        }

        /**
         * Sets the name used in the report and logs. Default {@code token-classification}.
         *
         * @param name the task or split name
         * @return this builder
         */
        public Builder optName(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the featurizer
         */
        public TokenClassificationFeaturizer build() {
            Objects.requireNonNull(tokenizer, "tokenizer is required (setTokenizer)");
            Objects.requireNonNull(labels, "labels are required (setLabels)");
            if (labels.isEmpty() || labels.size() > 127) {
                throw new IllegalArgumentException("labels: need 1 to 127 tags, found " + labels.size());
            }
            if (maxLength <= 0 || batchSize <= 0) {
                throw new IllegalArgumentException(
                        "maxLength and batchSize must be positive, found " + maxLength + " and " + batchSize);
            }
            return new TokenClassificationFeaturizer(this);
        }
    }
}
