package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.pipeline.TaskDataSource;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.eval.report.Cell;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grid on the degenerate inputs real data sets produce: tiny tasks, empty splits, ties. A
 * sweep is marked "diverged at every learning rate" only when it did: other failures inside it keep
 * their own reason or stop the grid, rather than be recorded as a divergence never retried.
 */
class GridEdgeCasesTest {

    @Test
    void aTargetTooSmallToHoldOutAValidationSplitIsListedAsMissingNotScoredZero(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        // no validation split and 2 training examples: a 4:1 hold-out takes round(2 / 5) = 0 of them, so
        // nothing would select the learning rate or give a score
        Task tiny = InMemoryTasks.task("c-tiny", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY,
                List.of("no", "yes"));
        TaskData tinyData = InMemoryTasks.data(tiny, List.of(new TextExample("t0", "a x", null, "yes"),
                new TextExample("t1", "b c", null, "no")), List.of(), List.of());
        List<TaskData> all = new ArrayList<>(List.of(tinyData, f.data.load(f.targets.get(1))));
        for (Task t : f.prefinetuning) {
            all.add(f.data.load(t));
        }
        Path out = dir.resolve("out");
        GridSummary s = f.tiny(List.of(tiny, f.targets.get(1)), out).setData(TaskDataSource.inMemory(all))
                .setGroups(List.of(TaskGroup.C)).build().run();
        String why = String.join("; ", s.missingTasks().getOrDefault("c-tiny", List.of()));
        assertTrue(why.contains("too few to hold out"), "c-tiny: " + s.missingTasks());
        assertTrue(ResultLog.load(out.resolve("results.jsonl")).runs().stream().noneMatch(r -> r.target().equals("c-tiny")));
        Table t1 = s.report().table1();
        Table.Row row = t1.rows().stream().filter(r -> r.label().equals("c-tiny")).findFirst().orElseThrow();
        assertTrue(row.cells().stream().allMatch(Cell::isEmpty), row.toString());
        assertEquals(2, ResultLog.load(out.resolve("results.jsonl")).runs().size(), "c-target under Baseline and Only-C");
    }

    @Test
    void aPrefinetuningTaskWhoseEveryTrainingExampleIsSkippedIsLeftOutWithTheReason(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        // every training text holds an unpaired surrogate (a cut emoji), which the tokenizer rejects
        Task cut = InMemoryTasks.task("c-cut", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY, List.of("no", "yes"));
        List<TextExample> train = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            train.add(new TextExample("cut-" + i, "a \ud83d x", null, i % 2 == 0 ? "yes" : "no"));
        }
        TaskData cutData = InMemoryTasks.data(cut, train,
                List.of(new TextExample("v0", "a x", null, "yes"), new TextExample("v1", "b", null, "no")), List.of());
        List<TaskData> all = new ArrayList<>(List.of(cutData, f.data.load(f.targets.get(1))));
        List<Task> pool = new ArrayList<>(List.of(cut));
        for (Task t : f.prefinetuning) {
            all.add(f.data.load(t));
            pool.add(t);
        }
        Path out = dir.resolve("out");
        GridSummary s = f.tiny(List.of(f.targets.get(1)), out).setData(TaskDataSource.inMemory(all))
                .setPrefinetuningTasks(pool).setGroups(List.of(TaskGroup.C)).build().run();
        assertEquals(List.of(), s.failures());
        JsonObject result = JsonParser.parseString(Files.readString(out.resolve("prefinetune/Only-C/result.json")))
                .getAsJsonObject();
        assertEquals(1, result.getAsJsonArray("tasksLeftOut").size(), result.toString());
        String why = result.getAsJsonArray("tasksLeftOut").get(0).getAsString();
        assertTrue(why.startsWith("c-cut: ") && why.contains("all 6 training examples"), why);
        assertEquals(List.of("c-a", "c-b"), result.getAsJsonObject("history").getAsJsonArray("tasks").asList().stream()
                .map(e -> e.getAsString()).toList());
    }

    @Test
    void aTieBetweenTargetLearningRatesGoesToTheRateListedFirst(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        // rates this small change no float32 weight that matters: both give the same validation score
        for (List<Double> rates : List.of(List.of(2e-30, 1e-30), List.of(1e-30, 2e-30))) {
            Path out = dir.resolve("out-" + rates.get(0));
            Grid grid = f.tiny(List.of(f.targets.get(1)), out).setGroups(List.of(TaskGroup.C))
                    .optTargetLearningRates(rates).build();
            grid.run();
            JsonObject detail;
            try (GridSession session = grid.open()) {
                detail = JsonParser.parseString(Files.readString(grid.layout().finetuningDetail(
                        session.plan().finetuning().get(0)))).getAsJsonObject();
            }
            var sweep = detail.getAsJsonArray("sweep");
            assertEquals(sweep.get(0).getAsJsonObject().get("validation").getAsDouble(),
                    sweep.get(1).getAsJsonObject().get("validation").getAsDouble(), "a tie: " + sweep);
            assertEquals(rates.get(0), detail.get("learningRate").getAsDouble(), detail.toString());
            // the detail names what it chose for: the grid's setting, target, seeds, metric and rules
            Task target = f.targets.get(1);
            assertEquals("Baseline", detail.get("setting").getAsString());
            assertEquals(target.name(), detail.get("target").getAsString());
            assertEquals("[1]", detail.get("seeds").toString());
            assertEquals(target.metric().name(), detail.get("metric").getAsString());
            assertEquals("per-target", detail.get("learningRateSelection").getAsString());
            // "average validation set performance" by default (optReportSplit)
            assertEquals("VALIDATION", detail.get("evaluationSplit").getAsString());
        }
    }

    @Test
    void aTaskWhoseTrainingDataShowsOneLabelIsLeftOutWithTheReason(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        // the label sets learned from training data where every tag is O, and every text says yes
        Task allO = InMemoryTasks.task("sl-all-o", TaskGroup.SL, TaskFormat.TOKEN, MetricType.SPAN_F1, List.of("O"));
        Task oneClass = InMemoryTasks.task("c-one", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY, List.of("yes"));
        List<TokenExample> sentences = new ArrayList<>();
        List<TextExample> texts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sentences.add(new TokenExample("o" + i, List.of("a", "b", "c"), List.of("O", "O", "O")));
            texts.add(new TextExample("y" + i, "a x", null, "yes"));
        }
        List<TaskData> all = new ArrayList<>(List.of(InMemoryTasks.data(allO, sentences, sentences.subList(0, 3), List.of()),
                InMemoryTasks.data(oneClass, texts, texts.subList(0, 3), List.of()), f.data.load(f.targets.get(1))));
        List<Task> pool = new ArrayList<>(List.of(allO));
        for (Task t : f.prefinetuning) {
            all.add(f.data.load(t));
            pool.add(t);
        }
        Path out = dir.resolve("out");
        GridSummary s = f.tiny(List.of(oneClass, f.targets.get(1)), out).setData(TaskDataSource.inMemory(all))
                .setPrefinetuningTasks(pool).setGroups(List.of(TaskGroup.SL)).build().run();
        String target = String.join("; ", s.missingTasks().getOrDefault("c-one", List.of()));
        assertTrue(target.contains("c-one") && target.contains("at least 2"), "c-one: " + s.missingTasks());
        assertEquals(List.of(), s.failures());
        JsonObject result = JsonParser.parseString(Files.readString(out.resolve("prefinetune/Only-SL/result.json")))
                .getAsJsonObject();
        String left = result.getAsJsonArray("tasksLeftOut").get(0).getAsString();
        assertTrue(left.startsWith("sl-all-o: ") && left.contains("[O]") && left.contains("at least 2"), left);
        assertEquals(2, ResultLog.load(out.resolve("results.jsonl")).runs().size(), "c-target under Baseline and Only-SL");
    }

    @Test
    void aTargetWhoseEveryValidationExampleIsSkippedIsListedAsMissingNotScoredZero(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        // every validation text holds a cut emoji, which the tokenizer rejects: nothing would select the
        // learning rate or the epoch, and every validation example would count as wrong
        Task cut = InMemoryTasks.task("c-cut-dev", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY,
                List.of("no", "yes"));
        TaskData target = f.data.load(f.targets.get(1));
        List<TextExample> validation = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            validation.add(new TextExample("dev-" + i, "a \ud83d x", null, i % 2 == 0 ? "yes" : "no"));
        }
        TaskData cutData = InMemoryTasks.data(cut, target.split(io.github.prefine.core.task.Split.TRAIN), validation,
                List.of());
        List<TaskData> all = new ArrayList<>(List.of(cutData, target));
        for (Task t : f.prefinetuning) {
            all.add(f.data.load(t));
        }
        Path out = dir.resolve("out");
        GridSummary s = f.tiny(List.of(cut, f.targets.get(1)), out).setData(TaskDataSource.inMemory(all))
                .setGroups(List.of(TaskGroup.C)).build().run();
        assertEquals(List.of(), ResultLog.load(out.resolve("results.jsonl")).runs().stream()
                .filter(r -> r.target().equals("c-cut-dev")).toList());
        String why = String.join("; ", s.missingTasks().getOrDefault("c-cut-dev", List.of()));
        assertTrue(why.contains("all 4 validation examples"), "c-cut-dev: " + s.missingTasks());
    }

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

    @Test
    void aSweepThatStopsTheGridLeavesTheTablesHoldingEverySweepFinishedBeforeIt(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        Grid grid = f.tiny(List.of(f.targets.get(1)), out).build();
        PrefinetuningUnit last;
        try (GridSession session = grid.open()) {
            // the plan runs Only-SL, Only-C, then SL+C
            last = session.plan().prefinetuning().get(2).units().get(0);
        }
        Files.createDirectories(grid.layout().history(last).getParent());
        Files.writeString(grid.layout().history(last), "[]");
        assertThrows(IllegalStateException.class, grid::run);
        // ground truth: the records on disk; the README says the tables are rewritten after every finished run
        List<String> recorded;
        try (var s = Files.list(grid.layout().records())) {
            recorded = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("prefinetune-Only-C.jsonl", "prefinetune-Only-SL.jsonl"), recorded);
        assertEquals(2, ResultLog.load(out.resolve("results.jsonl")).costs().size(), Files.readString(out.resolve("results.jsonl")));
        String cost = Files.readString(out.resolve("cost.md"));
        assertTrue(cost.contains("Only-SL") && cost.contains("Only-C"), cost);
    }
}
