package io.github.prefine.core.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.github.prefine.heads.LossTargets;

/**
 * What the multi-head model needs from a task head: its parameters, its logits over the encoder
 * rows of its task, and one loss per example.
 *
 * <p>{@link HeadAdapter} adapts the blocks and losses of the {@code heads} module (sequence,
 * token, span, multiple choice) for every task format; tests may write their own. A head's rows are the encoder rows of
 * its examples: one row per example, except multiple-choice heads, which receive {@code
 * numChoices} consecutive rows per example and must fold them into one example.
 *
 * <p>A head holds no arrays outside its {@link #block()}'s parameters, which the owning model
 * attaches to its manager; the head itself needs no closing.
 *
 * <p>Not thread-safe: a head is used by one thread at a time, as the model that owns it.
 */
public interface TaskHead {

    /**
     * Returns the block holding this head's parameters; its forward is not called directly.
     *
     * @return the block
     */
    Block block();

    /**
     * Returns the number of classes the loss chooses between (labels of a classifier, choices of
     * a multiple-choice head, positions are not counted for span heads: they return 2).
     *
     * <p>Used by the optional Muppet loss scaling, which divides the task loss by {@code
     * log(numLabels())}, so the value must be at least 2.
     *
     * @return the class count, at least 2
     */
    int numLabels();

    /**
     * Initializes the parameters for an encoder of the given hidden size.
     *
     * @param manager the manager that will own the parameters
     * @param hiddenSize the encoder's hidden size
     */
    void initialize(NDManager manager, int hiddenSize);

    /**
     * Initializes the parameters for an encoder of the given hidden size, drawing new weights with
     * the encoder's {@code initializer_range} as HF's {@code _init_weights} does. The default
     * ignores the range and calls {@link #initialize(NDManager, int)}: heads with their own scheme
     * keep it.
     *
     * @param manager the manager that will own the parameters
     * @param hiddenSize the encoder's hidden size
     * @param initializerRange the standard deviation of new weights, finite and &gt;= 0
     */
    default void initialize(NDManager manager, int hiddenSize, float initializerRange) {
        initialize(manager, hiddenSize);
    }

    /**
     * Initializes the parameters as {@link #initialize(NDManager, int, float)} does, with the
     * dropout HF's task models take from the encoder's config ({@link
     * io.github.prefine.core.encoder.EncoderConfig#headDropout()}: {@code classifier_dropout}, else
     * {@code hidden_dropout_prob}). The default ignores the dropout and calls {@link
     * #initialize(NDManager, int, float)}: heads with their own setting keep it.
     *
     * @param manager the manager that will own the parameters
     * @param hiddenSize the encoder's hidden size
     * @param initializerRange the standard deviation of new weights, finite and &gt;= 0
     * @param dropout the dropout of a head that has one, in [0, 1)
     */
    default void initialize(NDManager manager, int hiddenSize, float initializerRange, float dropout) {
        initialize(manager, hiddenSize, initializerRange);
    }

    /**
     * Initializes the parameters as {@link #initialize(NDManager, int, float, float)} does, also
     * given the encoder's {@code hidden_dropout_prob}, which HF's RoBERTa and XLM-R multiple-choice
     * models drop out with instead of {@code classifier_dropout}. The default ignores it.
     *
     * @param manager the manager that will own the parameters
     * @param hiddenSize the encoder's hidden size
     * @param initializerRange the standard deviation of new weights, finite and &gt;= 0
     * @param dropout the dropout of a head that has one, in [0, 1)
     * @param hiddenDropout the encoder's hidden dropout, in [0, 1)
     */
    default void initialize(NDManager manager, int hiddenSize, float initializerRange, float dropout,
            float hiddenDropout) {
        initialize(manager, hiddenSize, initializerRange, dropout);
    }

    /**
     * Computes this head's logits for its rows.
     *
     * @param parameterStore the store the model forward uses
     * @param hidden the encoder output of this task's rows, float32 [rows, seqLen, hidden]
     * @param attentionMask int64 [rows, seqLen], 1 on real tokens
     * @param training true for a training forward (dropout on)
     * @return float32 logits whose first axis is the example axis: [examples, numLabels] for
     *     sequence and choice heads, [examples, seqLen, numLabels] for token heads, [examples,
     *     seqLen, 2] for span heads
     */
    NDArray logits(ParameterStore parameterStore, NDArray hidden, NDArray attentionMask, boolean training);

    /**
     * Computes one loss per example from logits and labels.
     *
     * @param logits the output of {@link #logits}
     * @param labels int32 labels with the example axis first (shape as in {@link HeadLabels#shape()})
     * @return float32 [examples]: each example's mean cross entropy over its labelled targets, 0 for
     *     an example without any
     */
    NDArray exampleLosses(NDArray logits, NDArray labels);

    /**
     * Prepares labels on the host for the model's summed loss ({@link
     * io.github.prefine.heads.HeadLosses#targetedSum}), so that a step computes a task's loss in a
     * few device operations. The default returns null, and the model then sums {@link
     * #exampleLosses} instead; a head that returns targets must give the same sum as {@link
     * #exampleLosses} up to float rounding.
     *
     * @param labels row-major int32 labels, example axis first
     * @param labelShape their shape (as in {@link HeadLabels#shape()})
     * @param seqLen the padded sequence length of the batch
     * @return the targets, or null to use {@link #exampleLosses}
     * @throws IllegalArgumentException if a label cannot be scored by this head
     */
    default LossTargets lossTargets(int[] labels, long[] labelShape, int seqLen) {
        return null;
    }
}
