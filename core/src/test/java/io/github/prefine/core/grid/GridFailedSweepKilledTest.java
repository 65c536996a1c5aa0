package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed while marking a sweep failed, between deleting its diverged runs and writing its
 * marker: deleting the marker (if any) as the summary says runs the sweep again. With the marker
 * written first, a kill left both the marker and the diverged runs, and once the marker was deleted
 * the sweep read those runs back and failed again without training.
 */
class GridFailedSweepKilledTest {
    @Test
    void aSweepKilledWhileMarkedFailedTrainsAgainOnceItsMarkerIsDeleted(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Task target = f.targets.get(1);
        List<String> runs = new ArrayList<>();
        // 1e300 is infinite in float32: Only-C's one pre-finetuning run diverges
        Grid grid = f.tiny(List.of(target), dir.resolve("out")).setGroups(List.of(TaskGroup.C))
                .optLearningRates(List.of(1e300)).optTargetLearningRates(List.of(1e-3)).optProgress(label -> {
                    runs.add(label);
                    return new TrainingListener() { };
                }).build();
        String sweep = "prefinetune-Only-C";
        try (GridSession session = grid.open()) {
            session.betweenFailedSteps = s -> {
                if (s.id().equals(sweep)) {
                    throw new IOException("killed between the failed sweep's two steps");
                }
            };
            IOException killed = assertThrows(IOException.class, () -> new GridScheduler(session).run());
            assertEquals("killed between the failed sweep's two steps", killed.getMessage());
        }
        assertEquals(List.of("pre-finetune Only-C lr 1.0E300"),
                runs.stream().filter(r -> r.startsWith("pre-finetune")).toList(), "trained once before the kill");

        // as the summary says: delete the marker, if the kill left one, to run the failed sweep again
        Files.deleteIfExists(grid.layout().failure(sweep));
        runs.clear();
        GridSummary again = grid.run();
        assertEquals(List.of("pre-finetune Only-C lr 1.0E300"),
                runs.stream().filter(r -> r.startsWith("pre-finetune")).toList(), "trained again, not read back");
        // it diverges again (the rate is infinite) and is marked this time, with its finetuning sweep
        assertEquals(2, again.failures().size(), String.join("\n", again.failures()));
        assertTrue(again.failures().get(0).startsWith(sweep + ": "), again.failures().get(0));
        assertTrue(Files.exists(grid.layout().failure(sweep)));
    }
}
