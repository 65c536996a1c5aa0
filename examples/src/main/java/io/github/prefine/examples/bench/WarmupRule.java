package io.github.prefine.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * When a benchmark's untimed steps may end: once the JVM's JIT compiler has gone idle.
 *
 * <p>HotSpot compiles a method in background threads once it has run often enough, so the host
 * time of a step keeps falling for tens or hundreds of steps (the Java work of a step is the same
 * whatever its batch, so small steps need as many as large ones). A figure taken earlier measures
 * the interpreter and the compiler as well as the step. The caller feeds each untimed step's
 * seconds and the JVM's total compilation time after it ({@code
 * CompilationMXBean.getTotalCompilationTime}, milliseconds summed over the compiler threads); this
 * class reads no clock and no bean, so its decisions follow from the numbers alone.
 *
 * <p>After each step, in this order:
 * <ol>
 *   <li>Where compile time is not monitored: stop after {@link Limits#fixedSteps()} steps.</li>
 *   <li>From {@link Limits#minSteps()} steps on, look at the window: the latest steps, back until
 *       they number {@link Limits#windowSteps()} and span {@link Limits#windowSeconds()}, or span
 *       {@link Limits#longWindowSeconds()} whatever their number (so that slow steps, where a
 *       compilation is a small share, are not held for ten of them). If the compilation those
 *       steps added is at most {@link Limits#idleShare()} of their seconds, the JIT is idle: stop.</li>
 *   <li>Stop at {@link Limits#maxSteps()} steps or {@link Limits#maxSeconds()} seconds, saying that
 *       a cap, not an idle JIT, ended the warm-up.</li>
 * </ol>
 *
 * <p>Not thread-safe: one warm-up feeds one instance.
 */
final class WarmupRule {

    /**
     * The thresholds of the rule.
     *
     * @param minSteps steps before the JIT may be found idle, {@code >= 1}
     * @param windowSteps steps a window holds at least, unless it spans {@code longWindowSeconds}
     * @param windowSeconds seconds a window spans at least
     * @param longWindowSeconds seconds that make a window whatever its number of steps
     * @param idleShare compile time a window may add, as a share of its seconds, for the JIT to count as idle
     * @param maxSteps steps that end the warm-up whatever the JIT does
     * @param maxSeconds seconds that end the warm-up whatever the JIT does
     * @param fixedSteps steps where compile time is not monitored
     */
    record Limits(int minSteps, int windowSteps, double windowSeconds, double longWindowSeconds, double idleShare,
            int maxSteps, double maxSeconds, int fixedSteps) {
        Limits {
            if (minSteps < 1 || windowSteps < 1 || maxSteps < minSteps || fixedSteps < 1 || !(windowSeconds >= 0)
                    || !(longWindowSeconds >= windowSeconds) || !(idleShare >= 0) || !(maxSeconds > 0)) {
                throw new IllegalArgumentException("warm-up limits out of range: " + this);
            }
        }
    }

    /**
     * The bench's limits: at least 5 steps (the README's advice for XLM-R size on a CPU, where the
     * first steps fault in fresh heap); a window of 10 steps and 2 s, or 10 s; idle at 1% of the
     * window's seconds or less; at most 10,000 steps or 60 s; 20 steps without monitoring. A
     * window of 1 s ended some warm-ups of a 12-layer step between two bursts of compilation.
     */
    static final Limits BENCH = new Limits(5, 10, 2.0, 10.0, 0.01, 10_000, 60.0, 20);

    /** What the rule says after a step. */
    enum Outcome {
        /** Run another untimed step. */
        GO_ON,
        /** Stop: the JIT added little compile time over the window. */
        IDLE,
        /** Stop: the step cap came first. */
        STEP_CAP,
        /** Stop: the time cap came first. */
        TIME_CAP,
        /** Stop: compile time is not monitored, and the fixed count is reached. */
        FIXED_COUNT;

        /** Whether a cap, not the JIT, ended the warm-up. */
        boolean capped() {
            return this == STEP_CAP || this == TIME_CAP;
        }
    }

    private final Limits limits;
    private final boolean monitored;
    private final long startMillis;
    private final List<Double> stepSeconds = new ArrayList<>();
    /** Total compilation milliseconds after each step. */
    private final List<Long> compileMillis = new ArrayList<>();
    private double seconds;
    private Outcome last = Outcome.GO_ON;

    /**
     * Starts a warm-up.
     *
     * @param limits the thresholds
     * @param compileMillisAtStart the JVM's total compilation time before the first step, or a
     *     negative value where the JVM does not monitor it
     */
    WarmupRule(Limits limits, long compileMillisAtStart) {
        this.limits = limits;
        this.monitored = compileMillisAtStart >= 0;
        this.startMillis = compileMillisAtStart;
    }

    /**
     * Records one untimed step and decides whether another is needed.
     *
     * @param stepSeconds the step's wall seconds, {@code >= 0}
     * @param compileMillisTotal the JVM's total compilation time after it (ignored where not monitored)
     * @return {@link Outcome#GO_ON} or the reason to stop
     * @throws IllegalStateException after a stop
     * @throws IllegalArgumentException on negative seconds, or a total that went down
     */
    Outcome afterStep(double stepSeconds, long compileMillisTotal) {
        if (last != Outcome.GO_ON) {
            throw new IllegalStateException("warm-up already ended: " + last);
        }
        if (!(stepSeconds >= 0)) {
            throw new IllegalArgumentException("step seconds must be >= 0, found " + stepSeconds);
        }
        if (monitored && compileMillisTotal < lastCompileMillis()) {
            throw new IllegalArgumentException("total compilation time went down, from " + lastCompileMillis() + " to "
                    + compileMillisTotal + " ms");
        }
        this.stepSeconds.add(stepSeconds);
        this.compileMillis.add(monitored ? compileMillisTotal : -1L);
        this.seconds += stepSeconds;
        last = decide();
        return last;
    }

    private Outcome decide() {
        int n = stepSeconds.size();
        if (!monitored) {
            if (n >= limits.fixedSteps()) {
                return Outcome.FIXED_COUNT;
            }
        } else if (n >= limits.minSteps()) {
            int k = windowSize();
            if (k > 0 && windowCompileMillis(k) <= limits.idleShare() * windowSeconds(k) * 1000) {
                return Outcome.IDLE;
            }
        }
        if (n >= limits.maxSteps()) {
            return Outcome.STEP_CAP;
        }
        return seconds >= limits.maxSeconds() ? Outcome.TIME_CAP : Outcome.GO_ON;
    }

    /** The number of latest steps that make a window, or 0 while the steps so far make none. */
    private int windowSize() {
        double s = 0;
        for (int k = 1; k <= stepSeconds.size(); k++) {
            s += stepSeconds.get(stepSeconds.size() - k);
            if ((k >= limits.windowSteps() && s >= limits.windowSeconds()) || s >= limits.longWindowSeconds()) {
                return k;
            }
        }
        return 0;
    }

    private double windowSeconds(int k) {
        double s = 0;
        for (int i = stepSeconds.size() - k; i < stepSeconds.size(); i++) {
            s += stepSeconds.get(i);
        }
        return s;
    }

    private long windowCompileMillis(int k) {
        int n = compileMillis.size();
        long before = n - k == 0 ? startMillis : compileMillis.get(n - k - 1);
        return compileMillis.get(n - 1) - before;
    }

    private long lastCompileMillis() {
        return compileMillis.isEmpty() ? startMillis : compileMillis.get(compileMillis.size() - 1);
    }

    /** Untimed steps so far. */
    int steps() {
        return stepSeconds.size();
    }

    /** Their seconds. */
    double seconds() {
        return seconds;
    }

    /** The compilation milliseconds they saw, or -1 where not monitored. */
    long compileMillis() {
        return monitored ? lastCompileMillis() - startMillis : -1;
    }

    /**
     * One line saying how the warm-up ended, to be read with the figures that follow it: steps,
     * seconds, compile time seen, and why it stopped (with the window's compile time and span).
     *
     * @return the line, without a line break
     */
    String summary() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d steps, %.2f s", steps(), seconds));
        if (monitored) {
            b.append(String.format(Locale.ROOT, ", JIT compilation %d ms during them", compileMillis()));
        }
        int k = monitored ? windowSize() : 0;
        String window = k == 0 ? "" : String.format(Locale.ROOT, " (%d ms of compilation in the last %d steps, %.2f s)",
                windowCompileMillis(k), k, windowSeconds(k));
        b.append("; ended: ").append(switch (last) {
            case GO_ON -> "not yet";
            case IDLE -> "JIT idle" + window;
            case STEP_CAP -> "step cap of " + limits.maxSteps() + " reached, JIT not yet idle" + window;
            case TIME_CAP -> String.format(Locale.ROOT, "time cap of %.0f s reached, JIT not yet idle", limits.maxSeconds())
                    + window;
            case FIXED_COUNT -> "fixed count of " + limits.fixedSteps() + " (this JVM does not monitor JIT compile time)";
        });
        return b.toString();
    }
}
