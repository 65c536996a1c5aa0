package io.github.prefine.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.prefine.core.testing.SystemProperties;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link PaddedEmbedding}, the kernel and its fallback, against values worked out by hand. */
class PaddedEmbeddingTest {

    /** The kernel, and the same lookup made of DJL operations, which the kernel falls back to. */
    enum Path {
        KERNEL, DJL_OPERATIONS;

        NDArray apply(NDArray ids, NDArray table, int paddingIdx) {
            return this == KERNEL ? PaddedEmbedding.apply(ids, table, paddingIdx)
                    : PaddedEmbedding.withDjlOperations(ids, table, paddingIdx);
        }
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void looksUpEveryRowAndLeavesThePaddingRowWithoutGradient(Path path) {
        try (NDManager m = NDManager.newBaseManager(); NDManager caller = m.newSubManager()) {
            float[] rows = {10, 11, 20, 21, 30, 31, 40, 41};
            NDArray table = m.create(rows, new Shape(4, 2));
            table.setRequiresGradient(true);
            // the padding id 0 also stands where a real token would: its row still takes no gradient
            NDArray ids = caller.create(new long[] {1, 0, 1, 3, 0, 0}, new Shape(2, 3));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = path.apply(ids, table, 0);
                assertEquals(new Shape(2, 3, 2), out.getShape());
                assertEquals(caller, out.getManager(), "the result joins the ids' manager");
                assertArrayEquals(new float[] {20, 21, 10, 11, 20, 21, 40, 41, 10, 11, 10, 11}, out.toFloatArray());
                // d(sum(out * w))/d row r = the sum of w over the positions that look up r
                NDArray w = caller.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, new Shape(2, 3, 2));
                gc.backward(out.mul(w).sum());
            }
            // row 0 (padding): none; row 1: positions 0 and 2; row 2: never looked up; row 3: position 3
            assertArrayEquals(new float[] {0, 0, 1 + 5, 2 + 6, 0, 0, 7, 8}, table.getGradient().toFloatArray());
        }
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void aSixteenBitCopyOfAFloat32TableLeavesTheMasterPaddingRowWithoutGradient(Path path) {
        // mixed precision: the step looks rows up in a float16 or bfloat16 cast of the float32
        // master table, and the gradient reaches the master through the cast
        for (DataType type : new DataType[] {DataType.FLOAT16, DataType.BFLOAT16}) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray master = m.create(new float[] {10, 11, 20, 21, 30, 31}, new Shape(3, 2));
                master.setRequiresGradient(true);
                NDArray ids = m.create(new long[] {2, 1, 2, 1}, new Shape(1, 4));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray copy = io.github.prefine.core.precision.Casts.toType(master, type);
                    NDArray out = path.apply(ids, copy, 1);
                    assertEquals(type, io.github.prefine.core.precision.Casts.dataType(out), type.toString());
                    NDArray w = io.github.prefine.core.precision.Casts.toType(
                            m.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(1, 4, 2)), type);
                    gc.backward(io.github.prefine.core.precision.Casts.toType(out.mul(w).sum(), DataType.FLOAT32));
                }
                // row 1 (padding): none, though positions 1 and 3 look it up; row 2: positions 0 and 2
                assertArrayEquals(new float[] {0, 0, 0, 0, 1 + 5, 2 + 6}, master.getGradient().toFloatArray(),
                        type.toString());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void float16TableKeepsItsType(Path path) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray table = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)).toType(DataType.FLOAT16, false);
            NDArray out = path.apply(m.create(new long[] {1, 0}), table, 1);
            assertEquals(DataType.FLOAT16, out.getDataType());
            assertArrayEquals(new float[] {3, 4, 1, 2}, out.toType(DataType.FLOAT32, false).toFloatArray());
        }
    }

    @Test
    void aNegativePaddingIndexIsRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PaddedEmbedding.apply(m.create(new long[] {0}), m.ones(new Shape(1, 1)), -1));
            assertEquals("padding index must be >= 0, found -1", e.getMessage());
        }
    }

    @Test
    void theKernelsSourceSpellsThePaddingIndexInAsciiDigitsWhateverTheDefaultLocale() {
        // ar-EG formats %d with Arabic-Indic digits, which TorchScript cannot parse; 7 is an index
        // no other test compiles, so its source is made here, under that locale
        Locale before = Locale.getDefault(Locale.Category.FORMAT);
        Locale.setDefault(Locale.Category.FORMAT, Locale.forLanguageTag("ar-EG"));
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray table = m.arange(18f).reshape(9, 2);
            NDArray ids = m.create(new long[] {7, 2});
            assertArrayEquals(new float[] {14, 15, 4, 5}, PaddedEmbedding.apply(ids, table, 7).toFloatArray());
        } finally {
            Locale.setDefault(Locale.Category.FORMAT, before);
        }
    }

    @Test
    void runsTheKernelOnAPyTorchCpuManager() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            assertTrue(PaddedEmbedding.usableOn(m), "the probe passes on PyTorch's CPU");
        }
    }

    @Test
    void aSeparateCudaStreamRulesTheKernelOutOnGpusOnly() throws Exception {
        // DJL would run the lookup on a stream of its own, unordered with the step: as the fused AdamW
        assertNull(PaddedEmbedding.refusal(Device.gpu(0)), "the default stream is the step's");
        String why = SystemProperties.with(FusedAdamW.SEPARATE_STREAM_PROPERTY, "true",
                () -> PaddedEmbedding.refusal(Device.gpu(0)));
        assertNotNull(why);
        assertTrue(why.contains("separate CUDA stream"), why);
        assertNull(SystemProperties.with(FusedAdamW.SEPARATE_STREAM_PROPERTY, "true",
                () -> PaddedEmbedding.refusal(Device.cpu())));
    }
}
