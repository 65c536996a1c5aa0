package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paper's protocol points of the grid, each checked against what the grid wrote itself: the
 * scored split, one learning rate per (setting, target) by the mean over seeds, a schedule that
 * does not depend on the epoch cap, and settings whose groups lack data.
 */
class GridProtocolTest {
    private static final List<Double> RATES = List.of(1e-3, 3e-2);

    /** Runs the baseline sweeps of the C target only (no pre-finetuning needed). */
    private static void runBaseline(Grid grid) throws Exception {
        try (GridSession s = grid.open()) {
            for (FinetuningSweep sweep : s.plan().finetuning()) {
                if (sweep.setting().isBaseline()) {
                    s.finish(sweep);
                }
            }
        }
    }

    private static JsonObject json(Path file) throws Exception {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    /** seed -> learning rate -> {validation, evaluation}, from a sweep's detail file. */
    private static Map<Long, Map<Double, double[]>> trials(JsonObject detail) {
        Map<Long, Map<Double, double[]>> out = new HashMap<>();
        for (JsonElement e : detail.getAsJsonArray("sweep")) {
            JsonObject t = e.getAsJsonObject();
            out.computeIfAbsent(t.get("seed").getAsLong(), k -> new HashMap<>()).put(t.get("learningRate").getAsDouble(),
                    new double[] {t.get("validation").getAsDouble(), t.get("evaluation").getAsDouble()});
        }
        return out;
    }

    @Test
    void oneLearningRatePerTargetByTheMeanOverSeedsOrOnePerSeedOnValidation(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        List<Task> c = List.of(f.targets.get(1));
        Grid perTarget = f.tiny(c, dir.resolve("target")).setGroups(List.of(TaskGroup.C)).optSeeds(List.of(1L, 2L, 3L))
                .optTargetLearningRates(RATES).build();
        runBaseline(perTarget);
        JsonObject detail = json(perTarget.layout().root().resolve("finetune/run-Baseline-c-target.json"));
        assertEquals("VALIDATION", detail.get("evaluationSplit").getAsString());
        Map<Long, Map<Double, double[]>> trials = trials(detail);
        // the rate of the highest mean validation score over the three seeds, computed here from the trials
        double best = RATES.stream().max((a, b) -> Double.compare(mean(trials, a), mean(trials, b))).orElseThrow();
        assertEquals(best, detail.get("learningRate").getAsDouble());
        List<RunRecord> runs = ResultLog.load(perTarget.layout().record("run-Baseline-c-target")).runs();
        assertEquals(3, runs.size());
        for (RunRecord r : runs) {
            double[] t = trials.get(r.seed()).get(best);
            assertEquals(t[0], t[1], "scored on validation: the reported score is the validation score");
            assertEquals(t[1], r.value());
            assertEquals(perTarget.protocol(), r.protocol());
        }
        assertTrue(perTarget.protocol().contains("scored on validation, one lr per target"), perTarget.protocol());

        Grid perSeed = perTarget.toBuilder().setOutput(dir.resolve("seed"))
                .optLearningRateSelection(LearningRateSelection.PER_SEED).build();
        runBaseline(perSeed);
        for (long seed = 1; seed <= 3; seed++) {
            String id = "run-Baseline-c-target-seed" + seed;
            Map<Double, double[]> mine = trials(json(perSeed.layout().root().resolve("finetune/" + id + ".json"))).get(seed);
            // the same trainings as under per-target selection (each seed's run does not depend on the others)
            for (double lr : RATES) {
                assertEquals(trials.get(seed).get(lr)[0], mine.get(lr)[0], "seed " + seed + " lr " + lr);
            }
            double own = RATES.stream().max((a, b) -> Double.compare(mine.get(a)[0], mine.get(b)[0])).orElseThrow();
            assertEquals(mine.get(own)[1], ResultLog.load(perSeed.layout().record(id)).runs().get(0).value());
        }
    }

    private static double mean(Map<Long, Map<Double, double[]>> trials, double lr) {
        return trials.values().stream().mapToDouble(m -> m.get(lr)[0]).average().orElseThrow();
    }

    @Test
    void scoresOnTestOnlyWhenAskedAndRefusesToMixSplitsInOneFolder(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        List<Task> c = List.of(f.targets.get(1));
        Grid validation = f.tiny(c, dir.resolve("v")).setGroups(List.of(TaskGroup.C)).build();
        Grid test = validation.toBuilder().setOutput(dir.resolve("t")).optReportSplit(Split.TEST).build();
        runBaseline(validation);
        runBaseline(test);
        double[] v = trials(json(dir.resolve("v/finetune/run-Baseline-c-target-seed1.json"))).get(1L).get(1e-3);
        JsonObject testDetail = json(dir.resolve("t/finetune/run-Baseline-c-target-seed1.json"));
        assertEquals("TEST", testDetail.get("evaluationSplit").getAsString());
        double[] t = trials(testDetail).get(1L).get(1e-3);
        assertEquals(v[0], t[0], "the same training, selected on validation");
        assertEquals(v[0], v[1]);
        assertEquals(t[1], ResultLog.load(test.layout().record("run-Baseline-c-target-seed1")).runs().get(0).value());
        assertTrue(test.protocol().startsWith("scored on test"), test.protocol());
        // a folder scored on test is not resumed as a validation run
        Grid mixed = test.toBuilder().optReportSplit(Split.VALIDATION).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, mixed::open);
        assertTrue(e.getMessage().contains("grid.reportSplit was test, now validation"), e.getMessage());
    }

    @Test
    void raisingTheEpochCapAboveTheStoppingEpochLeavesResultsUnchanged(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        List<Task> c = List.of(f.targets.get(1));
        // the rate decays to 0 after 2 epochs, so patience 1 stops every run by epoch 3
        Grid.Builder base = f.tiny(c, dir.resolve("a")).setGroups(List.of(TaskGroup.C)).optPatience(1)
                .optLearningRates(List.of(3e-3)).optScheduleEpochs(2, 2);
        Path low = dir.resolve("cap4");
        Path high = dir.resolve("cap9");
        base.setOutput(low).optMaxEpochs(4, 4).build().run();
        base.setOutput(high).optMaxEpochs(9, 9).build().run();
        int epochs = json(high.resolve("prefinetune/Only-C/result.json")).getAsJsonObject("history")
                .getAsJsonArray("epochs").size();
        assertTrue(epochs < 4, "stopped at epoch " + epochs + ", before the lower cap");
        assertEquals(ResultLog.load(low.resolve("results.jsonl")).runs(), ResultLog.load(high.resolve("results.jsonl")).runs());
        assertEquals(history(low), history(high));
        // each finetuning trial keeps its validation-loss curve and the epoch it scored: the curve's minimum
        List<Path> trials;
        try (var files = Files.walk(low.resolve("finetune"))) {
            trials = files.filter(p -> p.getFileName().toString().startsWith("lr-")).sorted().toList();
        }
        assertFalse(trials.isEmpty());
        for (Path trial : trials) {
            JsonObject o = json(trial);
            JsonArray losses = o.getAsJsonArray("validationLosses");
            assertTrue(losses.size() >= 2, trial + ": patience 1 needs an epoch without improvement");
            int lowest = 0;
            for (int e = 1; e < losses.size(); e++) {
                lowest = losses.get(e).getAsDouble() < losses.get(lowest).getAsDouble() ? e : lowest;
            }
            assertEquals(lowest, o.get("bestEpoch").getAsInt(), trial.toString());
        }
        // the check can fail: a schedule that decays to the cap moves with it
        Path lowTied = dir.resolve("tied4");
        Path highTied = dir.resolve("tied9");
        base.setOutput(lowTied).optMaxEpochs(4, 4).optScheduleEpochs(4, 4).build().run();
        base.setOutput(highTied).optMaxEpochs(9, 9).optScheduleEpochs(9, 9).build().run();
        assertNotEquals(history(lowTied), history(highTied));
    }

    /** The pre-finetuning history without its timings. */
    private static JsonObject history(Path out) throws Exception {
        JsonObject h = json(out.resolve("prefinetune/Only-C/result.json")).getAsJsonObject("history");
        h.getAsJsonArray("epochs").forEach(e -> e.getAsJsonObject().remove("trainSeconds"));
        return h;
    }

    /** Two groups without data are "groups [C, QA]", as one is "group [C]" (above): both said "group(s)". */
    @Test
    void twoGroupsWithoutDataAreNamedInThePlural(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Grid grid = f.tiny(f.targets, dir.resolve("out")).setPrefinetuningTasks(withoutData(f, TaskGroup.C, TaskGroup.QA))
                .setGroups(List.of(TaskGroup.SL, TaskGroup.C, TaskGroup.QA)).build();
        try (GridSession s = grid.open()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, s::plan);
            assertTrue(e.getMessage().startsWith("no pre-finetuning task of groups [C, QA] has data"), e.getMessage());
        }
    }

    @Test
    void aSettingWhoseGroupHasNoDataIsRefusedUnlessAllowedAndThenNamedForWhatItLacks(@TempDir Path dir)
            throws Exception {
        GridFixtures f = new GridFixtures(dir);
        // the pool's C task has no data: C has no pre-finetuning data
        Grid grid = f.tiny(f.targets, dir.resolve("out")).setPrefinetuningTasks(withoutData(f, TaskGroup.C)).build();
        try (GridSession s = grid.open()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, s::plan);
            assertTrue(e.getMessage().contains("group [C] has data") && e.getMessage().contains("--allow-partial"),
                    e.getMessage());
        }
        try (GridSession s = grid.toBuilder().setOutput(dir.resolve("partial")).optAllowPartial(true).build().open()) {
            GridPlan plan = s.plan();
            assertEquals(List.of("Baseline", "Only-SL", "SL+C (no C data)"), plan.settingNames());
            Setting partial = plan.settings().get(2);
            assertTrue(partial.isPartial());
            assertEquals("SL+C__no_C_data_", partial.fileName());
            assertEquals(List.of("sl-a", "sl-b"), plan.prefinetuningTasks(partial).stream().map(Task::name).toList());
        }
        assertThrows(IllegalArgumentException.class, () -> new Setting("SL+C (anything)", List.of(TaskGroup.SL, TaskGroup.C)));
    }

    /**
     * The fixture's SL tasks, and for each group given one task the data source does not hold: a
     * group named by the pool (a pool without it is refused at build) whose data is missing.
     */
    private static List<Task> withoutData(GridFixtures f, TaskGroup... groups) {
        List<Task> pool = new java.util.ArrayList<>(f.prefinetuning.stream().filter(t -> t.group() == TaskGroup.SL).toList());
        for (TaskGroup g : groups) {
            pool.add(g == TaskGroup.QA
                    ? InMemoryTasks.task("qa-absent", g, TaskFormat.QA, MetricType.SQUAD_F1, List.of())
                    : InMemoryTasks.task(g.name().toLowerCase(java.util.Locale.ROOT) + "-absent", g, TaskFormat.SINGLE_TEXT,
                            MetricType.ACCURACY, List.of("no", "yes")));
        }
        return pool;
    }

    @Test
    void aGridsWarmUpIsItsRatioOfEveryScheduledStep(@TempDir Path dir) throws Exception {
        // the runners ask for batches per epoch x schedule epochs: ceil(0.1 * 7 * 3) = ceil(2.1) = 3
        GridFixtures f = new GridFixtures(dir);
        try (GridSession s = f.tiny(f.targets, dir.resolve("out")).optWarmupRatio(0.1).build().open()) {
            assertEquals(3, s.warmupSteps(7, 3));
            assertEquals(0, s.warmupSteps(0, 3));
        }
    }

    @Test
    void warmUpStepsRoundUpAsHuggingFaceDoes() {
        // math.ceil(num_training_steps * warmup_ratio), values from CPython
        assertEquals(3, GridSession.warmupSteps(0.1, 21));     // 2.1
        assertEquals(8, GridSession.warmupSteps(0.07, 100));   // 7.000000000000001
        assertEquals(6, GridSession.warmupSteps(0.06, 100));
        assertEquals(0, GridSession.warmupSteps(0.0, 1000));
    }
}
