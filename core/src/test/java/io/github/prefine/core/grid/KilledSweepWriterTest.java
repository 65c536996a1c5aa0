package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.testing.ChildProcesses;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed with SIGKILL while it wrote a sweep's own files (its record, its choice) or
 * the note beside a lock saying who holds it left those writes' temp files
 * ({@code records/.run-….jsonl.….tmp}, {@code locks/.….lock.holder.….tmp}), and a rerun kept them,
 * for the session's hour-old rule, in the folder users sync. A rerun that claims the sweep now
 * deletes them, as every writer of them holds that sweep's lock; while another process still holds
 * the lock, its temp files are left alone. The same goes for {@code run.json} and
 * {@code data-report.json}, written under {@code locks/manifest.lock}.
 */
class KilledSweepWriterTest {
    /** The line the child prints once each of its writes is under way. */
    private static final String WRITING = "writing";

    /**
     * Takes the locks named {@code lock:FILE} and starts a whole-file write of each other file that
     * stops partway, as a process killed mid-write leaves it; then waits to be killed. Run in the
     * child JVM.
     */
    public static final class KilledMidWrite {
        public static void main(String[] args) throws Exception {
            List<UnitLock> held = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            for (String a : args) {
                if (a.startsWith("lock:")) {
                    held.add(UnitLock.tryAcquire(Path.of(a.substring(5))).orElseThrow());
                } else {
                    files.add(Path.of(a));
                }
            }
            CountDownLatch started = new CountDownLatch(files.size());
            for (Path file : files) {
                Thread t = new Thread(() -> {
                    try {
                        AtomicFiles.write(file, ch -> {
                            ch.write(ByteBuffer.wrap("{\"cut\":".getBytes(StandardCharsets.UTF_8)));
                            started.countDown();
                            try {
                                Thread.sleep(Long.MAX_VALUE);
                            } catch (InterruptedException e) {
                                throw new java.io.InterruptedIOException();
                            }
                        });
                    } catch (IOException e) {
                        e.printStackTrace();
                    }
                });
                t.setDaemon(true);
                t.start();
            }
            started.await();
            System.out.println(WRITING);
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /**
     * The C target alone, pre-finetuned on the C tasks, into {@code dir/out}: one pre-finetuning
     * sweep, then the Baseline's and Only-C's finetuning.
     */
    private static Grid cOnly(Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        return f.tiny(List.of(f.targets.get(1)), dir.resolve("out")).setGroups(List.of(TaskGroup.C)).build();
    }

    /** Starts {@link KilledMidWrite} and returns once its writes are under way. */
    private static Process midWrite(Path log, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                KilledMidWrite.class.getName()));
        command.addAll(args);
        Process p = ChildProcesses.builder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!Files.readString(log).contains(WRITING)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("the child did not start its writes:\n" + Files.readString(log));
            }
            Thread.sleep(10);
        }
        return p;
    }

    /** A sweep's lock and the files only its holder writes: the lock's holder note, the sweep's record and choice. */
    private static List<String> sweepWrites(GridLayout layout, GridSweep sweep) {
        Path lock = layout.lock(sweep.id());
        Path choice = sweep instanceof PrefinetuningSweep p ? layout.settingResult(p.setting())
                : layout.finetuningDetail((FinetuningSweep) sweep);
        return List.of("lock:" + lock, UnitLock.holderNote(lock).toString(), layout.record(sweep.id()).toString(),
                choice.toString());
    }

    private static List<Path> temps(Path out) throws IOException {
        try (Stream<Path> s = Files.walk(out)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).sorted().toList();
        }
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL, as kill -9
        p.waitFor();
    }

    @Test
    void sweepsKilledWhileWritingTheirFilesLeaveNoTempFileOnceRunAgain(@TempDir Path dir) throws Exception {
        Grid grid = cOnly(dir);
        Path out = grid.layout().root();
        List<String> args = new ArrayList<>();
        try (GridSession s = grid.open()) {
            for (GridSweep sweep : List.of(s.plan().prefinetuning().get(0), s.plan().finetuning().get(0))) {
                args.addAll(sweepWrites(grid.layout(), sweep));
            }
        }
        // and the run's manifest and data report, which their writers rewrite under locks/manifest.lock
        args.addAll(List.of("lock:" + grid.layout().lock("manifest"), grid.layout().manifest().toString(),
                grid.layout().dataReport().toString()));
        kill(midWrite(dir.resolve("child.log"), args));
        // the pre-finetuning's and the Baseline finetuning's (holder note, record and choice of each), run.json's, data-report.json's
        assertEquals(8, temps(out).size(), () -> "the kill leaves each write's temp file: " + tempsOrError(out));

        GridSummary rerun = grid.run();
        assertEquals(3, rerun.sweepsRun(), "the cut sweeps and Only-C's finetuning run");
        assertEquals(List.of(), temps(out), "the rerun deletes what the killed writer left");
        for (GridSweep sweep : plan(grid)) {
            assertTrue(Files.exists(grid.layout().record(sweep.id())), sweep.id() + " recorded");
        }
    }

    @Test
    void theTempFilesOfASweepALiveProcessHoldsAreLeftUntilItDies(@TempDir Path dir) throws Exception {
        Grid grid = cOnly(dir);
        Path out = grid.layout().root();
        List<GridSweep> sweeps = plan(grid);
        // the Baseline finetuning is held by a live process mid-write; the grid runs the others around it
        GridSweep held = sweeps.get(1);
        Process live = midWrite(dir.resolve("child.log"), sweepWrites(grid.layout(), held));
        try {
            List<Path> writing = temps(out);
            assertEquals(3, writing.size(), () -> "the live writer's temp files: " + writing);
            CompletableFuture<GridSummary> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return grid.run();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // the other two sweeps recorded: this run claimed both (and noted itself beside their
            // locks) and was refused the held one, which comes between them in the plan
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!(Files.exists(grid.layout().record(sweeps.get(0).id()))
                    && Files.exists(grid.layout().record(sweeps.get(2).id())))) {
                assertTrue(!run.isDone() && System.nanoTime() < deadline, "the grid ended or stalled before the"
                        + " sweeps it could claim were recorded");
                Thread.sleep(20);
            }
            // each by its name: a walk of the folder would meet the run's own files coming and going
            for (Path p : writing) {
                assertTrue(Files.exists(p), () -> p + ", the live holder's, is left alone");
            }
            kill(live);
            GridSummary summary = run.get(3, TimeUnit.MINUTES);
            assertEquals(3, summary.sweepsRun(), "once its holder died, the held sweep is run too");
            assertEquals(List.of(), temps(out), "and what its killed writer left is deleted");
        } finally {
            kill(live);
        }
    }

    @Test
    void aFailureMarkerCutByAKillLeavesNoTempFileOnceMarkedAgain(@TempDir Path dir) throws Exception {
        Grid grid = cOnly(dir);
        Path out = grid.layout().root();
        List<GridSweep> sweeps = plan(grid);
        // Only-C's pre-finetuning failed, and a process was killed while it marked Only-C's finetuning failed with it
        String reason = "every learning rate diverged";
        Files.createDirectories(grid.layout().records());
        Files.writeString(grid.layout().failure(sweeps.get(0).id()), reason + "\n");
        GridSweep dependent = sweeps.get(2);
        Path marker = grid.layout().failure(dependent.id());
        kill(midWrite(dir.resolve("child.log"), List.of("lock:" + grid.layout().lock(dependent.id()), marker.toString())));
        assertEquals(1, temps(out).size(), () -> "the kill leaves the marker's temp file: " + tempsOrError(out));

        GridSummary rerun = grid.run();
        assertEquals(List.of(), temps(out), "marking the sweep failed again deletes what the killed writer left");
        assertEquals("setting Only-C has no encoder: its pre-finetuning failed", Files.readString(marker).strip());
        assertEquals(2, rerun.failures().size(), () -> "the pre-finetuning and its dependent: " + rerun.failures());
    }

    /**
     * A driver that runs the units elsewhere and finishes the sweeps itself (the Spark driver)
     * finishes each through {@link GridSession#finishClaimed}: under the sweep's lock, so what a
     * killed driver left of the sweep's record and choice, and of a dependent's failure marker, is
     * deleted by the next, as the scheduler does, not left for the hour-old rule.
     */
    @Test
    void aDriverFinishingTheSweepsItselfDeletesWhatAKilledDriverLeft(@TempDir Path dir) throws Exception {
        Grid grid = cOnly(dir);
        Path out = grid.layout().root();
        List<GridSweep> sweeps = plan(grid);
        GridSweep pre = sweeps.get(0);
        GridSweep baseline = sweeps.get(1);
        kill(midWrite(dir.resolve("child.log"), java.util.stream.Stream.of(sweepWrites(grid.layout(), pre),
                sweepWrites(grid.layout(), baseline)).flatMap(List::stream).toList()));
        assertEquals(6, temps(out).size(), () -> "the holder notes', records' and choices' temp files: " + tempsOrError(out));
        try (GridSession s = grid.open()) {
            assertEquals(java.util.Optional.empty(), s.finishClaimed(pre));
            assertEquals(java.util.Optional.empty(), s.finishClaimed(baseline));
            // recorded meanwhile: left as it is
            String record = Files.readString(grid.layout().record(baseline.id()));
            assertEquals(java.util.Optional.empty(), s.finishClaimed(baseline));
            assertEquals(record, Files.readString(grid.layout().record(baseline.id())));
        }
        assertEquals(List.of(), temps(out), "the driver deletes what the killed one left");
        for (GridSweep sweep : List.of(pre, baseline)) {
            assertTrue(Files.exists(grid.layout().record(sweep.id())), sweep.id() + " recorded");
        }
    }

    /** As above for the failure marker of a dependent of a failed pre-finetuning. */
    @Test
    void aDriverMarkingADependentFailedDeletesWhatAKilledDriverLeftOfItsMarker(@TempDir Path dir) throws Exception {
        Grid grid = cOnly(dir);
        Path out = grid.layout().root();
        List<GridSweep> sweeps = plan(grid);
        Files.createDirectories(grid.layout().records());
        Files.writeString(grid.layout().failure(sweeps.get(0).id()), "every learning rate diverged\n");
        GridSweep dependent = sweeps.get(2);
        Path marker = grid.layout().failure(dependent.id());
        kill(midWrite(dir.resolve("child.log"), List.of("lock:" + grid.layout().lock(dependent.id()), marker.toString())));
        assertEquals(1, temps(out).size(), () -> "the kill leaves the marker's temp file: " + tempsOrError(out));
        String reason = "setting Only-C has no encoder: its pre-finetuning failed";
        try (GridSession s = grid.open()) {
            assertEquals(java.util.Optional.of(reason), s.finishClaimed(dependent));
        }
        assertEquals(List.of(), temps(out), "marking it failed deletes what the killed writer left");
        assertEquals(reason, Files.readString(marker).strip());
    }

    private static List<GridSweep> plan(Grid grid) throws IOException {
        try (GridSession s = grid.open()) {
            return s.plan().sweeps();
        }
    }

    private static String tempsOrError(Path out) {
        try {
            return temps(out).toString();
        } catch (IOException e) {
            return e.toString();
        }
    }
}
