package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LinearScheduleTest {
    @Test
    void followsHfLinearScheduleWithWarmup() {
        // HF: step/warmup during warm-up, then (total - step) / (total - warmup), never below 0
        LinearSchedule s = new LinearSchedule(1e-3, 10, 110);
        assertEquals(0.0, s.lr(0));
        assertEquals(5e-4, s.lr(5), 1e-15);
        assertEquals(1e-3, s.lr(10), 1e-15);
        assertEquals(5e-4, s.lr(60), 1e-15);
        assertEquals(1e-5, s.lr(109), 1e-15);
        assertEquals(0.0, s.lr(110));
        assertEquals(0.0, s.lr(500));
        assertEquals(1e-3 * 99 / 100, new LinearSchedule(1e-3, 0, 100).lr(1), 1e-15);
    }

    @Test
    void constantKeepsThePeakAndRejectsBadBounds() {
        assertEquals(3e-5, LinearSchedule.constant(3e-5).lr(1_000_000));
        assertThrows(IllegalArgumentException.class, () -> new LinearSchedule(1e-3, 11, 10));
        assertThrows(IllegalArgumentException.class, () -> new LinearSchedule(Double.NaN, 0, 10));
    }

    @Test
    void withoutWarmUpTheFirstUpdateUsesThePeak() {
        // HF's lambda at step 0 with no warm-up: max(0, (total - 0) / max(1, total - 0)) = 1
        assertEquals(1e-3, new LinearSchedule(1e-3, 0, 100).lr(0));
        assertEquals(2e-5, LinearSchedule.constant(2e-5).lr(0));
    }

    @Test
    void acceptsTheEdgesOfItsBounds() {
        // one step in all: the only update uses the peak, the rate is 0 from then on
        LinearSchedule one = new LinearSchedule(1e-3, 0, 1);
        assertEquals(1e-3, one.lr(0));
        assertEquals(0.0, one.lr(1));
        // warm-up over every step (HF allows warmup == total): rises linearly, then 0 at the end
        LinearSchedule allWarmup = new LinearSchedule(1e-2, 4, 4);
        assertEquals(0.0, allWarmup.lr(0));
        assertEquals(5e-3, allWarmup.lr(2), 1e-15);
        assertEquals(0.0, allWarmup.lr(4));
        // a rate of 0 is what Trainer.Builder.optLearningRate documents as allowed (>= 0)
        assertEquals(0.0, new LinearSchedule(0.0, 2, 10).lr(5));
    }

    @Test
    void rejectsValuesOutsideItsBounds() {
        assertThrows(IllegalArgumentException.class, () -> new LinearSchedule(1e-3, -1, 10));
        assertThrows(IllegalArgumentException.class, () -> new LinearSchedule(1e-3, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new LinearSchedule(-1e-3, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new LinearSchedule(Double.POSITIVE_INFINITY, 0, 10));
    }

    @Test
    void withPeakKeepsTheStepsAndScalesEveryRate() {
        LinearSchedule s = new LinearSchedule(1e-3, 10, 110).withPeak(2e-3);
        assertEquals(new LinearSchedule(2e-3, 10, 110), s);
        // halfway through the decay: half the new peak
        assertEquals(1e-3, s.lr(60), 1e-15);
    }
}
