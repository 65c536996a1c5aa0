package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.train.Precision;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.ResultSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grid end to end on a tiny synthetic input: plan, outputs, restart, locks, missing data. */
class GridTest {

    @Test
    void plansBaselineThenEveryCombinationWithOneSweepPerSettingTargetAndSeed(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Grid grid = f.tiny(f.targets, dir.resolve("out")).optSeeds(List.of(1L, 2L)).optLearningRates(List.of(1e-3, 3e-4))
                .optTargetLearningRates(List.of(3e-3)).build();
        try (GridSession s = grid.open()) {
            GridPlan plan = s.plan();
            assertEquals(List.of("Baseline", "Only-SL", "Only-C", "SL+C"), plan.settingNames());
            assertEquals(List.of("sl-a", "sl-b", "c-a", "c-b"),
                    plan.prefinetuningTasks(plan.settings().get(3)).stream().map(Task::name).toList());
            // 3 pre-finetuning sweeps of 2 rates; 4 settings x 2 targets finetuning sweeps of 2 seeds x 1 rate
            // (one learning rate per (setting, target), the default)
            assertEquals(3 + 8, plan.sweeps().size());
            assertEquals(3 * 2 + 16, plan.units().size());
            assertEquals("prefinetune-SL+C", plan.prefinetuning().get(2).id());
            assertEquals(List.of("prefinetune-Only-SL-lr-1e-03", "prefinetune-Only-SL-lr-3e-04"),
                    plan.prefinetuning().get(0).units().stream().map(GridUnit::id).toList());
            FinetuningSweep first = plan.finetuning().get(0);
            assertEquals("run-Baseline-sl-target", first.id());
            assertEquals(List.of("run-Baseline-sl-target-seed1-lr-3e-03", "run-Baseline-sl-target-seed2-lr-3e-03"),
                    first.units().stream().map(GridUnit::id).toList());
            assertEquals(dir.resolve("out").resolve("finetune").resolve("run-Baseline-sl-target-seed1").resolve("lr-3e-03.json"),
                    grid.layout().finetuningTrial(first.units().get(0)));
            assertTrue(s.isReady(first));
            assertFalse(s.isReady(plan.finetuning().get(2)), "Only-SL is not pre-finetuned yet");
            assertThrows(IllegalStateException.class, () -> s.finish(plan.finetuning().get(2)));
        }
        // one rate per seed: one sweep per (setting, target, seed)
        try (GridSession s = grid.toBuilder().setOutput(dir.resolve("per-seed")).optLearningRateSelection(LearningRateSelection.PER_SEED)
                .build().open()) {
            GridPlan plan = s.plan();
            assertEquals(3 + 16, plan.sweeps().size());
            assertEquals("run-Baseline-sl-target-seed1", plan.finetuning().get(0).id());
            assertEquals("run-Baseline-sl-target-seed2", plan.finetuning().get(1).id());
        }
    }

    @Test
    void rejectsRepeatedSeedsGroupsAndTargetsAndANonPositivePoll(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        // a repeated seed names the same unit folder: nothing new would run, but each sweep wrote
        // one run record per listed seed, so the tables would average the same run twice
        IllegalArgumentException seeds = assertThrows(IllegalArgumentException.class,
                () -> f.tiny(f.targets, dir).optSeeds(List.of(1L, 2L, 1L)).build());
        assertEquals("grid: seeds must be distinct, found 1 twice in [1, 2, 1]", seeds.getMessage());
        List<Task> twice = List.of(f.targets.get(0), f.targets.get(0));
        IllegalArgumentException targets = assertThrows(IllegalArgumentException.class,
                () -> f.tiny(twice, dir).build());
        assertTrue(targets.getMessage().startsWith("grid: targets must be distinct, found " + f.targets.get(0).name()),
                targets.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> f.tiny(f.targets, dir).setGroups(List.of(TaskGroup.SL, TaskGroup.SL)).build());
        // the wait between two tries at a unit another process holds: Thread.sleep refused -1 only
        // once such a unit came up, and 0 polled without pause
        for (long poll : new long[] {0, -1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> f.tiny(f.targets, dir).optPollMillis(poll).build());
            assertEquals("grid: pollMillis must be positive, found " + poll, e.getMessage());
        }
    }

    @Test
    void rejectsATargetThatIsAlsoPrefinetunedOn(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        // the paper's targets are unseen: a target among the chosen groups' pre-finetuning tasks
        // would be trained on (and early-stopped on its validation loss) before it is scored
        Task prefinetuned = f.prefinetuning.stream().filter(t -> t.name().equals("c-a")).findFirst().orElseThrow();
        List<Task> targets = List.of(f.targets.get(0), prefinetuned);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.tiny(targets, dir).build());
        assertEquals("grid: target c-a is also a pre-finetuning task of group C, so every setting with C would train "
                + "on it before scoring it; targets must be unseen: leave it out of setTargets or of "
                + "setPrefinetuningTasks", e.getMessage());
        // a pool task of a group that is not chosen is never pre-finetuned on: no leak
        f.tiny(targets, dir).setGroups(List.of(TaskGroup.SL)).build();
    }

    @Test
    void rejectsQaWindowsTooShortOnlyForAGridThatFeaturizesQa(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        // an encoder of 6 positions: rows and windows of 6; the grid's QA task would be featurized
        // at its first sweep and left out then, so the grid refuses it when built
        FeatureSettings six = new FeatureSettings(6, 6, 2, 0, 0, 1L);
        f.tiny(f.targets, dir).optFeatures(six).build();
        List<Task> pool = new ArrayList<>(f.prefinetuning);
        pool.add(InMemoryTasks.task("qa-a", TaskGroup.QA, TaskFormat.QA, MetricType.SQUAD_F1, List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.tiny(f.targets, dir)
                .setPrefinetuningTasks(pool).setGroups(List.of(TaskGroup.SL, TaskGroup.QA)).optFeatures(six).build());
        assertEquals("grid: QA task qa-a: windows of 6 tokens are too short; a window holds the question, a part of"
                + " the context and 3 or 4 special tokens, so at least 8 are required (optFeatures)", e.getMessage());
        // a QA task of a group not chosen is never featurized
        f.tiny(f.targets, dir).setPrefinetuningTasks(pool).optFeatures(six).build();
    }

    @Test
    void rejectsLearningRatesThatShareAFolderName(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.tiny(f.targets, dir).optLearningRates(List.of(1e-3, 1.2e-3)).build());
        assertTrue(e.getMessage().contains("lr-1e-03"), e.getMessage());
    }

    @Test
    void runsTheGridWritesReportsAndSkipsFinishedUnitsOnRestart(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        // another "process" holds one finetuning sweep for a while: it is skipped, then picked up
        Path held = out.resolve("locks").resolve("run-Baseline-sl-target-seed1.lock");
        Optional<UnitLock> lock = UnitLock.tryAcquire(held);
        assertTrue(lock.isPresent());
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(1500);
                lock.get().close();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        release.start();
        GridSummary first = f.tiny(f.targets, out).build().run();
        release.join();
        // 3 settings (Only-SL, Only-C, SL+C) + 4 settings x 2 targets x 1 seed
        assertEquals(3 + 8, first.sweepsRun());
        assertEquals(List.of("Baseline", "Only-SL", "Only-C", "SL+C"), first.settings());
        ResultSet rs = ResultLog.load(out.resolve("results.jsonl"));
        assertEquals(8, rs.runs().size());
        assertEquals(3, rs.costs().size());
        for (String file : List.of("table1.md", "table1.csv", "table2.json", "cost.md", "table2.png", "curves-SL+C.png",
                "prefinetune/SL+C/result.json", "prefinetune/SL+C/lr-1e-03/encoder/config.json",
                "finetune/run-SL+C-c-target-seed1.json")) {
            assertTrue(Files.exists(out.resolve(file)), file);
        }
        assertFalse(Files.exists(out.resolve("prefinetune/SL+C/lr-1e-03/checkpoints")), "resume state is cleaned");
        for (var row : first.report().table1().rows().subList(0, 2)) {
            row.cells().forEach(c -> assertTrue(!c.isEmpty() && c.value() >= 0 && c.value() <= 100, row.label()));
        }
        // fp32 has no loss scaler: no run records a count
        assertEquals(SkippedSteps.NONE, first.skippedSteps());
        String before = Files.readString(out.resolve("results.jsonl"));
        GridSummary second = f.tiny(f.targets, out).build().run();
        assertEquals(0, second.sweepsRun());
        assertEquals(11, second.sweepsSkipped());
        assertEquals(before, Files.readString(out.resolve("results.jsonl")));
    }

    @Test
    void fp16MixedRunsRecordTheirSkippedStepsAndTheSummarySumsThem(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        GridSummary s = f.tiny(f.targets, out).optPrecision(Precision.FP16_MIXED).build().run();
        // 3 pre-finetuning runs (one rate each) and 8 finetuning runs, every one with a count
        assertEquals(11, new GridLayout(out).trainingRunRecords().size());
        assertEquals(11, s.skippedSteps().runs());
        long total = 0;
        for (Path record : new GridLayout(out).trainingRunRecords()) {
            var count = com.google.gson.JsonParser.parseString(Files.readString(record)).getAsJsonObject()
                    .get("skippedSteps");
            assertTrue(count != null, record.toString());
            total += count.getAsLong();
        }
        assertEquals(total, s.skippedSteps().total());
        assertTrue(s.skippedSteps().summaryLine().orElseThrow().startsWith("fp16-mixed: " + total + " steps skipped"));
    }

    @Test
    void aSweepThatDivergesAtEveryRateFailsAloneAndTheGridGoesOnWithoutRetryingIt(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        // a target learning rate of 1e300 (infinite in float32) diverges in every run; pre-finetuning is unaffected
        GridSummary first = f.tiny(f.targets, out).optTargetLearningRates(List.of(1e300)).build().run();
        assertEquals(8, first.failures().size(), String.join("\n", first.failures()));
        assertTrue(first.failures().get(0).contains("diverged at every learning rate"), first.failures().get(0));
        assertEquals(3, ResultLog.load(out.resolve("results.jsonl")).costs().size(), "pre-finetuning still ran");
        assertEquals(0, ResultLog.load(out.resolve("results.jsonl")).runs().size());
        GridSummary second = f.tiny(f.targets, out).optTargetLearningRates(List.of(1e300)).build().run();
        assertEquals(0, second.sweepsRun(), "a failed sweep is not run again");
        assertEquals(8, second.failures().size());
    }

    /*
     * Each unit loads an encoder, makes fresh heads and optimiser state in a sub-manager of the
     * session's: whatever stays attached there grows with every unit of a days-long grid.
     */
    @Test
    void unitsLeaveNoArraysInTheSessionsManager(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Grid grid = f.tiny(f.targets, dir.resolve("out")).setGroups(List.of(TaskGroup.C)).optSeeds(List.of(1L, 2L))
                .optLearningRates(List.of(1e-3, 3e-4)).optTargetLearningRates(List.of(1e-3, 3e-4)).build();
        int units = 0;
        try (GridSession s = grid.open()) {
            for (GridSweep sweep : s.plan().sweeps()) {
                for (GridUnit u : sweep.units()) {
                    s.run(u);
                    units++;
                    assertEquals(0, s.root().getManagedArrays().size(), "arrays left after unit " + u.id());
                }
                s.finish(sweep);
            }
        }
        // Only-C at two rates; Baseline and Only-C on both targets, two seeds, two rates
        assertEquals(2 + 2 * 2 * 2 * 2, units);
    }

    @Test
    void aGridStoppedAfterSomeUnitsResumesThemAndEndsAsAnUninterruptedRun(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        List<Task> targets = List.of(f.targets.get(1)); // the C target
        Path cut = dir.resolve("cut");
        Grid grid = f.tiny(targets, cut).setGroups(List.of(TaskGroup.C)).build();
        // a process that is killed after one unit of each kind, before finishing any sweep
        Path trial;
        FileTime written;
        try (GridSession s = grid.open()) {
            GridPlan plan = s.plan();
            PrefinetuningResult p = s.run(plan.prefinetuning().get(0).units().get(0));
            FinetuningUnit u = plan.finetuning().get(0).units().get(0);
            FinetuningResult r = s.run(u);
            assertTrue(r.validation() >= 0 && r.validation() <= 100 && r.evaluation() >= 0 && r.evaluation() <= 100);
            assertTrue(Double.isFinite(p.bestAverageValidationLoss()));
            trial = grid.layout().finetuningTrial(u);
            written = Files.getLastModifiedTime(trial);
            // running a finished unit again reads its outcome back
            assertEquals(r, s.run((GridUnit) u));
            assertEquals(p, s.run(plan.prefinetuning().get(0).units().get(0)));
            assertFalse(s.isDone(plan.finetuning().get(0)));
        }
        GridSummary resumed = grid.run();
        assertEquals(1 + 2, resumed.sweepsRun()); // Only-C, then Baseline and Only-C on the target
        assertEquals(written, Files.getLastModifiedTime(trial), "the finished unit is not run again");
        Path whole = dir.resolve("whole");
        grid.toBuilder().setOutput(whole).build().run();
        // the scores, not the timings of the cost records
        assertEquals(ResultLog.load(whole.resolve("results.jsonl")).runs(), ResultLog.load(cut.resolve("results.jsonl")).runs());
        assertEquals(Files.readString(whole.resolve("table1.md")), Files.readString(cut.resolve("table1.md")));
    }

    @Test
    void listsTasksWithoutDataAndRefusesThemWhenStrict(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Task ghost = InMemoryTasks.task("ghost", TaskGroup.SL, TaskFormat.TOKEN, MetricType.SPAN_F1, List.of("O", "B-X", "I-X"));
        List<Task> targets = new ArrayList<>(List.of(ghost, f.targets.get(1)));
        // "refuses to run when any task's data is missing": one missing target is enough, though another has its data
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> f.tiny(targets, dir.resolve("strict")).optStrict(true).build().run());
        assertTrue(e.getMessage().startsWith("strict: data missing for [ghost]"), e.getMessage());
        // and runs when nothing is missing
        try (GridSession s = f.tiny(List.of(f.targets.get(1)), dir.resolve("strict-ok")).setGroups(List.of(TaskGroup.C))
                .optStrict(true).build().open()) {
            assertEquals(Map.of(), s.plan().missingTasks());
        }
        GridSummary s = f.tiny(targets, dir.resolve("lenient")).setGroups(List.of(TaskGroup.C)).build().run();
        assertEquals(List.of("ghost"), List.copyOf(s.missingTasks().keySet()));
        assertEquals(1 + 2, s.sweepsRun()); // Only-C, then Baseline and Only-C on the one target
    }
}
