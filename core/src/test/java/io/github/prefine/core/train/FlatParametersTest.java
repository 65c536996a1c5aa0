package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.core.precision.Casts;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlatParametersTest {

    private static NamedParameter param(NDManager m, String key, float[] values, long... shape) {
        NDArray a = m.create(values, new Shape(shape));
        return new NamedParameter(key, Parameter.builder().setName(key).setType(Parameter.Type.WEIGHT).optArray(a).build());
    }

    @Test
    void parametersBecomeViewsLaidOutHalfFirstThenDecayedAndGetTheirOwnArraysBackOnClose() {
        try (NDManager m = NDManager.newBaseManager()) {
            NamedParameter bias = param(m, "enc.bias", new float[] {1, 2}, 2);
            NamedParameter w = param(m, "enc.weight", new float[] {3, 4, 5, 6}, 2, 2);
            NamedParameter norm = param(m, "enc.norm.weight", new float[] {7}, 1);
            NamedParameter head = param(m, "head.weight", new float[] {8, 9}, 2);
            FlatParameters flat = FlatParameters.of(m, List.of(List.of(bias, w, norm), List.of(head)),
                    Set.of(bias.parameter()), AdamW.Builder.defaultDecayFilter());
            // 16-bit first (bias), then decayed (weight), then the rest (norm); heads after the encoder
            assertEquals(List.of(bias, w, norm, head), flat.parameters());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, flat.master().toFloatArray());
            assertEquals(7, flat.groupEnd(0));
            assertEquals(new Shape(2, 2), w.parameter().getArray().getShape());
            flat.master().muli(m.create(2f));
            assertArrayEquals(new float[] {6, 8, 10, 12}, w.parameter().getArray().toFloatArray(), "not a view");
            flat.close();
            assertArrayEquals(new float[] {6, 8, 10, 12}, w.parameter().getArray().toFloatArray(), "values kept");
            w.parameter().getArray().muli(m.create(0.5f));
            assertArrayEquals(new float[] {16, 18}, head.parameter().getArray().toFloatArray(), "arrays must be separate");
            assertArrayEquals(new float[] {3, 4, 5, 6}, w.parameter().getArray().toFloatArray());
        }
    }

    @Test
    void theFlatGradientEqualsEachParametersOwnGradientAndIsZeroForUnusedOnes() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] x = {0.5f, -1f, 2f};
            float[] wv = {1, 2, 3, 4, 5, 6};
            float[] bv = {0.1f, 0.2f};
            // reference: plain parameters with their own gradients
            float[] refW;
            float[] refB;
            try (NDManager sm = m.newSubManager()) {
                NDArray w = sm.create(wv, new Shape(2, 3));
                NDArray b = sm.create(bv);
                w.setRequiresGradient(true);
                b.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = w.matMul(sm.create(x, new Shape(3, 1))).reshape(2).add(b);
                    gc.backward(y.mul(y).sum());
                }
                refW = w.getGradient().toFloatArray();
                refB = b.getGradient().toFloatArray();
            }
            NamedParameter w = param(m, "w.weight", wv, 2, 3);
            NamedParameter b = param(m, "w.bias", bv, 2);
            NamedParameter unused = param(m, "head.weight", new float[] {9, 9}, 2);
            try (FlatParameters flat = FlatParameters.of(m, List.of(List.of(w, b), List.of(unused)), Set.of(w.parameter()),
                    AdamW.Builder.defaultDecayFilter());
                    NDManager sm = m.newSubManager()) {
                for (DataType compute : new DataType[] {DataType.FLOAT32, DataType.FLOAT16}) {
                    FlatParameters.Step step = flat.newStep(sm);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        ParameterStore ps = step.store(compute);
                        NDArray wx = ps.getValue(w.parameter(), m.getDevice(), true);
                        assertEquals(compute, wx.getDataType());
                        NDArray y = Casts.toType(wx, DataType.FLOAT32).matMul(sm.create(x, new Shape(3, 1))).reshape(2)
                                .add(ps.getValue(b.parameter(), m.getDevice(), true));
                        gc.backward(y.mul(y).sum());
                    }
                    float[] g = step.gradient().toFloatArray();
                    float tol = compute == DataType.FLOAT32 ? 1e-6f : 2e-2f;
                    for (int i = 0; i < 6; i++) {
                        assertEquals(refW[i], g[i], tol * Math.max(1, Math.abs(refW[i])), compute + " weight " + i);
                    }
                    assertEquals(refB[0], g[6], tol * Math.max(1, Math.abs(refB[0])));
                    assertEquals(refB[1], g[7], tol * Math.max(1, Math.abs(refB[1])));
                    assertArrayEquals(new float[] {0, 0}, new float[] {g[8], g[9]}, "unused parameter");
                }
            }
        }
    }

    @Test
    void refusesMixedDevicesTypesAndSixteenBitHeadParameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            NamedParameter a = param(m, "a", new float[] {1}, 1);
            NamedParameter h = param(m, "h", new float[] {1}, 1);
            assertThrows(IllegalArgumentException.class, () -> FlatParameters.of(m, List.of(List.of(a), List.of(h)),
                    Set.of(h.parameter()), k -> true));
            NDArray ints = m.create(new int[] {1});
            NamedParameter i = new NamedParameter("i", Parameter.builder().setName("i").setType(Parameter.Type.WEIGHT)
                    .optArray(ints).build());
            assertThrows(IllegalArgumentException.class, () -> FlatParameters.of(m, List.of(List.of(i)), Set.of(), k -> true));
        }
    }
}
