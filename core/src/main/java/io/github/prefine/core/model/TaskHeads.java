package io.github.prefine.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.github.prefine.heads.Head;
import io.github.prefine.heads.HeadLosses;
import io.github.prefine.heads.MultipleChoiceHead;
import io.github.prefine.heads.QuestionAnsweringHead;
import io.github.prefine.heads.SequenceClassificationHead;
import io.github.prefine.heads.TokenClassificationHead;
import java.util.Objects;

/**
 * Adapts the {@code heads} module's HF-layout heads to {@link TaskHead}, pairing each with its
 * per-example loss from {@link HeadLosses}.
 *
 * <p>Loss per example: mean cross entropy over the example's non-ignored labels (one for
 * sequence and choice, its scored tokens for token classification), or HF's span loss (mean of
 * start and end terms) for extractive QA. Examples with nothing to score contribute 0.
 */
public final class TaskHeads {
    private TaskHeads() {}

    /**
     * Wraps a head.
     *
     * @param head a sequence, token, question-answering or multiple-choice head, not yet
     *     initialized (the model initializes it)
     * @return the adapter
     */
    public static TaskHead of(Head head) {
        Objects.requireNonNull(head, "head");
        if (head instanceof SequenceClassificationHead s) {
            return new Adapter(head, s.numLabels(), Kind.CLASSES);
        } else if (head instanceof TokenClassificationHead t) {
            return new Adapter(head, t.numLabels(), Kind.CLASSES);
        } else if (head instanceof MultipleChoiceHead c) {
            return new Adapter(head, c.numChoices(), Kind.CLASSES);
        } else if (head instanceof QuestionAnsweringHead) {
            return new Adapter(head, 2, Kind.SPAN);
        }
        throw new IllegalArgumentException("task head: unsupported head type " + head.getClass().getName());
    }

    private enum Kind { CLASSES, SPAN }

    private static final class Adapter implements TaskHead {
        private final Head head;
        private final int numLabels;
        private final Kind kind;

        Adapter(Head head, int numLabels, Kind kind) {
            this.head = head;
            this.numLabels = numLabels;
            this.kind = kind;
        }

        @Override
        public Block block() {
            return head;
        }

        @Override
        public int numLabels() {
            return numLabels;
        }

        @Override
        public void initialize(NDManager manager, int hiddenSize) {
            if (head.hiddenSize() != hiddenSize) {
                throw new IllegalArgumentException("task head: head hidden size " + head.hiddenSize()
                        + " differs from the encoder's " + hiddenSize);
            }
            if (!head.isInitialized()) {
                head.initialize(manager, DataType.FLOAT32, new Shape(1, 1, hiddenSize));
            }
        }

        @Override
        public NDArray logits(ParameterStore ps, NDArray hidden, NDArray attentionMask, boolean training) {
            NDList out = head.forward(ps, new NDList(hidden), training);
            if (kind == Kind.SPAN) {
                // [examples, seqLen, 2]: start logits then end logits on the last axis
                return out.get(0).stack(out.get(1), -1);
            }
            return out.singletonOrThrow();
        }

        @Override
        public NDArray exampleLosses(NDArray logits, NDArray labels) {
            if (kind == Kind.SPAN) {
                return HeadLosses.perExampleSpanLoss(logits.get(new NDIndex(":, :, 0")), logits.get(new NDIndex(":, :, 1")),
                        labels.get(new NDIndex(":, 0")), labels.get(new NDIndex(":, 1"))).loss();
            }
            return HeadLosses.perExampleCrossEntropy(logits, labels).loss();
        }

        @Override
        public String toString() {
            return "TaskHeads.of(" + head + ")";
        }
    }
}
