package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
        Path log = dir.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-Dai.djl.offline=true",
                "-Dprefine.shared=" + SharedFixtures.root(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.log.ai.djl=warn",
                "-cp", System.getProperty("java.class.path"), TaskPredictorLogChild.class.getName(),
                dir.resolve("model").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putIfAbsent("PYTORCH_PRECXX11", "false");
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "child timed out");
        } finally {
            p.destroyForcibly();
        }
        String text = Files.readString(log);
        assertEquals(0, p.exitValue(), text);
        List<String> reports = text.lines().filter(l -> l.contains("ReportCollector")).toList();
        assertEquals(List.of(), reports.stream().filter(l -> l.contains("/predict")).toList(), text);
        assertEquals(1, reports.size(), text);
        assertTrue(reports.get(0).contains("INFO") && reports.get(0).contains("topic/train: 2 examples -> 2 features"),
                reports.get(0));
    }
}
