package io.github.prefine.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Autograd's gradients of every head and loss, taken through the PyTorch engine, against central
 * finite differences of the loss value: in float64, for every weight, bias and hidden-state
 * element, with dropout on (the engine reseeded before each forward, so every evaluation draws the
 * same mask), ignored labels, a row with nothing to score and span positions that HF clamps or
 * ignores. A cast or a constant that cut the graph, or a mask applied in the forward but not in the
 * backward, would show here as a gradient that differs from the slope of the loss.
 */
class HeadGradientsTest {

    private static final int BATCH = 3;
    private static final int SEQ = 4;
    private static final int HIDDEN = 3;
    private static final double STEP = 1e-6;
    private static final int DROPOUT_SEED = 17;

    /** The loss of one forward's outputs, as a float64 scalar. */
    @FunctionalInterface
    private interface Loss {
        NDArray of(NDManager m, NDList out);
    }

    /** A forward of the block under test on one hidden state. */
    @FunctionalInterface
    private interface Forward {
        NDList run(ParameterStore store, NDArray hidden);
    }

    @ParameterizedTest
    @EnumSource(HeadFamily.class)
    void sequenceHeadGradientsAreTheSlopesOfTheCrossEntropy(HeadFamily family) {
        SequenceClassificationHead head = SequenceClassificationHead.builder()
                .setFamily(family).setHiddenSize(HIDDEN).setNumLabels(3).optDropout(0.3f).build();
        // row 1 is ignored: its first token must get no gradient
        assertGradients(List.of(head), (s, h) -> head.forward(s, new NDList(h), true), new Shape(BATCH, SEQ, HIDDEN),
                (m, out) -> {
                    NDArray labels = m.create(new long[] {2, HeadLosses.IGNORE_INDEX, 0});
                    return HeadLosses.crossEntropy(out.head(), labels)
                            .add(HeadLosses.perExampleCrossEntropy(out.head(), labels).loss().mul(weights(m)).sum());
                });
    }

    @Test
    void tokenHeadGradientsAreTheSlopesOfTheMaskedTokenLosses() {
        TokenClassificationHead head = TokenClassificationHead.builder()
                .setHiddenSize(HIDDEN).setNumLabels(3).optDropout(0.3f).build();
        int i = HeadLosses.IGNORE_INDEX;
        // row 1 has nothing to score; padding-like positions carry the ignore index
        int[] labels = {i, 2, 0, i, i, i, i, i, i, 1, 1, 2};
        LossTargets targets = LossTargets.ofClasses(labels, new long[] {BATCH, SEQ}, 3);
        assertGradients(List.of(head), (s, h) -> head.forward(s, new NDList(h), true), new Shape(BATCH, SEQ, HIDDEN),
                (m, out) -> {
                    NDArray l = m.create(labels, new Shape(BATCH, SEQ));
                    NDArray[] t = targets.toDevice(m);
                    return HeadLosses.crossEntropy(out.head(), l)
                            .add(HeadLosses.perExampleCrossEntropy(out.head(), l).loss().mul(weights(m)).sum())
                            .add(HeadLosses.targetedSum(out.head(), t[0], t[1], targets.axis()));
                });
    }

    @Test
    void spanHeadGradientsAreTheSlopesOfTheClampedSpanLosses() {
        QuestionAnsweringHead head = QuestionAnsweringHead.builder().setHiddenSize(HIDDEN).build();
        // start -2 is clamped to 0, start 9 and end 4 (= seqLen) are ignored
        int[] positions = {1, 3, -2, 4, 9, 2};
        LossTargets targets = LossTargets.ofSpans(positions, SEQ);
        assertGradients(List.of(head), (s, h) -> head.forward(s, new NDList(h), true), new Shape(BATCH, SEQ, HIDDEN),
                (m, out) -> {
                    NDArray starts = m.create(new long[] {1, -2, 9});
                    NDArray ends = m.create(new long[] {3, 4, 2});
                    NDArray stacked = out.get(0).stack(out.get(1), 2);
                    NDArray[] t = targets.toDevice(m);
                    return HeadLosses.spanLoss(out.get(0), out.get(1), starts, ends)
                            .add(HeadLosses.perExampleSpanLoss(out.get(0), out.get(1), starts, ends).loss()
                                    .mul(weights(m)).sum())
                            .add(HeadLosses.perExampleSpanLoss(stacked, m.create(positions, new Shape(BATCH, 2)))
                                    .loss().sum())
                            .add(HeadLosses.targetedSum(stacked, t[0], t[1], targets.axis()));
                });
    }

    @ParameterizedTest
    @EnumSource(HeadFamily.class)
    void multipleChoiceHeadGradientsAreTheSlopesOfTheCrossEntropy(HeadFamily family) {
        MultipleChoiceHead head = MultipleChoiceHead.builder()
                .setFamily(family).setHiddenSize(HIDDEN).setNumChoices(2).optDropout(0.3f).build();
        assertGradients(List.of(head), (s, h) -> head.forward(s, new NDList(h), true),
                new Shape(2 * BATCH, SEQ, HIDDEN),
                (m, out) -> HeadLosses.crossEntropy(out.head(), m.create(new long[] {1, 0, HeadLosses.IGNORE_INDEX})));
    }

    /**
     * A stack of two RoBERTa sequence heads: each head's parameters get the slope of the loss of its
     * own rows, and nothing from the other head's rows, whose columns are masked.
     */
    @Test
    void stackedSequenceHeadGradientsAreTheSlopesOfEachRowsOwnHead() {
        List<SequenceClassificationHead> heads = new ArrayList<>();
        for (int labels : new int[] {3, 2}) {
            heads.add(SequenceClassificationHead.builder().setFamily(HeadFamily.ROBERTA).setHiddenSize(HIDDEN)
                    .setNumLabels(labels).optDropout(0.3f).optSeed(labels).build());
        }
        HeadStack stack = HeadStack.of(heads);
        int[] headOfRow = {1, 0, 1};
        // labels in stacked columns: head 0 owns columns 0-2, head 1 owns 3-4
        long[] labels = {4, 2, 3};
        assertGradients(heads, (s, h) -> {
            NDManager m = h.getManager();
            NDArray choice = m.create(stack.choice(headOfRow), new Shape(BATCH, stack.size()));
            NDArray mask = m.create(stack.columnMask(headOfRow), new Shape(BATCH, stack.width()))
                    .toType(DataType.FLOAT64, false);
            return new NDList(stack.logits(s, h, choice, mask, true));
        }, new Shape(BATCH, SEQ, HIDDEN), (m, out) -> HeadLosses.crossEntropy(out.head(), m.create(labels)));
    }

    /** Unequal weights per row, so a per-row loss that went to the wrong row would change the slope. */
    private static NDArray weights(NDManager m) {
        return m.create(new double[] {1.0, 0.5, 2.0});
    }

    /**
     * Initializes the heads in float64 with random weights and biases, takes autograd's gradients
     * of the loss with respect to every parameter and the hidden state, and compares each with the
     * central difference of the loss.
     */
    private static void assertGradients(List<? extends Head> heads, Forward forward, Shape inShape, Loss loss) {
        Random r = new Random(3);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, double[]> weights = new LinkedHashMap<>();
            for (int k = 0; k < heads.size(); k++) {
                Head head = heads.get(k);
                head.initialize(m, DataType.FLOAT64, inShape);
                for (var e : head.hfParameters().entrySet()) {
                    double[] v = new double[Math.toIntExact(e.getValue().getArray().size())];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = 0.7 * r.nextGaussian();
                    }
                    weights.put(k + "/" + e.getKey(), v);
                }
            }
            double[] hidden = new double[Math.toIntExact(inShape.size())];
            for (int i = 0; i < hidden.length; i++) {
                hidden[i] = r.nextGaussian();
            }
            load(heads, m, weights);
            NDArray h = m.create(hidden, inShape);
            h.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Engine.getInstance().setRandomSeed(DROPOUT_SEED);
                NDArray l = loss.of(m, forward.run(new ParameterStore(m, false), h));
                assertEquals(DataType.FLOAT64, l.getDataType());
                gc.backward(l);
            }
            Map<String, double[]> autograd = new LinkedHashMap<>();
            for (int k = 0; k < heads.size(); k++) {
                for (var e : heads.get(k).hfParameters().entrySet()) {
                    autograd.put(k + "/" + e.getKey(), gradient(e.getValue().getArray(), k + "/" + e.getKey()));
                }
            }
            double[] hiddenGrad = gradient(h, "the hidden state");
            DoubleSupplier at = () -> value(heads, m, weights, hidden, inShape, forward, loss);
            for (var e : weights.entrySet()) {
                for (int i = 0; i < e.getValue().length; i++) {
                    assertClose(slope(e.getValue(), i, at), autograd.get(e.getKey())[i], e.getKey() + "[" + i + "]");
                }
            }
            for (int i = 0; i < hidden.length; i++) {
                assertClose(slope(hidden, i, at), hiddenGrad[i], "hidden[" + i + "]");
            }
        }
    }

    /** The central difference of the loss in {@code v[i]}; leaves {@code v} as it was. */
    private static double slope(double[] v, int i, DoubleSupplier loss) {
        double keep = v[i];
        v[i] = keep + STEP;
        double up = loss.getAsDouble();
        v[i] = keep - STEP;
        double down = loss.getAsDouble();
        v[i] = keep;
        return (up - down) / (2 * STEP);
    }

    /** The loss for the given weights and hidden state, with the same dropout masks as the autograd pass. */
    private static double value(List<? extends Head> heads, NDManager m, Map<String, double[]> weights,
            double[] hidden, Shape inShape, Forward forward, Loss loss) {
        load(heads, m, weights);
        try (NDManager step = m.newSubManager()) {
            Engine.getInstance().setRandomSeed(DROPOUT_SEED);
            return loss.of(step, forward.run(new ParameterStore(step, false), step.create(hidden, inShape)))
                    .getDouble();
        }
    }

    private static void load(List<? extends Head> heads, NDManager m, Map<String, double[]> weights) {
        for (int k = 0; k < heads.size(); k++) {
            Head head = heads.get(k);
            try (NDManager tmp = m.newSubManager()) {
                Map<String, NDArray> tensors = new LinkedHashMap<>();
                for (var e : head.hfParameters().entrySet()) {
                    tensors.put(e.getKey(), tmp.create(weights.get(k + "/" + e.getKey()),
                            e.getValue().getArray().getShape()));
                }
                head.loadHfWeights(tensors);
            }
        }
    }

    /** The gradient autograd left on an array; none at all means the graph was cut before it. */
    private static double[] gradient(NDArray a, String what) {
        try {
            return a.getGradient().toDoubleArray();
        } catch (IllegalStateException e) {
            return fail(what + " got no gradient: the graph is cut between it and the loss (" + e.getMessage() + ")");
        }
    }

    private static void assertClose(double finiteDifference, double autograd, String what) {
        double tol = 1e-7 + 1e-6 * Math.abs(finiteDifference);
        assertTrue(Math.abs(finiteDifference - autograd) <= tol,
                what + ": autograd " + autograd + ", finite difference " + finiteDifference);
    }
}
