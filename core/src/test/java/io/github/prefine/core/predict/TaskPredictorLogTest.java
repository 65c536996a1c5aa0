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

    /**
     * Loading a saved model, or an HF task folder, fills every head from the folder, the pooler of
     * a BERT sequence head included; building its model logged that the pooler was "initialized at
     * random" (an encoder saved without one, as the fixture's and the demo's) or copied from the
     * encoder's (an HF folder) on every {@code predict} and {@code export}, a start the loaded model
     * does not keep. Building the model to train still says where its pooler came from.
     */
    @Test
    void loadingASavedModelSaysNothingOfWhereItsPoolerStarted() throws Exception {
        String[] log = loadLog();
        String text = log[0] + log[1];
        List<String> built = log[0].lines().filter(l -> l.contains("head topic: pooler")).toList();
        // the fixture's encoder has no pooler: the model built to save says its pooler is drawn at random
        assertTrue(!built.isEmpty() && built.get(0).contains("INFO") && built.get(0).contains("initialized at random"),
                "the model built to save says where its pooler came from: " + text);
        List<String> loaded = log[1].lines().filter(l -> l.contains(": pooler ")).toList();
        assertEquals(List.of(), loaded, text);
    }

    /**
     * Loading an HF task folder reads the head from the tensors the encoder does not take: the
     * encoder's line said they "were left for the caller (heads)" on every {@code predict}, as if
     * unused, though the head read them. The encoder now says what it did (it does not read them,
     * its pooler aside, and hands them on) and the folder's load names the tensors its head read:
     * BertForSequenceClassification's pooler and classifier, as HF's class names them.
     */
    @Test
    void loadingAnHfFolderSaysItsHeadReadTheTensorsTheEncoderLeft() throws Exception {
        String[] log = loadLog();
        String text = log[0] + log[1];
        String loads = log[1];
        assertEquals(List.of(), loads.lines().filter(l -> l.contains("left for the caller")).toList(), text);
        Path file = loadDir.resolve("hf").resolve("model.safetensors");
        List<String> encoder = loads.lines().filter(l -> l.contains("are not encoder parameters")).toList();
        assertEquals(1, encoder.size(), text);
        assertTrue(encoder.get(0).endsWith("INFO io.github.prefine.core.encoder.EncoderCheckpoint - model.safetensors"
                + ": 2 tensors are not encoder parameters; the encoder does not read them (its pooler aside) and"
                + " hands them to its caller: [classifier.bias, classifier.weight]"), encoder.get(0));
        List<String> head = loads.lines().filter(l -> l.contains("read its head from")).toList();
        assertEquals(List.of("INFO io.github.prefine.core.predict.HfTaskFolder - " + file
                + ": BertForSequenceClassification read its head from 4 tensors: [bert.pooler.dense.bias,"
                + " bert.pooler.dense.weight, classifier.bias, classifier.weight]"),
                head.stream().map(l -> l.substring(l.indexOf("INFO "))).toList(), text);
    }

    /**
     * What {@link FinetunedModelLoadLogChild} logged at INFO: before the line it prints ahead of
     * the loads, and from that line on.
     */
    private static synchronized String[] loadLog() throws Exception {
        if (loadLog == null) {
            SharedFixtures.require("fixtures/hf-reference/bert/encoder");
            String text = ChildJvm.runAtInfo(FinetunedModelLoadLogChild.class, loadDir.resolve("child.log"),
                    loadDir.toString());
            int loading = text.indexOf(FinetunedModelLoadLogChild.LOADING);
            assertTrue(loading >= 0, text);
            loadLog = new String[] {text.substring(0, loading), text.substring(loading)};
        }
        return loadLog;
    }

    /** The folder of the one {@link FinetunedModelLoadLogChild} run, whose log two cases read. */
    @TempDir
    static Path loadDir;

    private static String[] loadLog;
}
