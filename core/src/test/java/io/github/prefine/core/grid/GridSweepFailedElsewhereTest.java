package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.TaskGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes share an output folder: a sweep that the other one marks failed after this one
 * found it neither done nor failed, but before this one claims it, is one of this run's failures,
 * as it is when the marker was there before; it was counted as skipped (found done under its lock),
 * so this run's summary lacked a failure that the other's and the folder's markers hold.
 */
class GridSweepFailedElsewhereTest {
    @Test
    void aSweepAnotherRunMarksFailedJustBeforeItIsClaimedCountsAsFailed(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        // every finetuning run diverges at the infinite target rate (1e300 is infinite in float32)
        Grid grid = f.tiny(List.of(f.targets.get(1)), dir.resolve("out")).setGroups(List.of(TaskGroup.C))
                .optLearningRates(List.of(1e-3)).optTargetLearningRates(List.of(1e300)).optPollMillis(20).build();
        Grid other = grid.toBuilder().build();
        AtomicReference<GridSummary> othersRun = new AtomicReference<>();
        GridSummary mine;
        try (GridSession session = grid.open()) {
            mine = new GridScheduler(session, GridScheduler.WAIT_REMINDER_NANOS, sweep -> {
                if (sweep instanceof FinetuningSweep && othersRun.get() == null) {
                    // the other process runs the whole grid now, between this one's checks and its claim
                    othersRun.set(runElsewhere(other));
                }
            }).run();
        }
        GridSummary theirs = othersRun.get();
        assertEquals(2, theirs.failures().size(), String.join("\n", theirs.failures()));
        for (String failure : theirs.failures()) {
            String sweep = failure.substring(0, failure.indexOf(": "));
            assertTrue(Files.exists(grid.layout().failure(sweep)), sweep);
        }
        // the same sweeps failed, for the same reasons, in both runs' summaries
        assertEquals(theirs.failures(), mine.failures());
    }

    /** Runs a grid to its end on another thread, as another process on the same folder would. */
    private static GridSummary runElsewhere(Grid g) throws IOException {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(g.run());
            } catch (IOException | RuntimeException e) {
                result.set(e);
            }
        }, "other-process");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the other run", e);
        }
        if (result.get() instanceof IOException e) {
            throw e;
        }
        if (result.get() instanceof RuntimeException e) {
            throw e;
        }
        return (GridSummary) result.get();
    }
}
