package io.github.prefine.core.train;

import io.github.prefine.core.task.Split;
import java.util.List;

/**
 * A task's logits on one split, one entry per example, for the eval module to score.
 *
 * <p>Safe to read from several threads as long as nobody changes the arrays kept as given.
 *
 * @param task the task index
 * @param split the split predicted
 * @param exampleIndices the example index of each entry within the split
 * @param logits row-major logits per example: [numLabels] for sequence and choice heads,
 *     [seqLen, numLabels] for token heads, [seqLen, 2] for span heads (seqLen of that example's
 *     padded batch)
 * @param width the last-axis size of each entry
 */
public record TaskPredictions(int task, Split split, int[] exampleIndices, List<float[]> logits, int width) {
    /**
     * Copies the list (the arrays are kept as given).
     *
     * @param task the task index
     * @param split the split predicted
     * @param exampleIndices the example index of each entry within the split
     * @param logits row-major logits per example: [numLabels] for sequence and choice heads,
     *     [seqLen, numLabels] for token heads, [seqLen, 2] for span heads (seqLen of that example's
     *     padded batch)
     * @param width the last-axis size of each entry
     */
    public TaskPredictions {
        logits = List.copyOf(logits);
    }
}
