package io.github.prefine.heads;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
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
        super(b.hiddenSize);
        addLinear("qa_outputs", 2, hiddenSize(), b.seed, b.initializerRange);
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
        NDArray hidden = checkHidden(inputs.singletonOrThrow());
        Device device = hidden.getDevice();
        NDArray logits = Linear.linear(
                        hidden,
                        value(store, "qa_outputs.weight", device, training),
                        value(store, "qa_outputs.bias", device, training))
                .singletonOrThrow();
        return new NDList(logits.get(":, :, 0"), logits.get(":, :, 1"));
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

    /** Configures a {@link QuestionAnsweringHead}. Mutable and single-threaded. */
    public static final class Builder {
        private int hiddenSize;
        private long seed;
        private float initializerRange = 0.02f;

        private Builder() {}

        /**
         * Sets the encoder's hidden size (required, HF {@code hidden_size}).
         *
         * @param hiddenSize hidden, &gt; 0
         * @return this builder
         */
        public Builder setHiddenSize(int hiddenSize) {
            this.hiddenSize = hiddenSize;
            return this;
        }

        /**
         * Sets the initialization seed (optional, default 0).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the standard deviation of the initial weights (optional, default 0.02: HF's
         * {@code initializer_range}).
         *
         * @param initializerRange finite and &gt;= 0
         * @return this builder
         */
        public Builder optInitializerRange(float initializerRange) {
            this.initializerRange = initializerRange;
            return this;
        }

        /**
         * Builds the head.
         *
         * @return the head, not yet initialized
         * @throws IllegalArgumentException if a value is missing or out of range
         */
        public QuestionAnsweringHead build() {
            checkPositive("hiddenSize", hiddenSize);
            checkInitializerRange(initializerRange);
            return new QuestionAnsweringHead(this);
        }
    }
}
