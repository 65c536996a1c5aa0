package io.github.prefine.core.kernels;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.github.prefine.core.testing.SystemProperties;
import org.junit.jupiter.api.Test;

/**
 * DJL can run TorchScript methods on a CUDA stream of their own; the fused update must then not
 * be used on a GPU, where it would race with the step's operations.
 */
class FusedAdamWStreamTest {

    @Test
    void aSeparateStreamRulesTheKernelOutOnGpusOnly() throws Exception {
        assertNull(FusedAdamW.refusal(Device.gpu(0)), "the default stream is the step's");
        String why = SystemProperties.with(FusedAdamW.SEPARATE_STREAM_PROPERTY, "true",
                () -> FusedAdamW.refusal(Device.gpu(0)));
        assertNotNull(why);
        assertTrue(why.contains("separate CUDA stream"), why);
        // on a CPU the switch does nothing
        assertNull(SystemProperties.with(FusedAdamW.SEPARATE_STREAM_PROPERTY, "true", () -> FusedAdamW.refusal(Device.cpu())));
    }
}
