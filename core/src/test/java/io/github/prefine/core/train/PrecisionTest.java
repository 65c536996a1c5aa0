package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

class PrecisionTest {

    @Test
    void parsesTheOptionNamesAndAutoFollowsTheDevice() {
        assertEquals(Precision.FLOAT32, Precision.parse("fp32", Device.cpu()));
        assertEquals(Precision.FP16_MIXED, Precision.parse("FP16_MIXED", Device.cpu()));
        assertEquals(Precision.FP16_MIXED, Precision.parse(" fp16-mixed ", Device.cpu()));
        assertEquals(Precision.BF16_MIXED, Precision.parse("bf16", Device.cpu()));
        assertEquals(Precision.FLOAT32, Precision.parse("auto", Device.cpu()));
        // a GPU: bf16-mixed where it computes in bfloat16 natively; this test machine may have no GPU,
        // whose compute capability then cannot be read: fp16-mixed
        Precision gpu = Precision.parse("auto", Device.gpu(0));
        assertEquals(Engine.getInstance().getGpuCount() > 0 && Precision.nativeBFloat16(Device.gpu(0))
                ? Precision.BF16_MIXED : Precision.FP16_MIXED, gpu);
        for (Precision p : Precision.values()) {
            assertEquals(p, Precision.parse(p.optionName(), Device.cpu()));
        }
        assertEquals(DataType.BFLOAT16, Precision.BF16_MIXED.computeType());
        assertEquals(DataType.FLOAT16, Precision.FP16_MIXED.computeType());
        assertEquals(DataType.FLOAT32, Precision.FLOAT32.computeType());
    }

    @Test
    void unknownNamesListTheChoices() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Precision.parse("fp8", Device.cpu()));
        assertTrue(unknown.getMessage().contains("fp32, fp16-mixed, bf16-mixed or auto"), unknown.getMessage());
    }
}
