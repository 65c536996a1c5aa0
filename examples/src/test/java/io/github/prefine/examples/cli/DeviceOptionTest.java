package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
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

    @Test
    void aHugeGpuCountGetsTheOptionsLineNotANumberFormatError() {
        // it used to end in Integer.parseInt's "For input string: ..."
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceOption.parse("99999999999"));
        assertTrue(e.getMessage().startsWith("--device: expected auto, cpu, gpu, gpu:K or a GPU count"), e.getMessage());
        assertTrue(DeviceOption.parse("cpu").equals(Device.cpu()));
    }
}
