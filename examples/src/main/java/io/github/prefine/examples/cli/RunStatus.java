package io.github.prefine.examples.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The whole run in one line: units done, failed and left, time elapsed and the time left at the
 * pace of this process. A unit is done when its record is in {@code --out/records}, and failed
 * when its failure marker is, whoever ran it (an earlier run, another process sharing the
 * folder), so the count is right after a resume. A forced restart clears the folder after this
 * starts counting: the units ended before this process ran any follow the lowest count seen. Not
 * thread-safe.
 */
final class RunStatus {
    private final Path records;
    private final int total;
    private final LongSupplier clock;
    private final long startNanos;
    private int endedAtStart;

    /**
     * Starts counting.
     *
     * @param out the output folder
     * @param total units planned
     * @param clock nanosecond clock
     */
    RunStatus(Path out, int total, LongSupplier clock) {
        this.records = out.resolve("records");
        this.total = total;
        this.clock = clock;
        this.startNanos = clock.getAsLong();
        this.endedAtStart = done() + failed();
    }

    /**
     * Units of the reproduction grid: one pre-finetuning per group combination, then every setting
     * (the baseline and each combination) times every target times every seed.
     *
     * @param combinations group combinations with data
     * @param targets targets with data
     * @param seeds seeds
     * @return the unit count
     */
    static int plannedUnits(int combinations, int targets, int seeds) {
        return combinations + (combinations + 1) * targets * seeds;
    }

    /**
     * Units with a record now.
     *
     * @return the count, at most the total
     */
    int done() {
        return count(".jsonl");
    }

    /**
     * Units with a failure marker now (every learning rate diverged, or their setting's
     * pre-finetuning did): they end without a record and are not run again.
     *
     * @return the count, at most the total
     */
    int failed() {
        return count(".failed");
    }

    private int count(String suffix) {
        if (!Files.isDirectory(records)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(records)) {
            return (int) Math.min(total, s.filter(p -> p.getFileName().toString().endsWith(suffix)).count());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The status line, for example {@code run: 12/96 units done, 84 left | elapsed 01:02:03 | ETA 07:30:00}.
     *
     * @return the line
     */
    String line() {
        int done = done();
        int failed = failed();
        int ended = Math.min(total, done + failed);
        endedAtStart = Math.min(endedAtStart, ended);
        long elapsed = clock.getAsLong() - startNanos;
        int ranHere = ended - endedAtStart;
        String eta = ranHere > 0 && ended < total
                ? format(Duration.ofNanos((long) (elapsed / (double) ranHere * (total - ended)))) : "--:--";
        return String.format(Locale.ROOT, "run: %d/%d units done, %s%d left | elapsed %s | ETA %s", done, total,
                failed > 0 ? failed + " failed, " : "", total - ended, format(Duration.ofNanos(elapsed)),
                ended >= total ? "00:00" : eta);
    }

    private static String format(Duration d) {
        long s = d.getSeconds();
        return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
    }
}
