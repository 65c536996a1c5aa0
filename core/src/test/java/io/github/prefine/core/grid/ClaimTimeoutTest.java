package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.core.train.EpochReport;
import io.github.prefine.core.train.TrainingListener;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GridSession#runClaimed} against a unit that a real second JVM holds and never releases
 * (a stuck attempt): the wait ends after the claim timeout with a {@link UnitBusyException} that
 * names the unit, the holder's process id as that JVM reports it, and the setting to raise; once
 * the holder is killed, the unit is claimed and run.
 */
class ClaimTimeoutTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES) // a wait without a limit would hang here
    void aWaitForAUnitAStuckProcessHoldsEndsAfterTheClaimTimeoutNamingTheHolder() throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        Grid grid = f.tiny(f.targets, out).optPollMillis(20).optClaimTimeout(Duration.ofMillis(800)).build();
        try (GridSession session = grid.open()) {
            GridUnit unit = session.plan().units().stream().filter(u -> u.id().startsWith("run-Baseline")).findFirst()
                    .orElseThrow();
            Path lock = grid.layout.lock(unit.id());
            Process holder = ChildProcesses.builder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    StuckHolder.class.getName(), lock.toString()).redirectErrorStream(true).start();
            try {
                BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("held", r.readLine(), "the holder did not claim the unit");

                long start = System.nanoTime();
                UnitBusyException e = assertThrows(UnitBusyException.class, () -> session.runClaimed(unit));
                long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

                assertTrue(waitedMillis >= 800 && waitedMillis < 60_000, waitedMillis + " ms");
                assertEquals(unit.id(), e.unit());
                assertTrue(e.getMessage().startsWith("unit " + unit.id() + ": still held by process " + holder.pid()
                        + " on "), e.getMessage());
                assertTrue(e.getMessage().contains("after waiting 0.8s for it"), e.getMessage());
                assertTrue(e.getMessage().endsWith("raise Grid.Builder.optClaimTimeout"), e.getMessage());
            } finally {
                holder.destroyForcibly(); // SIGKILL: the OS drops its lock
                assertTrue(holder.waitFor(1, TimeUnit.MINUTES));
            }
            Record result = session.runClaimed(unit);
            assertTrue(result instanceof FinetuningResult, String.valueOf(result));
            assertFalse(Files.exists(UnitLock.holderNote(lock)), "the note outlived the claim");
        }
    }

    @Test
    void aSweepThatARunHoldsNamesItsHolderForTheProcessesWaitingForIt() throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        Path lock = new GridLayout(out).lock("prefinetune-Only-C");
        List<String> seen = new CopyOnWriteArrayList<>();
        Grid grid = f.tiny(List.of(f.targets.get(1)), out).setGroups(List.of(TaskGroup.C))
                .optProgress(label -> new TrainingListener() {
                    @Override
                    public void onEpoch(EpochReport r) {
                        if (label.startsWith("pre-finetune Only-C")) {
                            // what a process waiting for the sweep reads (GridScheduler's message, runClaimed's)
                            seen.add(UnitLock.holder(lock).orElse("no note"));
                        }
                    }
                }).build();
        grid.run();
        assertEquals(1, seen.size(), seen.toString());
        assertTrue(seen.get(0).startsWith("process " + ProcessHandle.current().pid() + " on "), seen.get(0));
        assertFalse(Files.exists(UnitLock.holderNote(lock)), "the note outlived the claim");
    }

    @Test
    void theClaimTimeoutMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Grid.builder().optClaimTimeout(Duration.ZERO));
        assertEquals("grid: claimTimeout must be positive, found PT0S", e.getMessage());
    }

    /**
     * A claim timeout past what a long counts in nanoseconds (about 292 years), which the builder
     * takes as positive, waits without a limit: {@code Duration.toNanos} overflowed and the first
     * claim failed with a bare {@link ArithmeticException} instead of running the unit.
     */
    @Test
    void aClaimTimeoutBeyondTheNanosecondRangeWaitsWithoutALimit() throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        Grid grid = f.tiny(f.targets, out).optClaimTimeout(Duration.ofDays(1000L * 366)).build();
        try (GridSession session = grid.open()) {
            FinetuningUnit unit = session.plan().finetuning().get(0).units().get(0);
            assertTrue(unit.setting().isBaseline(), unit.id());
            FinetuningResult result = (FinetuningResult) session.runClaimed(unit);
            // what the run wrote is what it returned
            com.google.gson.JsonObject stored = FinetuningRunner.storedScores(grid.layout.finetuningTrial(unit));
            assertEquals(stored.get("validation").getAsDouble(), result.validation());
            assertEquals(stored.get("evaluation").getAsDouble(), result.evaluation());
        }
    }

    /** A process that claims a unit as runClaimed does, says so, and never lets go. */
    static final class StuckHolder {
        public static void main(String[] args) throws Exception {
            UnitLock l = UnitLock.tryAcquire(Path.of(args[0])).orElseThrow();
            l.noteHolder();
            System.out.println("held");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
