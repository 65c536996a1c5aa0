package io.github.prefine.core.precision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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
}
