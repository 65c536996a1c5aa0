package io.github.prefine.core.train;

import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.task.Split;
import java.util.List;

/**
 * The featurized examples of every task of a run, and the padded assembly of any mix of them
 * into a {@link MultiTaskBatch}; the trainer's only view of the data.
 *
 * <p>Task indices are those of the model's heads; build both from one {@code TaskSet}. Implementations keep features on the host
 * (compact per-task storage) and build each batch's arrays once; they hold no native memory.
 *
 * <p>Implementations are immutable and thread-safe, as {@link FeatureBatchSource} is.
 */
public interface BatchSource {
    /**
     * Returns the number of tasks.
     *
     * @return the task count, equal to the model's
     */
    int numTasks();

    /**
     * Returns the task names in task order; the trainer checks them against the model's, so data
     * and heads agree by name, not by position alone.
     *
     * @return one name per task
     */
    List<String> taskNames();

    /**
     * Returns how many examples a task has in a split.
     *
     * @param task the task index
     * @param split the split
     * @return the example count, 0 if the split is absent
     */
    int size(int task, Split split);

    /**
     * Assembles the given examples, in the given order, into one padded batch.
     *
     * @param split the split the examples come from
     * @param tasks the task of each example
     * @param examples the index of each example within its task's split
     * @return the batch, with one slice per task present in increasing task order, its rows padded
     *     once to the batch's longest row
     */
    MultiTaskBatch assemble(Split split, int[] tasks, int[] examples);

    /**
     * Returns the length one example's rows take in tokens, as a batch of it alone would be padded
     * to; evaluation runs a split's examples in this order ({@link
     * io.github.prefine.core.features.LengthOrder}) so that each batch pads little. By default
     * assembles the example alone; implementations override it with a cheaper read.
     *
     * @param task the task index
     * @param split the split
     * @param example the index of the example within its task's split
     * @return its longest row's length
     */
    default int rowLength(int task, Split split, int example) {
        return assemble(split, new int[] {task}, new int[] {example}).seqLen();
    }
}
