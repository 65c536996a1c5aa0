package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
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

    /** Runs the grid without a break into {@code dir/whole}, what a cut run must end as. */
    private static Path uninterrupted(GridFixtures f, Path dir) throws IOException {
        Path whole = dir.resolve("whole");
        cOnly(f, whole).build().run();
        return whole;
    }

    @Test
    void tasksReadByAProcessKilledBeforeItsNextReportStillReachTheDataReport(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path whole = uninterrupted(f, dir);

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

    @Test
    void aPrefinetuningKilledAfterItsHistoryLeavesNoCheckpointsBehind(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        Path kept = dir.resolve("kept-checkpoints");
        TrainingListener copier = checkpointCopier(kept);
        Grid grid = cOnly(f, out).optProgress(label -> copier).build();
        PrefinetuningUnit unit;
        try (GridSession s = grid.open()) {
            unit = s.plan().prefinetuning().get(0).units().get(0);
            s.run(unit);
        }
        Path checkpoints = grid.layout().checkpoints(unit);
        Path history = grid.layout().history(unit);
        assertFalse(Files.exists(checkpoints));
        assertTrue(Files.exists(kept.resolve("LATEST")), "the final checkpoint was copied");
        // killed after writing the history, before deleting the checkpoints
        copyTree(kept, checkpoints);
        FileTime written = Files.getLastModifiedTime(history);

        grid.run();
        assertEquals(written, Files.getLastModifiedTime(history), "the finished unit is not run again");
        assertFalse(Files.exists(checkpoints), "the finished unit's resume state is deleted on the next run");
    }

    @Test
    void unitsKilledWhileWritingLeaveNoTempFileOnceRunAgain(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path whole = uninterrupted(f, dir);

        Path out = dir.resolve("out");
        Path kept = dir.resolve("kept-checkpoints");
        TrainingListener copier = checkpointCopier(kept);
        Grid grid = cOnly(f, out).optProgress(label -> copier).build();
        PrefinetuningUnit unit;
        Path trial;
        try (GridSession s = grid.open()) {
            unit = s.plan().prefinetuning().get(0).units().get(0);
            trial = grid.layout().finetuningTrial(s.plan().finetuning().get(0).units().get(0));
            s.run(unit);
        }
        // and a finetuning run killed while it wrote its scores, earlier (another process's, say)
        Files.createDirectories(trial.getParent());
        Files.writeString(trial.resolveSibling("." + trial.getFileName() + ".q8x3u1.tmp"), "{\"validation\":");
        // killed after the final checkpoint, while the encoder was saved (config.json comes last)
        // and before the history: the writer's temp files stay where it was writing
        Path lrDir = grid.layout().learningRateDir(unit);
        Path encoder = lrDir.resolve("encoder");
        copyTree(kept, grid.layout().checkpoints(unit));
        Files.delete(grid.layout().history(unit));
        Files.delete(encoder.resolve("config.json"));
        Files.delete(encoder.resolve(RunManifest.ENCODER_FILE));
        Files.writeString(encoder.resolve(".config.json.2n5zwodx031zs.tmp"), "{\"model_type\":");
        Files.writeString(lrDir.resolve(".train-loss.json.ynejylsbquzt.tmp"), "[0.9,");

        grid.run();
        try (Stream<Path> s = Files.walk(out)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(),
                    "the rerun of each unit deletes what its killed writer left");
        }
        Path wholeEncoder = whole.resolve(out.relativize(encoder).toString());
        for (String file : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            assertEquals(-1, Files.mismatch(wholeEncoder.resolve(file), encoder.resolve(file)), file);
        }
    }

    /**
     * Copies the checkpoint folder to {@code kept} as it stands after each checkpoint, so after the
     * final one, which the runner deletes once the unit's history is written.
     */
    private static TrainingListener checkpointCopier(Path kept) {
        return new TrainingListener() {
            @Override
            public void onCheckpoint(Path ckpt, int epochsDone) {
                try {
                    AtomicFiles.deleteTree(kept);
                    copyTree(ckpt.getParent(), kept);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
