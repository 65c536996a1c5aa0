package io.github.prefine.core.features;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What featurizing one task's examples did: how many examples came in, how many features came
 * out, what was truncated, and every skipped example with its reason. Nothing is dropped without
 * being counted here.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the task or split name given to the featurizer
 * @param examplesRead examples handed to the featurizer
 * @param featuresMade stored rows (QA: windows; multiple choice: examples, each of several rows)
 * @param truncated examples that lost tokens to the maximum length (QA: examples needing more
 *     than one window)
 * @param skipped reason to count, in first-seen order
 * @param skippedIds ids of the skipped examples, in input order
 * @param counters format-specific counts in first-seen order (for example {@code words without
 *     sub-tokens}, {@code max windows per example}, {@code answer in no single window})
 * @param tokenPositions stored token positions (unpadded)
 * @param storedBytes bytes of the primitive arrays holding the features
 * @param skippedSamples per skip reason, the ids of its first {@value #MAX_SAMPLES} examples
 */
public record FeatureReport(
        String name,
        int examplesRead,
        int featuresMade,
        int truncated,
        Map<String, Integer> skipped,
        List<String> skippedIds,
        Map<String, Long> counters,
        long tokenPositions,
        long storedBytes,
        Map<String, List<String>> skippedSamples) {
    /** How many example ids {@link #skippedSamples()} keeps per reason. */
    public static final int MAX_SAMPLES = 3;

    /** The counter of kept examples without a label (classification and multiple choice). */
    static final String UNLABELLED = "unlabelled";

    /** The counter of kept questions without a gold answer (QA). */
    static final String UNLABELLED_QUESTIONS = "unlabelled examples";

    /**
     * Checks and copies the collections (keeping their order).
     *
     * @param name the task or split name given to the featurizer
     * @param examplesRead examples handed to the featurizer
     * @param featuresMade stored rows (QA: windows; multiple choice: examples, each of several rows)
     * @param truncated examples that lost tokens to the maximum length (QA: examples needing more
     *     than one window)
     * @param skipped reason to count, in first-seen order
     * @param skippedIds ids of the skipped examples, in input order
     * @param counters format-specific counts in first-seen order (for example {@code words without
     *     sub-tokens}, {@code max windows per example}, {@code answer in no single window})
     * @param tokenPositions stored token positions (unpadded)
     * @param storedBytes bytes of the primitive arrays holding the features
     * @param skippedSamples per skip reason, the ids of its first {@value #MAX_SAMPLES} examples
     */
    public FeatureReport {
        Objects.requireNonNull(name, "name");
        skipped = ImmutableMap.copyOf(skipped);
        skippedIds = ImmutableList.copyOf(skippedIds);
        counters = ImmutableMap.copyOf(counters);
        ImmutableMap.Builder<String, List<String>> s = ImmutableMap.builder();
        skippedSamples.forEach((k, v) -> s.put(k, ImmutableList.copyOf(v)));
        skippedSamples = s.build();
    }

    /**
     * Creates a report without per-reason samples.
     *
     * @param name the task or split name
     * @param examplesRead examples handed to the featurizer
     * @param featuresMade stored rows
     * @param truncated examples that lost tokens
     * @param skipped reason to count
     * @param skippedIds ids of the skipped examples
     * @param counters format-specific counts
     * @param tokenPositions stored token positions
     * @param storedBytes bytes of the stored arrays
     */
    public FeatureReport(String name, int examplesRead, int featuresMade, int truncated, Map<String, Integer> skipped,
            List<String> skippedIds, Map<String, Long> counters, long tokenPositions, long storedBytes) {
        this(name, examplesRead, featuresMade, truncated, skipped, skippedIds, counters, tokenPositions, storedBytes,
                Map.of());
    }

    /**
     * Returns the number of skipped examples.
     *
     * @return the sum over reasons
     */
    public int skippedCount() {
        int n = 0;
        for (int c : skipped.values()) {
            n += c;
        }
        return n;
    }

    /**
     * Returns the number of kept examples without a label: featurized, but scored by no metric
     * (a question without gold answers, an unlabelled text or choice).
     *
     * @return the count, 0 where the format has no unlabelled examples
     */
    public long unlabelledCount() {
        return counters.getOrDefault(UNLABELLED, 0L) + counters.getOrDefault(UNLABELLED_QUESTIONS, 0L);
    }

    /**
     * Returns the storage cost per stored token position.
     *
     * @return {@code storedBytes / tokenPositions}, or 0 when nothing is stored
     */
    public double bytesPerTokenPosition() {
        return tokenPositions == 0 ? 0 : (double) storedBytes / tokenPositions;
    }

    /**
     * Returns the mean number of features per featurized example (QA: windows per example).
     *
     * @return {@code featuresMade / (examplesRead - skipped)}, or 0
     */
    public double featuresPerExample() {
        int kept = examplesRead - skippedCount();
        return kept == 0 ? 0 : (double) featuresMade / kept;
    }
}
