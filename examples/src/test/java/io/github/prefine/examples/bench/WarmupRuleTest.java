package io.github.prefine.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.examples.bench.WarmupRule.Outcome;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The warm-up rule on hand-made sequences of step seconds and total compile times, each
 * decision worked out by hand from the limits {@code L}: at least 5 steps, a window of 10 steps and
 * 1 s or of 10 s, idle at 1% of the window's seconds, caps of 10,000 steps and 60 s, 20 steps
 * unmonitored (those of {@link WarmupRule#BENCH} but for its 2 s window, checked on its own).
 */
class WarmupRuleTest {

    private static final WarmupRule.Limits L = new WarmupRule.Limits(5, 10, 1.0, 10.0, 0.01, 10_000, 60.0, 20);

    /** Feeds steps {@code from..to} of {@code seconds} each, with the total compile time after each, expecting GO_ON. */
    private static void goesOn(WarmupRule r, int from, int to, double seconds, LongUnaryOperator totalAfter) {
        for (int step = from; step <= to; step++) {
            assertEquals(Outcome.GO_ON, r.afterStep(seconds, totalAfter.applyAsLong(step)), "step " + step);
        }
    }

    /** A rule from {@code start} ms fed steps of {@code seconds} each, going on until it finds the JIT idle at {@code step}. */
    private static WarmupRule idleAt(long start, int step, double seconds, LongUnaryOperator totalAfter) {
        WarmupRule r = new WarmupRule(L, start);
        goesOn(r, 1, step - 1, seconds, totalAfter);
        assertEquals(Outcome.IDLE, r.afterStep(seconds, totalAfter.applyAsLong(step)));
        return r;
    }

    @Test
    void stopsOnceTheLastTenStepsAddedNoCompileTime() {
        // 0.2 s steps; the first 8 each add 100 ms of compilation, then none
        // through step 17 the window (the last 10 steps, 2 s) still holds step 8's 100 ms, above 20 ms;
        // that of steps 9-18 holds 0 ms
        WarmupRule r = idleAt(1000, 18, 0.2, step -> 1000 + 100L * Math.min(step, 8));
        assertEquals(18, r.steps());
        assertEquals(3.6, r.seconds(), 1e-9);
        assertEquals(800, r.compileMillis());
        assertEquals("18 steps, 3.60 s, JIT compilation 800 ms during them; ended: JIT idle"
                + " (0 ms of compilation in the last 10 steps, 2.00 s)", r.summary());
    }

    @Test
    void aWindowAddingAtMostOnePercentOfItsSecondsCountsAsIdle() {
        // 0.25 s steps (exact in binary): 10 of them span 2.5 s, whose 1% is 25 ms
        // the first step adds 25 ms, the rest none: the window of steps 1-10 is idle
        idleAt(0, 10, 0.25, step -> 25);
        // 26 ms is above the share: the window of steps 1-10 is busy, that of steps 2-11 idle
        idleAt(0, 11, 0.25, step -> 26);
    }

    @Test
    void theBenchsWindowSpansTwoSeconds() {
        // 1/8 s steps with no compilation: 16 of them span 2 s
        WarmupRule r = new WarmupRule(WarmupRule.BENCH, 0);
        goesOn(r, 1, 15, 0.125, step -> 0);
        assertEquals(Outcome.IDLE, r.afterStep(0.125, 0));
    }

    @Test
    void goesOnWhileTheJitIsStillCompiling() {
        // 10 ms steps, each adding 5 ms: half the wall time is compilation
        WarmupRule r = new WarmupRule(L, 0);
        goesOn(r, 1, 1000, 0.01, step -> 5L * step);
    }

    @Test
    void aWindowSpansOneSecondHoweverFastTheSteps() {
        // 1/64 s steps with no compilation: 10 steps are 0.16 s, so the window needs 64 steps
        WarmupRule r = idleAt(500, 64, 0.015625, step -> 500);
        assertTrue(r.summary().endsWith("ended: JIT idle (0 ms of compilation in the last 64 steps, 1.00 s)"), r.summary());
    }

    @Test
    void slowStepsMakeAWindowOfTenSecondsButStillWaitForTheMinimumSteps() {
        // 4 s steps: three of them span 12 s, a window however few; idle only from step 5
        WarmupRule r = idleAt(0, 5, 4.0, step -> 0);
        assertTrue(r.summary().endsWith("(0 ms of compilation in the last 3 steps, 12.00 s)"), r.summary());
        // 120 ms in those 12 s is exactly 1%: idle; 121 ms is not
        idleAt(0, 5, 4.0, step -> 40L * step);
        WarmupRule over = new WarmupRule(L, 0);
        goesOn(over, 1, 4, 4.0, step -> 40L * step);
        assertEquals(Outcome.GO_ON, over.afterStep(4.0, 201));
    }

    @Test
    void theTimeCapEndsAWarmUpThatNeverGoesIdleAndSaysSo() {
        // 1 s steps, each adding 100 ms: the 60th step reaches 60 s
        WarmupRule r = new WarmupRule(L, 0);
        goesOn(r, 1, 59, 1.0, step -> 100L * step);
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
        goesOn(r, 1, 29, 0.125, step -> 50L * step);
        assertEquals(Outcome.STEP_CAP, r.afterStep(0.125, 1500));
        assertTrue(r.summary().contains("ended: step cap of 30 reached, JIT not yet idle"), r.summary());
    }

    @Test
    void anIdleJitAtTheCapCountsAsIdle() {
        // compilation through step 20, so the first idle window (steps 21-30, 1.25 s) ends at the
        // 30th step, which also reaches the step cap: the better reason wins
        WarmupRule.Limits small = new WarmupRule.Limits(5, 10, 1.0, 10.0, 0.01, 30, 60.0, 20);
        WarmupRule r = new WarmupRule(small, 0);
        goesOn(r, 1, 29, 0.125, step -> step <= 20 ? 50L * step : 1000);
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
