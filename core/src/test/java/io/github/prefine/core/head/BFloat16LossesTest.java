package io.github.prefine.core.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.prefine.core.precision.Casts;
import io.github.prefine.heads.HeadLosses;
import io.github.prefine.heads.LossTargets;
import io.github.prefine.heads.TokenClassificationHead;
import org.junit.jupiter.api.Test;

/**
 * The heads' losses on bfloat16 logits (made here with core's cast, as DJL cannot make them):
 * computed in float32, as on float16 logits and as PyTorch's autocast runs cross entropy, against
 * hand-worked values. The logits' values are exact in bfloat16, so the only rounding left would be
 * that of a bfloat16 log-softmax or sum. A head itself takes no bfloat16 input, and says so.
 */
class BFloat16LossesTest {
    private static final double LN2 = Math.log(2);
    /** -log softmax([2, 0])[1] = log(1 + e^2). */
    private static final double L2 = Math.log1p(Math.exp(2));

    private static NDArray bf16(NDManager m, float[] values, Shape shape) {
        return Casts.toType(m.create(values, shape), DataType.BFLOAT16);
    }

    @Test
    void crossEntropyIsFloat32AndItsGradientComesBack() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0, 0, 2, 0}, new Shape(2, 2));
            x.setRequiresGradient(true);
            NDArray labels = m.create(new int[] {0, 1});
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = HeadLosses.crossEntropy(Casts.toType(x, DataType.BFLOAT16), labels);
                assertEquals(DataType.FLOAT32, loss.getDataType());
                assertEquals((LN2 + L2) / 2, loss.getFloat(), 1e-6);
                gc.backward(loss);
            }
            // (softmax - one-hot) / 2 rows, rounded to bfloat16 on the way back (8 significant bits)
            double p = 1 / (1 + Math.exp(-2));
            float[] want = {-0.25f, 0.25f, (float) (p / 2), (float) ((1 - p - 1) / 2)};
            assertArrayEquals(want, x.getGradient().toFloatArray(), 2e-3f);
        }
    }

    /**
     * 3,000 rows of loss ln 2: a bfloat16 sum would hold 2,079.4 as 2,080 at best (its step there is
     * 16) and drift on the way, so the mean is ln 2 only if the sum is float32.
     */
    @Test
    void manyRowsSumInFloat32() {
        try (NDManager m = NDManager.newBaseManager()) {
            int rows = 3000;
            NDArray logits = bf16(m, new float[rows * 2], new Shape(rows, 2));
            NDArray labels = m.zeros(new Shape(rows), DataType.INT32);
            assertEquals(LN2, HeadLosses.crossEntropy(logits, labels).getFloat(), 1e-6);
            NDArray perRow = HeadLosses.perExampleCrossEntropy(logits, labels).loss();
            assertEquals(DataType.FLOAT32, perRow.getDataType());
            assertEquals(LN2 * rows, perRow.sum().getFloat(), 1e-6 * rows);
            NDArray[] t = LossTargets.ofClasses(new int[rows], new long[] {rows}, 2).toDevice(m);
            assertEquals(LN2 * rows, HeadLosses.targetedSum(logits, t[0], t[1], 1).getFloat(), 1e-6 * rows);
        }
    }

    /**
     * A head takes its weights' dtype (float32 in every precision); a bfloat16 input, which DJL
     * names UNKNOWN, is refused as bfloat16, not as "not floating point".
     */
    @Test
    void aHeadRefusesABfloat16InputByName() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenClassificationHead head = TokenClassificationHead.builder().setHiddenSize(2).setNumLabels(3).build();
            head.initialize(m, DataType.FLOAT32, new Shape(1, 2, 2));
            NDArray hidden = bf16(m, new float[] {1, 2, 3, 4}, new Shape(1, 2, 2));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> head.forward(new ParameterStore(m, false), new NDList(hidden), false));
            assertEquals("TokenClassificationHead: input is bfloat16 (DJL's UNKNOWN); a head takes the dtype of its"
                    + " weights, float32 here", e.getMessage());
        }
    }

    @Test
    void spanLossesAreFloat32() {
        try (NDManager m = NDManager.newBaseManager()) {
            // one row, seqLen 2: start logits [0, 0] (gold 0: ln 2), end logits [2, 0] (gold 1: log(1 + e^2))
            NDArray span = bf16(m, new float[] {0, 2, 0, 0}, new Shape(1, 2, 2));
            NDArray positions = m.create(new int[] {0, 1}, new Shape(1, 2));
            NDArray loss = HeadLosses.perExampleSpanLoss(span, positions).loss();
            assertEquals(DataType.FLOAT32, loss.getDataType());
            assertEquals((LN2 + L2) / 2, loss.getFloat(0), 1e-6);
            NDArray start = bf16(m, new float[] {0, 0}, new Shape(1, 2));
            NDArray end = bf16(m, new float[] {2, 0}, new Shape(1, 2));
            NDArray sp = m.create(new int[] {0});
            NDArray ep = m.create(new int[] {1});
            assertEquals((LN2 + L2) / 2, HeadLosses.spanLoss(start, end, sp, ep).getFloat(), 1e-6);
            assertEquals((LN2 + L2) / 2, HeadLosses.perExampleSpanLoss(start, end, sp, ep).loss().getFloat(0), 1e-6);
        }
    }
}
