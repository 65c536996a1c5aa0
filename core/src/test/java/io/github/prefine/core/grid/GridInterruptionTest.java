package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A grid whose process was killed between two of its writes: the folder is laid out exactly as the
 * kill leaves it, then the grid is run again, and what it ends with is compared with an
 * uninterrupted run of the same grid.
 */
class GridInterruptionTest {

    /** The C target alone, pre-finetuned on the C tasks: one pre-finetuning sweep, two finetuning sweeps. */
    private static Grid.Builder cOnly(GridFixtures f, Path out) {
        List<Task> targets = List.of(f.targets.get(1));
        return f.tiny(targets, out).setGroups(List.of(TaskGroup.C));
    }

    @Test
    void tasksReadByAProcessKilledBeforeItsNextReportStillReachTheDataReport(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path whole = dir.resolve("whole");
        cOnly(f, whole).build().run();

        Path cut = dir.resolve("cut");
        Grid grid = cOnly(f, cut).build();
        // a process that finishes the pre-finetuning sweep (reading its tasks) and is killed before
        // it rewrites the reports: the restarted grid never reads those tasks again
        try (GridSession s = grid.open()) {
            s.finish(s.plan().prefinetuning().get(0));
        }
        GridSummary resumed = grid.run();
        assertEquals(2, resumed.sweepsRun(), "Baseline and Only-C on the target");
        assertEquals(List.of("c-target", "c-a", "c-b"), List.copyOf(resumed.data().tasks().keySet()));
        assertEquals(Files.readString(whole.resolve(DataReport.FILE)), Files.readString(cut.resolve(DataReport.FILE)));
    }
}
