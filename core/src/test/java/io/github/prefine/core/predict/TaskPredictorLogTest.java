package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildJvm;
import io.github.prefine.core.testing.SharedFixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A predictor's featurization is quiet at INFO, so a server predicting per request does not log a
 * line per request, while a dataset split's featurization still reports its counts at INFO. Read
 * from slf4j-simple at INFO in a child JVM (the tests' own JVM logs at WARN).
 */
class TaskPredictorLogTest {
    @Test
    void predictCallsLogNoInfoLineWhileADatasetSplitReportsItsCounts(@TempDir Path dir) throws Exception {
        SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        String text = ChildJvm.runAtInfo(TaskPredictorLogChild.class, dir.resolve("child.log"),
                dir.resolve("model").toString());
        List<String> reports = text.lines().filter(l -> l.contains("ReportCollector")).toList();
        assertEquals(List.of(), reports.stream().filter(l -> l.contains("/predict")).toList(), text);
        assertEquals(1, reports.size(), text);
        assertTrue(reports.get(0).contains("INFO") && reports.get(0).contains("topic/train: 2 examples -> 2 features"),
                reports.get(0));
    }
}
