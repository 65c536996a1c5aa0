package io.github.prefine.core.precision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.prefine.kernels.EngineScalars;
import org.junit.jupiter.api.Test;

/** Casts to and from bfloat16, which DJL cannot make itself, against hand-rounded values. */
class CastsTest {

    @Test
    void bfloat16RoundsToEightSignificantBitsAndPassesTheGradientBack() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 1 + 2^-8 is exactly between two bfloat16 values (1 and 1 + 2^-7) and rounds to even: 1;
            // 1 + 3 * 2^-9 rounds up to 1 + 2^-7; 3.140625 = 201 / 64 is exact in bfloat16
            float[] in = {1f + 1f / 256, 1f + 3f / 512, 3.140625f, -2.5f};
            float[] rounded = {1f, 1f + 1f / 128, 3.140625f, -2.5f};
            NDArray x = m.create(in);
            x.setRequiresGradient(true);
            NDArray weights = m.create(new float[] {1f, 2f, 3f, 4f});
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray half = Casts.toType(x, DataType.BFLOAT16);
                assertEquals(DataType.BFLOAT16, Casts.dataType(half));
                assertEquals(DataType.UNKNOWN, half.getDataType(), "DJL's own name for it");
                // a constant keeps the bfloat16 operand's type: 2 * x, still rounded to bfloat16
                NDArray doubled = EngineScalars.mul(half, 2f);
                assertEquals(DataType.BFLOAT16, Casts.dataType(doubled));
                NDArray back = Casts.toType(doubled, DataType.FLOAT32);
                assertEquals(DataType.FLOAT32, back.getDataType());
                float[] got = back.toFloatArray();
                for (int i = 0; i < in.length; i++) {
                    assertEquals(2 * rounded[i], got[i], 0f, "element " + i);
                }
                gc.backward(back.mul(weights).sum());
            }
            // d/dx sum(w * 2 * bf16(x)) = 2 w: the casts are recorded
            assertArrayEquals(new float[] {2f, 4f, 6f, 8f}, x.getGradient().toFloatArray(), 0f);
            // a bfloat16 array is returned as it is
            NDArray b = Casts.toType(x, DataType.BFLOAT16);
            assertEquals(b, Casts.toType(b, DataType.BFLOAT16));
        }
    }

    @Test
    void dropoutOfABfloat16ArrayOnTheCpuScalesByTheExactFloat32Factor() {
        try (NDManager m = NDManager.newBaseManager()) {
            int n = 100_000;
            NDArray ones = Casts.toType(m.ones(new Shape(n)), DataType.BFLOAT16);
            NDArray y = io.github.prefine.kernels.FastDropout.apply(ones, 0.1f, true);
            // PyTorch's CPU dropout would keep bfloat16 1.109375 (1 / 0.9 rounded); a float32 mask
            // keeps 1 / 0.9 in float32, as the GPU kernel scales
            assertEquals(DataType.FLOAT32, y.getDataType());
            float kept = (float) (1.0 / (1.0 - 0.1f));
            int k = 0;
            for (float v : y.toFloatArray()) {
                if (v != 0f) {
                    assertEquals(kept, v, 0f);
                    k++;
                }
            }
            // binomial(100000, 0.9): sd 95; 6 sd either way
            assertTrue(Math.abs(k - 0.9 * n) < 6 * Math.sqrt(n * 0.9 * 0.1), "kept " + k);
        }
    }
}
