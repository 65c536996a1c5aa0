package io.github.prefine.core.features;

/**
 * How {@code FeaturizedTask.featurize} turns a task's examples into features.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxLength the longest row of classification, sequence-labelling and choice tasks, in
 *     sub-tokens with the special tokens (the paper's 128)
 * @param qaMaxLength the longest QA window (384, as HF's {@code run_qa.py})
 * @param qaStride context tokens shared by consecutive QA windows (128)
 * @param maxTrainExamples keep at most this many training examples of each task, a seeded sample
 *     (0 keeps all)
 * @param maxEvalExamples keep at most this many validation and test examples (0 keeps all)
 * @param sampleSeed seed of the sample drawn when a cap applies
 */
public record FeatureSettings(int maxLength, int qaMaxLength, int qaStride, int maxTrainExamples,
        int maxEvalExamples, long sampleSeed) {
    /**
     * Checks the values.
     *
     * @param maxLength the longest row of classification, sequence-labelling and choice tasks, in
     *     sub-tokens with the special tokens (the paper's 128)
     * @param qaMaxLength the longest QA window (384, as HF's {@code run_qa.py})
     * @param qaStride context tokens shared by consecutive QA windows (128)
     * @param maxTrainExamples keep at most this many training examples of each task, a seeded sample
     *     (0 keeps all)
     * @param maxEvalExamples keep at most this many validation and test examples (0 keeps all)
     * @param sampleSeed seed of the sample drawn when a cap applies
     */
    public FeatureSettings {
        if (maxLength < 4 || qaMaxLength < 8) {
            throw new IllegalArgumentException("feature settings: maxLength >= 4 and qaMaxLength >= 8 required, found "
                    + maxLength + " and " + qaMaxLength);
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
}
