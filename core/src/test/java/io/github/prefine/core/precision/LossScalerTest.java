package io.github.prefine.core.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.prefine.core.testing.NativeOps;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** torch.amp.GradScaler's rules, worked by hand on small cases. */
class LossScalerTest {

    /** One update with torch's found_inf: a float32 1 for an overflowed step, else 0. */
    private static void step(LossScaler s, NDManager m, boolean overflow) {
        s.update(m.create(overflow ? 1f : 0f));
    }

    /** Scale and growth tracker after each update, as "scale/tracker". */
    private static String state(LossScaler s) {
        return s.readScale() + "/" + s.readGrowthTracker();
    }

    /**
     * GradScaler's rules worked by hand at growth interval 3 (scale 8, factor 2, backoff 0.5),
     * through torch's kernel and through the elementwise fallback: two clean steps count, the
     * third doubles the scale and restarts the count (the interval's boundary), an overflow halves
     * the scale and restarts the count mid-streak, and a growth is due again three clean steps
     * after it.
     */
    @ParameterizedTest(name = "torch's kernel: {0}")
    @ValueSource(booleans = {true, false})
    void followsAHandComputedTrajectoryThroughTheIntervalBoundaryAndOverflows(boolean fused) {
        try (NDManager m = NDManager.newBaseManager();
                LossScaler s = LossScaler.builder().setManager(m).optInitialScale(8f).optGrowthInterval(3)
                        .optFused(fused).build()) {
            assertEquals(fused, s.fused(), "update in use");
            boolean[] overflow = {false, false, false, false, true, false, false, true, true, false, false, false};
            List<String> expected = List.of("8.0/1", "8.0/2", "16.0/0", "16.0/1", "8.0/0", "8.0/1", "8.0/2", "4.0/0",
                    "2.0/0", "2.0/1", "2.0/2", "4.0/0");
            List<String> got = new ArrayList<>();
            for (boolean o : overflow) {
                step(s, m, o);
                got.add(state(s));
            }
            assertEquals(expected, got);
        }
    }

    /**
     * The arithmetic is float32's on both paths (torch's kernel multiplies in double and rounds
     * once to float32, which is float32's product): factors that are not powers of two give the
     * scale Java's float products.
     */
    @ParameterizedTest(name = "torch's kernel: {0}")
    @ValueSource(booleans = {true, false})
    void multipliesInFloat32WithFactorsThatAreNotPowersOfTwo(boolean fused) {
        try (NDManager m = NDManager.newBaseManager();
                LossScaler s = LossScaler.builder().setManager(m).optInitialScale(3f).optGrowthFactor(1.1f)
                        .optBackoffFactor(0.3f).optGrowthInterval(1).optFused(fused).build()) {
            step(s, m, false);
            float grown = 3f * 1.1f;
            assertEquals(Float.floatToIntBits(grown), Float.floatToIntBits(s.readScale()), s.readScale() + " after growth");
            step(s, m, true);
            assertEquals(Float.floatToIntBits(grown * 0.3f), Float.floatToIntBits(s.readScale()),
                    s.readScale() + " after backoff");
        }
    }

    /**
     * At the float32 limit: 1.5 * 2^126 doubles to 1.5 * 2^127, still finite; doubling that
     * would overflow, so the scale stays, and the count restarts as torch's kernel restarts it
     * (growth was due).
     */
    @ParameterizedTest(name = "torch's kernel: {0}")
    @ValueSource(booleans = {true, false})
    void growsUpToTheFloat32LimitButNeverToInfinity(boolean fused) {
        float big = 1.5f * (float) Math.pow(2, 126);
        try (NDManager m = NDManager.newBaseManager();
                LossScaler s = LossScaler.builder().setManager(m).optInitialScale(big).optGrowthInterval(2)
                        .optFused(fused).build()) {
            step(s, m, false);
            step(s, m, false);
            assertEquals(2 * (double) big, s.readScale(), "1.5 * 2^127 is finite in float32");
            step(s, m, false);
            assertEquals(1, s.readGrowthTracker());
            step(s, m, false);
            assertEquals(2 * (double) big, s.readScale(), "3 * 2^127 overflows float32");
            assertEquals(0, s.readGrowthTracker());
        }
    }

    /**
     * torch's kernel backs off on any flag that is not 0 ({@code if (*found_inf)}), NaN and a
     * negative one included, and grows when the restored tracker is one short of the interval;
     * the fallback must agree. By hand from 8 at interval 4: NaN halves to 4, -1 halves to 2, a
     * restore to tracker 3 then one clean step doubles to 8 with the count restarted.
     */
    @ParameterizedTest(name = "torch's kernel: {0}")
    @ValueSource(booleans = {true, false})
    void anyNonZeroFlagBacksOffAndARestoredTrackerOneShortGrowsOnTheNextCleanStep(boolean fused) {
        try (NDManager m = NDManager.newBaseManager();
                LossScaler s = LossScaler.builder().setManager(m).optInitialScale(8f).optGrowthInterval(4)
                        .optFused(fused).build()) {
            s.update(m.create(Float.NaN));
            assertEquals("4.0/0", state(s), "a NaN flag");
            s.update(m.create(-1f));
            assertEquals("2.0/0", state(s), "a negative flag");
            s.restore(2f, 3);
            step(s, m, false);
            assertEquals("4.0/0", state(s), "one clean step after a restore to interval - 1");
        }
    }

    /**
     * On the PyTorch engine an update is one native operation, torch's own, where DJL's elementwise
     * operations took 11 (the found-inf flag the optimiser returns is already float32, so no cast).
     */
    @Test
    void anUpdateIsTorchsOneNativeOperation(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager();
                LossScaler s = LossScaler.builder().setManager(m).optGrowthInterval(2).build()) {
            assertTrue(s.fused(), "torch's _amp_update_scale_ runs on this PyTorch");
            NDArray clean = m.create(0f);
            step(s, m, false);
            Map<String, Integer> ops = NativeOps.during(dir, () -> s.update(clean));
            assertEquals(Map.of("aten::_amp_update_scale_", 1), ops);
            assertEquals("131072.0/0", state(s), "the profiled update grew the scale");
        }
    }

    /** A boolean flag (true for an overflow) is taken too; another dtype is refused, naming it. */
    @ParameterizedTest(name = "torch's kernel: {0}")
    @ValueSource(booleans = {true, false})
    void takesABooleanFlagAndRefusesOtherDtypes(boolean fused) {
        try (NDManager m = NDManager.newBaseManager();
                LossScaler s = LossScaler.builder().setManager(m).optInitialScale(8f).optGrowthInterval(2)
                        .optFused(fused).build()) {
            s.update(m.create(false));
            s.update(m.create(false));
            assertEquals("16.0/0", state(s));
            s.update(m.create(true));
            assertEquals("8.0/0", state(s));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.update(m.create(1)));
            assertTrue(e.getMessage().contains("found-inf flag must be float32") && e.getMessage().contains("int32"),
                    e.getMessage());
        }
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
     * streak then starts again from 0 (the tracker is an int32 count on the device, as torch's).
     */
    @Test
    void withTorchsDefaultsTheScaleDoublesOnTheTwoThousandthCleanStepAndHalvesOnAnOverflow() {
        try (NDManager m = NDManager.newBaseManager();
                LossScaler s = LossScaler.builder().setManager(m).build()) {
            NDArray clean = m.create(0f);
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
            s.update(m.create(1f));
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
