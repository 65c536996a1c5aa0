package io.github.prefine.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Extractive question answering, laid out as Hugging Face's {@code *ForQuestionAnswering}: {@code
 * qa_outputs} (hidden → 2) on every position, split into start and end logits. HF applies no
 * dropout here, and neither does this head.
 *
 * <p>Input: lastHiddenState {@code [batch, seqLen, hidden]} float32. Output: two arrays, start
 * logits {@code [batch, seqLen]} and end logits {@code [batch, seqLen]}, for every position,
 * padding included (HF does not mask them either). Keys: {@code qa_outputs.weight} {@code [2,
 * hidden]} (row 0 start, row 1 end), {@code qa_outputs.bias} {@code [2]}. Loss: {@link
 * HeadLosses#spanLoss}. See {@link Head} for initialization, memory and thread-safety.
 */
public final class QuestionAnsweringHead extends Head {

    private QuestionAnsweringHead(Builder b) {
        super(b);
        addLinear("qa_outputs", 2, hiddenSize());
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
     * Computes the start and end logits.
     *
     * @param store the parameter store
     * @param inputs {@code [lastHiddenState]}: {@code [batch, seqLen, hidden]} float32
     * @param training passed to the parameter store (no dropout here)
     * @param params unused
     * @return {@code [startLogits, endLogits]}, each {@code [batch, seqLen]}
     */
    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray logits = spanLogits(store, inputs.singletonOrThrow(), training);
        return new NDList(logits.get(":, :, 0"), logits.get(":, :, 1"));
    }

    /**
     * Computes the start and end logits as one array, the layout {@link
     * HeadLosses#perExampleSpanLoss(NDArray, NDArray)} reads, so a training step never splits and
     * re-stacks them.
     *
     * @param store the parameter store
     * @param hidden lastHiddenState {@code [batch, seqLen, hidden]} float32
     * @param training passed to the parameter store (no dropout here)
     * @return {@code [batch, seqLen, 2]}: start logits at index 0 of the last axis, end logits at 1
     */
    public NDArray spanLogits(ParameterStore store, NDArray hidden, boolean training) {
        return linear(store, "qa_outputs", checkHidden(hidden), training);
    }

    /**
     * Returns the output shapes.
     *
     * @param inputShapes {@code [batch, seqLen, hidden]}
     * @return {@code [batch, seqLen]} twice
     */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = checkHiddenShape(inputShapes);
        Shape out = new Shape(in.get(0), in.get(1));
        return new Shape[] {out, out};
    }

    @Override
    public String toString() {
        return "QuestionAnsweringHead(hidden=" + hiddenSize() + ")";
    }

    /**
     * Configures a {@link QuestionAnsweringHead}: the hidden size, seed and initializer range, all
     * in {@link Head.BaseBuilder}. Mutable and single-threaded.
     */
    public static final class Builder extends Head.BaseBuilder<Builder> {

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * Builds the head.
         *
         * @return the head, not yet initialized
         * @throws IllegalArgumentException if a value is missing or out of range
         */
        public QuestionAnsweringHead build() {
            checkShared();
            return new QuestionAnsweringHead(this);
        }
    }
}
