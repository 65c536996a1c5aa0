package io.github.prefine.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Objects;
import io.github.prefine.kernels.FastDropout;

/**
 * Multiple choice, laid out as Hugging Face's {@code *ForMultipleChoice}: each (context, choice)
 * pair is encoded as its own row; the head pools the first token with {@code
 * <prefix>.pooler.dense} and tanh, applies dropout and {@code classifier} (hidden → 1), and
 * reshapes the scores to one row of numChoices per example.
 *
 * <p>HF uses the encoder's pooler for both BERT and RoBERTa here; the pooler is part of this head,
 * under the family's key prefix ({@code bert.pooler.dense.*} or {@code roberta.pooler.dense.*}), and
 * starts from the checkpoint's pretrained pooler where there is one ({@link Head#loadPooler}), as
 * HF's {@code from_pretrained} does.
 *
 * <p>Input: lastHiddenState {@code [batch * numChoices, seqLen, hidden]} float32, the choices of
 * one example in consecutive rows. Output: one array, scores {@code [batch, numChoices]}. Loss:
 * {@link HeadLosses#crossEntropy} with labels {@code [batch]}. Dropout mirrors HF's: {@code
 * classifier_dropout}, else {@code hidden_dropout_prob}, for BERT; {@code hidden_dropout_prob} for
 * RoBERTa. See {@link Head} for initialization, memory and thread-safety.
 */
public final class MultipleChoiceHead extends Head {

    private final HeadFamily family;
    private final int numChoices;
    private final float dropout;
    private final String pooler;

    private MultipleChoiceHead(Builder b) {
        super(b);
        this.family = b.family;
        this.numChoices = b.numChoices;
        this.dropout = b.dropout;
        this.pooler = family.hfPrefix() + ".pooler.dense";
        addPooler(pooler, hiddenSize());
        addLinear("classifier", 1, hiddenSize());
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
     * Returns the family whose key prefix the pooler uses.
     *
     * @return the family
     */
    public HeadFamily family() {
        return family;
    }

    /**
     * Returns the number of choices per example.
     *
     * @return numChoices
     */
    public int numChoices() {
        return numChoices;
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
     * Computes the choice scores.
     *
     * @param store the parameter store
     * @param inputs {@code [lastHiddenState]}: {@code [batch * numChoices, seqLen, hidden]}
     *     float32
     * @param training whether to apply dropout
     * @param params unused
     * @return {@code [scores]}: {@code [batch, numChoices]}
     * @throws IllegalArgumentException if the row count is not a multiple of numChoices
     */
    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray hidden = checkHidden(inputs.singletonOrThrow());
        long rows = checkRows(hidden.getShape().get(0));
        NDArray x = pool(store, pooler, hidden, training);
        x = FastDropout.apply(x, dropout, training);
        NDArray scores = linear(store, "classifier", x, training);
        return new NDList(scores.reshape(rows / numChoices, numChoices));
    }

    private long checkRows(long rows) {
        if (rows % numChoices != 0) {
            throw new IllegalArgumentException(
                    "MultipleChoiceHead: input rows must be batch * numChoices (" + numChoices
                            + "), found " + rows + " rows");
        }
        return rows;
    }

    /**
     * Returns the output shape.
     *
     * @param inputShapes {@code [batch * numChoices, seqLen, hidden]}
     * @return {@code [batch, numChoices]}
     */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = checkHiddenShape(inputShapes);
        return new Shape[] {new Shape(checkRows(in.get(0)) / numChoices, numChoices)};
    }

    @Override
    public String toString() {
        return "MultipleChoiceHead(" + family + ", hidden=" + hiddenSize() + ", numChoices="
                + numChoices + ", dropout=" + dropout + ")";
    }

    /**
     * Configures a {@link MultipleChoiceHead}: the family and number of choices here, the hidden
     * size, dropout, seed and initializer range in {@link Head.DropoutBuilder}. Mutable and
     * single-threaded.
     */
    public static final class Builder extends Head.DropoutBuilder<Builder> {
        private HeadFamily family;
        private int numChoices;

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * Sets the family whose pooler key prefix to use (required).
         *
         * @param family BERT or ROBERTA
         * @return this builder
         */
        public Builder setFamily(HeadFamily family) {
            this.family = Objects.requireNonNull(family, "family");
            return this;
        }

        /**
         * Sets the number of choices per example (required).
         *
         * @param numChoices numChoices, &gt; 0
         * @return this builder
         */
        public Builder setNumChoices(int numChoices) {
            this.numChoices = numChoices;
            return this;
        }

        /**
         * Builds the head.
         *
         * @return the head, not yet initialized
         * @throws IllegalArgumentException if a required value is missing or a value is out of
         *     range
         */
        public MultipleChoiceHead build() {
            if (family == null) {
                throw new IllegalArgumentException("family must be set");
            }
            checkShared("numChoices", numChoices);
            return new MultipleChoiceHead(this);
        }
    }
}
