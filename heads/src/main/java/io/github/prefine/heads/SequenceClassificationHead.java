package io.github.prefine.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Objects;
import io.github.prefine.kernels.FastDropout;

/**
 * Sentence-level classification on the first token ({@code <s>} or {@code [CLS]}), laid out as
 * Hugging Face's {@code *ForSequenceClassification}.
 *
 * <ul>
 *   <li>{@link HeadFamily#ROBERTA} ({@code RobertaClassificationHead}): {@code x = h[:, 0]};
 *       dropout; {@code classifier.dense} (hidden → hidden); tanh; dropout; {@code
 *       classifier.out_proj} (hidden → numLabels).
 *   <li>{@link HeadFamily#BERT}: pooler {@code tanh(bert.pooler.dense(h[:, 0]))}; dropout; {@code
 *       classifier} (hidden → numLabels). The pooler belongs to the encoder in HF, but here it is
 *       part of this head, so its keys keep HF's {@code bert.pooler.dense.*} names. As HF's {@code
 *       from_pretrained} loads the checkpoint's pooler, a model that holds one gives it to the head
 *       ({@link Head#loadPooler}); else it is drawn as the other weights.
 * </ul>
 *
 * <p>Input: lastHiddenState {@code [batch, seqLen, hidden]} float32. Output: one array, logits
 * {@code [batch, numLabels]} in the input's dtype. Loss: {@link HeadLosses#crossEntropy}. Dropout
 * mirrors HF's {@code classifier_dropout}, or {@code hidden_dropout_prob} when that is null. See
 * {@link Head} for initialization, memory and thread-safety.
 */
public final class SequenceClassificationHead extends Head {

    private final HeadFamily family;
    private final int numLabels;
    private final float dropout;

    private SequenceClassificationHead(Builder b) {
        super(b);
        this.family = b.family;
        this.numLabels = b.numLabels;
        this.dropout = b.dropout;
        if (family == HeadFamily.ROBERTA) {
            addLinear("classifier.dense", hiddenSize(), hiddenSize());
            addLinear("classifier.out_proj", numLabels, hiddenSize());
        } else {
            addPooler("bert.pooler.dense", hiddenSize());
            addLinear("classifier", numLabels, hiddenSize());
        }
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
     * Returns the family whose layout this head follows.
     *
     * @return the family
     */
    public HeadFamily family() {
        return family;
    }

    /**
     * Returns the number of classes.
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
     * @return {@code [logits]}: {@code [batch, numLabels]}
     */
    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray hidden = checkHidden(inputs.singletonOrThrow());
        if (family == HeadFamily.ROBERTA) {
            NDArray x = FastDropout.apply(hidden.get(":, 0, :"), dropout, training);
            x = linear(store, "classifier.dense", x, training).tanh();
            x = FastDropout.apply(x, dropout, training);
            return new NDList(linear(store, "classifier.out_proj", x, training));
        }
        NDArray x = pool(store, "bert.pooler.dense", hidden, training);
        x = FastDropout.apply(x, dropout, training);
        return new NDList(linear(store, "classifier", x, training));
    }

    /**
     * Returns the output shape.
     *
     * @param inputShapes {@code [batch, seqLen, hidden]}
     * @return {@code [batch, numLabels]}
     */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = checkHiddenShape(inputShapes);
        return new Shape[] {new Shape(in.get(0), numLabels)};
    }

    @Override
    public String toString() {
        return "SequenceClassificationHead(" + family + ", hidden=" + hiddenSize()
                + ", numLabels=" + numLabels + ", dropout=" + dropout + ")";
    }

    /**
     * Configures a {@link SequenceClassificationHead}: the family and number of classes here, the
     * hidden size, dropout, seed and initializer range in {@link Head.DropoutBuilder}. Mutable and
     * single-threaded.
     */
    public static final class Builder extends Head.DropoutBuilder<Builder> {
        private HeadFamily family;
        private int numLabels;

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * Sets the family whose HF layout to follow (required).
         *
         * @param family BERT or ROBERTA
         * @return this builder
         */
        public Builder setFamily(HeadFamily family) {
            this.family = Objects.requireNonNull(family, "family");
            return this;
        }

        /**
         * Sets the number of classes (required, HF {@code num_labels}).
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
        public SequenceClassificationHead build() {
            if (family == null) {
                throw new IllegalArgumentException("family must be set");
            }
            checkShared("numLabels", numLabels);
            return new SequenceClassificationHead(this);
        }
    }
}
