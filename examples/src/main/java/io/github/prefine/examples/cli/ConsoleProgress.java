package io.github.prefine.examples.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A one-line terminal progress bar with throughput and ETA.
 *
 * <p>On a terminal it redraws in place with a carriage return; when output is redirected (CI,
 * log files) it prints a plain line at most every few seconds, none for a report of 0 done, and
 * always the completed bar, so logs stay readable. On a
 * terminal, other output should go through {@link #guardedStream()} (which {@link #onStderr()}
 * installs as {@code System.err}): it clears the bar before each write, so a log line never lands
 * glued to the bar's text. Drive the bar from one thread; the guarded stream may be written from
 * any.
 */
public final class ConsoleProgress {
    private static final int WIDTH = 28;
    /** The unit that {@link #start} takes for a bar counted in bytes, drawn in KiB, MiB and GiB. */
    public static final String BYTES = "B";

    private final PrintStream out;
    private final boolean interactive;
    private final Pace pace;
    private String label = "";
    private String unit = "it";
    private long total;
    private boolean open;
    /** The bar's text is on the terminal's current line, with no line break after it. */
    private boolean drawn;

    /**
     * Creates a bar writing to the given stream.
     *
     * @param out the stream, usually {@code System.err}
     * @param interactive true to redraw in place (a terminal), false for plain periodic lines
     * @param clock nanosecond clock ({@code System::nanoTime}); injectable for tests
     */
    public ConsoleProgress(PrintStream out, boolean interactive, LongSupplier clock) {
        this.out = Objects.requireNonNull(out, "out");
        this.interactive = interactive;
        this.pace = new Pace(Objects.requireNonNull(clock, "clock"), interactive ? 100_000_000L : 5_000_000_000L);
    }

    /**
     * Creates a bar on {@code System.err}, interactive when standard error is a terminal.
     *
     * <p>On a terminal it installs its {@link #guardedStream()} as {@code System.err}. Called again
     * (a bar per task), the new bar replaces the last one's guard rather than wrapping it, and the
     * last bar's line is erased if it was left drawn.
     *
     * @return the bar
     */
    public static ConsoleProgress onStderr() {
        return onStderr(stderrIsTerminal(), System::nanoTime);
    }

    /**
     * {@link #onStderr()} with the terminal test and the clock given; package-private for tests.
     *
     * @param terminal whether standard error is a terminal
     * @param clock nanosecond clock
     * @return the bar
     */
    static ConsoleProgress onStderr(boolean terminal, LongSupplier clock) {
        PrintStream err = System.err;
        if (err instanceof Guarded g) {
            // a bar made again (Spark's task runner makes one per task): guard the stream under the
            // last guard, not the guard, or every write would pass through a chain of old bars;
            // the old bar's line, left drawn by a failed task, is erased now instead of by its guard
            g.bar.abandon();
            err = g.bar.out;
        }
        ConsoleProgress bar = new ConsoleProgress(err, terminal, clock);
        if (bar.interactive) {
            // log lines (slf4j-simple writes to System.err) first clear the bar
            System.setErr(bar.guardedStream());
        }
        return bar;
    }

    /**
     * The stream a bar's {@link #guardedStream()} writes to, or the stream itself when it is no
     * guard; package-private for tests.
     *
     * @param stream a stream
     * @return the stream under the guard
     */
    static PrintStream underGuard(PrintStream stream) {
        return stream instanceof Guarded g ? g.bar.out : stream;
    }

    /** A bar's guarded stream, which knows its bar. */
    private static final class Guarded extends PrintStream {
        private final ConsoleProgress bar;

        Guarded(ConsoleProgress bar, OutputStream guard) {
            super(guard, true, StandardCharsets.UTF_8);
            this.bar = bar;
        }
    }

    /**
     * Whether standard error is a terminal: on Linux the target of {@code /proc/self/fd/2} says so
     * ({@code prefine demo 2> log} must get plain lines even when standard output is a terminal);
     * elsewhere a console on standard input and output is taken as the answer.
     *
     * @return true for a terminal
     */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    /**
     * A stream for everything else written to the bar's terminal: on a terminal, each write first
     * clears the bar's line, and the next update draws the bar again below.
     *
     * @return the stream
     */
    public PrintStream guardedStream() {
        OutputStream guard = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (ConsoleProgress.this) {
                    clearBar();
                    out.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (ConsoleProgress.this) {
                    clearBar();
                    out.write(b, off, len);
                }
            }

            @Override
            public void flush() {
                out.flush();
            }
        };
        return new Guarded(this, guard);
    }

    private void clearBar() {
        if (drawn) {
            out.print("\r\033[2K");
            drawn = false;
            pace.redrawNext();
        }
    }

    /**
     * Prints a line of its own (such as the whole run's status), ending the current bar's line first.
     *
     * @param line the text
     */
    public synchronized void status(String line) {
        clearBar();
        out.println(line);
        out.flush();
    }

    /**
     * Starts a new bar.
     *
     * @param label what is being done, for example {@code pre-finetune SL+QA epoch 2}
     * @param total how many units make 100%, or 0 or less when unknown (count and rate only)
     * @param unit the unit counted, for example {@code ex}, or {@link #BYTES}
     */
    public void start(String label, long total, String unit) {
        start(label, total, unit, 0);
    }

    /**
     * Starts a new bar for work that began some time ago (its first progress report arrives late),
     * so rate and ETA count from the real start.
     *
     * @param label what is being done
     * @param total how many units make 100%, or 0 or less when unknown (count and rate only)
     * @param unit the unit counted
     * @param elapsedSeconds seconds already spent on this work
     */
    public synchronized void start(String label, long total, String unit, double elapsedSeconds) {
        finishLine();
        this.label = label;
        this.total = Math.max(total, 0);
        this.unit = unit;
        pace.start(pace.now() - (long) (Math.max(0, elapsedSeconds) * 1e9), 0);
        this.open = true;
    }

    /**
     * Reports progress; redraws when enough time has passed since the last draw.
     *
     * @param done units done so far
     * @param extra a short status such as {@code loss 0.412}, or empty
     */
    public synchronized void update(long done, String extra) {
        if (!interactive && done == 0) {
            return; // on a log file a start with nothing done says nothing the next line does not
        }
        long now = pace.now();
        if (!pace.due(now, total != 0 && done >= total)) {
            return;
        }
        String line = render(done, extra, now);
        if (interactive) {
            out.print("\r" + line);
            drawn = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Erases a bar that will not be finished, such as that of a failed task. */
    private synchronized void abandon() {
        clearBar();
        open = false;
        out.flush();
    }

    /** Ends the current bar's line. */
    public synchronized void finishLine() {
        if (open && interactive && drawn) {
            out.println();
        }
        drawn = false;
        open = false;
    }

    /**
     * Renders one line; package-private for tests.
     *
     * @param done units done
     * @param extra status text
     * @param now the clock reading
     * @return the line without a line break
     */
    String render(long done, String extra, long now) {
        double rate = pace.rate(done, now);
        boolean bytes = BYTES.equals(unit);
        String speed = bytes ? (Double.isNaN(rate) ? "-- B" : bytes((long) rate)) + "/s"
                : (Double.isNaN(rate) ? "--" : String.format(Locale.ROOT, "%.1f", rate)) + " " + unit + "/s";
        String tail = extra == null || extra.isEmpty() ? "" : " | " + extra;
        if (total == 0) {
            return label + " " + (bytes ? bytes(done) : done + " " + unit) + " | " + speed + tail;
        }
        double frac = Math.min(1.0, done / (double) total);
        int filled = (int) Math.round(frac * WIDTH);
        String eta = Pace.eta(done, total, rate, true);
        return String.format(
                Locale.ROOT,
                "%s [%s%s] %3.0f%% %s | %s | ETA %s%s",
                label,
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                frac * 100,
                bytes ? bytes(done) + " / " + bytes(total) : done + "/" + total + " " + unit,
                speed,
                eta,
                tail);
    }

    /**
     * Formats a byte count: {@code 1023 B}, {@code 1.5 KiB}, {@code 3.1 MiB}, up to TiB.
     *
     * @param n bytes
     * @return the count with its binary unit
     */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n / 1024.0;
        int u = 0;
        String shown = oneDecimal(v);
        // decide on the rounded text, not on v: 1023.95 KiB would otherwise read 1024.0 KiB
        while (Double.parseDouble(shown) >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
            shown = oneDecimal(v);
        }
        return shown + " " + units[u];
    }

    private static String oneDecimal(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
