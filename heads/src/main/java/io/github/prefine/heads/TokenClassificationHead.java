package io.github.prefine.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.prefine.kernels.FastDropout;

/**
 * Per-token classification, laid out as Hugging Face's {@code *ForTokenClassification}: dropout
 * then {@code classifier} (hidden → numLabels) on every position.
 *
 * <p>Input: lastHiddenState {@code [batch, seqLen, hidden]} float32. Output: one array, logits
 * {@code [batch, seqLen, numLabels]}, for every position, padding included (mask them in the
 * loss with label {@link HeadLosses#IGNORE_INDEX}). Keys: {@code classifier.weight} {@code
 * [numLabels, hidden]}, {@code classifier.bias} {@code [numLabels]}. Dropout mirrors HF's {@code
 * classifier_dropout}, or {@code hidden_dropout_prob} when that is null. See {@link Head} for
 * initialization, memory and thread-safety.
 */
public final class TokenClassificationHead extends Head {

    private final int numLabels;
    private final float dropout;

    private TokenClassificationHead(Builder b) {
        super(b);
        this.numLabels = b.numLabels;
        this.dropout = b.dropout;
        addLinear("classifier", numLabels, hiddenSize());
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
     * Returns the number of tag classes.
     *
     * @return numLabels
     */
    public int numLabels() {
        return numLabels;
    }

    /**
     * Returns the dropout rate applied when training.
     *
     * @return the rate in [0, 1)
     */
    public float dropout() {
        return dropout;
    }

    /**
     * Computes the logits.
     *
     * @param store the parameter store
     * @param inputs {@code [lastHiddenState]}: {@code [batch, seqLen, hidden]} float32
     * @param training whether to apply dropout
     * @param params unused
     * @return {@code [logits]}: {@code [batch, seqLen, numLabels]}
     */
    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray hidden = checkHidden(inputs.singletonOrThrow());
        NDArray x = FastDropout.apply(hidden, dropout, training);
        return new NDList(linear(store, "classifier", x, training));
    }

    /**
     * Returns the output shape.
     *
     * @param inputShapes {@code [batch, seqLen, hidden]}
     * @return {@code [batch, seqLen, numLabels]}
     */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = checkHiddenShape(inputShapes);
        return new Shape[] {new Shape(in.get(0), in.get(1), numLabels)};
    }

    @Override
    public String toString() {
        return "TokenClassificationHead(hidden=" + hiddenSize() + ", numLabels=" + numLabels
                + ", dropout=" + dropout + ")";
    }

    /**
     * Configures a {@link TokenClassificationHead}: the number of tag classes here, the hidden
     * size, dropout, seed and initializer range in {@link Head.DropoutBuilder}. Mutable and
     * single-threaded.
     */
    public static final class Builder extends Head.DropoutBuilder<Builder> {
        private int numLabels;

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * Sets the number of tag classes (required, HF {@code num_labels}).
         *
         * @param numLabels numLabels, &gt; 0
         * @return this builder
         */
        public Builder setNumLabels(int numLabels) {
            this.numLabels = numLabels;
            return this;
        }

        /**
         * Builds the head.
         *
         * @return the head, not yet initialized
         * @throws IllegalArgumentException if a required value is missing or a value is out of
         *     range
         */
        public TokenClassificationHead build() {
            checkShared("numLabels", numLabels);
            return new TokenClassificationHead(this);
        }
    }
}
