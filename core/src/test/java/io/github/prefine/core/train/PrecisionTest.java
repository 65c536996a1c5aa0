package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class PrecisionTest {

    @Test
    void parsesTheOptionNamesAndAutoFollowsTheDevice() {
        assertEquals(Precision.FLOAT32, Precision.parse("fp32", Device.cpu()));
        assertEquals(Precision.FP16_MIXED, Precision.parse("FP16_MIXED", Device.cpu()));
        assertEquals(Precision.FP16_MIXED, Precision.parse(" fp16-mixed ", Device.cpu()));
        assertEquals(Precision.FLOAT32, Precision.parse("auto", Device.cpu()));
        assertEquals(Precision.FP16_MIXED, Precision.parse("auto", Device.gpu(0)));
        for (Precision p : Precision.values()) {
            assertEquals(p, Precision.parse(p.optionName(), Device.cpu()));
        }
    }

    @Test
    void bfloat16IsRefusedWithWhyAndWhatToUseAndUnknownNamesListTheChoices() {
        IllegalArgumentException bf16 = assertThrows(IllegalArgumentException.class,
                () -> Precision.parse("bf16-mixed", Device.gpu(0)));
        assertTrue(bf16.getMessage().contains("bfloat16") && bf16.getMessage().contains("fp16-mixed"), bf16.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Precision.parse("fp8", Device.cpu()));
        assertTrue(unknown.getMessage().contains("fp32, fp16-mixed, bf16-mixed or auto"), unknown.getMessage());
    }
}
