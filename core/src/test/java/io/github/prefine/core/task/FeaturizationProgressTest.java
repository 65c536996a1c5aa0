package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.features.FeatureReport;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.FeaturizationProgress;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link FeaturizedTask#featurize(TaskData, SubwordTokenizer, FeatureSettings,
 * io.github.prefine.core.features.FeaturizationListener)} reports each split of a real task, read
 * from the shared data, in the documented steps: 0, then after every batch of the format's default
 * batch size (1024 sentences for tagging, 512 examples for multiple choice), then the split's
 * example count.
 */
class FeaturizationProgressTest {
    /** The reports, per featurization name, in order. */
    private static Map<String, List<Integer>> featurize(String task, String family, Map<String, Integer> totals)
            throws IOException {
        TaskData data = TaskCatalog.task(task).load(SharedFixtures.require("data"), Leniency.STRICT);
        Map<String, List<Integer>> seen = new LinkedHashMap<>();
        List<FeaturizationProgress> all = new ArrayList<>();
        FeaturizedTask f;
        try (SubwordTokenizer tok = SubwordTokenizer.builder()
                .setTokenizerPath(SharedFixtures.require("fixtures/hf-reference/" + family + "/tokenizer.json")).build()) {
            f = FeaturizedTask.featurize(data, tok, FeatureSettings.paper(), all::add);
        }
        for (FeaturizationProgress p : all) {
            seen.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p.done());
            totals.put(p.name(), p.total());
        }
        f.features().forEach((split, features) -> {
            FeatureReport r = features.report();
            // the steps below hold when nothing is skipped before encoding; a word holding whitespace would shift them
            assertEquals(null, r.skipped().get("empty word or word holding whitespace"), r.name());
        });
        return seen;
    }

    /** 0, every multiple of the batch size below n, then n. */
    private static List<Integer> steps(int n, int batch) {
        List<Integer> out = new ArrayList<>();
        for (int done = 0; done < n; done += batch) {
            out.add(done);
        }
        out.add(n);
        return out;
    }

    @Test
    void aTaggingTaskReportsEachSplitPerBatchOfSentences() throws IOException {
        Map<String, Integer> totals = new LinkedHashMap<>();
        Map<String, List<Integer>> seen = featurize("wnut17", "bert", totals);
        // wnut17's files: 3394 training, 1009 validation and 1287 test sentences, each featurized in order
        assertEquals(Map.of("wnut17/train", 3394, "wnut17/validation", 1009, "wnut17/test", 1287), totals);
        assertEquals(List.of("wnut17/train", "wnut17/validation", "wnut17/test"), List.copyOf(seen.keySet()));
        assertEquals(List.of(0, 1024, 2048, 3072, 3394), seen.get("wnut17/train"));
        assertEquals(List.of(0, 1009), seen.get("wnut17/validation"));
        assertEquals(steps(1287, 1024), seen.get("wnut17/test"));
    }

    @Test
    void aTaskSetReportsEveryTaskInItsOrder() throws IOException {
        // before, TaskSet.featurize took no listener: a set of tasks featurized without a word of progress
        Path root = SharedFixtures.require("data");
        List<TaskData> data = List.of(TaskCatalog.task("copa").load(root, Leniency.STRICT),
                TaskCatalog.task("wnut17").load(root, Leniency.STRICT));
        List<String> finished = new ArrayList<>();
        try (SubwordTokenizer tok = SubwordTokenizer.builder()
                .setTokenizerPath(SharedFixtures.require("fixtures/hf-reference/bert/tokenizer.json")).build()) {
            TaskSet set = TaskSet.featurize(data, tok, FeatureSettings.paper(), p -> {
                if (p.done() == p.total()) {
                    finished.add(p.name() + " " + p.total());
                }
            });
            assertEquals(List.of("copa", "wnut17"), set.tasks().stream().map(FeaturizedTask::name).toList());
        }
        // the files' counts, as above: COPA 400 and 100 questions, wnut17 3394, 1009 and 1287 sentences
        assertEquals(List.of("copa/train 400", "copa/validation 100", "wnut17/train 3394", "wnut17/validation 1009",
                "wnut17/test 1287"), finished);
    }

    @Test
    void aChoiceTaskReportsEachSplitPerBatchOfExamples() throws IOException {
        Map<String, Integer> totals = new LinkedHashMap<>();
        Map<String, List<Integer>> seen = featurize("copa", "xlm-roberta", totals);
        // COPA: 400 training and 100 validation questions, below one batch of 512
        assertEquals(Map.of("copa/train", 400, "copa/validation", 100), totals);
        assertEquals(List.of(0, 400), seen.get("copa/train"));
        assertEquals(List.of(0, 100), seen.get("copa/validation"));
    }
}
