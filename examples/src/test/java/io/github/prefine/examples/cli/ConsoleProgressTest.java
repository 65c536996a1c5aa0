package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
    /** The test's clock, in nanoseconds. */
    private final AtomicLong now = new AtomicLong(0);
    /** What a bar made by {@link #logBar()} wrote. */
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    /** A bar on a log file (no terminal) writing into {@link #buf} at the test's clock. */
    private ConsoleProgress logBar() {
        return bar(buf, false, now);
    }

    /** A bar writing into {@code buf} at the test's clock, drawn in place when {@code terminal}. */
    private static ConsoleProgress bar(ByteArrayOutputStream buf, boolean terminal, AtomicLong now) {
        return new ConsoleProgress(new PrintStream(buf, true, StandardCharsets.UTF_8), terminal, now::get);
    }

    @Test
    void rendersThroughputAndEtaFromElapsedTime() {
        AtomicLong now = new AtomicLong(0);
        ConsoleProgress bar = new ConsoleProgress(new PrintStream(new ByteArrayOutputStream()), false, now::get);
        bar.start("epoch 1", 1000, "ex");
        now.set(2_000_000_000L); // 2 s for 250 examples: 125 ex/s, 750 left: 6 s
        String line = bar.render(250, "loss 0.5", now.get());
        assertEquals("epoch 1 [#######.....................]  25% 250/1000 ex | 125.0 ex/s | ETA 00:06 | loss 0.5", line);
    }

    @Test
    void aReportRightAfterTheStartShowsNoRateRatherThanMillions() {
        AtomicLong now = new AtomicLong(0);
        ConsoleProgress bar = new ConsoleProgress(new PrintStream(new ByteArrayOutputStream()), false, now::get);
        bar.start("rows", 600, "rows");
        now.set(5_000L); // 5 microseconds: the first batch of 32 was done before the bar started
        assertEquals("rows [#...........................]   5% 32/600 rows | -- rows/s | ETA --:--", bar.render(32, "", now.get()));
        now.set(100_000_000L); // 0.1 s: 320 rows/s, 568 left
        assertEquals("rows [#...........................]   5% 32/600 rows | 320.0 rows/s | ETA 00:01", bar.render(32, "", now.get()));
    }

    @Test
    void aFinishedBarSaysNothingIsLeftAndCountsPastTheTotalDoNotRunBackwards() {
        ConsoleProgress bar = logBar();
        bar.start("x", 10, "it");
        now.set(2_000_000_000L); // 10 in 2 s: 5 it/s, nothing left
        assertEquals("x [############################] 100% 10/10 it | 5.0 it/s | ETA 00:00", bar.render(10, "", now.get()));
        // a caller whose count overshoots (a last partial batch counted whole) is done, not unknown
        assertEquals("x [############################] 100% 12/10 it | 6.0 it/s | ETA 00:00", bar.render(12, "", now.get()));
        // nothing done yet after 2 s: no rate to divide by, so no ETA either
        assertEquals("x [............................]   0% 0/10 it | -- it/s | ETA --:--", bar.render(0, "", now.get()));
    }

    @Test
    void aBarInBytesShowsSizesAndThroughputInBinaryUnits() {
        ConsoleProgress bar = logBar();
        bar.start("read squad/train", 40L << 20, ConsoleProgress.BYTES);
        now.set(2_500_000_000L); // 10 MiB of 40 in 2.5 s: 4 MiB/s, 30 MiB left: 7.5 s
        assertEquals("read squad/train [#######.....................]  25% 10.0 MiB / 40.0 MiB | 4.0 MiB/s | ETA 00:07",
                bar.render(10L << 20, "", now.get()));
        // under a KiB the count is exact; no rate right after a start
        bar.start("read cb/validation", 51, ConsoleProgress.BYTES);
        assertEquals("read cb/validation [############################] 100% 51 B / 51 B | -- B/s | ETA 00:00",
                bar.render(51, "", now.get()));
    }

    @Test
    void aByteCountThatRoundsToAThousandAndTwentyFourRollsOverToTheNextUnit() {
        // the shown value is rounded to 0.1: from 1023.95 of a unit it would read 1024.0, so the next unit is used
        assertEquals("1023 B", ConsoleProgress.bytes(1023));
        assertEquals("1.0 KiB", ConsoleProgress.bytes(1024));
        // 1,048,524 B = 1023.94921875 KiB, under 1023.95: stays in KiB
        assertEquals("1023.9 KiB", ConsoleProgress.bytes(1_048_524));
        // 1,048,525 B = 1023.9501953125 KiB (0.99995 MiB) and 1,048,575 B = 1023.999 KiB: both 1.0 MiB
        assertEquals("1.0 MiB", ConsoleProgress.bytes(1_048_525));
        assertEquals("1.0 MiB", ConsoleProgress.bytes(1_048_575));
        assertEquals("1.0 MiB", ConsoleProgress.bytes(1L << 20));
        // the same boundary a unit up: 1,048,524 KiB = 1023.949 MiB, 1,048,525 KiB = 1023.950 MiB
        assertEquals("1023.9 MiB", ConsoleProgress.bytes(1_048_524L << 10));
        assertEquals("1.0 GiB", ConsoleProgress.bytes(1_048_525L << 10));
        assertEquals("1023.9 GiB", ConsoleProgress.bytes(1_048_524L << 20));
        assertEquals("1.0 TiB", ConsoleProgress.bytes(1_048_525L << 20));
        // TiB is the last unit: past it the count simply grows
        assertEquals("1024.0 TiB", ConsoleProgress.bytes(1L << 50));
    }

    @Test
    void anUnknownTotalShowsCountAndRateButNoBarOrEta() {
        ConsoleProgress bar = logBar();
        bar.start("read squad", 0, "rows");
        now.set(4_000_000_000L); // 1000 rows in 4 s
        assertEquals("read squad 1000 rows | 250.0 rows/s | loss 1", bar.render(1000, "loss 1", now.get()));
        bar.update(1000, "");
        assertEquals("read squad 1000 rows | 250.0 rows/s\n", buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aLogFileGetsNoLineForAStartWithNothingDone() {
        // a pass reported from 0 (validation, prediction, task embeddings): on a log file its
        // "0/96 | -- | ETA --:--" line says nothing the next one does not, and short passes doubled
        ConsoleProgress bar = logBar();
        bar.start("predict", 96, "units");
        bar.update(0, "");
        assertEquals("", buf.toString(StandardCharsets.UTF_8));
        now.set(500_000_000L);
        bar.update(96, "");
        assertEquals("predict [############################] 100% 96/96 units | 192.0 units/s | ETA 00:00\n",
                buf.toString(StandardCharsets.UTF_8));
        // a terminal shows the start at once, so a long pass is seen to have begun
        ByteArrayOutputStream tty = new ByteArrayOutputStream();
        ConsoleProgress live = bar(tty, true, now);
        live.start("predict", 96, "units");
        live.update(0, "");
        assertTrue(tty.toString(StandardCharsets.UTF_8).contains(" 0/96 units"), tty.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aLogFileGetsOneLinePerIntervalAndNoCarriageReturns() {
        ConsoleProgress bar = logBar();
        bar.start("x", 12, "it");
        for (int i = 1; i <= 12; i++) {
            now.addAndGet(1_000_000_000L); // a step a second; a line every 5 s: at 1 s, 6 s, 11 s, and the last
            bar.update(i, "");
        }
        bar.finishLine();
        String text = buf.toString(StandardCharsets.UTF_8);
        assertTrue(!text.contains("\r") && !text.contains("\033"), text);
        String[] lines = text.split("\n");
        assertEquals(4, lines.length, text);
        assertTrue(lines[0].contains(" 1/12 it") && lines[1].contains(" 6/12 it") && lines[2].contains(" 11/12 it")
                && lines[3].contains(" 12/12 it | 1.0 it/s | ETA 00:00"), text);
    }

    @Test
    void nonInteractiveOutputIsThrottledButAlwaysShowsCompletion() {
        AtomicLong now = new AtomicLong(0);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ConsoleProgress bar = bar(buf, false, now);
        bar.start("x", 10, "it");
        for (int i = 1; i <= 10; i++) {
            now.addAndGet(100_000_000L); // 0.1 s a step, far below the 5 s interval
            bar.update(i, "");
        }
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length, "first draw and the completed bar only");
        assertTrue(lines[1].contains("10/10"));
    }

    @Test
    void onATerminalALogLineClearsTheBarInsteadOfGluingOntoIt() {
        AtomicLong now = new AtomicLong(0);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ConsoleProgress bar = bar(buf, true, now);
        PrintStream log = bar.guardedStream();
        bar.start("x", 10, "it");
        bar.update(3, "");
        log.println("12:00:00 [INFO] a log line");
        now.addAndGet(10_000_000L); // 10 ms: under the redraw interval, yet the cleared bar comes back
        bar.update(4, "");
        String text = buf.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains(" 3/10 it") && text.contains("\r\033[2K12:00:00 [INFO] a log line\n\r"), text);
        for (String line : text.split("\n")) {
            // what a terminal shows: the text after the last carriage return, past an erase-line
            String visible = line.substring(line.lastIndexOf('\r') + 1).replace("\033[2K", "");
            assertTrue(!visible.contains("[INFO]") || visible.startsWith("12:00:00 [INFO]"), "glued: " + line);
        }
        assertTrue(text.endsWith(bar.render(4, "", now.get())), text);
        bar.status("run: 1/2 units done");
        assertTrue(buf.toString(StandardCharsets.UTF_8).endsWith("\r\033[2Krun: 1/2 units done\n"));
    }

    @Test
    void aBarMadeAgainOnAGuardedStderrGuardsTheRealStreamOnce() {
        // Spark's task runner makes a bar per task, and a failed task leaves its bar drawn
        PrintStream saved = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream terminal = new PrintStream(buf, true, StandardCharsets.UTF_8);
        AtomicLong now = new AtomicLong(0);
        try {
            System.setErr(terminal);
            ConsoleProgress failed = ConsoleProgress.onStderr(true, now::get);
            failed.start("task 1", 10, "it");
            failed.update(3, "");
            for (int task = 2; task <= 4; task++) {
                ConsoleProgress.onStderr(true, now::get);
            }
            ConsoleProgress bar = ConsoleProgress.onStderr(true, now::get);
            assertSame(terminal, ConsoleProgress.underGuard(System.err), "guards piled up on standard error");
            bar.start("task 5", 10, "it");
            bar.update(1, "");
            System.err.println("12:00:00 [INFO] a log line");
            String text = buf.toString(StandardCharsets.UTF_8);
            // the failed task's bar is erased before anything else lands on its line
            String failedBar = "\r" + failed.render(3, "", now.get());
            assertTrue(text.startsWith(failedBar + "\r\033[2K"), text);
            assertTrue(text.endsWith("\r" + bar.render(1, "", now.get()) + "\r\033[2K12:00:00 [INFO] a log line\n"), text);
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void redirectedStandardErrorIsNoTerminal() {
        // surefire pipes the test JVM's standard error
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isSymbolicLink(java.nio.file.Path.of("/proc/self/fd/2")),
                "no /proc here");
        assertTrue(!ConsoleProgress.stderrIsTerminal());
    }

    @Test
    void runStatusCountsRecordsWhoeverWroteThemAndTimesWhatThisProcessRan(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path out) throws Exception {
        java.nio.file.Path records = java.nio.file.Files.createDirectories(out.resolve("records"));
        java.nio.file.Files.writeString(records.resolve("run-a.jsonl"), "{}");
        java.nio.file.Files.writeString(records.resolve("run-b.jsonl"), "{}");
        AtomicLong now = new AtomicLong(5_000_000_000L);
        RunStatus s = new RunStatus(out, 10, now::get);
        assertEquals("run: 2/10 units done, 8 left | elapsed 00:00:00 | ETA --:--", s.line());
        now.addAndGet(100_000_000_000L); // 100 s for two units here: 50 s a unit, 6 left
        java.nio.file.Files.writeString(records.resolve("run-c.jsonl"), "{}");
        java.nio.file.Files.writeString(records.resolve("run-d.jsonl"), "{}");
        assertEquals("run: 4/10 units done, 6 left | elapsed 00:01:40 | ETA 00:05:00", s.line());
        // a failed unit has ended too: 4 ended here in 200 s, 4 left at 50 s each
        now.addAndGet(100_000_000_000L);
        java.nio.file.Files.writeString(records.resolve("run-e.jsonl"), "{}");
        java.nio.file.Files.writeString(records.resolve("run-f.failed"), "diverged\n");
        assertEquals("run: 5/10 units done, 1 failed, 4 left | elapsed 00:03:20 | ETA 00:03:20", s.line());
        java.nio.file.Files.writeString(records.resolve("run-g.failed"), "diverged\n");
        java.nio.file.Files.writeString(records.resolve("run-h.failed"), "diverged\n");
        java.nio.file.Files.writeString(records.resolve("run-i.failed"), "diverged\n");
        java.nio.file.Files.writeString(records.resolve("run-j.failed"), "diverged\n");
        assertEquals("run: 5/10 units done, 5 failed, 0 left | elapsed 00:03:20 | ETA 00:00", s.line());
        // a forced restart empties the records after the count began: the units done since are this process's
        RunStatus forced = new RunStatus(out, 10, now::get);
        try (var files = java.nio.file.Files.list(records)) {
            for (java.nio.file.Path f : files.toList()) {
                java.nio.file.Files.delete(f);
            }
        }
        assertEquals("run: 0/10 units done, 10 left | elapsed 00:00:00 | ETA --:--", forced.line());
        now.addAndGet(60_000_000_000L);
        java.nio.file.Files.writeString(records.resolve("run-a.jsonl"), "{}");
        assertEquals("run: 1/10 units done, 9 left | elapsed 00:01:00 | ETA 00:09:00", forced.line());
        // the grid of the paper: 7 combinations, 12 targets, 5 seeds
        assertEquals(7 + 8 * 12 * 5, RunStatus.plannedUnits(7, 12, 5));
    }

    /**
     * The first unit of a real run (a pre-finetuning over five learning rates of up to 20 epochs)
     * takes hours: the ETA counts the share of it that its step reports give. Hand-computed: in the
     * second run (index 1) at epoch 3 (0-based), step 50 of 100, the unit is (1 + 3.5 / 20) / 5 =
     * 0.235 done; 2820 s for 0.235 units is 12000 s a unit, times the 10 - 0.235 = 9.765 left,
     * 117180 s, 32:33:00.
     */
    @Test
    void runStatusEstimatesTheTimeLeftFromTheRunningUnitBeforeAnyUnitEnds(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path out) throws Exception {
        AtomicLong now = new AtomicLong(0);
        RunStatus s = new RunStatus(out, 10, now::get, new RunStatus.Shape(5, 20, 25, 20));
        s.runStarted("pre-finetune SL lr 1.0E-5");
        assertEquals("run: 0/10 units done, 10 left | elapsed 00:00:00 | ETA --:--", s.line());
        s.steps(0, 40, 100);
        s.runStarted("pre-finetune SL lr 3.0E-5"); // the next learning rate of the same unit
        s.steps(3, 50, 100);
        now.set(2_820_000_000_000L);
        assertEquals("run: 0/10 units done, 10 left | elapsed 00:47:00 | ETA 32:33:00", s.line());
        // the unit ends: its share is no longer counted, the ended unit is; 3000 s a unit, 9 left
        now.set(3_000_000_000_000L);
        java.nio.file.Files.createDirectories(out.resolve("records"));
        java.nio.file.Files.writeString(out.resolve("records").resolve("run-a.jsonl"), "{}");
        assertEquals("run: 1/10 units done, 9 left | elapsed 00:50:00 | ETA 07:30:00", s.line());
        // a finetuning unit of 25 runs begins: its first run, half of its 20 epochs done, is 0.02 of it;
        // 3000 s for 1.02 units, times 8.98 left: 26411.76 s, 07:20:11
        s.runStarted("SL → wnut17 seed 1 lr 1.0E-5");
        s.steps(10, 0, 100);
        assertEquals("run: 1/10 units done, 9 left | elapsed 00:50:00 | ETA 07:20:11", s.line());
        assertTrue(s.epochsLeftAfter(18));
        assertFalse(s.epochsLeftAfter(19));
        assertNull(RunStatus.eta(5_000_000_000L, 0, 3));
    }

    /** A heavy unit, four light ones: 80 + 4 x 5 = 100 units of work, one run of 4 epochs each. */
    private static final List<PlannedWork.Unit> HEAVY_FIRST = List.of(
            new PlannedWork.Unit("prefinetune-SL", "pre-finetune SL lr ", 80),
            new PlannedWork.Unit("run-SL-a", "SL → a seed ", 5), new PlannedWork.Unit("run-SL-b", "SL → b seed ", 5),
            new PlannedWork.Unit("run-SL-c", "SL → c seed ", 5), new PlannedWork.Unit("run-SL-d", "SL → d seed ", 5));

    /** The same with a second pre-finetuning unit of 40 after the first: 140 in all. */
    private static final List<PlannedWork.Unit> TWO_HEAVY = java.util.stream.Stream.of(HEAVY_FIRST.subList(0, 1),
            List.of(new PlannedWork.Unit("prefinetune-C", "pre-finetune C lr ", 40)), HEAVY_FIRST.subList(1, 5))
            .flatMap(List::stream).toList();

    /**
     * The ETA weighs units by their planned work. Hand-computed: a quarter of the heavy first unit
     * (80 of 100) in 40 s is 20 work at 2 s each, and 80 are left: 160 s (counting units alike it
     * would be 40 s / 0.25 = 160 s a unit times 4.75 left, 760 s). When it ends at 160 s, 80 work in
     * 160 s, 20 left: 40 s. The first light unit at epoch 2 step 50 of 100 has 1.375 / 4 of its 5
     * done, 1.875: 81.875 work in 163.75 s is 2 s each, times 20 - 1.875 = 18.125, 36.25 s.
     */
    @Test
    void runStatusWeighsUnitsByTheirPlannedWork(@org.junit.jupiter.api.io.TempDir java.nio.file.Path out) throws Exception {
        AtomicLong now = new AtomicLong(0);
        RunStatus s = new RunStatus(out, 5, now::get, new RunStatus.Shape(1, 4, 1, 4), HEAVY_FIRST, 1);
        s.runStarted("pre-finetune SL lr 0.001");
        assertEquals("run: 0/5 units done, 5 left | elapsed 00:00:00 | ETA --:--", s.line());
        now.set(40_000_000_000L);
        s.steps(1, 0, 1);
        assertEquals("run: 0/5 units done, 5 left | elapsed 00:00:40 | ETA 00:02:40", s.line());
        now.set(160_000_000_000L);
        end(out, "prefinetune-SL.jsonl");
        assertEquals("run: 1/5 units done, 4 left | elapsed 00:02:40 | ETA 00:00:40", s.line());
        s.runStarted("SL → a seed 1 lr 0.003");
        s.steps(1, 50, 100);
        now.set(163_750_000_000L);
        assertEquals("run: 1/5 units done, 4 left | elapsed 00:02:43 | ETA 00:00:36", s.line());
    }

    /**
     * A resumed run: units an earlier process ended leave the work left but are not counted as
     * run here. Hand-computed: of 80 + 40 + 4 x 5 = 140, the 80 and one 5 ended before; a quarter
     * of the 40 in 20 s is 10 work at 2 s each, 140 - 85 - 10 = 45 left: 90 s (counting the 85 as
     * run here would give 20 s / 95 x 45, 9 s; counting units alike 20 s / 0.25 x 3.75, 300 s). The
     * 40 ends at 80 s: 2 s each, 15 left, 30 s. A record the plan lacks is another grid's and
     * changes nothing (it counted as a unit of mean work, 140 / 6, which left none).
     */
    @Test
    void runStatusLeavesOutOfItsPaceTheWorkOfUnitsEndedBeforeIt(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path out) throws Exception {
        end(out, "prefinetune-SL.jsonl", "run-SL-a.failed");
        AtomicLong now = new AtomicLong(0);
        RunStatus s = new RunStatus(out, 6, now::get, new RunStatus.Shape(1, 4, 1, 4), TWO_HEAVY, 1);
        assertEquals("run: 1/6 units done, 1 failed, 4 left | elapsed 00:00:00 | ETA --:--", s.line());
        s.runStarted("pre-finetune C lr 0.001");
        now.set(20_000_000_000L);
        s.steps(1, 0, 1);
        assertEquals("run: 1/6 units done, 1 failed, 4 left | elapsed 00:00:20 | ETA 00:01:30", s.line());
        now.set(80_000_000_000L);
        end(out, "prefinetune-C.jsonl");
        assertEquals("run: 2/6 units done, 1 failed, 3 left | elapsed 00:01:20 | ETA 00:00:30", s.line());
        // another grid's record: not one of this grid's units (RunStatusOtherGridRecordsTest)
        end(out, "run-other.jsonl");
        assertEquals("run: 2/6 units done, 1 failed, 3 left | elapsed 00:01:20 | ETA 00:00:30", s.line());
    }

    /**
     * Two processes share the run: the other's running unit is unseen until it ends, so the pace
     * is at least this process's own times two. Hand-computed, of 80 + 40 + 4 x 5 = 140: a quarter
     * of this process's 40 in 20 s is 10, times 2 processes 20 work in 20 s, 130 left: 130 s (one
     * process's pace alone, 260 s). The other's 80 ends at 50 s, with 2.5 / 4 of the 40 done here
     * (25): 105 run in 50 s, 35 left, 16.67 s. This process's 40 ends and its next unit begins at
     * 60 s: 120 run in 60 s, 20 left, 10 s.
     */
    @Test
    void runStatusCountsThePaceOfTheOtherProcessesSharingTheRun(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path out) throws Exception {
        AtomicLong now = new AtomicLong(0);
        RunStatus s = new RunStatus(out, 6, now::get, new RunStatus.Shape(1, 4, 1, 4), TWO_HEAVY, 2);
        s.runStarted("pre-finetune C lr 0.001");
        now.set(20_000_000_000L);
        s.steps(1, 0, 1);
        assertEquals("run: 0/6 units done, 6 left | elapsed 00:00:20 | ETA 00:02:10", s.line());
        now.set(50_000_000_000L);
        s.steps(2, 50, 100);
        end(out, "prefinetune-SL.jsonl");
        assertEquals("run: 1/6 units done, 5 left | elapsed 00:00:50 | ETA 00:00:16", s.line());
        now.set(60_000_000_000L);
        end(out, "prefinetune-C.jsonl");
        s.runStarted("SL → a seed 1 lr 0.003");
        assertEquals("run: 2/6 units done, 4 left | elapsed 00:01:00 | ETA 00:00:10", s.line());
    }

    /** Ends units as the grid does: a record ({@code .jsonl}) or a failure marker ({@code .failed}) under records/. */
    private static void end(java.nio.file.Path out, String... files) throws java.io.IOException {
        java.nio.file.Path records = java.nio.file.Files.createDirectories(out.resolve("records"));
        for (String f : files) {
            java.nio.file.Files.writeString(records.resolve(f), f.endsWith(".failed") ? "diverged\n" : "{}");
        }
    }
}
