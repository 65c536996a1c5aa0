package io.github.prefine.examples.cli;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The timing every progress line shares ({@link ConsoleProgress}'s bars, {@code data fetch}'s byte
 * line): whether enough time has passed to draw again, the rate since the work began and the time
 * left. Not thread-safe; each line keeps its own.
 */
final class Pace {
    /** Shortest elapsed time over which a rate and an ETA are shown. */
    private static final double MIN_RATE_SECONDS = 0.1;

    private final LongSupplier clock;
    private final long minIntervalNanos;
    private long startNanos;
    private long baseline;
    private long lastDrawNanos = Long.MIN_VALUE;

    /**
     * Creates a pace.
     *
     * @param clock nanosecond clock
     * @param minIntervalNanos shortest time between two draws of an unfinished line
     */
    Pace(LongSupplier clock, long minIntervalNanos) {
        this.clock = clock;
        this.minIntervalNanos = minIntervalNanos;
    }

    /** Returns the clock's reading. */
    long now() {
        return clock.getAsLong();
    }

    /**
     * Starts timing new work, whose next report draws at once.
     *
     * @param startNanos when the work began (the clock's reading, less any time spent before the first report)
     * @param baseline units done when it began (bytes already on disk when a download resumes), which the rate leaves out
     */
    void start(long startNanos, long baseline) {
        this.startNanos = startNanos;
        this.baseline = baseline;
        redrawNext();
    }

    /** Lets the next report draw whatever the time, as after a line was erased. */
    void redrawNext() {
        lastDrawNanos = Long.MIN_VALUE;
    }

    /**
     * Tells whether a report draws: the first since {@link #start} or {@link #redrawNext}, one
     * that completes the work, or one at least the interval after the last draw; a report that
     * draws becomes the last draw.
     *
     * @param now the clock's reading
     * @param complete whether the work is done
     * @return true to draw
     */
    boolean due(long now, boolean complete) {
        if (lastDrawNanos != Long.MIN_VALUE && now - lastDrawNanos < minIntervalNanos && !complete) {
            return false;
        }
        lastDrawNanos = now;
        return true;
    }

    /**
     * Returns units per second since the start, past the baseline, or NaN when nothing has been
     * timed yet: under a tenth of a second (a report right after the start would claim millions a
     * second) or nothing past the baseline.
     *
     * @param done units done
     * @param now the clock's reading
     * @return the rate, or NaN
     */
    double rate(long done, long now) {
        double seconds = (now - startNanos) / 1e9;
        return seconds >= MIN_RATE_SECONDS && done > baseline ? (done - baseline) / seconds : Double.NaN;
    }

    /**
     * Returns the time left as a clock reading: zero once done (known without a rate), {@code
     * --:--} without a rate.
     *
     * @param done units done
     * @param total units in all
     * @param rate units per second, NaN when unknown
     * @param padMinutes true for {@code 01:05}, false for {@code 1:05}
     * @return the time left
     */
    static String eta(long done, long total, double rate, boolean padMinutes) {
        if (done >= total) {
            return clock(0, padMinutes);
        }
        return Double.isNaN(rate) ? "--:--" : clock((long) ((total - done) / rate * 1000) / 1000, padMinutes);
    }

    /**
     * Formats seconds as {@code m:ss} or {@code mm:ss}, and {@code h:mm:ss} from an hour on.
     *
     * @param s seconds
     * @param padMinutes whether minutes below 10 get a leading zero
     * @return the clock reading
     */
    static String clock(long s, boolean padMinutes) {
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, padMinutes ? "%02d:%02d" : "%d:%02d", s / 60, s % 60);
    }
}
