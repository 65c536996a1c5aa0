package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.task.TaskGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The written tables against the per-run records they are built from, recomputed here by hand from
 * {@code results.jsonl}'s lines: Table 1's mean and sample std per cell, Table 2's means of those.
 */
class GridTablesFromRecordsTest {

    @Test
    void tablesAgreeWithTheRecordsAndTable1NamesACellWithFewerSeeds(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        Grid grid = f.tiny(f.targets, out).setGroups(List.of(TaskGroup.C)).optSeeds(List.of(1L, 2L, 3L))
                .optLearningRates(List.of(1e-3, 3e-4)).optTargetLearningRates(List.of(1e-3, 3e-3))
                .optLearningRateSelection(LearningRateSelection.PER_SEED).build();
        // one seed of one cell failed (every rate diverged, say): that cell has 2 seeds, the others 3
        Files.createDirectories(grid.layout().records());
        Files.writeString(grid.layout().failure("run-Only-C-c-target-seed3"), "diverged at every learning rate\n");
        grid.run();

        Map<String, List<Double>> byCell = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out.resolve("results.jsonl"))) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            if (o.has("target")) {
                byCell.computeIfAbsent(o.get("target").getAsString() + "|" + o.get("setting").getAsString(),
                        k -> new ArrayList<>()).add(o.get("value").getAsDouble());
            }
        }
        assertEquals(2, byCell.get("c-target|Only-C").size(), byCell.toString());
        assertEquals(3, byCell.get("c-target|Baseline").size(), byCell.toString());

        JsonObject t1 = json(out.resolve("table1.json"));
        JsonObject t2 = json(out.resolve("table2.json"));
        List<String> columns = new ArrayList<>();
        t1.getAsJsonArray("columns").forEach(c -> columns.add(c.getAsString()));
        assertEquals(List.of("Baseline", "Only-C"), columns);
        Map<String, double[]> means = new LinkedHashMap<>();
        for (String target : List.of("sl-target", "c-target")) {
            JsonArray cells = row(t1, target);
            double[] m = new double[columns.size()];
            for (int c = 0; c < columns.size(); c++) {
                List<Double> v = byCell.get(target + "|" + columns.get(c));
                double mean = v.stream().mapToDouble(Double::doubleValue).sum() / v.size();
                double ss = 0;
                for (double x : v) {
                    ss += (x - mean) * (x - mean);
                }
                JsonObject cell = cells.get(c).getAsJsonObject();
                assertEquals(mean, cell.get("value").getAsDouble(), 1e-9, target + " " + columns.get(c));
                assertEquals(Math.sqrt(ss / (v.size() - 1)), cell.get("std").getAsDouble(), 1e-9, target + " " + columns.get(c));
                m[c] = mean;
            }
            means.put(target, m);
        }
        for (int c = 0; c < columns.size(); c++) {
            assertEquals(means.get("sl-target")[c], value(row(t2, "SL"), c), 1e-9, "SL " + columns.get(c));
            assertEquals(means.get("c-target")[c], value(row(t2, "C"), c), 1e-9, "C " + columns.get(c));
            double avg = (means.get("sl-target")[c] + means.get("c-target")[c]) / 2;
            assertEquals(avg, value(row(t1, "Average"), c), 1e-9, "Table 1 Average " + columns.get(c));
            assertEquals(avg, value(row(t2, "Average"), c), 1e-9, "Table 2 Average " + columns.get(c));
        }
        // each rate chosen on the documented quantity: pre-finetuning the lowest average validation
        // loss (the mean over tasks at the run's best epoch), a target the highest validation score
        JsonObject setting = json(out.resolve("prefinetune/Only-C/result.json"));
        double lowest = Double.POSITIVE_INFINITY;
        double lowestRate = Double.NaN;
        for (JsonElement e : setting.getAsJsonArray("sweep")) {
            double loss = e.getAsJsonObject().get("bestAverageValidationLoss").getAsDouble();
            if (loss < lowest) {
                lowest = loss;
                lowestRate = e.getAsJsonObject().get("learningRate").getAsDouble();
            }
        }
        assertEquals(lowestRate, setting.get("learningRate").getAsDouble());
        double best = Double.POSITIVE_INFINITY;
        for (JsonElement e : setting.getAsJsonObject("history").getAsJsonArray("epochs")) {
            JsonObject epoch = e.getAsJsonObject();
            double sum = 0;
            for (JsonElement l : epoch.getAsJsonArray("validationLosses")) {
                sum += l.getAsDouble();
            }
            assertEquals(sum / epoch.getAsJsonArray("validationLosses").size(), epoch.get("averageValidationLoss").getAsDouble(), 1e-6);
            best = Math.min(best, epoch.get("averageValidationLoss").getAsDouble());
        }
        assertEquals(best, lowest, 1e-12);
        int details = 0;
        for (String target : List.of("sl-target", "c-target")) {
            for (String s : columns) {
                for (long seed = 1; seed <= 3; seed++) {
                    Path file = out.resolve("finetune/run-" + s + "-" + target + "-seed" + seed + ".json");
                    if (!Files.exists(file)) {
                        continue;
                    }
                    details++;
                    JsonObject d = json(file);
                    double top = Double.NEGATIVE_INFINITY;
                    double topRate = Double.NaN;
                    double topScore = Double.NaN;
                    for (JsonElement e : d.getAsJsonArray("sweep")) {
                        JsonObject g = e.getAsJsonObject();
                        if (g.get("validation").getAsDouble() > top) {
                            top = g.get("validation").getAsDouble();
                            topRate = g.get("learningRate").getAsDouble();
                            topScore = g.get("evaluation").getAsDouble();
                        }
                    }
                    assertEquals(topRate, d.get("learningRate").getAsDouble(), file.toString());
                    assertTrue(byCell.get(target + "|" + s).contains(topScore), file + ": " + topScore);
                }
            }
        }
        assertEquals(11, details, "2 targets x 2 settings x 3 seeds, less the failed one");
        // the cost table: the winning rate's epochs in the setting's history, each its training seconds and examples
        JsonArray epochs = json(out.resolve("prefinetune/Only-C/result.json")).getAsJsonObject("history")
                .getAsJsonArray("epochs");
        double seconds = 0;
        long examples = 0;
        for (JsonElement e : epochs) {
            seconds += e.getAsJsonObject().get("trainSeconds").getAsDouble();
            examples = Math.max(examples, e.getAsJsonObject().get("trainExamples").getAsLong());
        }
        JsonArray cost = row(json(out.resolve("cost.json")), "Only-C");
        assertEquals(seconds / epochs.size(), value(cost, 0), 1e-9);
        assertEquals(48, examples, "c-a and c-b, 24 training examples each");
        assertEquals(examples, value(cost, 1), 1e-9);
        assertEquals(1.0, value(cost, 2), 1e-12, "the only setting is the most expensive");
        String title = t1.get("title").getAsString();
        assertTrue(title.contains("seeds per cell: 3, but 2 for c-target under Only-C"), title);
        assertTrue(Files.readString(out.resolve("table1.md")).contains("2 for c-target under Only-C"));
    }

    @Test
    void table1SaysNothingOfSeedsWhenEveryCellHasTheSameCount(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        f.tiny(List.of(f.targets.get(1)), out).setGroups(List.of(TaskGroup.C)).optSeeds(List.of(1L, 2L)).build().run();
        String title = json(out.resolve("table1.json")).get("title").getAsString();
        assertTrue(!title.contains("seeds per cell"), title);
    }

    @Test
    void table1SaysWhenItsAverageRowCoversFewerTargetsUnderOneSetting(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        Grid grid = f.tiny(f.targets, out).setGroups(List.of(TaskGroup.C)).build();
        // Only-C's c-target sweep failed: its Average covers sl-target alone, the baseline's both
        Files.createDirectories(grid.layout().records());
        Files.writeString(grid.layout().failure("run-Only-C-c-target-seed1"), "diverged at every learning rate\n");
        grid.run();
        JsonObject t1 = json(out.resolve("table1.json"));
        double sl = value(row(t1, "sl-target"), 1);
        assertEquals(sl, value(row(t1, "Average"), 1), 1e-9, "Only-C's Average is sl-target's cell alone");
        String title = t1.get("title").getAsString();
        assertTrue(title.contains("Average row over 1-2 of 2 targets"), title);
        assertTrue(json(out.resolve("table2.json")).get("title").getAsString().contains("Average 1-2 of 2"));
    }

    private static JsonObject json(Path file) throws java.io.IOException {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    private static JsonArray row(JsonObject table, String label) {
        for (JsonElement r : table.getAsJsonArray("rows")) {
            if (r.getAsJsonObject().get("label").getAsString().equals(label)) {
                return r.getAsJsonObject().getAsJsonArray("cells");
            }
        }
        throw new AssertionError("no row " + label + " in " + table);
    }

    private static double value(JsonArray cells, int column) {
        return cells.get(column).getAsJsonObject().get("value").getAsDouble();
    }
}
