package io.github.prefine.core.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** torch.amp.GradScaler's rules, worked by hand on small cases. */
class LossScalerTest {

    private static void step(LossScaler s, NDManager m, boolean overflow) {
        s.update(m.create(overflow));
    }

    @Test
    void growsByTheFactorAfterExactlyIntervalCleanStepsAndRestartsCounting() {
        try (NDManager m = NDManager.newBaseManager();
                LossScaler s = LossScaler.builder().setManager(m).optInitialScale(8f).optGrowthInterval(3).build()) {
            step(s, m, false);
            step(s, m, false);
            assertEquals(8f, s.readScale());
            assertEquals(2, s.readGrowthTracker());
            step(s, m, false);
            assertEquals(16f, s.readScale());
            assertEquals(0, s.readGrowthTracker());
            for (int i = 0; i < 3; i++) {
                step(s, m, false);
            }
            assertEquals(32f, s.readScale());
        }
    }

    /**
     * torch.amp.GradScaler's defaults: init_scale 2^16, growth_interval 2000, growth_factor 2,
     * backoff_factor 0.5. The 1999th clean step leaves the scale, the 2000th doubles it, and the
     * streak then starts again from 0 (the tracker is a float32 count on the device).
     */
    @Test
    void withTorchsDefaultsTheScaleDoublesOnTheTwoThousandthCleanStepAndHalvesOnAnOverflow() {
        try (NDManager m = NDManager.newBaseManager();
                LossScaler s = LossScaler.builder().setManager(m).build()) {
            NDArray clean = m.create(false);
            for (int i = 0; i < 1999; i++) {
                s.update(clean);
            }
            assertEquals(65536f, s.readScale());
            assertEquals(1999, s.readGrowthTracker());
            s.update(clean);
            assertEquals(131072f, s.readScale());
            assertEquals(0, s.readGrowthTracker());
            s.update(clean);
            step(s, m, true);
            assertEquals(65536f, s.readScale());
            assertEquals(0, s.readGrowthTracker());
        }
    }

    @Test
    void halvesOnOverflowAndResetsTheCleanStreak() {
        try (NDManager m = NDManager.newBaseManager();
                LossScaler s = LossScaler.builder().setManager(m).optGrowthInterval(3).build()) {
            assertEquals(65536f, s.readScale(), "torch's initial scale 2^16");
            step(s, m, false);
            step(s, m, false);
            step(s, m, true);
            assertEquals(32768f, s.readScale());
            assertEquals(0, s.readGrowthTracker());
            step(s, m, false);
            step(s, m, false);
            assertEquals(32768f, s.readScale(), "the streak restarted after the overflow");
            step(s, m, false);
            assertEquals(65536f, s.readScale());
        }
    }

    @Test
    void neverGrowsToInfinity() {
        float big = (float) Math.pow(2, 127);
        try (NDManager m = NDManager.newBaseManager();
                LossScaler s = LossScaler.builder().setManager(m).optInitialScale(big).optGrowthInterval(1).build()) {
            step(s, m, false);
            assertEquals(big, s.readScale());
            assertEquals(0, s.readGrowthTracker());
        }
    }

    @Test
    void scalesTheLossAndGivesTheInverseScaleOnTheDevice() {
        try (NDManager m = NDManager.newBaseManager();
                LossScaler s = LossScaler.builder().setManager(m).optInitialScale(4f).build()) {
            NDArray loss = m.create(1.5f);
            assertEquals(6f, s.scale(loss).getFloat());
            assertEquals(0.25f, s.inverseScale().getFloat());
            s.update(m.create(true));
            assertEquals(0.5f, s.inverseScale().getFloat());
        }
    }

    @Test
    void rejectsOutOfRangeSettingsNamingTheQuantity() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LossScaler.builder().setManager(m).optBackoffFactor(1f).build());
            assertTrue(e.getMessage().contains("backoffFactor"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> LossScaler.builder().setManager(m).optGrowthFactor(1f).build());
            assertThrows(IllegalArgumentException.class, () -> LossScaler.builder().setManager(m).optGrowthInterval(0).build());
            assertThrows(IllegalArgumentException.class, () -> LossScaler.builder().setManager(m).optInitialScale(0f).build());
            assertThrows(IllegalArgumentException.class, () -> LossScaler.builder().build());
        }
    }

    @Test
    void restoreSetsScaleAndTracker() {
        try (NDManager m = NDManager.newBaseManager();
                LossScaler s = LossScaler.builder().setManager(m).optGrowthInterval(4).build()) {
            s.restore(1024f, 3);
            assertEquals(1024f, s.readScale());
            step(s, m, false);
            assertEquals(2048f, s.readScale());
            assertThrows(IllegalArgumentException.class, () -> s.restore(1f, 4));
        }
    }
}
