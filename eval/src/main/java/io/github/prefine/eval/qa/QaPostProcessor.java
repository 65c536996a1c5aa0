package io.github.prefine.eval.qa;

import java.util.List;
import java.util.Objects;

/**
 * Picks the answer text of an extractive QA example from its windows' start and end logits, as the
 * Hugging Face {@code postprocess_qa_predictions} does for SQuAD v1.1.
 *
 * <p>In each window it takes the {@code nBest} highest start logits and the {@code nBest} highest
 * end logits, keeps pairs where both tokens belong to the context, {@code end >= start} and
 * {@code end - start + 1 <= maxAnswerLength}, and scores a pair by {@code start + end} logit. The
 * best pair over all windows wins; on equal scores the first in iteration order (window, then
 * start rank, then end rank) wins, as Python's stable sort of the candidates keeps it. Equal
 * logits are ranked by lower index: a choice, as the {@code np.argsort} HF ranks them with leaves
 * their order unspecified. Immutable and thread-safe; equal when both settings are.
 */
public final class QaPostProcessor {
    private final int nBest;
    private final int maxAnswerLength;

    private QaPostProcessor(Builder b) {
        this.nBest = b.nBest;
        this.maxAnswerLength = b.maxAnswerLength;
    }

    /**
     * Starts a builder.
     *
     * @return a new builder with the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns how many start and end candidates each window contributes.
     *
     * @return how many start and end candidates each window contributes
     */
    public int nBest() {
        return nBest;
    }

    /**
     * Returns the longest answer in tokens.
     *
     * @return the longest answer in tokens
     */
    public int maxAnswerLength() {
        return maxAnswerLength;
    }

    /**
     * Tells whether another post-processor has the same settings.
     *
     * @param o the other object
     * @return true for a post-processor of the same n-best and maximum answer length
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof QaPostProcessor p && p.nBest == nBest && p.maxAnswerLength == maxAnswerLength;
    }

    @Override
    public int hashCode() {
        return 31 * nBest + maxAnswerLength;
    }

    @Override
    public String toString() {
        return "QaPostProcessor[nBest=" + nBest + ", maxAnswerLength=" + maxAnswerLength + "]";
    }

    /**
     * Chooses the answer of one example.
     *
     * @param context the example's context text that the offsets index
     * @param windows all windows of the example, in order
     * @return the best answer, or {@link QaAnswer#none()} if no window has a valid span
     * @throws IllegalArgumentException if an offset of a chosen span lies outside the context
     */
    public QaAnswer answer(String context, List<QaWindow> windows) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(windows, "windows");
        float best = Float.NEGATIVE_INFINITY;
        int bw = -1;
        int bs = -1;
        int be = -1;
        for (int w = 0; w < windows.size(); w++) {
            QaWindow win = windows.get(w);
            int[] starts = topK(win.startLogits(), nBest);
            int[] ends = topK(win.endLogits(), nBest);
            boolean[] mask = win.contextMask();
            for (int s : starts) {
                if (!mask[s]) {
                    continue;
                }
                for (int e : ends) {
                    if (!mask[e] || e < s || e - s + 1 > maxAnswerLength) {
                        continue;
                    }
                    float score = win.startLogits()[s] + win.endLogits()[e];
                    if (bw < 0 || score > best) {
                        best = score;
                        bw = w;
                        bs = s;
                        be = e;
                    }
                }
            }
        }
        if (bw < 0) {
            return QaAnswer.none();
        }
        QaWindow win = windows.get(bw);
        int cs = win.charStart()[bs];
        int ce = win.charEnd()[be];
        if (cs < 0 || ce > context.length() || ce < cs) {
            throw new IllegalArgumentException("window " + bw + ": answer offsets must lie in the context of length "
                    + context.length() + ", found [" + cs + ", " + ce + ")");
        }
        return new QaAnswer(context.substring(cs, ce), best, bw, bs, be, cs, ce);
    }

    /** Indices of the k largest values, largest first; equal values by lower index first. */
    static int[] topK(float[] v, int k) {
        int n = Math.min(k, v.length);
        int[] idx = new int[n];
        int size = 0;
        for (int i = 0; i < v.length; i++) {
            // insertion into a small sorted array: k is about 20, seqLen a few hundred
            if (size == n && !(v[i] > v[idx[n - 1]])) {
                continue;
            }
            int pos = size < n ? size : n - 1;
            while (pos > 0 && v[i] > v[idx[pos - 1]]) {
                if (pos < n) {
                    idx[pos] = idx[pos - 1];
                }
                pos--;
            }
            idx[pos] = i;
            if (size < n) {
                size++;
            }
        }
        return idx;
    }

    /** Builder for {@link QaPostProcessor}; mutable and single-threaded. */
    public static final class Builder {
        private int nBest = 20;
        private int maxAnswerLength = 30;

        private Builder() {}

        /**
         * Sets how many start and end candidates each window contributes.
         *
         * @param nBest candidates per side, default 20
         * @return this builder
         */
        public Builder optNBest(int nBest) {
            this.nBest = nBest;
            return this;
        }

        /**
         * Sets the longest answer in tokens.
         *
         * @param maxAnswerLength maximum of {@code end - start + 1}, default 30
         * @return this builder
         */
        public Builder optMaxAnswerLength(int maxAnswerLength) {
            this.maxAnswerLength = maxAnswerLength;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the post-processor
         * @throws IllegalArgumentException if a value is not positive
         */
        public QaPostProcessor build() {
            if (nBest < 1) {
                throw new IllegalArgumentException("nBest must be >= 1, found " + nBest);
            }
            if (maxAnswerLength < 1) {
                throw new IllegalArgumentException("maxAnswerLength must be >= 1, found " + maxAnswerLength);
            }
            return new QaPostProcessor(this);
        }
    }
}
