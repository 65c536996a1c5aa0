package io.github.prefine.core.features;

/**
 * How {@code FeaturizedTask.featurize} turns a task's examples into features.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxLength the longest row of classification, sequence-labelling and choice tasks, in
 *     sub-tokens with the special tokens (the paper's 128)
 * @param qaMaxLength the longest QA window (384, as HF's {@code run_qa.py}); at least {@link
 *     #MIN_QA_WINDOW} where QA features are built, which {@link #checkQaWindow} checks
 * @param qaStride context tokens shared by consecutive QA windows (128)
 * @param maxTrainExamples keep at most this many training examples of each task, a seeded sample
 *     (0 keeps all)
 * @param maxEvalExamples keep at most this many validation and test examples (0 keeps all)
 * @param sampleSeed seed of the sample drawn when a cap applies
 */
public record FeatureSettings(int maxLength, int qaMaxLength, int qaStride, int maxTrainExamples,
        int maxEvalExamples, long sampleSeed) {
    /** The shortest row of classification, sequence-labelling and choice tasks. */
    public static final int MIN_LENGTH = 4;
    /**
     * The shortest QA window: it holds the question, a part of the context and 3 or 4 special
     * tokens. Only QA needs it, so the settings themselves take shorter windows: a classifier whose
     * encoder has fewer positions is read and trained with them.
     */
    public static final int MIN_QA_WINDOW = 8;

    /**
     * Checks the values.
     *
     * @param maxLength the longest row of classification, sequence-labelling and choice tasks, in
     *     sub-tokens with the special tokens (the paper's 128)
     * @param qaMaxLength the longest QA window (384, as HF's {@code run_qa.py}); at least {@link
     *     #MIN_QA_WINDOW} where QA features are built
     * @param qaStride context tokens shared by consecutive QA windows (128)
     * @param maxTrainExamples keep at most this many training examples of each task, a seeded sample
     *     (0 keeps all)
     * @param maxEvalExamples keep at most this many validation and test examples (0 keeps all)
     * @param sampleSeed seed of the sample drawn when a cap applies
     * @throws IllegalArgumentException if {@code maxLength} is below {@link #MIN_LENGTH}, the stride
     *     is not in (0, qaMaxLength), or a cap is negative
     */
    public FeatureSettings {
        if (maxLength < MIN_LENGTH) {
            throw new IllegalArgumentException("feature settings: maxLength >= " + MIN_LENGTH + " required, found "
                    + maxLength);
        }
        if (qaStride <= 0 || qaStride >= qaMaxLength) {
            throw new IllegalArgumentException("feature settings: qaStride must be in (0, qaMaxLength), found " + qaStride);
        }
        if (maxTrainExamples < 0 || maxEvalExamples < 0) {
            throw new IllegalArgumentException("feature settings: example caps must be >= 0, found "
                    + maxTrainExamples + " and " + maxEvalExamples);
        }
    }

    /**
     * Refuses a QA stride outside {@code (0, window)}, the rule the settings hold {@code qaStride}
     * to, for a featurizer built with a stride of its own: a stride of 0 makes windows that share no
     * context token, so an answer across a window's edge lies in no window, and one of the window's
     * length or more leaves no window room to move on.
     *
     * @param task the QA task, named in the message
     * @param stride the stride
     * @param window the window length
     * @throws IllegalArgumentException if the stride is not in {@code (0, window)}
     */
    public static void checkQaStride(String task, int stride, int window) {
        if (stride <= 0 || stride >= window) {
            throw new IllegalArgumentException("QA task " + task + ": stride must be in (0, maxLength " + window
                    + "), found " + stride + "; consecutive windows share that many context tokens, at least 1 so that"
                    + " an answer across a window's edge lies whole in the next one");
        }
    }

    /**
     * Refuses a QA window shorter than {@link #MIN_QA_WINDOW}; called where QA features are built
     * or a QA task is set up to be featurized, so that a task of another format is not refused for
     * a window it never uses.
     *
     * @param task the QA task, named in the message
     * @param window the window length, {@link #qaMaxLength()}
     * @throws IllegalArgumentException if the window is shorter than {@link #MIN_QA_WINDOW}
     */
    public static void checkQaWindow(String task, int window) {
        if (window < MIN_QA_WINDOW) {
            throw new IllegalArgumentException("QA task " + task + ": windows of " + window + " tokens are too short;"
                    + " a window holds the question, a part of the context and 3 or 4 special tokens, so at least "
                    + MIN_QA_WINDOW + " are required");
        }
    }

    /**
     * Returns the paper's settings: 128 tokens, QA windows of 384 with stride 128, all examples.
     *
     * @return the defaults
     */
    public static FeatureSettings paper() {
        return new FeatureSettings(128, 384, 128, 0, 0, 1L);
    }

    /**
     * Returns these settings with other lengths, the example caps and seed kept: for an encoder
     * whose position table is shorter than the paper's lengths, {@code paper().withLengths(64, 64,
     * 16)} rather than six positional numbers.
     *
     * @param maxLength the longest row of classification, sequence-labelling and choice tasks
     * @param qaMaxLength the longest QA window
     * @param qaStride context tokens shared by consecutive QA windows, below {@code qaMaxLength}
     * @return the settings
     * @throws IllegalArgumentException if a length is out of range (see the constructor)
     */
    public FeatureSettings withLengths(int maxLength, int qaMaxLength, int qaStride) {
        return new FeatureSettings(maxLength, qaMaxLength, qaStride, maxTrainExamples, maxEvalExamples, sampleSeed);
    }

    /**
     * Returns these settings with other example caps, the lengths and sample seed kept: a quick run
     * on a sample of large tasks, {@code paper().withLengths(64, 64, 16).withExampleCaps(300, 100)},
     * as {@code reproduce}'s {@code --max-train-examples} and {@code --max-eval-examples} cap them.
     *
     * @param maxTrainExamples keep at most this many training examples of each task, a seeded
     *     sample (0 keeps all)
     * @param maxEvalExamples keep at most this many validation and test examples (0 keeps all)
     * @return the settings
     * @throws IllegalArgumentException if a cap is negative
     */
    public FeatureSettings withExampleCaps(int maxTrainExamples, int maxEvalExamples) {
        return new FeatureSettings(maxLength, qaMaxLength, qaStride, maxTrainExamples, maxEvalExamples, sampleSeed);
    }
}
