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
 * With {@code --export-models} the grid finetunes each exported model's unit again once every unit
 * has ended ({@code GridExporter}); the status line drawn as each of those runs starts said
 * {@code 3/3 units done, 0 left ... ETA 00:00}, the run over, while the exports trained on for
 * minutes or hours. It now says a model is being exported and that its time left is not known,
 * and once the grid returns it says the run is over, as before.
 */
class RunStatusExportTest {
    private static final RunStatus.Shape SHAPE = new RunStatus.Shape(1, 4, 1, 4);
    private static final List<PlannedWork.Unit> PLAN = List.of(
            new PlannedWork.Unit("prefinetune-SL", "pre-finetune SL lr ", 80),
            new PlannedWork.Unit("run-SL-a", "SL → a seed ", 10), new PlannedWork.Unit("run-SL-b", "SL → b seed ", 10));

    @Test
    void aRunStartedAfterEveryUnitEndedIsAnExportNotTheEndOfTheRun(@TempDir Path out) throws IOException {
        AtomicLong clock = new AtomicLong(0);
        end(out, "prefinetune-SL.jsonl", "run-SL-a.jsonl");
        RunStatus s = new RunStatus(out, 3, clock::get, SHAPE, PLAN, 1);
        // the last unit of the grid: an ordinary run, however many units have ended
        s.runStarted("SL → b seed 1 lr 1.0E-4");
        assertEquals("run: 2/3 units done, 1 left | elapsed 00:00:00 | ETA --:--", s.line());
        end(out, "run-SL-b.jsonl");
        clock.set(61_000_000_000L);
        // then the exports: units with a record, finetuned again
        s.runStarted("SL → a seed 1 lr 1.0E-4");
        assertEquals("run: 3/3 units done, 0 left | elapsed 00:01:01 | exporting model 1 (finetuned again) | ETA --:--",
                s.line());
        s.runStarted("SL → b seed 1 lr 1.0E-4");
        assertEquals("run: 3/3 units done, 0 left | elapsed 00:01:01 | exporting model 2 (finetuned again) | ETA --:--",
                s.line());
        // the grid returned: nothing trains any more
        s.gridReturned();
        assertEquals("run: 3/3 units done, 0 left | elapsed 00:01:01 | ETA 00:00", s.line());
    }

    @Test
    void withoutAPlanARunStartedOnceEveryUnitEndedIsAnExportToo(@TempDir Path out) throws IOException {
        end(out, "a.jsonl", "b.jsonl");
        RunStatus s = new RunStatus(out, 2, new AtomicLong(0)::get);
        s.runStarted("SL → a seed 1 lr 1.0E-4");
        assertEquals("run: 2/2 units done, 0 left | elapsed 00:00:00 | exporting model 1 (finetuned again) | ETA --:--",
                s.line());
    }

    /** Ends units as the grid does: a record ({@code .jsonl}) under records/. */
    private static void end(Path out, String... files) throws IOException {
        Path records = Files.createDirectories(out.resolve("records"));
        for (String f : files) {
            Files.writeString(records.resolve(f), "{}\n");
        }
    }
}
