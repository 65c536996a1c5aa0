package io.github.prefine.core.grid;

import io.github.prefine.eval.internal.Counts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a {@link GridSession} over its whole plan, as {@link Grid#run()}: each sweep not done is
 * claimed with its {@link UnitLock} and finished; the reports are rewritten after a sweep once
 * {@link #REWRITE_SECONDS} have passed since they were last written (so after each sweep of a
 * real run, while the demo's second-long sweeps do not spend their time redrawing charts), at the
 * end, and on the way out of a run that a sweep's exception stops, so that the tables hold every
 * sweep recorded before it. A rewrite from the records and results of the last one writes nothing
 * ({@link GridReports#write()}), and a worker session ({@link Grid#runAsWorker()}) leaves the first
 * rewrite to the process that drives the run, and the last one too when it ran no sweep: a finished
 * run started again with workers writes each report once. Sweeps locked by another process, or waiting for a pre-finetuning
 * another process holds, are revisited every poll interval until none is left, without a limit (a
 * pre-finetuning legitimately takes hours); each is announced once, and while the wait goes on a
 * line every {@link #WAIT_REMINDER_NANOS} names the sweeps held, their holders and how long they
 * have been waited for, so that a run stuck behind a hung holder does not look hung itself. Every
 * write of a sweep's own files happens under the sweep's lock, so a claimed sweep first deletes
 * the temp files a killed holder left of them ({@link GridSession#deleteKilledSweepTemps}). One
 * instance per run; not thread-safe.
 */
final class GridScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(GridScheduler.class);
    /** Least time between two rewrites of the reports during a run. */
    static final long REWRITE_SECONDS = 30;
    /** Least time between two lines saying that a run still waits for sweeps other processes hold. */
    static final long WAIT_REMINDER_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final GridSession session;
    private final Grid grid;
    private final List<String> failures = new ArrayList<>();
    private int ran;
    private int skipped;
    private long lastWrite;
    /** Whether a sweep was recorded since the last rewrite: a run stopped by a failure still reports it. */
    private boolean unwritten;
    private final long remindNanos;
    /** Called with each sweep just before it is claimed: what another process may do in between, for tests. */
    private final Claiming beforeClaim;

    /** What happens just before a sweep is claimed (another process's work, in a test). */
    @FunctionalInterface
    interface Claiming {
        void before(GridSweep sweep) throws IOException;
    }

    GridScheduler(GridSession session) {
        this(session, WAIT_REMINDER_NANOS);
    }

    /**
     * @param session the session whose plan is run
     * @param remindNanos least time between two lines saying that the run still waits for held sweeps
     */
    GridScheduler(GridSession session, long remindNanos) {
        this(session, remindNanos, sweep -> { });
    }

    /**
     * @param session the session whose plan is run
     * @param remindNanos least time between two lines saying that the run still waits for held sweeps
     * @param beforeClaim called with each sweep just before its lock is tried
     */
    GridScheduler(GridSession session, long remindNanos, Claiming beforeClaim) {
        this.session = session;
        this.grid = session.grid();
        this.remindNanos = remindNanos;
        this.beforeClaim = beforeClaim;
    }

    GridSummary run() throws IOException {
        GridPlan plan = session.plan();
        // a worker's start changes no record: the process driving the run writes the reports at its own
        if (!session.isWorker()) {
            session.writeReports();
        }
        lastWrite = System.nanoTime();
        try {
            runPending(new ArrayList<>(plan.sweeps()));
        } catch (IOException | RuntimeException | Error e) {
            if (unwritten) {
                writeReportsAfter(e);
            }
            throw e;
        }
        // a worker that ran nothing leaves the files to the driving process, which waits for every sweep
        GridReports.Written written = session.isWorker() && ran == 0 ? session.currentReports() : session.writeReports();
        return new GridSummary(plan.missingTasks(), plan.settingNames(), ran, skipped, written, failures,
                session.dataReport(), SkippedSteps.collect(grid.layout));
    }

    /** Finishes the pending sweeps, revisiting those another process holds until none is left. */
    private void runPending(List<GridSweep> pending) throws IOException {
        Set<String> announced = new LinkedHashSet<>();
        // the sweeps refused by their lock, with when each was first refused, and when that was last said
        Map<String, Long> heldSince = new LinkedHashMap<>();
        long told = System.nanoTime();
        while (!pending.isEmpty()) {
            boolean progressed = false;
            Map<String, Path> held = new LinkedHashMap<>();
            for (Iterator<GridSweep> it = pending.iterator(); it.hasNext(); ) {
                GridSweep sweep = it.next();
                Optional<String> failed = session.failure(sweep);
                if (failed.isEmpty() && !session.isDone(sweep) && !session.isReady(sweep)) {
                    continue;
                }
                if (failed.isPresent() && !Files.exists(grid.layout.failure(sweep.id()))) {
                    // a dependent of a failed pre-finetuning: fails with it, once, under its lock as
                    // every write of a sweep's files here, so that a claim's clean-up never meets a live one
                    Optional<UnitLock> lock = UnitLock.tryAcquire(grid.layout.lock(sweep.id()));
                    if (lock.isEmpty()) {
                        continue;
                    }
                    try (UnitLock l = lock.get()) {
                        if (!Files.exists(grid.layout.failure(sweep.id()))) {
                            session.deleteKilledSweepTemps(sweep);
                            session.markFailed(sweep, failed.get());
                        }
                    }
                }
                if (failed.isPresent()) {
                    failures.add(sweep.id() + ": " + failed.get());
                    it.remove();
                    progressed = true;
                    continue;
                }
                if (session.isDone(sweep)) {
                    it.remove();
                    progressed |= countFinishedElsewhere(sweep);
                    continue;
                }
                if (!session.isReady(sweep)) {
                    continue;
                }
                Path file = grid.layout.lock(sweep.id());
                beforeClaim.before(sweep);
                Optional<UnitLock> lock = UnitLock.tryAcquire(file);
                if (lock.isEmpty()) {
                    if (announced.add(sweep.id())) {
                        LOG.info("{} is being run by {} ({} is held); coming back to it later", sweep.id(),
                                UnitLock.holderName(file), file);
                        told = System.nanoTime();
                    }
                    held.put(sweep.id(), file);
                    continue;
                }
                try (UnitLock l = lock.get()) {
                    // so that a process waiting for the sweep can say which one holds it
                    l.noteHolder();
                    if (session.isDone(sweep)) {
                        it.remove();
                        progressed |= countFinishedElsewhere(sweep);
                        continue;
                    }
                    // what a killed run of this sweep left beside its files: none is a live writer's under the lock
                    session.deleteKilledSweepTemps(sweep);
                    LOG.info("unit {} ({} left)", sweep.id(), pending.size());
                    session.finishOrMarkFailed(sweep).ifPresent(why -> failures.add(sweep.id() + ": " + why));
                }
                it.remove();
                ran++;
                progressed = true;
                unwritten = true;
                if (System.nanoTime() - lastWrite >= REWRITE_SECONDS * 1_000_000_000L) {
                    session.writeReports();
                    lastWrite = System.nanoTime();
                    unwritten = false;
                }
            }
            long now = System.nanoTime();
            heldSince.keySet().retainAll(held.keySet());
            held.keySet().forEach(id -> heldSince.putIfAbsent(id, now));
            if (!held.isEmpty() && now - told >= remindNanos) {
                remind(held, heldSince, pending.size(), now);
                told = now;
            }
            if (!progressed && !pending.isEmpty()) {
                try {
                    Thread.sleep(grid.config.pollMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for units locked by other processes", e);
                }
            }
        }
    }

    /**
     * Counts a sweep found done after its failure was checked: another process may have marked it
     * failed in between (before this one claimed it), and a failed sweep is one of this run's
     * failures, not a skipped one, whenever its marker was written.
     *
     * @return whether it failed
     */
    private boolean countFinishedElsewhere(GridSweep sweep) throws IOException {
        Optional<String> failed = session.failure(sweep);
        if (failed.isPresent()) {
            failures.add(sweep.id() + ": " + failed.get());
            return true;
        }
        skipped++;
        return false;
    }

    /** Says which sweeps other processes still hold, by whom, and for how long this run has waited for each. */
    private static void remind(Map<String, Path> held, Map<String, Long> heldSince, int pending, long now) {
        List<String> each = new ArrayList<>();
        held.forEach((id, file) -> each.add(id + " (held by " + UnitLock.holderName(file)
                + ", waited for " + TimeUnit.NANOSECONDS.toMinutes(now - heldSince.get(id)) + " min)"));
        LOG.info("still waiting for {} other processes hold, {} pending in all: {}", Counts.counted(held.size(), "sweep"), pending,
                String.join("; ", each));
    }

    /** Rewrites the reports on the way out of a failed run; a failure to do so is added to the first one. */
    private void writeReportsAfter(Throwable failure) {
        try {
            session.writeReports();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
