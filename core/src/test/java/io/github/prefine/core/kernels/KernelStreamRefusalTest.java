package io.github.prefine.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import io.github.prefine.core.testing.SystemProperties;
import org.junit.jupiter.api.Test;

/**
 * The fused attention and the non-blocking batch upload are TorchScript calls, as the fused AdamW
 * and the padded embedding are: under DJL's separate CUDA stream they would run unordered with the
 * step's operations, so they are refused on GPUs there as those two are, and never on a CPU, where
 * the switch does nothing. A {@code fused} attention asked for by name is refused with an error
 * naming both switches rather than run unordered.
 */
class KernelStreamRefusalTest {
    private static final String WHY = "-D" + FusedAdamW.SEPARATE_STREAM_PROPERTY + "=true would run it on a separate"
            + " CUDA stream, unordered with the training step";

    @Test
    void aSeparateStreamRulesTheAttentionAndTheUploadOutOnGpusOnly() throws Exception {
        assertNull(FusedAttention.refusal(Device.gpu(0)), "the default stream is the step's");
        assertNull(HostToDevice.refusal(Device.gpu(0)), "the default stream is the step's");
        String p = FusedAdamW.SEPARATE_STREAM_PROPERTY;
        assertEquals(WHY, SystemProperties.with(p, "true", () -> FusedAttention.refusal(Device.gpu(0))));
        assertEquals(WHY, SystemProperties.with(p, "true", () -> HostToDevice.refusal(Device.gpu(0))));
        assertNull(SystemProperties.with(p, "true", () -> FusedAttention.refusal(Device.cpu())));
        assertNull(SystemProperties.with(p, "true", () -> HostToDevice.refusal(Device.cpu())));
        // the refused GPU gets neither, before any probe touches it (this machine may have none)
        assertFalse(SystemProperties.with(p, "true", () -> HostToDevice.nonBlockingOn(Device.gpu(7))));
        assertFalse(SystemProperties.with(p, "true", () -> FusedAttention.enabledOn(Device.gpu(7))));
    }

    @Test
    void fusedByNameUnderASeparateStreamIsRefusedNamingBothSwitches() throws Exception {
        IllegalStateException e = SystemProperties.with(FusedAdamW.SEPARATE_STREAM_PROPERTY, "true",
                () -> SystemProperties.with(FusedAttention.PROPERTY, "fused",
                        () -> assertThrows(IllegalStateException.class, () -> FusedAttention.enabledOn(Device.gpu(0)))));
        assertEquals("-D" + FusedAttention.PROPERTY + "=fused on gpu(0): " + WHY
                + "; expected auto or explicit, or the default stream", e.getMessage());
        // on a CPU, fused by name still runs
        assertEquals(true, SystemProperties.with(FusedAdamW.SEPARATE_STREAM_PROPERTY, "true",
                () -> SystemProperties.with(FusedAttention.PROPERTY, "fused", () -> FusedAttention.enabledOn(Device.cpu()))));
    }
}
