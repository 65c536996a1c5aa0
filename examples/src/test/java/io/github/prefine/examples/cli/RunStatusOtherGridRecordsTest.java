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
 * The status line counts a record under {@code records/} only when it is one of this grid's units:
 * two grids' records in one folder (another grid's copied in beside this one's, say) made the other
 * grid's records and failure markers count as this grid's ended units, so the line could say all
 * done with units still to run. Every figure below is worked by hand.
 */
class RunStatusOtherGridRecordsTest {
    /** One run of at most 4 epochs per unit. */
    private static final RunStatus.Shape SHAPE = new RunStatus.Shape(1, 4, 1, 4);

    /** This grid: a pre-finetuning unit of 80 and two finetuning units of 10, 100 in all. */
    private static final List<PlannedWork.Unit> PLAN = List.of(
            new PlannedWork.Unit("prefinetune-SL", "pre-finetune SL lr ", 80),
            new PlannedWork.Unit("run-SL-a", "SL → a seed ", 10), new PlannedWork.Unit("run-SL-b", "SL → b seed ", 10));

    /**
     * This grid's pre-finetuning ended before the command started; the other grid (setting QA,
     * targets x, y, z) left two records, a failure marker and its runs' records. Counted as this
     * grid's, they made the line {@code 3/3 units done, 1 failed, 0 left} with an ETA of 00:00.
     * Counting this grid's alone: 1 done, 2 left. Two epochs of a's 4 at 10 s are 10 / 4 x 2 = 5
     * work in 10 s, 2 s each; 20 - 5 = 15 left, 30 s. Another record of the other grid's appearing
     * changes nothing; a's record ends a: 2/3, and the interrupt line counts 1 then 2 finished.
     */
    @Test
    void anotherGridsRecordsInTheFolderAreNotThisGridsEndedUnits(@TempDir Path out) throws IOException {
        end(out, "prefinetune-SL.jsonl", "prefinetune-QA.jsonl", "run-QA-x.jsonl", "run-QA-y.failed");
        Path otherRun = Files.createDirectories(out.resolve("prefinetune").resolve("QA").resolve("lr-1e-03"));
        Files.writeString(otherRun.resolve("history.json"), "{\"learningRate\": 0.001, \"epochs\": [{}, {}]}");
        AtomicLong now = new AtomicLong(0);
        RunStatus s = new RunStatus(out, 3, now::get, SHAPE, PLAN, 1);
        assertEquals("run: 1/3 units done, 2 left | elapsed 00:00:00 | ETA --:--", s.line());
        assertEquals(1, s.done());
        assertEquals(0, s.failed());
        s.runStarted("SL → a seed 1 lr 0.003");
        now.set(10_000_000_000L);
        s.steps(2, 0, 1);
        assertEquals("run: 1/3 units done, 2 left | elapsed 00:00:10 | ETA 00:00:30", s.line());
        end(out, "run-QA-z.jsonl");
        assertEquals("run: 1/3 units done, 2 left | elapsed 00:00:10 | ETA 00:00:30", s.line());
        assertEquals(1, s.done());
        end(out, "run-SL-a.jsonl");
        s.runStarted("SL → b seed 1 lr 0.003");
        assertEquals("run: 2/3 units done, 1 left | elapsed 00:00:10 | ETA 00:00:10", s.line());
        assertEquals(2, s.done());
    }

    /** Ends units as the grid does: a record ({@code .jsonl}) or a failure marker ({@code .failed}) under records/. */
    private static void end(Path out, String... files) throws IOException {
        Path records = Files.createDirectories(out.resolve("records"));
        for (String f : files) {
            Files.writeString(records.resolve(f), f.endsWith(".failed") ? "diverged\n" : "{}\n");
        }
    }
}
