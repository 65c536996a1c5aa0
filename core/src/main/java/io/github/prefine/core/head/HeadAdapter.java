package io.github.prefine.core.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.precision.Casts;
import io.github.prefine.heads.Head;
import io.github.prefine.heads.HeadLosses;
import io.github.prefine.heads.HeadStack;
import io.github.prefine.heads.LossTargets;
import io.github.prefine.heads.MultipleChoiceHead;
import io.github.prefine.heads.QuestionAnsweringHead;
import io.github.prefine.heads.SequenceClassificationHead;
import io.github.prefine.heads.TokenClassificationHead;
import io.github.prefine.kernels.EngineScalars;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * The one {@link TaskHead} over the {@code heads} module's blocks: a block made once the hidden
 * size is known, and a {@link Readout} that turns the block's output into logits and per-example
 * losses.
 *
 * <p>Two readouts cover the built-in formats. {@link #classes()}: the block's single output, and
 * cross entropy averaged over each example's non-ignored labels ({@link HeadLosses#perExampleCrossEntropy}).
 * {@link #spans()}: the QA block's {@code [rows, seqLen, 2]} logits with padding positions pushed
 * to {@value #PADDING_LOGIT}, so a window's loss does not depend on how far its batch is padded,
 * and HF's span loss per example ({@link HeadLosses#perExampleSpanLoss(NDArray, NDArray)}). Under
 * either, a token or sequence block must have {@code numLabels} labels and a span head's {@code
 * numLabels} is 2, else {@code initialize} refuses the block. A new task format brings its own
 * readout.
 *
 * <p>Holds no arrays outside the block's parameters, which the model owns. Not thread-safe.
 *
 * @param <H> the block type
 */
public final class HeadAdapter<H extends Head> implements TaskHead {
    /** The logit of a padding position in span logits: far below any real logit, finite in float16. */
    public static final float PADDING_LOGIT = -10_000f;
    /** The head dropout where none is given: HF's default {@code hidden_dropout_prob}. */
    public static final float DEFAULT_DROPOUT = 0.1f;

    private final String name;
    private final int numLabels;
    private final int rowsPerExample;
    private final DropoutsFactory<H> factory;
    private final Readout<? super H> readout;
    private H block;

    private HeadAdapter(String name, int numLabels, int rowsPerExample, DropoutsFactory<H> factory,
            Readout<? super H> readout) {
        this.name = Objects.requireNonNull(name, "name");
        this.factory = Objects.requireNonNull(factory, "factory");
        this.readout = Objects.requireNonNull(readout, "readout");
        if (numLabels < 2) {
            throw new IllegalArgumentException("head " + name + ": needs at least 2 labels, found " + numLabels);
        }
        if (rowsPerExample < 1) {
            throw new IllegalArgumentException("head " + name + ": rowsPerExample must be >= 1, found " + rowsPerExample);
        }
        this.numLabels = numLabels;
        this.rowsPerExample = rowsPerExample;
    }

    /**
     * Adapts a block with one encoder row per example.
     *
     * @param name what the head is, for messages (for example the task format)
     * @param numLabels the classes its loss chooses between, at least 2
     * @param factory makes the uninitialized block for a hidden size
     * @param readout how its output becomes logits and losses
     * @param <H> the block type
     * @return the adapter, whose block is made by {@link #initialize}
     */
    public static <H extends Head> HeadAdapter<H> of(String name, int numLabels, IntFunction<H> factory,
            Readout<? super H> readout) {
        Objects.requireNonNull(factory, "factory");
        return new HeadAdapter<>(name, numLabels, 1, (hidden, range, dropout, hiddenDropout) -> factory.apply(hidden), readout);
    }

    /**
     * Adapts a block with one encoder row per example, made with the encoder's initializer range
     * and head dropout.
     *
     * @param name what the head is, for messages (for example the task format)
     * @param numLabels the classes its loss chooses between, at least 2
     * @param factory makes the uninitialized block for a hidden size and initializer range
     * @param readout how its output becomes logits and losses
     * @param <H> the block type
     * @return the adapter, whose block is made by {@link #initialize}
     */
    public static <H extends Head> HeadAdapter<H> of(String name, int numLabels, BlockFactory<H> factory,
            Readout<? super H> readout) {
        Objects.requireNonNull(factory, "factory");
        return new HeadAdapter<>(name, numLabels, 1,
                (hidden, range, dropout, hiddenDropout) -> factory.make(hidden, range, dropout), readout);
    }

    /**
     * Adapts a block with one encoder row per example, made with the encoder's initializer range,
     * head dropout and hidden dropout.
     *
     * @param name what the head is, for messages (for example the task format)
     * @param numLabels the classes its loss chooses between, at least 2
     * @param factory makes the uninitialized block
     * @param readout how its output becomes logits and losses
     * @param <H> the block type
     * @return the adapter, whose block is made by {@link #initialize}
     */
    public static <H extends Head> HeadAdapter<H> of(String name, int numLabels, DropoutsFactory<H> factory,
            Readout<? super H> readout) {
        return new HeadAdapter<>(name, numLabels, 1, factory, readout);
    }

    /**
     * Adapts a block that reads {@code rowsPerExample} consecutive encoder rows per example (the
     * choices of a multiple-choice example).
     *
     * @param name what the head is, for messages
     * @param numLabels the classes its loss chooses between, at least 2
     * @param rowsPerExample encoder rows per example, at least 1
     * @param factory makes the uninitialized block for a hidden size
     * @param readout how its output becomes logits and losses
     * @param <H> the block type
     * @return the adapter
     */
    public static <H extends Head> HeadAdapter<H> grouped(String name, int numLabels, int rowsPerExample,
            IntFunction<H> factory, Readout<? super H> readout) {
        Objects.requireNonNull(factory, "factory");
        return new HeadAdapter<>(name, numLabels, rowsPerExample,
                (hidden, range, dropout, hiddenDropout) -> factory.apply(hidden),
                readout);
    }

    /**
     * Adapts a block that reads {@code rowsPerExample} consecutive encoder rows per example, made
     * with the encoder's initializer range and head dropout.
     *
     * @param name what the head is, for messages
     * @param numLabels the classes its loss chooses between, at least 2
     * @param rowsPerExample encoder rows per example, at least 1
     * @param factory makes the uninitialized block for a hidden size and initializer range
     * @param readout how its output becomes logits and losses
     * @param <H> the block type
     * @return the adapter
     */
    public static <H extends Head> HeadAdapter<H> grouped(String name, int numLabels, int rowsPerExample,
            BlockFactory<H> factory, Readout<? super H> readout) {
        Objects.requireNonNull(factory, "factory");
        return new HeadAdapter<>(name, numLabels, rowsPerExample,
                (hidden, range, dropout, hiddenDropout) -> factory.make(hidden, range, dropout), readout);
    }

    /**
     * Adapts a block that reads {@code rowsPerExample} consecutive encoder rows per example, made
     * with the encoder's initializer range, head dropout and hidden dropout.
     *
     * @param name what the head is, for messages
     * @param numLabels the classes its loss chooses between, at least 2
     * @param rowsPerExample encoder rows per example, at least 1
     * @param factory makes the uninitialized block
     * @param readout how its output becomes logits and losses
     * @param <H> the block type
     * @return the adapter
     */
    public static <H extends Head> HeadAdapter<H> grouped(String name, int numLabels, int rowsPerExample,
            DropoutsFactory<H> factory, Readout<? super H> readout) {
        return new HeadAdapter<>(name, numLabels, rowsPerExample, factory, readout);
    }

    /**
     * Makes an uninitialized block for the encoder it will sit on.
     *
     * @param <H> the block type
     */
    @FunctionalInterface
    public interface BlockFactory<H extends Head> {
        /**
         * Makes the block.
         *
         * @param hiddenSize the encoder's hidden size
         * @param initializerRange the standard deviation of new weights (the encoder's
         *     {@code initializer_range})
         * @param dropout the dropout of a head that has one (the encoder's {@link
         *     EncoderConfig#headDropout()})
         * @return the block, not yet initialized
         */
        H make(int hiddenSize, float initializerRange, float dropout);
    }

    /**
     * Makes an uninitialized block for the encoder it will sit on, also given the encoder's hidden
     * dropout, which HF's RoBERTa multiple-choice models drop out with instead of the head dropout.
     * {@link #of} and {@link #grouped} tell it from a {@link BlockFactory} by the lambda's number of
     * parameters; a method reference to a method overloaded with both arities is ambiguous to javac,
     * and a cast to the one meant resolves it.
     *
     * @param <H> the block type
     */
    @FunctionalInterface
    public interface DropoutsFactory<H extends Head> {
        /**
         * Makes the block.
         *
         * @param hiddenSize the encoder's hidden size
         * @param initializerRange the standard deviation of new weights (the encoder's
         *     {@code initializer_range})
         * @param dropout the dropout of a head that has one (the encoder's {@link
         *     EncoderConfig#headDropout()})
         * @param hiddenDropout the encoder's {@code hidden_dropout_prob}
         * @return the block, not yet initialized
         */
        H make(int hiddenSize, float initializerRange, float dropout, float hiddenDropout);
    }

    /**
     * Returns the readout of classifiers, taggers and multiple choice: the block's one output, and
     * mean cross entropy over each example's non-ignored labels.
     *
     * @return the readout
     */
    public static Readout<Head> classes() {
        return Classes.INSTANCE;
    }

    /**
     * Returns the readout of extractive QA: {@code [rows, seqLen, 2]} logits, padding masked, and
     * HF's span loss per example.
     *
     * @return the readout
     */
    public static Readout<QuestionAnsweringHead> spans() {
        return Spans.INSTANCE;
    }

    /**
     * Pushes the logits of padding positions to {@link #PADDING_LOGIT}, so that no softmax over
     * positions gives them weight: the one padding rule of span logits ({@link #paddingOffsets}
     * gives it as host offsets).
     *
     * @param logits {@code [rows, seqLen, k]}, float32, float16 or bfloat16
     * @param attentionMask int64 {@code [rows, seqLen]}, 1 on real tokens
     * @return {@code logits} where the mask is 1, {@code logits + PADDING_LOGIT} where it is 0, in
     *     the dtype of {@code logits}
     */
    public static NDArray maskPadding(NDArray logits, NDArray attentionMask) {
        // (mask - 1) * 10^4: 0 on real tokens, -10^4 on padding; built from the mask alone, so no
        // scalar operand sits on the gradient path
        // device constants: a Number operand would be a host copy that waits for the GPU
        NDArray offset = EngineScalars.mul(EngineScalars.sub(maskOfType(attentionMask, Casts.dataType(logits)), 1f),
                -PADDING_LOGIT);
        return logits.add(offset.expandDims(-1));
    }

    /**
     * The mask in the logits' float type, so that adding the offset keeps their dtype: bfloat16
     * logits (DJL's UNKNOWN) take a float32 mask cast by {@link Casts}, as DJL's own cast to a
     * type it cannot name ends the JVM. -10^4 is -9984 in bfloat16, as far below any real logit.
     */
    private static NDArray maskOfType(NDArray attentionMask, DataType type) {
        if (type == DataType.BFLOAT16) {
            return Casts.toType(attentionMask.toType(DataType.FLOAT32, false), DataType.BFLOAT16);
        }
        return attentionMask.toType(type, false);
    }

    /**
     * The padding rule of {@link #maskPadding} as host offsets, for callers that build them with the
     * batch instead of from the device mask: one device addition instead of five operations.
     *
     * @param attentionMask row-major host mask, 1 on real tokens
     * @param from the first position to read
     * @param length how many positions
     * @return {@value #PADDING_LOGIT} where the mask is 0, else 0, for each position read
     */
    public static float[] paddingOffsets(long[] attentionMask, int from, int length) {
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = attentionMask[from + i] == 0 ? PADDING_LOGIT : 0f;
        }
        return out;
    }

    /**
     * Returns the block.
     *
     * @return the block
     * @throws IllegalStateException before {@link #initialize}
     */
    @Override
    public H block() {
        if (block == null) {
            throw new IllegalStateException("head " + name + ": block() before initialize()");
        }
        return block;
    }

    /**
     * Says whether this head and another can run as one {@link HeadStack} in a multi-task batch:
     * both initialized, one encoder row per example, the built-in readout of their kind (classes
     * for token and sequence heads, spans for span heads), and blocks that {@link
     * HeadStack#stackable stack}. Their logits and losses are then those of separate heads, up
     * to float rounding.
     *
     * @param other another head
     * @return true if they stack
     */
    public boolean stacksWith(TaskHead other) {
        return other instanceof HeadAdapter<?> o && builtIn() && o.builtIn() && readout == o.readout
                && HeadStack.stackable(block, o.block);
    }

    private boolean builtIn() {
        if (block == null || rowsPerExample != 1) {
            return false;
        }
        return readout == Classes.INSTANCE
                ? block instanceof TokenClassificationHead || block instanceof SequenceClassificationHead
                : readout == Spans.INSTANCE && block instanceof QuestionAnsweringHead;
    }

    @Override
    public int numLabels() {
        return numLabels;
    }

    @Override
    public void initialize(NDManager manager, int hiddenSize) {
        initialize(manager, hiddenSize, EncoderConfig.INITIALIZER_RANGE);
    }

    @Override
    public void initialize(NDManager manager, int hiddenSize, float initializerRange) {
        initialize(manager, hiddenSize, initializerRange, DEFAULT_DROPOUT);
    }

    @Override
    public void initialize(NDManager manager, int hiddenSize, float initializerRange, float dropout) {
        initialize(manager, hiddenSize, initializerRange, dropout, dropout);
    }

    @Override
    public void initialize(NDManager manager, int hiddenSize, float initializerRange, float dropout,
            float hiddenDropout) {
        if (block != null) {
            throw new IllegalStateException("head " + name + ": already initialized");
        }
        H b = factory.make(hiddenSize, initializerRange, dropout, hiddenDropout);
        if (b.hiddenSize() != hiddenSize) {
            throw new IllegalArgumentException("head " + name + ": block hidden size " + b.hiddenSize()
                    + " differs from the encoder's " + hiddenSize);
        }
        // a stack and the host targets read a token, sequence or span block's columns as numLabels
        // classes; a multiple-choice block may differ (the choice scorer: 1 choice, no label scored)
        int classes = classes(b);
        if ((readout == Classes.INSTANCE || readout == Spans.INSTANCE) && classes > 0 && classes != numLabels) {
            throw new IllegalArgumentException("head " + name + ": block " + b + " has " + classes
                    + " classes, the head " + numLabels);
        }
        if (b instanceof MultipleChoiceHead mc) {
            checkChoices(mc);
        }
        b.initialize(manager, DataType.FLOAT32, new Shape(rowsPerExample, 1, hiddenSize));
        block = b;
    }

    /**
     * Refuses a multiple-choice block that does not fold this head's rows into its labels: it
     * reshapes {@code rows} into {@code [rows / numChoices, numChoices]}, so a count other than
     * the rows per example would group one example's choices with the next one's wherever the
     * rows happen to divide, and the labels, checked against {@code numLabels}, could pick a
     * choice past its scores. A block of one choice (the choice scorer) scores rows on their own
     * and no label.
     */
    private void checkChoices(MultipleChoiceHead mc) {
        if (mc.numChoices() != rowsPerExample) {
            throw new IllegalArgumentException("head " + name + ": block " + mc + " folds " + mc.numChoices()
                    + " rows into an example, the head gives it " + rowsPerExample + " rows per example");
        }
        if (mc.numChoices() > 1 && mc.numChoices() != numLabels) {
            throw new IllegalArgumentException("head " + name + ": block " + mc + " scores " + mc.numChoices()
                    + " choices, the head's labels pick among " + numLabels);
        }
    }

    /** The classes a stackable block's loss chooses between (a span head's: start and end); 0 for the others. */
    private static int classes(Head b) {
        if (b instanceof TokenClassificationHead t) {
            return t.numLabels();
        }
        if (b instanceof SequenceClassificationHead s) {
            return s.numLabels();
        }
        return b instanceof QuestionAnsweringHead ? 2 : 0;
    }

    @Override
    public NDArray logits(ParameterStore parameterStore, NDArray hidden, NDArray attentionMask, boolean training) {
        return readout.logits(block(), parameterStore, hidden, attentionMask, training);
    }

    @Override
    public NDArray exampleLosses(NDArray logits, NDArray labels) {
        return readout.exampleLosses(logits, labels);
    }

    @Override
    public LossTargets lossTargets(int[] labels, long[] labelShape, int seqLen) {
        return readout.lossTargets(labels, labelShape, numLabels, seqLen);
    }

    @Override
    public String toString() {
        return "HeadAdapter(" + name + ", numLabels=" + numLabels + ")";
    }

    /**
     * How a head block's output becomes logits, and logits and labels become per-example losses.
     *
     * @param <H> the block type it reads
     */
    public interface Readout<H extends Head> {
        /**
         * Runs the block over a task's rows.
         *
         * @param block the initialized block
         * @param parameterStore the store of the model's forward
         * @param hidden float32 {@code [rows, seqLen, hidden]}
         * @param attentionMask int64 {@code [rows, seqLen]}, 1 on real tokens
         * @param training true for a training forward
         * @return the logits, example axis first (see {@link TaskHead#logits})
         */
        NDArray logits(H block, ParameterStore parameterStore, NDArray hidden, NDArray attentionMask, boolean training);

        /**
         * Computes one loss per example.
         *
         * @param logits the output of {@link #logits}
         * @param labels int32 labels laid out as {@link HeadLabels} describes
         * @return float32 {@code [examples]}
         */
        NDArray exampleLosses(NDArray logits, NDArray labels);

        /**
         * Prepares labels on the host for the summed loss (see {@link TaskHead#lossTargets}).
         *
         * @param labels row-major int32 labels laid out as {@link HeadLabels} describes
         * @param labelShape their shape
         * @param numLabels the head's class count
         * @param seqLen the batch's padded sequence length
         * @return the targets, or null (the default) to sum {@link #exampleLosses} instead
         */
        default LossTargets lossTargets(int[] labels, long[] labelShape, int numLabels, int seqLen) {
            return null;
        }
    }

    private enum Classes implements Readout<Head> {
        INSTANCE;

        @Override
        public NDArray logits(Head block, ParameterStore ps, NDArray hidden, NDArray attentionMask, boolean training) {
            return block.forward(ps, new NDList(hidden), training).singletonOrThrow();
        }

        @Override
        public NDArray exampleLosses(NDArray logits, NDArray labels) {
            return HeadLosses.perExampleCrossEntropy(logits, labels).loss();
        }

        @Override
        public LossTargets lossTargets(int[] labels, long[] labelShape, int numLabels, int seqLen) {
            return LossTargets.ofClasses(labels, labelShape, numLabels);
        }
    }

    private enum Spans implements Readout<QuestionAnsweringHead> {
        INSTANCE;

        @Override
        public NDArray logits(QuestionAnsweringHead block, ParameterStore ps, NDArray hidden, NDArray attentionMask,
                boolean training) {
            return maskPadding(block.spanLogits(ps, hidden, training), attentionMask);
        }

        @Override
        public NDArray exampleLosses(NDArray logits, NDArray labels) {
            return HeadLosses.perExampleSpanLoss(logits, labels).loss();
        }

        @Override
        public LossTargets lossTargets(int[] labels, long[] labelShape, int numLabels, int seqLen) {
            return LossTargets.ofSpans(labels, seqLen);
        }
    }
}
