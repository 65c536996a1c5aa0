package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.RunRecord;
import io.github.prefine.eval.stats.SeedDifference;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A report rewrite reads each record once: {@code results.jsonl} and the tables come from the same
 * bytes. It read a record twice (for {@code results.jsonl}, then for the tables), so a record that
 * gained a line in between left the tables counting a seed that {@code results.jsonl} lacked.
 */
class GridReportsReadOnceTest {
    /**
     * The record is a named pipe whose writer gives two seeds at the first opening and three at the
     * second, as a record replaced between two reads would: read once, both files hold two seeds,
     * Baseline 41 and 42, whose mean is 41.5 (three seeds, with 90, would give 57.67).
     *
     * <p>Opening a pipe blocks until its other end is opened, and no interrupt ends that wait: a
     * report that read the record other than once or twice (not at all, say) left the test thread or
     * the join on the writer waiting for good. The test thread is therefore abandoned at the timeout
     * (a separate thread, so that a wait in {@code open} cannot hold it), and the pipe is drained
     * only while the writer still has a text to give.
     */
    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void resultsAndTablesComeFromOneReadOfEachRecord(@TempDir Path out) throws Exception {
        Path records = Files.createDirectories(out.resolve("records"));
        Path record = records.resolve("run-Baseline-wnut17.jsonl");
        int made;
        try {
            made = new ProcessBuilder("mkfifo", record.toString()).inheritIO().start().waitFor();
        } catch (IOException noMkfifo) {
            made = -1;
        }
        assumeTrue(made == 0 && Files.isDirectory(Path.of("/proc/self/fd")),
                "mkfifo and /proc are needed to change a record between two reads");
        String two = ResultLog.line(new RunRecord("Baseline", "wnut17", "SL", 1, 41))
                + ResultLog.line(new RunRecord("Baseline", "wnut17", "SL", 2, 42));
        String three = two + ResultLog.line(new RunRecord("Baseline", "wnut17", "SL", 3, 90));
        AtomicInteger opened = new AtomicInteger();
        AtomicReference<Exception> failed = new AtomicReference<>();
        // the writer gives up past it, rather than wait on a 2-core machine's CPU for good
        long deadline = System.nanoTime() + 120_000_000_000L;
        Thread writer = new Thread(() -> {
            try {
                for (String text : List.of(two, three)) {
                    // until the reader of the first text has closed the pipe: opened before, the second
                    // text would reach that reader too, as the same read
                    while (openHere(record) > 0) {
                        pause(deadline, "the reader of the first text to close the record");
                    }
                    // blocks until a reader opens the pipe
                    try (OutputStream o = Files.newOutputStream(record, StandardOpenOption.WRITE)) {
                        opened.incrementAndGet();
                        // the reader's descriptor is in place only once its open returns, after this one's
                        while (openHere(record) < 2) {
                            pause(deadline, "the reader's descriptor on the record");
                        }
                        o.write(text.getBytes(StandardCharsets.UTF_8));
                    }
                }
            } catch (Exception e) {
                failed.set(e);
            }
        });
        writer.setDaemon(true);
        writer.start();

        GridReports.Written w;
        try {
            w = new GridReports(new GridLayout(out), List.of("Baseline"), List.of(TaskCatalog.task("wnut17")),
                    List.of("run-Baseline-wnut17"), SeedDifference.ALPHA).write();
        } finally {
            // read fewer than twice, the writer waits to give a text: take each, so that it ends. Each
            // read returns after the writer's increment; a daemon, so that a wait in open holds no one
            Thread drain = new Thread(() -> {
                try {
                    while (opened.get() < 2 && writer.isAlive()) {
                        Files.readAllBytes(record);
                    }
                } catch (IOException e) {
                    failed.compareAndSet(null, e);
                }
            });
            drain.setDaemon(true);
            drain.start();
            writer.join(120_000);
        }
        assertEquals(null, failed.get());
        assertFalse(writer.isAlive(), "the writer still waits: a descriptor on the record left open?");

        assertEquals(two, Files.readString(out.resolve("results.jsonl")));
        assertEquals(41.5, w.table1().cell("wnut17", "Baseline").value(), 1e-12);
        assertEquals(Math.sqrt(0.5), w.table1().cell("wnut17", "Baseline").std(), 1e-12);
    }

    /** Waits a moment, sleeping rather than spinning (two cores are shared with the reader), up to the deadline. */
    private static void pause(long deadline, String what) throws InterruptedException {
        if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("the writer waited past its deadline for " + what);
        }
        Thread.sleep(1);
    }

    /** How many descriptors of this process are open on the file, as {@code /proc/self/fd} lists them. */
    private static int openHere(Path file) throws IOException {
        Path real = file.toRealPath();
        int open = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    open += Files.readSymbolicLink(fd).equals(real) ? 1 : 0;
                } catch (IOException closedMeanwhile) {
                    // one closed since it was listed
                }
            }
        }
        return open;
    }
}
