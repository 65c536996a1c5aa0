package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A unit counts once, as done, while both its record and a failure marker are in {@code records/}:
 * a failed sweep run again writes its record, then deletes its old marker ({@code
 * GridSession.finish}), so a process killed between the two leaves both, and the status line
 * counted the unit as done and as failed, two ended units for one. Figures worked by hand.
 */
class RunStatusEndedOnceTest {
    private static final RunStatus.Shape SHAPE = new RunStatus.Shape(1, 4, 1, 4);
    private static final List<PlannedWork.Unit> PLAN = List.of(
            new PlannedWork.Unit("prefinetune-SL", "pre-finetune SL lr ", 80),
            new PlannedWork.Unit("run-SL-a", "SL → a seed ", 10), new PlannedWork.Unit("run-SL-b", "SL → b seed ", 10));

    /** Two of three units recorded, one of them with its old marker left: 2 done, none failed, 1 left. */
    @Test
    void aUnitWithItsRecordAndAnOldFailureMarkerIsDoneOnce(@TempDir Path out) throws IOException {
        end(out, "prefinetune-SL.jsonl", "run-SL-a.jsonl", "run-SL-a.failed");
        RunStatus s = new RunStatus(out, 3, new AtomicLong(0)::get, SHAPE, PLAN, 1);
        assertEquals(2, s.done());
        assertEquals(0, s.failed());
        assertEquals("run: 2/3 units done, 1 left | elapsed 00:00:00 | ETA --:--", s.line());

        // without a plan, every record counts, and still once per unit
        RunStatus unplanned = new RunStatus(out, 3, new AtomicLong(0)::get);
        assertEquals(2, unplanned.done());
        assertEquals(0, unplanned.failed());
    }

    /** A marker alone is a failed unit, as before. */
    @Test
    void aMarkerWithoutARecordIsAFailedUnit(@TempDir Path out) throws IOException {
        end(out, "prefinetune-SL.jsonl", "run-SL-a.failed");
        RunStatus s = new RunStatus(out, 3, new AtomicLong(0)::get, SHAPE, PLAN, 1);
        assertEquals(1, s.done());
        assertEquals(1, s.failed());
    }

    /**
     * A "no encoder" marker whose setting's pre-finetuning is recorded now is stale: the grid runs
     * its sweep again ({@code GridSession.isDone}), so the unit is left, not failed. It was counted
     * failed, and the line said nothing was left of a run that went on training it.
     */
    @Test
    void aStaleNoEncoderMarkerIsALeftUnitNotAFailedOne(@TempDir Path out) throws IOException {
        end(out, "prefinetune-SL.jsonl", "run-SL-b.jsonl");
        // the reason GridSession writes for a finetuning sweep whose setting's pre-finetuning failed
        Files.writeString(out.resolve("records/run-SL-a.failed"), "setting SL has no encoder: its pre-finetuning failed\n");
        RunStatus s = new RunStatus(out, 3, new AtomicLong(0)::get, SHAPE, PLAN, 1);
        assertEquals(2, s.done());
        assertEquals(0, s.failed());
        assertEquals("run: 2/3 units done, 1 left | elapsed 00:00:00 | ETA --:--", s.line());
    }

    /** The same marker while the pre-finetuning is not recorded (it failed) is a failed unit. */
    @Test
    void aNoEncoderMarkerOfAFailedPrefinetuningIsAFailedUnit(@TempDir Path out) throws IOException {
        end(out, "prefinetune-SL.failed", "run-SL-b.jsonl");
        Files.writeString(out.resolve("records/run-SL-a.failed"), "setting SL has no encoder: its pre-finetuning failed\n");
        RunStatus s = new RunStatus(out, 3, new AtomicLong(0)::get, SHAPE, PLAN, 1);
        assertEquals(1, s.done());
        assertEquals(2, s.failed());
    }

    /** Ends units as the grid does: a record ({@code .jsonl}) or a failure marker ({@code .failed}) under records/. */
    private static void end(Path out, String... files) throws IOException {
        Path records = Files.createDirectories(out.resolve("records"));
        for (String f : files) {
            Files.writeString(records.resolve(f), f.endsWith(".failed") ? "diverged\n" : "{}\n");
        }
    }
}
