package io.github.prefine.core.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.github.prefine.core.encoder.ModelFamily;
import io.github.prefine.core.model.TaskHead;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.heads.Head;
import io.github.prefine.heads.HeadFamily;
import io.github.prefine.heads.HeadLosses;
import io.github.prefine.heads.MultipleChoiceHead;
import io.github.prefine.heads.QuestionAnsweringHead;
import io.github.prefine.heads.SequenceClassificationHead;
import io.github.prefine.heads.TokenClassificationHead;
import io.github.prefine.kernels.EngineScalars;
import java.util.Objects;

/**
 * Makes the {@link TaskHead} of a task format from the {@code heads} module's HF-faithful blocks:
 * sequence classification for single texts and pairs, token classification for sequence
 * labelling, a span head for extractive QA and a multiple-choice head.
 *
 * <p>Each head is built when the model initializes it (that is when the hidden size is known),
 * from normal(0, 0.02) weights seeded by the given seed, and computes one loss per example:
 * cross entropy averaged over the example's labelled positions, or the mean of the start and end
 * cross entropies for spans. Span logits of padding positions are pushed to -10,000, so a QA
 * window's loss does not depend on how far its batch is padded. Stateless.
 */
public final class FormatHeads {
    private FormatHeads() {}

    /**
     * Returns the head layout matching an encoder family.
     *
     * @param family the encoder's family
     * @return BERT for BERT, ROBERTA for RoBERTa and XLM-R
     */
    public static HeadFamily headFamily(ModelFamily family) {
        return family == ModelFamily.BERT ? HeadFamily.BERT : HeadFamily.ROBERTA;
    }

    /**
     * Creates an uninitialized head for a task format.
     *
     * @param format the task format
     * @param numLabels classes of a classifier or tagger (ignored for QA and multiple choice)
     * @param family the head layout
     * @param seed seed of the head's initial weights
     * @return the head
     * @throws IllegalArgumentException if a classifier or tagger has fewer than 2 labels
     */
    public static TaskHead create(TaskFormat format, int numLabels, HeadFamily family, long seed) {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(family, "family");
        if (format instanceof TaskFormat.SequenceClassification || format instanceof TaskFormat.TokenClassification) {
            if (numLabels < 2) {
                throw new IllegalArgumentException("head of " + format + ": needs at least 2 labels, found " + numLabels);
            }
        }
        return new Adapter(format, numLabels, family, seed);
    }

    private static final class Adapter implements TaskHead {
        private final TaskFormat format;
        private final int numLabels;
        private final HeadFamily family;
        private final long seed;
        private Head head;

        Adapter(TaskFormat format, int numLabels, HeadFamily family, long seed) {
            this.format = format;
            this.numLabels = numLabels;
            this.family = family;
            this.seed = seed;
        }

        @Override
        public Block block() {
            if (head == null) {
                throw new IllegalStateException("head of " + format + ": block() before initialize()");
            }
            return head;
        }

        @Override
        public int numLabels() {
            if (format instanceof TaskFormat.ExtractiveQa) {
                return 2;
            }
            if (format instanceof TaskFormat.MultipleChoice mc) {
                return mc.choices();
            }
            return numLabels;
        }

        @Override
        public void initialize(NDManager manager, int hiddenSize) {
            Shape in = new Shape(1, 1, hiddenSize);
            if (format instanceof TaskFormat.SequenceClassification) {
                head = SequenceClassificationHead.builder().setFamily(family).setHiddenSize(hiddenSize)
                        .setNumLabels(numLabels).optSeed(seed).build();
            } else if (format instanceof TaskFormat.TokenClassification) {
                head = TokenClassificationHead.builder().setHiddenSize(hiddenSize).setNumLabels(numLabels)
                        .optSeed(seed).build();
            } else if (format instanceof TaskFormat.ExtractiveQa) {
                head = QuestionAnsweringHead.builder().setHiddenSize(hiddenSize).optSeed(seed).build();
            } else if (format instanceof TaskFormat.MultipleChoice mc) {
                head = MultipleChoiceHead.builder().setFamily(family).setHiddenSize(hiddenSize)
                        .setNumChoices(mc.choices()).optSeed(seed).build();
                in = new Shape(mc.choices(), 1, hiddenSize);
            } else {
                throw new IllegalArgumentException("no head for format " + format);
            }
            head.initialize(manager, DataType.FLOAT32, in);
        }

        @Override
        public NDArray logits(ParameterStore ps, NDArray hidden, NDArray attentionMask, boolean training) {
            NDList out = head.forward(ps, new NDList(hidden), training);
            if (!(format instanceof TaskFormat.ExtractiveQa)) {
                return out.singletonOrThrow();
            }
            NDArray spans = out.get(0).stack(out.get(1), -1); // [rows, seqLen, 2]
            NDArray pad = EngineScalars.mul(EngineScalars.sub(attentionMask.toType(DataType.FLOAT32, false), 1f), 1e4f).expandDims(-1);
            return spans.add(pad);
        }

        @Override
        public NDArray exampleLosses(NDArray logits, NDArray labels) {
            if (format instanceof TaskFormat.ExtractiveQa) {
                return HeadLosses.perExampleSpanLoss(logits.get(new NDIndex(":, :, 0")), logits.get(new NDIndex(":, :, 1")),
                        labels.get(new NDIndex(":, 0")), labels.get(new NDIndex(":, 1"))).loss();
            }
            return HeadLosses.perExampleCrossEntropy(logits, labels).loss();
        }
    }
}
