package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.prefine.core.testing.NativeOps;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossWatchTest {

    private static void step(LossWatch w, NDManager m, long step, float loss, Boolean overflow) {
        try (NDManager sm = m.newSubManager()) {
            w.record(sm.create(new float[] {loss}), overflow == null ? null : sm.create(overflow), step, 0,
                    new int[] {0});
        }
    }

    @Test
    void float32StopsAtTheFirstNonFiniteLossNamingItsStepAndTasks() {
        try (NDManager m = NDManager.newBaseManager(); LossWatch w = new LossWatch(m, 64, false)) {
            step(w, m, 0, 2f, null);
            step(w, m, 1, 4f, null);
            assertEquals(3.0, w.readInterval(List.of("ner")), 1e-6);
            // two bad steps in one interval: the first is named
            step(w, m, 2, Float.NaN, null);
            step(w, m, 3, Float.POSITIVE_INFINITY, null);
            step(w, m, 4, 1f, null);
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> w.readInterval(List.of("ner")));
            assertEquals(2, e.step());
            assertTrue(e.getMessage().contains("[ner]"), e.getMessage());
        }
    }

    @Test
    void mixedPrecisionSkipsOverflowsOutOfTheMeanAndStopsOnlyAfterALongRunOfThem() {
        try (NDManager m = NDManager.newBaseManager(); LossWatch w = new LossWatch(m, 128, true)) {
            step(w, m, 0, 2f, false);
            step(w, m, 1, Float.POSITIVE_INFINITY, true);
            step(w, m, 2, 4f, false);
            assertEquals(3.0, w.readInterval(List.of("qa")), 1e-6, "the overflowed step is left out of the mean");
            // a step skipped for its gradients' overflow whose loss is finite: a real forward loss,
            // counted, as HF's Trainer logs the loss of a step torch.amp's scaler skipped
            step(w, m, 3, 6f, true);
            step(w, m, 4, 2f, false);
            assertEquals(4.0, w.readInterval(List.of("qa")), 1e-6, "the finite loss of the skipped step is in the mean");
            long s = 5;
            for (int i = 0; i < LossWatch.OVERFLOW_LIMIT - 1; i++) {
                step(w, m, s++, Float.NaN, true);
            }
            step(w, m, s++, 1f, false); // a clean step resets the run
            for (int i = 0; i < LossWatch.OVERFLOW_LIMIT - 1; i++) {
                step(w, m, s++, Float.NaN, true);
            }
            assertEquals(1.0, w.readInterval(List.of("qa")), 1e-6);
            step(w, m, s, Float.NaN, true);
            long last = s;
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> w.readInterval(List.of("qa")));
            assertEquals(last, e.step());
            assertTrue(e.getMessage().contains("overflowed float16"), e.getMessage());
        }
    }

    @Test
    void recordingAStepDispatchesNoNativeOperation(@TempDir Path dir) {
        for (boolean mixed : new boolean[] {false, true}) {
            try (NDManager m = NDManager.newBaseManager(); LossWatch w = new LossWatch(m, 64, mixed)) {
                // the arrays are made before the profiler starts: only record() is counted
                List<NDArray[]> steps = new ArrayList<>();
                for (int s = 0; s < 5; s++) {
                    // under mixed precision the third step overflowed: its loss is not finite
                    float loss = mixed && s == 2 ? Float.POSITIVE_INFINITY : s + 1f;
                    steps.add(new NDArray[] {m.create(new float[] {loss}), mixed ? m.create(s == 2) : null});
                }
                int ops = NativeOps.total(NativeOps.during(dir, () -> {
                    for (int s = 0; s < steps.size(); s++) {
                        w.record(steps.get(s)[0], steps.get(s)[1], s, 0, new int[] {0});
                    }
                }));
                assertEquals(0, ops, "record() with mixed=" + mixed
                        + " should queue no operation: the losses are summed when read, at logging points");
                // the overflowed step (the third) is left out of the mean under mixed precision
                assertEquals(mixed ? (1f + 2f + 4f + 5f) / 4f : (1f + 2f + 3f + 4f + 5f) / 5f,
                        w.readInterval(List.of("ner")), 0.0);
            }
        }
    }

    @Test
    void aLongIntervalSumsInFloat32InStepOrderAndNamesItsFirstBadStep() {
        try (NDManager m = NDManager.newBaseManager(); LossWatch w = new LossWatch(m, 64, false)) {
            // 2^24 + 1 is not a float: each 1 added to 2^24 in float32 is lost, as on the device
            int n = 3 * LossWatch.FOLD + 7;
            float expected = 16777216f;
            step(w, m, 0, 16777216f, null);
            for (int s = 1; s < n; s++) {
                step(w, m, s, 1f, null);
                expected += 1f;
            }
            assertEquals(16777216f, expected, 0.0, "the hand sum keeps float32 rounding");
            assertEquals(16777216f / n, w.readInterval(List.of("ner")), 0.0);
            for (int s = n; s < 2 * n; s++) {
                // two bad steps in different folds: the first is named
                boolean bad = s == n + LossWatch.FOLD + 3 || s == n + 2 * LossWatch.FOLD + 1;
                step(w, m, s, bad ? Float.NEGATIVE_INFINITY : 1f, null);
            }
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> w.readInterval(List.of("ner")));
            assertEquals(n + LossWatch.FOLD + 3, e.step());
        }
    }

    @Test
    void aReadFreesTheKeptArrays() {
        for (boolean mixed : new boolean[] {false, true}) {
            try (NDManager m = NDManager.newBaseManager(); LossWatch w = new LossWatch(m, 64, mixed)) {
                int before = m.getManagedArrays().size();
                for (int s = 0; s < LossWatch.FOLD + 3; s++) {
                    step(w, m, s, 1f, mixed ? false : null);
                }
                assertTrue(m.getManagedArrays().size() > before, "unread steps are kept");
                assertEquals(1.0, w.readInterval(List.of("ner")), 0.0);
                assertEquals(before, m.getManagedArrays().size(), "mixed=" + mixed + ": a read leaves no array behind");
            }
        }
    }

    @Test
    void theOverflowStreakCountsStepsNotYetRead() {
        try (NDManager m = NDManager.newBaseManager(); LossWatch w = new LossWatch(m, 64, true)) {
            step(w, m, 0, Float.NaN, true);
            step(w, m, 1, 1f, false);
            step(w, m, 2, Float.NaN, true);
            step(w, m, 3, Float.NaN, true);
            assertEquals(2, w.overflowStreak(), "two skipped steps since the last clean one");
            w.setOverflowStreak(LossWatch.OVERFLOW_LIMIT - 1);
            step(w, m, 4, 3f, false);
            step(w, m, 5, 5f, false);
            assertEquals(0, w.overflowStreak());
            assertEquals(3.0, w.readInterval(List.of("qa")), 0.0, "the finite losses of steps 1, 4 and 5: (1 + 3 + 5) / 3");
            w.setOverflowStreak(LossWatch.OVERFLOW_LIMIT - 1);
            w.setStep(100);
            step(w, m, 100, Float.NaN, true);
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> w.readInterval(List.of("qa")));
            assertEquals(100, e.step(), "the restored streak plus one skipped step reaches the limit");
        }
    }

}
