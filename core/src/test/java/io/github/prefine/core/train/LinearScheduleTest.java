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
}
