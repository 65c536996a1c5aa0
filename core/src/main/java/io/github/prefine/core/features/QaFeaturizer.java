package io.github.prefine.core.features;

import io.github.prefine.core.data.QaAnswer;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import io.github.prefine.core.tokenize.Truncation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Turns {@link QaExample}s into {@link QaFeatures} the way HF's {@code run_qa.py} prepares SQuAD:
 * question first (leading whitespace removed), context second, only the context truncated, into
 * windows of the maximum length that overlap by the stride.
 *
 * <p>A window's target is the token span of the first gold answer when that answer lies wholly
 * inside the window's context, else position 0 ({@code [CLS]}/{@code <s>}). Skipped and
 * reported: examples whose answer covers no context token (for example a whitespace-only
 * answer), whose context has no tokens, or that the tokenizer rejects (a question too long to
 * leave room for the stride). Counted but kept: answers in no single window, answer boundaries
 * inside a token, unlabelled examples. Immutable and thread-safe; the given tokenizer is not owned.
 */
public final class QaFeaturizer {
    private final SubwordTokenizer tokenizer;
    private final int maxLength;
    private final int stride;
    private final int batchSize;
    private final String name;

    private QaFeaturizer(Builder b) {
        tokenizer = b.tokenizer;
        maxLength = b.maxLength;
        stride = b.stride;
        batchSize = b.batchSize;
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
     * Featurizes the examples with native batch encoding.
     *
     * @param examples the examples; the feature's example index refers to this list
     * @return the windows and their report
     * @throws IOException when the tokenizer variant cannot be loaded
     */
    public QaFeatures featurize(List<QaExample> examples) throws IOException {
        ReportCollector report = new ReportCollector(name, examples.size());
        TokenRows.Builder rows = TokenRows.builder(tokenizer.padId());
        IntBuffer exampleOf = new IntBuffer();
        IntBuffer startPos = new IntBuffer();
        IntBuffer endPos = new IntBuffer();
        IntBuffer ctxStart = new IntBuffer();
        IntBuffer ctxEnd = new IntBuffer();
        IntBuffer base = new IntBuffer();
        IntBuffer charStarts = new IntBuffer();
        IntBuffer charEnds = new IntBuffer();
        try (SubwordTokenizer tok = ChunkEncoder.variant(tokenizer, maxLength, Truncation.ONLY_SECOND, stride)) {
            for (int from = 0; from < examples.size(); from += batchSize) {
                int to = Math.min(examples.size(), from + batchSize);
                List<String> questions = new ArrayList<>(to - from);
                List<String> contexts = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    questions.add(examples.get(i).question().stripLeading());
                    contexts.add(examples.get(i).context());
                }
                TokenEncoding[] enc = ChunkEncoder.encode(
                        () -> tok.encodePairBatch(questions, contexts),
                        k -> tok.encodePair(questions.get(k), contexts.get(k)),
                        to - from);
                for (int i = from; i < to; i++) {
                    QaExample ex = examples.get(i);
                    TokenEncoding first = enc[i - from];
                    if (first == null) {
                        report.skip(ex.id(), ChunkEncoder.REJECTED);
                        continue;
                    }
                    List<TokenEncoding> windows = new ArrayList<>(1 + first.overflowing().size());
                    windows.add(first);
                    windows.addAll(first.overflowing());
                    // Context range of each window, and whether the answer touches any token.
                    int[][] ranges = new int[windows.size()][];
                    QaAnswer answer = ex.answers().isEmpty() ? null : ex.answers().get(0);
                    boolean overlaps = false;
                    boolean emptyContext = false;
                    for (int w = 0; w < windows.size(); w++) {
                        ranges[w] = contextRange(windows.get(w));
                        emptyContext |= ranges[w] == null;
                        if (answer != null && ranges[w] != null) {
                            overlaps |= overlapsAnswer(windows.get(w), ranges[w], answer);
                        }
                    }
                    if (emptyContext) {
                        report.skip(ex.id(), "context has no tokens");
                        continue;
                    }
                    if (answer != null && !overlaps) {
                        report.skip(ex.id(), "answer text maps to no context token");
                        continue;
                    }
                    if (answer == null) {
                        report.count("unlabelled examples", 1);
                    }
                    boolean inSome = false;
                    boolean boundaryInside = false;
                    for (int w = 0; w < windows.size(); w++) {
                        TokenEncoding e = windows.get(w);
                        int cs = ranges[w][0];
                        int ce = ranges[w][1];
                        int[] st = e.starts();
                        int[] en = e.ends();
                        int s = 0;
                        int t = 0;
                        if (answer != null && st[cs] <= answer.start() && en[ce - 1] >= answer.end()) {
                            s = cs;
                            while (s < ce && st[s] <= answer.start()) {
                                s++;
                            }
                            s--;
                            t = ce - 1;
                            while (t >= cs && en[t] >= answer.end()) {
                                t--;
                            }
                            t++;
                            inSome = true;
                            boundaryInside |= st[s] != answer.start() || en[t] != answer.end();
                            report.count("windows with the answer", 1);
                        } else if (answer != null) {
                            report.count("windows without the answer (target 0)", 1);
                        }
                        rows.add(e.ids(), e.typeIds(), e.unpaddedLength());
                        exampleOf.add(i);
                        startPos.add(s);
                        endPos.add(t);
                        ctxStart.add(cs);
                        ctxEnd.add(ce);
                        base.add(charStarts.size);
                        for (int p = cs; p < ce; p++) {
                            charStarts.add(st[p]);
                            charEnds.add(en[p]);
                        }
                    }
                    if (windows.size() > 1) {
                        report.truncated();
                    }
                    report.max("max windows per example", windows.size());
                    if (answer != null && !inSome) {
                        report.count("answer in no single window", 1);
                    }
                    if (boundaryInside) {
                        report.count("answer boundary inside a token", 1);
                    }
                }
            }
        }
        TokenRows built = rows.build();
        int n = built.rowCount();
        base.add(charStarts.size);
        long bytes = built.storedBytes() + 4L * (5L * n + 1) + 8L * charStarts.size;
        return new QaFeatures(
                built, exampleOf.toArray(), startPos.toArray(), endPos.toArray(), ctxStart.toArray(),
                ctxEnd.toArray(), base.toArray(), charStarts.toArray(), charEnds.toArray(),
                report.finish(n, built.tokenCount(), bytes));
    }

    /** Returns {first, end} of the sequence-1 positions, or null when there are none. */
    private static int[] contextRange(TokenEncoding e) {
        int[] seq = e.sequenceIds();
        int first = -1;
        int last = -1;
        for (int p = 0; p < seq.length; p++) {
            if (seq[p] == 1) {
                if (first < 0) {
                    first = p;
                }
                last = p;
            }
        }
        return first < 0 ? null : new int[] {first, last + 1};
    }

    private static boolean overlapsAnswer(TokenEncoding e, int[] range, QaAnswer a) {
        for (int p = range[0]; p < range[1]; p++) {
            if (e.starts()[p] < a.end() && e.ends()[p] > a.start()) {
                return true;
            }
        }
        return false;
    }

    /** A growable int array. */
    private static final class IntBuffer {
        private int[] data = new int[256];
        private int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }

    /**
     * Builds a {@link QaFeaturizer}; mutable and single-threaded.
     *
     * <p>Required: {@link #setTokenizer}. {@link #build()} checks that the stride is non-negative
     * and below the maximum length and that the sizes are positive.
     */
    public static final class Builder {
        private SubwordTokenizer tokenizer;
        private int maxLength = 384;
        private int stride = 128;
        private int batchSize = 512;
        private String name = "qa";

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
         * Sets the window length, special tokens and question included. Default 384.
         *
         * @param maxLength positive
         * @return this builder
         */
        public Builder optMaxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /**
         * Sets how many context tokens consecutive windows share. Default 128.
         *
         * @param stride in {@code [0, maxLength)}
         * @return this builder
         */
        public Builder optStride(int stride) {
            this.stride = stride;
            return this;
        }

        /**
         * Sets how many examples go to one native batch call. Default 512.
         *
         * @param batchSize positive
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the name used in the report and logs. Default {@code qa}.
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
        public QaFeaturizer build() {
            Objects.requireNonNull(tokenizer, "tokenizer is required (setTokenizer)");
            if (maxLength <= 0 || batchSize <= 0) {
                throw new IllegalArgumentException(
                        "maxLength and batchSize must be positive, found " + maxLength + " and " + batchSize);
            }
            if (stride < 0 || stride >= maxLength) {
                throw new IllegalArgumentException("stride must be in [0, maxLength " + maxLength + "), found " + stride);
            }
            return new QaFeaturizer(this);
        }
    }
}
