package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.pipeline.TaskDataSource;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.eval.metrics.MetricType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep is marked "diverged at every learning rate" only when it did: other failures inside a
 * sweep keep their own reason (a setting none of whose tasks can be featurized) or stop the grid
 * (a state the grid cannot read), rather than be recorded as a divergence that is never retried.
 */
class SweepFailureCauseTest {

    @Test
    void aSettingWithoutAFeaturizableTaskFailsForThatReasonNotAsDiverged(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        // a C task whose training split is empty: it has data, so the plan keeps it, but it cannot be featurized
        Task hollow = InMemoryTasks.task("c-hollow", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY,
                List.of("no", "yes"));
        TaskData hollowData = InMemoryTasks.data(hollow, List.of(),
                List.of(new TextExample("v0", "a x", null, "yes"), new TextExample("v1", "b c", null, "no")), List.of());
        TaskDataSource data = TaskDataSource.inMemory(List.of(hollowData, f.data.load(f.targets.get(1))));
        Path out = dir.resolve("out");
        GridSummary s = f.tiny(List.of(f.targets.get(1)), out).setData(data).setPrefinetuningTasks(List.of(hollow))
                .setGroups(List.of(TaskGroup.C)).build().run();
        String onlyC = s.failures().stream().filter(m -> m.startsWith("prefinetune-Only-C")).findFirst().orElseThrow();
        assertFalse(onlyC.contains("diverged"), onlyC);
        assertTrue(onlyC.contains("no training examples"), onlyC);
    }

    @Test
    void aPrefinetuningSweepThatDivergesAtEveryRateIsStillMarkedDiverged(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        // 1e300 is infinite in float32: every pre-finetuning run diverges; the baseline's target sweep still runs
        GridSummary s = f.tiny(List.of(f.targets.get(1)), dir.resolve("out")).setGroups(List.of(TaskGroup.C))
                .optLearningRates(List.of(1e300)).optTargetLearningRates(List.of(1e-3)).build().run();
        assertEquals(2, s.failures().size(), String.join("\n", s.failures()));
        assertTrue(s.failures().get(0).startsWith("prefinetune-Only-C: pre-finetuning diverged at every learning rate"),
                s.failures().get(0));
        assertTrue(s.failures().get(1).contains("its pre-finetuning failed"), s.failures().get(1));
    }

    @Test
    void anUnreadableHistoryStopsTheGridInsteadOfBeingRecordedAsDiverged(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        Grid grid = f.tiny(List.of(f.targets.get(1)), out).setGroups(List.of(TaskGroup.C)).build();
        PrefinetuningUnit unit;
        try (GridSession session = grid.open()) {
            unit = session.plan().prefinetuning().get(0).units().get(0);
        }
        // a history left in a shape the grid does not write (an array): a bad state, not a divergence
        Files.createDirectories(grid.layout().history(unit).getParent());
        Files.writeString(grid.layout().history(unit), "[]");
        IllegalStateException e = assertThrows(IllegalStateException.class, grid::run);
        assertFalse(e.getMessage().contains("diverged"), e.getMessage());
        assertTrue(e.getMessage().startsWith(grid.layout().history(unit) + ": "), e.getMessage());
        assertFalse(Files.exists(grid.layout().failure("prefinetune-Only-C")), "not marked as failed");
        assertEquals("[]", Files.readString(grid.layout().history(unit)));
    }
}
