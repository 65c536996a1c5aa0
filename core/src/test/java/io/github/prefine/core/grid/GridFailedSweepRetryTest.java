package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed sweep's marker is what stands between it and another try: the summary says to delete
 * {@code records/*.failed} to run failed sweeps again. Deleting it must run the sweep again, not
 * read back the diverged runs it was judged on and fail the same way without training; and a
 * finetuning sweep marked failed because its setting's pre-finetuning had failed must run once
 * that pre-finetuning is recorded, not stay failed for a reason that no longer holds.
 */
class GridFailedSweepRetryTest {
    /** The labels of the training runs a grid started, in order (one progress listener per run). */
    private static Grid.Builder counted(Grid.Builder b, List<String> runs) {
        return b.optProgress(label -> {
            runs.add(label);
            return new TrainingListener() { };
        });
    }

    /**
     * A one-target grid over C (target {@value #TARGET}) at the given rates, whose training runs
     * are added to {@code runs}; 1e300 is infinite in float32, so every run at it diverges.
     */
    private static Grid grid(Path dir, double rate, double targetRate, List<String> runs) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Task target = f.targets.get(1);
        assertEquals(TARGET, target.name());
        return counted(f.tiny(List.of(target), dir.resolve("out")).setGroups(List.of(TaskGroup.C))
                .optLearningRates(List.of(rate)).optTargetLearningRates(List.of(targetRate)), runs).build();
    }

    /** The fixtures' C target. */
    private static final String TARGET = "c-target";

    @Test
    void aDivergedSweepWhoseMarkerIsDeletedTrainsAgain(@TempDir Path dir) throws Exception {
        List<String> runs = new ArrayList<>();
        // Only-C's one pre-finetuning run diverges, and its finetuning fails with it
        Grid grid = grid(dir, 1e300, 1e-3, runs);
        GridSummary first = grid.run();
        assertEquals(2, first.failures().size(), String.join("\n", first.failures()));
        assertEquals(1, runs.stream().filter(r -> r.startsWith("pre-finetune Only-C")).count(), runs.toString());

        // as the summary says: delete the markers to run the failed sweeps again
        Files.delete(grid.layout().failure("prefinetune-Only-C"));
        Files.delete(grid.layout().failure("run-Only-C-" + TARGET + "-seed1"));
        runs.clear();
        GridSummary again = grid.run();
        assertEquals(List.of("pre-finetune Only-C lr 1.0E300"), runs.stream().filter(r -> r.startsWith("pre-finetune"))
                .toList(), "the diverged run is trained again, not read back");
        // it diverges again (the rate is infinite), and is marked again
        assertEquals(first.failures(), again.failures());
        assertTrue(Files.exists(grid.layout().failure("prefinetune-Only-C")));
    }

    @Test
    void aDivergedFinetuningSweepWhoseMarkerIsDeletedTrainsAgain(@TempDir Path dir) throws Exception {
        List<String> runs = new ArrayList<>();
        // Only-C pre-finetunes; every finetuning run diverges at the infinite target rate
        Grid grid = grid(dir, 1e-3, 1e300, runs);
        String baseline = "run-Baseline-" + TARGET + "-seed1";
        GridSummary first = grid.run();
        assertEquals(2, first.failures().size(), String.join("\n", first.failures()));
        assertTrue(first.failures().get(0).startsWith(baseline + ": finetuning diverged at every learning rate"),
                first.failures().get(0));

        Files.delete(grid.layout().failure(baseline));
        runs.clear();
        GridSummary again = grid.run();
        assertEquals(List.of("Baseline → " + TARGET + " seed 1 lr 1.0E300"), runs, "trained again, not read back");
        assertEquals(first.failures(), again.failures());
    }

    @Test
    void aSweepMarkedFailedForItsSettingRunsOnceThatSettingIsPrefinetuned(@TempDir Path dir) throws Exception {
        Grid grid = grid(dir, 1e-3, 1e-3, new ArrayList<>());
        grid.run();
        String sweep = "run-Only-C-" + TARGET + "-seed1";
        String record = Files.readString(grid.layout().record(sweep));
        // what an earlier try left, whose pre-finetuning failed and was run again after its marker was deleted
        Files.delete(grid.layout().record(sweep));
        Files.writeString(grid.layout().failure(sweep), "setting Only-C has no encoder: its pre-finetuning failed\n");

        GridSummary s = grid.run();
        assertEquals(List.of(), s.failures());
        assertEquals(1, s.sweepsRun());
        assertEquals(record, Files.readString(grid.layout().record(sweep)));
        assertFalse(Files.exists(grid.layout().failure(sweep)), "the stale marker is gone");
    }
}
