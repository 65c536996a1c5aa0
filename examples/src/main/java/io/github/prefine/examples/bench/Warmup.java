package io.github.prefine.examples.bench;

import io.github.prefine.examples.cli.OptionValues;
import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bench's untimed steps, as {@code --warmup} asks: a whole number of them, or {@code auto},
 * until the JVM's JIT compiler is idle ({@link WarmupRule}). Either way it prints one line saying
 * how the warm-up ended (steps, seconds, the compile time seen), so that a figure can be read with
 * its warm-up; a cap that ends an automatic warm-up is also logged as a warning.
 *
 * <p>Immutable; {@link #run} reads the JVM's compilation bean and the clock.
 */
final class Warmup {
    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);

    /** The option's value that asks for a warm-up until the JIT is idle. */
    static final String AUTO = "auto";

    /**
     * The limits of an automatic warm-up: the bench's; tests of the bench's output lower them, as
     * the bench's own limits (at least 2 s of steps a part, up to 60 s) say nothing that {@code
     * WarmupRuleTest} does not check, and would add seconds to each test run.
     */
    static volatile WarmupRule.Limits autoLimits = WarmupRule.BENCH;

    /** The fixed count, or -1 for auto. */
    private final int count;
    private final WarmupRule.Limits limits;

    private Warmup(int count, WarmupRule.Limits limits) {
        this.count = count;
        this.limits = limits;
    }

    /**
     * Reads {@code --warmup}: {@code auto}, in any case, or a whole number of at least 0; blanks
     * around either are ignored, as in every option ({@link OptionValues}).
     *
     * @param option the option's text
     * @return the warm-up it asks for, with the bench's limits for auto
     * @throws IllegalArgumentException naming the option and the value when it is neither
     */
    static Warmup parse(String option) {
        if (OptionValues.is(option, AUTO)) {
            return new Warmup(-1, autoLimits);
        }
        int n = -1;
        if (option != null && option.trim().matches("\\+?[0-9]{1,9}")) {
            n = Integer.parseInt(option.trim());
        }
        if (n < 0) {
            throw new IllegalArgumentException("--warmup: expected auto (untimed steps until the JIT compiler is idle) or"
                    + " a whole number of at least 0, found " + option + "; pass for example --warmup auto or --warmup 5,"
                    + " or leave it out for the default (auto)");
        }
        return new Warmup(n, WarmupRule.BENCH);
    }

    /**
     * Runs the untimed steps and prints the line that says how they ended.
     *
     * @param what the steps' name in that line
     * @param step runs one untimed step and returns its seconds
     * @param out where the line goes
     * @return the number of steps run
     */
    int run(String what, DoubleSupplier step, PrintStream out) {
        long start = compileMillis();
        if (count >= 0) {
            double seconds = 0;
            for (int i = 0; i < count; i++) {
                seconds += step.getAsDouble();
            }
            long seen = start < 0 ? -1 : compileMillis() - start;
            out.printf(Locale.ROOT, "warm-up (%s): --warmup %d, %.2f s%s%n", what, count, seconds,
                    seen < 0 ? "" : ", JIT compilation " + seen + " ms during it");
            return count;
        }
        WarmupRule rule = new WarmupRule(limits, start);
        WarmupRule.Outcome o;
        do {
            double s = step.getAsDouble();
            long c = compileMillis();
            o = rule.afterStep(s, c);
            LOG.debug("warm-up step {} of {}: {} s, JIT compilation {} ms in all", rule.steps(), what, s, c);
        } while (o == WarmupRule.Outcome.GO_ON);
        out.printf(Locale.ROOT, "warm-up (%s): auto, %s%n", what, rule.summary());
        if (o.capped()) {
            LOG.warn("The warm-up of {} reached its cap before the JIT compiler went idle, so its figures may include"
                    + " compilation: {}; pass a larger --warmup to run more untimed steps", what, rule.summary());
        }
        return rule.steps();
    }

    /** The JVM's total JIT compilation time so far, or -1 where it has no JIT or does not monitor it. */
    private static long compileMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit == null || !jit.isCompilationTimeMonitoringSupported() ? -1 : jit.getTotalCompilationTime();
    }
}
