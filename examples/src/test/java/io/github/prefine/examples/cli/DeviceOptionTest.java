package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The forms of {@code --device}, checked before the engine starts. */
class DeviceOptionTest {
    @Test
    void acceptsTheDocumentedForms() {
        for (String v : List.of("auto", "cpu", "gpu", "gpu:0", "gpu:3", "1", "8", " CPU ")) {
            assertDoesNotThrow(() -> DeviceOption.checkForm(v), v);
        }
    }

    @Test
    void refusesOtherFormsNamingTheOption() {
        for (String v : List.of("gpu1", "cuda", "gpu:", "gpu:x", "0", "-1", "", "99999999999")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceOption.checkForm(v), v);
            assertTrue(e.getMessage().startsWith("--device: expected"), e.getMessage());
        }
    }

    /**
     * {@code --device " 2"} passed the form check (which trims) but counted 0 GPUs where the
     * workers are planned, so reproduce ran on one GPU; {@code +2} was refused where {@code
     * --workers +2} runs. A GPU count reads as every whole number does.
     */
    @Test
    void aGpuCountReadsAsEveryWholeNumberDoes() {
        for (String v : List.of("2", " 2", "2 ", "+2", " +2 ")) {
            assertDoesNotThrow(() -> DeviceOption.checkForm(v), v);
            assertEquals(2, DeviceOption.gpuCount(v), v);
            assertTrue(MallocTuning.onGpu(new String[] {"reproduce", "--device", v}, false), v);
        }
        for (String v : List.of("cpu", "gpu", "gpu:2", "auto", "-2", "2x", "\u0662")) {
            assertEquals(0, DeviceOption.gpuCount(v), v);
        }
    }

    @Test
    void aHugeGpuCountGetsTheOptionsLineNotANumberFormatError() {
        // it used to end in Integer.parseInt's "For input string: ..."
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceOption.parse("99999999999"));
        assertTrue(e.getMessage().startsWith("--device: expected auto, cpu, gpu, gpu:K or a GPU count"), e.getMessage());
        assertTrue(DeviceOption.parse("cpu").equals(Device.cpu()));
    }
}
