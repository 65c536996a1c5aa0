package io.github.prefine.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/** Hand-computed cases for {@link HeadLosses}. */
class HeadLossesTest {

    private static final double TOL = 1e-6;
    private static final double LN2 = Math.log(2);
    private static final double LN3 = Math.log(3);
    private static final float FLN3 = (float) LN3;

    @Test
    void crossEntropyAveragesOnlyNonIgnoredRows() {
        try (NDManager m = NDManager.newBaseManager()) {
            // row 0: uniform over 2 -> ln 2; row 1 ignored (extreme logits must not matter);
            // row 2: logits [ln 3, 0], label 1 -> p = 1/4 -> ln 4
            NDArray logits = m.create(new float[] {0, 0, 100, -100, FLN3, 0}, new Shape(3, 2));
            NDArray labels = m.create(new long[] {0, -100, 1});
            float loss = HeadLosses.crossEntropy(logits, labels).getFloat();
            assertEquals((LN2 + 2 * LN2) / 2, loss, TOL);
        }
    }

    @Test
    void crossEntropyOverTokensMatchesFlattenedMean() {
        try (NDManager m = NDManager.newBaseManager()) {
            // [batch 2, seqLen 2, classes 3], zeros -> each scored token costs ln 3
            NDArray logits = m.zeros(new Shape(2, 2, 3));
            NDArray labels = m.create(new int[] {2, -100, -100, 1}, new Shape(2, 2));
            assertEquals(LN3, HeadLosses.crossEntropy(logits, labels).getFloat(), TOL);
        }
    }

    @Test
    void allIgnoredGivesZeroLossAndZeroGradientNotNaN() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            logits.setRequiresGradient(true);
            NDArray labels = m.create(new long[] {-100, -100});
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = HeadLosses.crossEntropy(logits, labels);
                assertEquals(0f, loss.getFloat());
                gc.backward(loss);
            }
            assertArrayEquals(new float[4], logits.getGradient().toFloatArray());
        }
    }

    /**
     * PyTorch's {@code ignore_index} skips an ignored position, so its logits may be anything, minus
     * infinity included (a masked class): the loss is that of the scored positions alone. Row 0 is
     * ignored and has -inf for class 0; row 1 is uniform over 3 classes with label 2, so ln 3,
     * and its gradient softmax - onehot = [1/3, 1/3, -2/3]; the ignored row gets 0.
     */
    @Test
    void anIgnoredPositionWithAnInfiniteLogitContributesNothing() {
        float inf = Float.NEGATIVE_INFINITY;
        float third = 1f / 3;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {inf, 0, 0, 0, 0, 0}, new Shape(2, 3));
            logits.setRequiresGradient(true);
            NDArray labels = m.create(new long[] {-100, 2});
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = HeadLosses.crossEntropy(logits, labels);
                assertEquals(LN3, loss.getFloat(), TOL);
                gc.backward(loss);
            }
            assertArrayEquals(new float[] {0, 0, 0, third, third, -2 * third},
                    logits.getGradient().toFloatArray(), 1e-6f);
            RowLosses rows = HeadLosses.perExampleCrossEntropy(logits, labels);
            assertArrayEquals(new float[] {0f, FLN3}, rows.loss().toFloatArray(), 1e-6f);
            // spans over seqLen 3: row 0's start (3, past the end) is ignored where its logit 0 is
            // -inf; every other side scores ln 3 on uniform logits
            NDArray zeros = m.zeros(new Shape(2, 3));
            NDArray starts = m.create(new long[] {3, 1});
            NDArray ends = m.create(new long[] {0, 2});
            assertEquals(LN3, HeadLosses.spanLoss(logits, zeros, starts, ends).getFloat(), TOL);
            assertArrayEquals(new float[] {FLN3, FLN3},
                    HeadLosses.perExampleSpanLoss(logits, zeros, starts, ends).loss().toFloatArray(), 1e-6f);
            NDArray stacked = logits.stack(zeros, 2); // [2, 3, 2]: start, end
            NDArray positions = m.create(new long[] {3, 0, 1, 2}, new Shape(2, 2));
            assertArrayEquals(new float[] {FLN3, FLN3},
                    HeadLosses.perExampleSpanLoss(stacked, positions).loss().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void crossEntropyGradientIsSoftmaxMinusOneHotOverCount() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.zeros(new Shape(2, 2));
            logits.setRequiresGradient(true);
            NDArray labels = m.create(new long[] {1, -100});
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(HeadLosses.crossEntropy(logits, labels));
            }
            // one scored row: d/dz = softmax - onehot = [0.5, -0.5]; the ignored row gets 0
            assertArrayEquals(new float[] {0.5f, -0.5f, 0, 0}, logits.getGradient().toFloatArray(), 1e-6f);
        }
    }

    /**
     * 70,000 scored positions of uniform float16 logits over 2 classes: the mean is ln 2 and each
     * logit's gradient is +-0.5 / 70,000. A float16 count of them is infinite (above 65,504), so
     * sums must not be taken in float16.
     */
    @Test
    void float16CrossEntropyOverMoreThan65504PositionsIsLn2WithItsGradient() {
        int n = 70_000;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.zeros(new Shape(n, 2), DataType.FLOAT16);
            logits.setRequiresGradient(true);
            NDArray labels = m.zeros(new Shape(n), DataType.INT64);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = HeadLosses.crossEntropy(logits, labels);
                // a float32 loss, as TaskHead.exampleLosses promises, and ln 2 to float32
                // precision: the log-probabilities are not rounded to float16 (spacing 2^-11)
                assertEquals(DataType.FLOAT32, loss.getDataType());
                assertEquals(LN2, loss.getFloat(), 1e-6);
                gc.backward(loss);
            }
            float[] grad = logits.getGradient().toType(DataType.FLOAT32, false).toFloatArray();
            double g = 0.5 / n; // a float16 subnormal: about 1% resolution
            assertEquals(-g, grad[0], 0.02 * g);
            assertEquals(g, grad[1], 0.02 * g);
            assertEquals(-g, grad[2 * n - 2], 0.02 * g);
        }
    }

    /**
     * float16 logits whose values float16 holds exactly: the losses are those of the same values
     * in float64 (computed here by log-sum-exp) to float32 precision, as under PyTorch's autocast,
     * which runs cross entropy on float16 logits in float32. A log-softmax taken in float16 rounds
     * each log-probability to 11 bits: ln 3 came out 2.5e-4 low.
     */
    @Test
    void float16LogitsGiveTheLossOfTheirValuesToFloat32Precision() {
        // [3 rows, 3 classes]; row 1 ignored
        double[] v = {0.5, -1.25, 2, 3.5, 0.25, -2, 0, 0, 0};
        int[] labels = {1, -100, 2};
        double row0 = lse(v[0], v[1], v[2]) - v[1];
        double row2 = lse(v[6], v[7], v[8]) - v[8];
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(toFloats(v), new Shape(3, 3)).toType(DataType.FLOAT16, false);
            NDArray l = m.create(labels);
            assertEquals((row0 + row2) / 2, HeadLosses.crossEntropy(logits, l).getFloat(), 1e-6);
            assertArrayEquals(new float[] {(float) row0, 0, (float) row2},
                    HeadLosses.perExampleCrossEntropy(logits, l).loss().toFloatArray(), 1e-6f);
            NDArray[] t = LossTargets.ofClasses(labels, new long[] {3}, 3).toDevice(m);
            assertEquals(row0 + row2, HeadLosses.targetedSum(logits, t[0], t[1], 1).getFloat(), 2e-6);
            // spans over the 3 positions of each row: starts 1, 0, 2 and ends 2, 2, 9 (ignored)
            double start = (lse(v[0], v[1], v[2]) - v[1] + lse(v[3], v[4], v[5]) - v[3] + row2) / 3;
            double end = (lse(v[0], v[1], v[2]) - v[2] + lse(v[3], v[4], v[5]) - v[5]) / 2;
            NDArray starts = m.create(new long[] {1, 0, 2});
            NDArray ends = m.create(new long[] {2, 2, 9});
            assertEquals((start + end) / 2, HeadLosses.spanLoss(logits, logits, starts, ends).getFloat(), 1e-6);
            NDArray stacked = logits.stack(logits, 2);
            float[] rows = HeadLosses.perExampleSpanLoss(stacked, m.create(new long[] {1, 2, 0, 2, 2, 9}, new Shape(3, 2)))
                    .loss().toFloatArray();
            assertEquals((lse(v[0], v[1], v[2]) * 2 - v[1] - v[2]) / 2, rows[0], 1e-6);
            assertEquals(row2, rows[2], 1e-6);
        }
    }

    /** The gradient still reaches float16 logits, as softmax minus one-hot over the count. */
    @Test
    void float16LogitsStillGetTheirGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.zeros(new Shape(2, 2), DataType.FLOAT16);
            logits.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(HeadLosses.crossEntropy(logits, m.create(new long[] {1, -100})));
            }
            assertEquals(DataType.FLOAT16, logits.getGradient().getDataType());
            assertArrayEquals(new float[] {0.5f, -0.5f, 0, 0},
                    logits.getGradient().toType(DataType.FLOAT32, false).toFloatArray(), 1e-6f);
        }
    }

    private static double lse(double... x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double d : x) {
            max = Math.max(max, d);
        }
        double sum = 0;
        for (double d : x) {
            sum += Math.exp(d - max);
        }
        return max + Math.log(sum);
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /** One row of 70,000 scored float16 tokens: its mean is ln 2, not 0 from an infinite count. */
    @Test
    void float16PerExampleCrossEntropyOverARowOfMoreThan65504TokensIsLn2() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.zeros(new Shape(1, 70_000, 2), DataType.FLOAT16);
            NDArray labels = m.ones(new Shape(1, 70_000), DataType.INT64);
            RowLosses rows = HeadLosses.perExampleCrossEntropy(logits, labels);
            assertEquals(DataType.FLOAT32, rows.loss().getDataType());
            assertEquals(LN2, rows.loss().getFloat(), 1e-6);
            assertArrayEquals(new boolean[] {true}, rows.valid().toBooleanArray());
        }
    }

    @Test
    void perExampleCrossEntropyAveragesWithinEachRow() {
        try (NDManager m = NDManager.newBaseManager()) {
            // row 0 scores two tokens: uniform -> ln 2, and [ln 3, 0] label 0 -> p 3/4 -> ln(4/3)
            // row 1 scores nothing
            NDArray logits = m.create(
                    new float[] {0, 0, FLN3, 0, 9, 9, 1, 2, 3, 4, 5, 6}, new Shape(2, 3, 2));
            NDArray labels = m.create(new long[] {1, 0, -100, -100, -100, -100}, new Shape(2, 3));
            RowLosses rows = HeadLosses.perExampleCrossEntropy(logits, labels);
            assertEquals(new Shape(2), rows.loss().getShape());
            float[] loss = rows.loss().toFloatArray();
            assertEquals((LN2 + Math.log(4.0 / 3)) / 2, loss[0], TOL);
            assertEquals(0f, loss[1]);
            assertArrayEquals(new boolean[] {true, false}, rows.valid().toBooleanArray());
        }
    }

    /** A batch without rows has no row losses, for token labels as for sequence labels and spans. */
    @Test
    void perExampleLossesOfABatchWithoutRowsAreEmpty() {
        try (NDManager m = NDManager.newBaseManager()) {
            RowLosses tokens = HeadLosses.perExampleCrossEntropy(
                    m.zeros(new Shape(0, 5, 3)), m.zeros(new Shape(0, 5), DataType.INT64));
            assertEquals(new Shape(0), tokens.loss().getShape());
            RowLosses rows = HeadLosses.perExampleCrossEntropy(m.zeros(new Shape(0, 3)), m.zeros(new Shape(0), DataType.INT32));
            assertEquals(new Shape(0), rows.loss().getShape());
            assertEquals(new Shape(0), rows.valid().getShape());
            RowLosses spans = HeadLosses.perExampleSpanLoss(m.zeros(new Shape(0, 4, 2)), m.zeros(new Shape(0, 2), DataType.INT64));
            assertEquals(new Shape(0), spans.loss().getShape());
        }
    }

    @Test
    void perExampleCrossEntropyOnSequenceLabelsIsEachRowsNll() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {0, 0, FLN3, 0, 5, 5}, new Shape(3, 2));
            NDArray labels = m.create(new int[] {0, 1, -100});
            RowLosses rows = HeadLosses.perExampleCrossEntropy(logits, labels);
            assertArrayEquals(
                    new float[] {(float) LN2, (float) (2 * LN2), 0f}, rows.loss().toFloatArray(), 1e-6f);
            assertArrayEquals(new boolean[] {true, true, false}, rows.valid().toBooleanArray());
        }
    }

    /**
     * seqLen 3. Start: row 0 uniform at 1 (ln 3); row 1 at 5, clamped to 3 and ignored; row 2
     * logits [ln 2, 0, 0] at -2, clamped to 0 (p 1/2, ln 2); row 3 ignored. End: row 0 at 3
     * (ignored); rows 1 and 2 uniform (ln 3 each); row 3 ignored.
     */
    private static NDArray[] spanCase(NDManager m) {
        float ln2 = (float) LN2;
        NDArray start = m.create(new float[] {0, 0, 0, 7, 8, 9, ln2, 0, 0, 1, 2, 3}, new Shape(4, 3));
        NDArray end = m.create(new float[] {4, 5, 6, 0, 0, 0, 0, 0, 0, 1, 2, 3}, new Shape(4, 3));
        NDArray startPos = m.create(new long[] {1, 5, -2, 3});
        NDArray endPos = m.create(new long[] {3, 0, 2, 99});
        return new NDArray[] {start, end, startPos, endPos};
    }

    @Test
    void spanLossClampsIgnoresPastEndAndAveragesStartAndEnd() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] c = spanCase(m);
            float loss = HeadLosses.spanLoss(c[0], c[1], c[2], c[3]).getFloat();
            double startMean = (LN3 + LN2) / 2;
            double endMean = LN3;
            assertEquals((startMean + endMean) / 2, loss, TOL);
        }
    }

    @Test
    void perExampleSpanLossAveragesTheScoredSidesOfEachRow() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] c = spanCase(m);
            RowLosses rows = HeadLosses.perExampleSpanLoss(c[0], c[1], c[2], c[3]);
            assertArrayEquals(
                    new float[] {FLN3, FLN3, (float) ((LN2 + LN3) / 2), 0f},
                    rows.loss().toFloatArray(),
                    1e-6f);
            assertArrayEquals(new boolean[] {true, true, true, false}, rows.valid().toBooleanArray());
        }
    }

    /**
     * A span position equal to the ignore index is skipped, as every other loss here skips it and
     * as core's HeadLabels promises for every layout; HF's clamp would score it at position 0.
     * seqLen 3. Row 0: start at -100 (its logits [ln 2, 0, 0] would give ln 2 at 0), end uniform
     * at 1 (ln 3). Row 1: both at -100. Another negative position still becomes 0: row 2 starts at
     * -2 on [ln 2, 0, 0] (ln 2) and ends at -100.
     */
    @Test
    void aSpanPositionAtTheIgnoreIndexIsSkipped() {
        try (NDManager m = NDManager.newBaseManager()) {
            float ln2 = (float) LN2;
            NDArray start = m.create(new float[] {ln2, 0, 0, ln2, 0, 0, ln2, 0, 0}, new Shape(3, 3));
            NDArray end = m.create(new float[] {0, 0, 0, ln2, 0, 0, 0, 0, 0}, new Shape(3, 3));
            int ig = HeadLosses.IGNORE_INDEX;
            NDArray startPos = m.create(new long[] {ig, ig, -2});
            NDArray endPos = m.create(new long[] {1, ig, ig});
            RowLosses rows = HeadLosses.perExampleSpanLoss(start, end, startPos, endPos);
            assertArrayEquals(new float[] {FLN3, 0f, (float) LN2}, rows.loss().toFloatArray(), 1e-6f);
            assertArrayEquals(new boolean[] {true, false, true}, rows.valid().toBooleanArray());
            // start: row 2 alone (ln 2); end: row 0 alone (ln 3)
            assertEquals((LN2 + LN3) / 2, HeadLosses.spanLoss(start, end, startPos, endPos).getFloat(), TOL);
            NDArray stacked = start.stack(end, 2);
            NDArray positions = m.create(new long[] {ig, 1, ig, ig, -2, ig}, new Shape(3, 2));
            RowLosses fromStacked = HeadLosses.perExampleSpanLoss(stacked, positions);
            assertArrayEquals(new float[] {FLN3, 0f, (float) LN2}, fromStacked.loss().toFloatArray(), 1e-6f);
            assertArrayEquals(new boolean[] {true, false, true}, fromStacked.valid().toBooleanArray());
            // the host targets skip it too, and sum to the same
            LossTargets t = LossTargets.ofSpans(new int[] {ig, 1, ig, ig, -2, ig}, 3);
            assertArrayEquals(new long[] {0, 1, 0, 0, 0, 0}, t.index());
            assertArrayEquals(new float[] {0, -1, 0, 0, -1, 0}, t.weights());
            NDArray[] d = t.toDevice(m);
            assertEquals(LN3 + LN2, HeadLosses.targetedSum(stacked, d[0], d[1], 1).getFloat(), TOL);
        }
    }

    @Test
    void spanLossIsZeroWhenEveryPositionIsPastTheEnd() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.zeros(new Shape(2, 4));
            NDArray pos = m.create(new long[] {4, 10});
            assertEquals(0f, HeadLosses.spanLoss(logits, logits, pos, pos).getFloat());
        }
    }

    @Test
    void rejectsMismatchedShapesAndNonIntegerLabels() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.zeros(new Shape(2, 3));
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> HeadLosses.crossEntropy(logits, m.create(new long[] {0, 1, 2})));
            assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(3)"), e.getMessage());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> HeadLosses.crossEntropy(logits, m.create(new float[] {0, 1})));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> HeadLosses.spanLoss(logits, logits, m.create(new long[] {0}), m.create(new long[] {0, 1})));
        }
    }

    /**
     * Labels kept across steps in a manager of their own (a cache of encoded batches) must not
     * collect each step's intermediates: the class promises that everything joins the logits'
     * manager. Uniform logits give ln(classes) and ln(seqLen) per scored target.
     */
    @Test
    void lossesCreateNothingInTheManagerOfTheirLabels() {
        try (NDManager data = NDManager.newBaseManager();
                NDManager step = NDManager.newBaseManager()) {
            NDArray labels = data.create(new long[] {2, -100, 0, 1}, new Shape(2, 2));
            NDArray rowLabels = data.create(new int[] {1, -100});
            // seqLen 3: row 0 scores start 1 and end 2; row 1's end is past the end and ignored
            NDArray starts = data.create(new long[] {1, 0});
            NDArray ends = data.create(new long[] {2, 7});
            NDArray positions = data.create(new long[] {1, 2, 0, 7}, new Shape(2, 2));
            data.cap();
            // the cap is live: anything new in the labels' manager would throw like this
            assertThrows(IllegalStateException.class, () -> data.zeros(new Shape(1)));
            NDArray tokenLogits = step.zeros(new Shape(2, 2, 3));
            assertEquals(LN3, HeadLosses.crossEntropy(tokenLogits, labels).getFloat(), TOL);
            RowLosses tokenRows = HeadLosses.perExampleCrossEntropy(tokenLogits, labels);
            assertArrayEquals(new float[] {FLN3, FLN3}, tokenRows.loss().toFloatArray(), 1e-6f);
            RowLosses rows = HeadLosses.perExampleCrossEntropy(step.zeros(new Shape(2, 3)), rowLabels);
            assertArrayEquals(new float[] {FLN3, 0f}, rows.loss().toFloatArray(), 1e-6f);
            assertArrayEquals(new boolean[] {true, false}, rows.valid().toBooleanArray());
            NDArray span = step.zeros(new Shape(2, 3));
            // start: both rows score ln 3; end: row 0 only
            assertEquals(LN3, HeadLosses.spanLoss(span, span, starts, ends).getFloat(), TOL);
            assertArrayEquals(new float[] {FLN3, FLN3},
                    HeadLosses.perExampleSpanLoss(span, span, starts, ends).loss().toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {FLN3, FLN3},
                    HeadLosses.perExampleSpanLoss(step.zeros(new Shape(2, 3, 2)), positions).loss().toFloatArray(),
                    1e-6f);
        }
    }

    @Test
    void forwardLossAndBackwardCreateNothingInTheParameterManager() {
        try (NDManager model = NDManager.newBaseManager();
                NDManager step = NDManager.newBaseManager()) {
            TokenClassificationHead head =
                    TokenClassificationHead.builder().setHiddenSize(4).setNumLabels(3).build();
            head.initialize(model, DataType.FLOAT32, new Shape(2, 5, 4));
            QuestionAnsweringHead qa = QuestionAnsweringHead.builder().setHiddenSize(4).build();
            qa.initialize(model, DataType.FLOAT32, new Shape(2, 5, 4));
            model.cap();
            // the cap is live: anything new in the parameter manager would throw like this
            assertThrows(IllegalStateException.class, () -> model.zeros(new Shape(1)));
            NDArray hidden = step.randomNormal(new Shape(2, 5, 4));
            NDArray labels = step.create(new long[] {0, 1, 2, -100, -100, 2, 2, 1, 0, -100}, new Shape(2, 5));
            ParameterStore store = new ParameterStore(step, false);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = head.forward(store, new NDList(hidden), true).singletonOrThrow();
                NDArray loss = HeadLosses.crossEntropy(logits, labels);
                RowLosses rows = HeadLosses.perExampleCrossEntropy(logits, labels);
                NDList span = qa.forward(store, new NDList(hidden), true);
                NDArray spanLoss = HeadLosses.spanLoss(
                        span.get(0), span.get(1), step.create(new long[] {1, 5}), step.create(new long[] {2, 0}));
                RowLosses spanRows = HeadLosses.perExampleSpanLoss(
                        span.get(0), span.get(1), step.create(new long[] {1, 5}), step.create(new long[] {2, 0}));
                gc.backward(loss.add(rows.loss().sum()).add(spanLoss).add(spanRows.loss().sum()));
                assertTrue(Float.isFinite(loss.getFloat()));
            }
        }
    }
}
