package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.predict.FinetunedModel;
import io.github.prefine.core.predict.LabelPrediction;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.predict.TagPrediction;
import io.github.prefine.core.task.GroupCombination;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exporting a grid's finetuned models (Grid.Builder.optExportModels) on the tiny fixtures, with the
 * real engine and tokenizer: the folders load with FinetunedModel and predict, the best model's
 * predictions on raw validation text score what the grid recorded for its (setting, seed), and a
 * restart after an interrupted export, or with another choice, leaves each folder whole and once.
 */
class GridExportTest {

    @Test
    void bestExportsEachTargetsTopSettingAndSeedWhosePredictionsScoreTheRecordedValidation(@TempDir Path dir)
            throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        f.tiny(f.targets, out).optSeeds(List.of(1L, 2L)).optExportModels(ModelExports.BEST).build().run();

        // ground truth: the grid's own records (scored on validation, the default), chosen by hand
        List<RunRecord> runs = ResultLog.load(out.resolve("results.jsonl")).runs();
        List<String> settings = List.of("Baseline", "Only-SL", "Only-C", "SL+C");
        for (Task target : f.targets) {
            String bestSetting = null;
            double bestMean = Double.NEGATIVE_INFINITY;
            for (String s : settings) {
                double mean = runs.stream().filter(r -> r.target().equals(target.name()) && r.setting().equals(s))
                        .mapToDouble(RunRecord::value).average().orElseThrow();
                if (mean > bestMean) {
                    bestMean = mean;
                    bestSetting = s;
                }
            }
            String setting = bestSetting;
            RunRecord best = null;
            for (long seed : List.of(1L, 2L)) {
                RunRecord r = runs.stream().filter(x -> x.target().equals(target.name()) && x.setting().equals(setting)
                        && x.seed() == seed).findFirst().orElseThrow();
                if (best == null || r.value() > best.value()) {
                    best = r;
                }
            }
            Path model = out.resolve("models").resolve(target.name()).resolve(setting + "-seed" + best.seed());
            assertEquals(List.of(model), list(out.resolve("models").resolve(target.name())),
                    "one folder per target, the best setting's best seed");
            JsonObject record = GridFixtures.json(model.resolve(GridExporter.RECORD));
            assertEquals(best.value(), record.get("validation").getAsDouble(), 1e-9);
            assertEquals(best.value(), record.get("reproducedValidation").getAsDouble(), 1e-9);

            TaskData data = f.examples.stream().filter(d -> d.task().equals(target)).findFirst().orElseThrow();
            try (NDManager m = NDManager.newBaseManager(); FinetunedModel loaded = FinetunedModel.load(model, m)) {
                if (target.name().equals("c-target")) {
                    // accuracy counted by hand from predictions on the raw validation texts
                    List<Example> validation = data.split(Split.VALIDATION);
                    List<String> texts = validation.stream().map(e -> ((TextExample) e).textA()).toList();
                    List<LabelPrediction> p = loaded.predictor(target.name()).classify(texts);
                    int right = 0;
                    for (int i = 0; i < p.size(); i++) {
                        right += p.get(i).label().equals(((TextExample) validation.get(i)).label()) ? 1 : 0;
                    }
                    assertEquals(best.value(), 100.0 * right / validation.size(), 1e-9,
                            "the exported model scores on validation what the grid recorded for " + setting
                                    + " seed " + best.seed());
                } else {
                    TokenExample e = (TokenExample) data.split(Split.VALIDATION).get(0);
                    List<TagPrediction> tags = loaded.predictor(target.name()).tag(List.of(e.tokens()));
                    assertEquals(e.tokens().size(), tags.get(0).tags().size());
                }
            }
        }
        // run.json lists the folders present, with their sizes
        JsonArray models = GridFixtures.json(out.resolve("run.json")).getAsJsonArray("models");
        assertEquals(2, models.size());
        for (JsonElement e : models) {
            JsonObject m = e.getAsJsonObject();
            assertEquals(GridExporter.size(out.resolve(m.get("path").getAsString())), m.get("bytes").getAsLong());
        }
    }

    /**
     * A validation split capped by maxEvalExamples (or held out of the training file) is not a file
     * the user can predict whole: predicted whole, it scores another number than the grid recorded,
     * without a word. The folder lists the ids the recorded score is over, and predicting those
     * examples' raw texts scores it (accuracy counted by hand).
     */
    @Test
    void theFolderListsTheValidationExamplesItsScoreIsOverWhereACapSampledThem(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        Task target = f.targets.stream().filter(t -> t.name().equals("c-target")).findFirst().orElseThrow();
        f.tiny(List.of(target), out).optFeatures(new FeatureSettings(48, 48, 8, 0, 5, 1L))
                .optExportModels(ModelExports.BEST).build().run();
        Path model = list(out.resolve("models").resolve(target.name())).get(0);
        JsonObject record = GridFixtures.json(model.resolve(GridExporter.RECORD));
        List<String> ids = Files.readAllLines(model.resolve(GridExporter.VALIDATION_IDS));
        assertEquals(5, ids.size(), "the cap's 5 of the 8 validation examples");
        assertEquals(5, record.get("validationExamples").getAsInt());
        Map<String, TextExample> byId = new LinkedHashMap<>();
        f.examples.stream().filter(d -> d.task().equals(target)).findFirst().orElseThrow().split(Split.VALIDATION)
                .forEach(e -> byId.put(e.id(), (TextExample) e));
        assertEquals(8, byId.size());
        List<TextExample> scored = ids.stream().map(id -> {
            assertTrue(byId.containsKey(id), id + " is not a validation example");
            return byId.get(id);
        }).toList();
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel loaded = FinetunedModel.load(model, m)) {
            List<LabelPrediction> p = loaded.predictor(target.name())
                    .classify(scored.stream().map(TextExample::textA).toList());
            int right = 0;
            for (int i = 0; i < p.size(); i++) {
                right += p.get(i).label().equals(scored.get(i).label()) ? 1 : 0;
            }
            assertEquals(record.get("validation").getAsDouble(), 100.0 * right / scored.size(), 1e-9);
        }
    }

    @Test
    void noneWritesNothingAndALaterRunExportsFromTheRecordsReplacingAnInterruptedExportOnce(@TempDir Path dir)
            throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        List<Task> target = List.of(f.targets.get(1));
        f.tiny(target, out).build().run();
        assertFalse(Files.exists(out.resolve("models")), "none, the default, writes no model");
        assertFalse(GridFixtures.json(out.resolve("run.json")).has("models"));
        Map<String, FileTime> records = new LinkedHashMap<>();
        for (Path p : recordFiles(out)) {
            records.put(out.relativize(p).toString(), Files.getLastModifiedTime(p));
        }

        // what a process killed while writing the export leaves: a partial folder, no complete one
        Path partial = out.resolve("models/c-target/Only-SL-seed1.partial");
        Path partialBaseline = out.resolve("models/c-target/Baseline-seed1.partial");
        for (Path p : List.of(partial, partialBaseline)) {
            Files.createDirectories(p.resolve("encoder"));
            Files.writeString(p.resolve("heads.safetensors"), "cut off");
        }
        GridSummary again = f.tiny(target, out).optExportModels(ModelExports.ALL).build().run();
        assertEquals(0, again.sweepsRun(), "the export option is not part of the fingerprint: the results are reused");
        for (Path p : recordFiles(out)) {
            assertEquals(records.get(out.relativize(p).toString()), Files.getLastModifiedTime(p), p + " rewritten");
        }
        List<Path> all = list(out.resolve("models/c-target"));
        assertEquals(List.of("Baseline-seed1", "Only-C-seed1", "Only-SL-seed1", "SL+C-seed1"),
                all.stream().map(p -> p.getFileName().toString()).toList(), "every setting, no partial folder left");
        for (Path p : all) {
            try (NDManager m = NDManager.newBaseManager(); FinetunedModel loaded = FinetunedModel.load(p, m)) {
                assertEquals(1, loaded.predictor("c-target").classify(List.of("a x b")).size());
            }
        }
        FileTime written = Files.getLastModifiedTime(all.get(0).resolve("heads.safetensors"));
        List<String> listed = new ArrayList<>();
        GridFixtures.json(out.resolve("run.json")).getAsJsonArray("models")
                .forEach(e -> listed.add(e.getAsJsonObject().get("path").getAsString()));
        assertEquals(all.stream().map(p -> out.relativize(p).toString()).toList(), listed);

        // best after all: the best is there already, nothing is written or deleted
        f.tiny(target, out).optExportModels(ModelExports.BEST).build().run();
        assertEquals(all, list(out.resolve("models/c-target")));
        assertEquals(written, Files.getLastModifiedTime(all.get(0).resolve("heads.safetensors")));
        assertEquals(4, GridFixtures.json(out.resolve("run.json")).getAsJsonArray("models").size());
    }

    @Test
    void eachModelIsFinetunedAtTheRateItsSweepChoseAndScoresWhatThatRunRecorded(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        // per-seed selection: each seed's sweep picks its own rate among two
        f.tiny(List.of(f.targets.get(1)), out).setGroups(List.of(TaskGroup.C)).optSeeds(List.of(1L, 2L))
                .optTargetLearningRates(List.of(3e-3, 1e-4)).optLearningRateSelection(LearningRateSelection.PER_SEED)
                .optExportModels(ModelExports.ALL).build().run();
        List<Path> all = list(out.resolve("models/c-target"));
        assertEquals(List.of("Baseline-seed1", "Baseline-seed2", "Only-C-seed1", "Only-C-seed2"),
                all.stream().map(p -> p.getFileName().toString()).toList());
        for (Path model : all) {
            JsonObject record = GridFixtures.json(model.resolve(GridExporter.RECORD));
            // ground truth: the sweep's own detail file, its chosen rate and that rate's trial
            JsonObject detail = GridFixtures.json(out.resolve("finetune").resolve("run-" + record.get("setting").getAsString()
                    + "-c-target-seed" + record.get("seed").getAsLong() + ".json"));
            double chosen = detail.get("learningRate").getAsDouble();
            assertEquals(chosen, record.get("learningRate").getAsDouble());
            JsonObject trial = GridFixtures.json(out.resolve("finetune").resolve("run-" + record.get("setting").getAsString()
                    + "-c-target-seed" + record.get("seed").getAsLong()).resolve(GridLayout.learningRateName(chosen) + ".json"));
            assertEquals(trial.get("validation").getAsDouble(), record.get("reproducedValidation").getAsDouble(), 1e-9,
                    model.toString());
        }
    }

    @Test
    void anExportOfLengthsBeyondTheEncodersPositionsIsRefusedWhenTheRunOpensBeforeAnyUnitTrains(@TempDir Path dir)
            throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        // rows of 128 tokens on the fixture's 64 positions: every fixture row is shorter, so the grid
        // featurizes and trains, but ModelExport refuses the folder (it would fail on longer inputs)
        Grid grid = f.tiny(List.of(f.targets.get(1)), out).optExportModels(ModelExports.BEST)
                .optFeatures(new FeatureSettings(128, 48, 8, 0, 0, 1L)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, grid::run);
        assertTrue(e.getMessage().contains("c-target") && e.getMessage().contains("128")
                && e.getMessage().contains("position table has only 64 rows"), e.getMessage());
        // the lengths that fit: maxLength brought to the 64 positions, the QA window of 48 and stride of 8 kept
        assertTrue(e.getMessage().endsWith("such as these settings' withLengths(64, 48, 8)"), e.getMessage());
        assertFalse(Files.exists(out.resolve("results.jsonl")), "refused before any unit, not after the sweeps");
    }

    @Test
    void anExportWithATokenizerThatIsNotTheEncodersIsRefusedWhenTheRunOpensBeforeAnyUnitTrains(@TempDir Path dir)
            throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        // the fixture's tokenizer pads with [PAD], its first special, id 0; the encoder now says 1 ([UNK])
        Path config = f.encoder.resolve("config.json");
        JsonObject c = GridFixtures.json(config);
        c.addProperty("pad_token_id", 1);
        Files.writeString(config, c.toString());
        Grid grid = f.tiny(List.of(f.targets.get(1)), out).optExportModels(ModelExports.BEST).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, grid::run);
        assertEquals("grid: the models optExportModels asks for could not be written after the"
                + " sweeps: model export: the tokenizer " + f.encoder.resolve("tokenizer.json") + " pads with id 0, but"
                + " the encoder's pad_token_id is 1: it is not the tokenizer the encoder was trained with; the grid"
                + " featurizes and exports with the encoder folder's tokenizer.json, so it and the folder's config.json"
                + " must agree", e.getMessage());
        assertFalse(Files.exists(out.resolve("results.jsonl")), "refused before any unit, not after the sweeps");
    }

    @Test
    void bestBreaksTiesByTableOrderOfSettingsThenSeedOrder() {
        Task t = InMemoryTasks.task("t", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY, List.of("no", "yes"));
        Setting base = Setting.baseline();
        Setting sl = Setting.of(GroupCombination.of(List.of(TaskGroup.SL)));
        List<GridExporter.Candidate> cs = List.of(
                new GridExporter.Candidate(base, t, 1, 1e-3, 50), new GridExporter.Candidate(base, t, 2, 1e-3, 70),
                new GridExporter.Candidate(sl, t, 1, 1e-3, 60), new GridExporter.Candidate(sl, t, 2, 1e-3, 60));
        // equal means (60): the baseline, first in table order; of it seed 2, the higher score
        assertEquals(List.of(cs.get(1)), GridExporter.chosen(ModelExports.BEST, Map.of(t, cs)));
        // equal seeds: the first in seed order
        assertEquals(List.of(cs.get(2)), GridExporter.chosen(ModelExports.BEST, Map.of(t, cs.subList(2, 4))));
        assertEquals(cs, GridExporter.chosen(ModelExports.ALL, Map.of(t, cs)));
    }

    @Test
    void aSweepDetailFileIsReadAtItsChosenRateAndADamagedOneIsRefusedNamingFileAndPath(@TempDir Path dir)
            throws Exception {
        Task t = InMemoryTasks.task("t", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY, List.of("no", "yes"));
        Setting base = Setting.baseline();
        Path file = dir.resolve("run-Baseline-t.json");
        String trials = "{\"seed\": 1, \"learningRate\": 0.001, \"validation\": 50.0},"
                + "{\"seed\": 2, \"learningRate\": 0.001, \"validation\": NaN},"
                + "{\"seed\": 1, \"learningRate\": 0.003, \"validation\": 80.0},"
                + "{\"seed\": 2, \"learningRate\": 0.003, \"validation\": 70.0}";
        Files.writeString(file, "{\"learningRate\": 0.003, \"sweep\": [" + trials + "]}");
        // the chosen rate's two seeds, by hand from the trials above
        assertEquals(List.of(new GridExporter.Candidate(base, t, 1, 0.003, 80.0),
                new GridExporter.Candidate(base, t, 2, 0.003, 70.0)), GridExporter.storedCandidates(file, base, t));
        // a byte changed into a word Java's parser takes for a number
        for (String[] damaged : new String[][] {
                {"{\"learningRate\": 0.003, \"sweep\": [{\"seed\": 1, \"learningRate\": 0.003, \"validation\": \"0.7f\"}]}",
                        "$.sweep[0].validation"},
                {"{\"learningRate\": \"0x1p3\", \"sweep\": []}", "$.learningRate"},
                {"{\"learningRate\": 0.003, \"sweep\": {}}", "$.sweep"},
                {"{\"learningRate\": 0.003, \"sweep\": [1]}", "$.sweep[0]"},
                {"{\"learningRate\": 0.003, \"sweep\": [{\"seed\": 1, \"validation\": 1}]}", "$.sweep[0].learningRate"}}) {
            Files.writeString(file, damaged[0]);
            IOException e = assertThrows(IOException.class,
                    () -> GridExporter.storedCandidates(file, base, t), damaged[0]);
            assertTrue(e.getMessage().startsWith(file + " " + damaged[1] + ": expected "), e.getMessage());
        }
    }

    private static List<Path> recordFiles(Path out) throws Exception {
        try (Stream<Path> s = Files.walk(out)) {
            return s.filter(Files::isRegularFile).filter(p -> p.toString().contains("/finetune/")
                    || p.toString().contains("/records/")).sorted().toList();
        }
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
