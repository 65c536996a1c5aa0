package io.github.prefine.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.examples.bench.WarmupRule.Outcome;
import org.junit.jupiter.api.Test;

/**
 * The warm-up rule on hand-made sequences of step seconds and total compile times, each
 * decision worked out by hand from the limits of {@link WarmupRule#BENCH}: at least 5 steps, a
 * window of 10 steps and 1 s or of 10 s, idle at 1% of the window's seconds, caps of 10,000 steps
 * and 60 s, 20 steps unmonitored.
 */
class WarmupRuleTest {

    private static final WarmupRule.Limits L = WarmupRule.BENCH;

    @Test
    void stopsOnceTheLastTenStepsAddedNoCompileTime() {
        // 0.2 s steps; the first 8 each add 100 ms of compilation, then none
        WarmupRule r = new WarmupRule(L, 1000);
        long total = 1000;
        for (int step = 1; step <= 17; step++) {
            total += step <= 8 ? 100 : 0;
            // through step 17 the window (the last 10 steps, 2 s) still holds step 8's 100 ms, above 20 ms
            assertEquals(Outcome.GO_ON, r.afterStep(0.2, total), "step " + step);
        }
        // steps 9-18: 0 ms in 2 s
        assertEquals(Outcome.IDLE, r.afterStep(0.2, total));
        assertEquals(18, r.steps());
        assertEquals(3.6, r.seconds(), 1e-9);
        assertEquals(800, r.compileMillis());
        assertEquals("18 steps, 3.60 s, JIT compilation 800 ms during them; ended: JIT idle"
                + " (0 ms of compilation in the last 10 steps, 2.00 s)", r.summary());
    }

    @Test
    void aWindowAddingAtMostOnePercentOfItsSecondsCountsAsIdle() {
        // 0.25 s steps (exact in binary): 10 of them span 2.5 s, whose 1% is 25 ms
        WarmupRule r = new WarmupRule(L, 0);
        assertEquals(Outcome.GO_ON, r.afterStep(0.25, 25));
        for (int step = 2; step <= 9; step++) {
            assertEquals(Outcome.GO_ON, r.afterStep(0.25, 25), "no window of 10 steps yet at step " + step);
        }
        assertEquals(Outcome.IDLE, r.afterStep(0.25, 25));
        // 26 ms is above the share: the window of steps 1-10 is busy, that of steps 2-11 idle
        WarmupRule busy = new WarmupRule(L, 0);
        for (int step = 1; step <= 10; step++) {
            assertEquals(Outcome.GO_ON, busy.afterStep(0.25, 26), "step " + step);
        }
        assertEquals(Outcome.IDLE, busy.afterStep(0.25, 26));
    }

    @Test
    void goesOnWhileTheJitIsStillCompiling() {
        // 10 ms steps, each adding 5 ms: half the wall time is compilation
        WarmupRule r = new WarmupRule(L, 0);
        for (int step = 1; step <= 1000; step++) {
            assertEquals(Outcome.GO_ON, r.afterStep(0.01, 5L * step), "step " + step);
        }
    }

    @Test
    void aWindowSpansOneSecondHoweverFastTheSteps() {
        // 1/64 s steps with no compilation: 10 steps are 0.16 s, so the window needs 64 steps
        WarmupRule r = new WarmupRule(L, 500);
        for (int step = 1; step <= 63; step++) {
            assertEquals(Outcome.GO_ON, r.afterStep(0.015625, 500), "step " + step);
        }
        assertEquals(Outcome.IDLE, r.afterStep(0.015625, 500));
        assertTrue(r.summary().endsWith("ended: JIT idle (0 ms of compilation in the last 64 steps, 1.00 s)"), r.summary());
    }

    @Test
    void slowStepsMakeAWindowOfTenSecondsButStillWaitForTheMinimumSteps() {
        // 4 s steps: three of them span 12 s, a window however few; idle only from step 5
        WarmupRule r = new WarmupRule(L, 0);
        for (int step = 1; step <= 4; step++) {
            assertEquals(Outcome.GO_ON, r.afterStep(4.0, 0), "step " + step);
        }
        assertEquals(Outcome.IDLE, r.afterStep(4.0, 0));
        assertTrue(r.summary().endsWith("(0 ms of compilation in the last 3 steps, 12.00 s)"), r.summary());
        // 120 ms in those 12 s is exactly 1%: idle; 121 ms is not
        WarmupRule edge = new WarmupRule(L, 0);
        for (int step = 1; step <= 4; step++) {
            edge.afterStep(4.0, 40L * step);
        }
        assertEquals(Outcome.IDLE, edge.afterStep(4.0, 200));
        WarmupRule over = new WarmupRule(L, 0);
        for (int step = 1; step <= 4; step++) {
            over.afterStep(4.0, 40L * step);
        }
        assertEquals(Outcome.GO_ON, over.afterStep(4.0, 201));
    }

    @Test
    void theTimeCapEndsAWarmUpThatNeverGoesIdleAndSaysSo() {
        // 1 s steps, each adding 100 ms: the 60th step reaches 60 s
        WarmupRule r = new WarmupRule(L, 0);
        for (int step = 1; step <= 59; step++) {
            assertEquals(Outcome.GO_ON, r.afterStep(1.0, 100L * step), "step " + step);
        }
        Outcome o = r.afterStep(1.0, 6000);
        assertEquals(Outcome.TIME_CAP, o);
        assertTrue(o.capped());
        assertEquals("60 steps, 60.00 s, JIT compilation 6000 ms during them; ended: time cap of 60 s reached,"
                + " JIT not yet idle (1000 ms of compilation in the last 10 steps, 10.00 s)", r.summary());
        assertThrows(IllegalStateException.class, () -> r.afterStep(1.0, 6000));
    }

    @Test
    void theStepCapEndsAWarmUpOfManyShortStepsThatNeverGoesIdle() {
        WarmupRule.Limits small = new WarmupRule.Limits(5, 10, 1.0, 10.0, 0.01, 30, 60.0, 20);
        WarmupRule r = new WarmupRule(small, 0);
        for (int step = 1; step <= 29; step++) {
            assertEquals(Outcome.GO_ON, r.afterStep(0.125, 50L * step), "step " + step);
        }
        assertEquals(Outcome.STEP_CAP, r.afterStep(0.125, 1500));
        assertTrue(r.summary().contains("ended: step cap of 30 reached, JIT not yet idle"), r.summary());
    }

    @Test
    void anIdleJitAtTheCapCountsAsIdle() {
        // compilation through step 20, so the first idle window (steps 21-30, 1.25 s) ends at the
        // 30th step, which also reaches the step cap: the better reason wins
        WarmupRule.Limits small = new WarmupRule.Limits(5, 10, 1.0, 10.0, 0.01, 30, 60.0, 20);
        WarmupRule r = new WarmupRule(small, 0);
        for (int step = 1; step <= 29; step++) {
            assertEquals(Outcome.GO_ON, r.afterStep(0.125, step <= 20 ? 50L * step : 1000), "step " + step);
        }
        assertEquals(Outcome.IDLE, r.afterStep(0.125, 1000));
    }

    @Test
    void withoutMonitoringItRunsTheFixedCountWhateverTheReadings() {
        WarmupRule r = new WarmupRule(L, -1);
        for (int step = 1; step <= 19; step++) {
            // readings are ignored: these would be a busy JIT, and -1 would be a total going down
            assertEquals(Outcome.GO_ON, r.afterStep(0.05, step % 2 == 0 ? -1 : 1000L * step), "step " + step);
        }
        Outcome o = r.afterStep(0.05, -1);
        assertEquals(Outcome.FIXED_COUNT, o);
        assertTrue(!o.capped());
        assertEquals(-1, r.compileMillis());
        assertEquals("20 steps, 1.00 s; ended: fixed count of 20 (this JVM does not monitor JIT compile time)", r.summary());
    }

    @Test
    void theTimeCapAlsoBoundsTheFixedCount() {
        WarmupRule r = new WarmupRule(L, -1);
        assertEquals(Outcome.GO_ON, r.afterStep(30.0, -1));
        assertEquals(Outcome.TIME_CAP, r.afterStep(30.0, -1));
    }

    @Test
    void refusesReadingsThatCannotBe() {
        WarmupRule r = new WarmupRule(L, 100);
        IllegalArgumentException down = assertThrows(IllegalArgumentException.class, () -> r.afterStep(0.1, 99));
        assertEquals("total compilation time went down, from 100 to 99 ms", down.getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.afterStep(-0.1, 100));
        assertThrows(IllegalArgumentException.class, () -> r.afterStep(Double.NaN, 100));
        assertThrows(IllegalArgumentException.class, () -> new WarmupRule.Limits(0, 10, 1.0, 10.0, 0.01, 30, 60.0, 20));
        assertThrows(IllegalArgumentException.class, () -> new WarmupRule.Limits(5, 10, 1.0, 0.5, 0.01, 30, 60.0, 20));
    }
}
