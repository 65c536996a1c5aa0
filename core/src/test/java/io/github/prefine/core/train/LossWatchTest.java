package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;

class LossWatchTest {

    private static void step(LossWatch w, NDManager m, long step, float loss, Boolean overflow) {
        try (NDManager sm = m.newSubManager()) {
            w.record(sm, sm.create(new float[] {loss}), overflow == null ? null : sm.create(overflow), step, 0,
                    new int[] {0});
        }
    }

    @Test
    void float32StopsAtTheFirstNonFiniteLossNamingItsStepAndTasks() {
        try (NDManager m = NDManager.newBaseManager(); LossWatch w = new LossWatch(m, 64, false)) {
            step(w, m, 0, 2f, null);
            step(w, m, 1, 4f, null);
            assertEquals(3.0, w.readInterval(List.of("ner")), 1e-6);
            step(w, m, 2, Float.NaN, null);
            step(w, m, 3, 1f, null);
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
            long s = 3;
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
}
