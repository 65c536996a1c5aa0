package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.ReadProgress;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.features.FeaturizationProgress;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Task#load(Path, Leniency, FeaturizationListener)} reports each split of a real task, read
 * from the shared data, in the steps {@link FeaturizationListener#onRead} documents: 0, then once
 * per {@link ReadProgress#STEP_BYTES} read, then the split's bytes, which are the sizes of its
 * files on disk ({@link Files#size}); and it reads the same examples as a load without a listener.
 */
class ReadProgressTest {
    /** Loads a catalogued task with a listener and returns its read reports per name, in order. */
    private static Map<String, List<ReadProgress>> reads(String task, Map<String, Object> data) throws IOException {
        Map<String, List<ReadProgress>> seen = new LinkedHashMap<>();
        FeaturizationListener listener = new FeaturizationListener() {
            @Override
            public void onFeaturization(FeaturizationProgress progress) {
                throw new AssertionError("a load featurizes nothing: " + progress);
            }

            @Override
            public void onRead(ReadProgress progress) {
                seen.computeIfAbsent(progress.name(), k -> new ArrayList<>()).add(progress);
            }
        };
        data.put("data", TaskCatalog.task(task).load(SharedFixtures.require("data"), Leniency.LENIENT, listener));
        return seen;
    }

    /** Checks one split's reports: 0 first, rising by at least a step, the total last, the same total throughout. */
    private static void assertSteps(List<ReadProgress> reports, long size) {
        assertEquals(0, reports.get(0).done(), reports.toString());
        assertEquals(size, reports.get(reports.size() - 1).done(), reports.toString());
        for (int i = 1; i < reports.size(); i++) {
            assertEquals(size, reports.get(i).total(), reports.toString());
            assertTrue(reports.get(i).done() > reports.get(i - 1).done(), "not rising: " + reports);
            if (i < reports.size() - 1) {
                assertTrue(reports.get(i).done() - reports.get(i - 1).done() >= ReadProgress.STEP_BYTES, reports.toString());
            }
        }
        // each read takes less than a step (a 64 KiB buffer), so a step is reported as soon as it is crossed
        assertEquals(size / ReadProgress.STEP_BYTES + (size % ReadProgress.STEP_BYTES == 0 ? 1 : 2), reports.size(),
                reports.toString());
    }

    @Test
    void conll2003ReportsEachMebibyteAndEndsAtEachFilesSize() throws IOException {
        Path root = SharedFixtures.require("data");
        Map<String, Object> data = new LinkedHashMap<>();
        Map<String, List<ReadProgress>> seen = reads("conll2003-en", data);
        assertEquals(List.of("conll2003-en/train", "conll2003-en/validation", "conll2003-en/test"),
                List.copyOf(seen.keySet()));
        // eng.train is 3,281,528 bytes: reports at 0, then past 1, 2 and 3 MiB, then 3,281,528
        long train = Files.size(root.resolve("sl/conll2003/eng.train"));
        assertSteps(seen.get("conll2003-en/train"), train);
        assertSteps(seen.get("conll2003-en/validation"), Files.size(root.resolve("sl/conll2003/eng.testa")));
        assertSteps(seen.get("conll2003-en/test"), Files.size(root.resolve("sl/conll2003/eng.testb")));
    }

    @Test
    void wicSplitsSumTheirDataAndGoldFiles() throws IOException {
        Path root = SharedFixtures.require("data").resolve("cls/wic/original");
        Map<String, List<ReadProgress>> seen = reads("wic", new LinkedHashMap<>());
        for (String[] split : new String[][] {{"train", "train"}, {"validation", "dev"}, {"test", "test"}}) {
            long sum = Files.size(root.resolve(split[1] + ".data.txt")) + Files.size(root.resolve(split[1] + ".gold.txt"));
            assertSteps(seen.get("wic/" + split[0]), sum);
        }
        // dev.data.txt 63,639 bytes + dev.gold.txt 1,276 bytes: under a step, so 0 and the sum only
        assertEquals(List.of(0L, 64_915L), seen.get("wic/validation").stream().map(ReadProgress::done).toList());
    }

    @Test
    void aHeldOutFileIsOneReadOfItsSize() throws IOException {
        Path file = SharedFixtures.require("data").resolve("qa/squad_adversarial/sample1k-HCVerifyAll.json");
        Map<String, List<ReadProgress>> seen = reads("squad-adversarial", new LinkedHashMap<>());
        assertEquals(List.of("squad-adversarial/train+validation"), List.copyOf(seen.keySet()));
        assertSteps(seen.get("squad-adversarial/train+validation"), Files.size(file));
    }

    @Test
    void aLoadWithAListenerReadsTheSameExamples() throws IOException {
        Path root = SharedFixtures.require("data");
        for (String task : List.of("conll2003-en", "wic", "squad-adversarial", "subjqa-books", "cb")) {
            Map<String, Object> data = new LinkedHashMap<>();
            reads(task, data);
            TaskData watched = (TaskData) data.get("data");
            TaskData plain = TaskCatalog.task(task).load(root, Leniency.LENIENT);
            assertEquals(plain.splits(), watched.splits(), task);
            assertEquals(plain.labels(), watched.labels(), task);
            assertEquals(plain.reports(), watched.reports(), task);
        }
    }
}
