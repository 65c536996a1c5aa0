package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep with its record is done, whatever failure marker lies beside it: a failed sweep run
 * again (its marker deleted, as the summary says, or a stale one of its setting's pre-finetuning)
 * writes its record, then deletes its old marker ({@link GridSession#finish}), so a process killed
 * between the two leaves both. The marker was read first, and the resumed run counted the recorded
 * sweep, whose rows the tables hold, among its failures.
 */
class GridRecordBesideMarkerTest {
    @Test
    void aRecordedSweepIsNoFailureWhateverMarkerIsLeftBesideIt(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Task target = f.targets.get(1);
        Grid grid = f.tiny(List.of(target), dir.resolve("out")).setGroups(List.of(TaskGroup.C)).build();
        GridSummary first = grid.run();
        assertEquals(List.of(), first.failures());
        String sweep = "prefinetune-Only-C";
        assertTrue(Files.exists(grid.layout().record(sweep)), sweep);
        // what a kill between the record and the marker's deletion leaves; the setting's finetuning
        // sweeps, recorded too, took the marker for their encoder's failure as well
        Files.writeString(grid.layout().failure(sweep), "every learning rate diverged\n");

        GridSummary again = grid.run();

        assertEquals(List.of(), again.failures());
        assertEquals(0, again.sweepsRun());
        try (GridSession session = grid.open()) {
            assertEquals(Optional.empty(), session.failure(session.plan().sweeps().stream()
                    .filter(s -> s.id().equals(sweep)).findFirst().orElseThrow()));
        }
    }
}
