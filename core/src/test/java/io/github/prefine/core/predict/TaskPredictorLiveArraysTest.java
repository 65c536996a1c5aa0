package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.testing.LiveArrays;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prediction server keeps one loaded model for its whole life: each call's arrays must go with
 * the call. The arrays under the model's manager and under the engine after call round 2 and after
 * round 5 agree (round 1 makes the process-wide constants once).
 */
class TaskPredictorLiveArraysTest {

    @Test
    void predictingAgainWithOneLoadedModelKeepsItsManagerAndTheEngineAsTheyWere(@TempDir Path tmp) throws Exception {
        Path dir = TinyFinetuning.saveUntrained(tmp.resolve("model"));
        try (NDManager server = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(dir, server)) {
            // batches of 2 over 3 inputs: a full and a partial batch per call
            TaskPredictor topic = model.predictor("topic").withBatchSize(2);
            TaskPredictor ner = model.predictor("ner").withBatchSize(2);
            TaskPredictor qa = model.predictor("qa").withBatchSize(2);
            List<LiveArrays> underServer = new ArrayList<>();
            List<LiveArrays> underEngine = new ArrayList<>();
            for (int round = 1; round <= 5; round++) {
                assertEquals(3, topic.classify(List.of("john walked with mary", "paris", "the team read a film")).size());
                assertEquals(3, ner.tag(List.of(List.of("alice", "read", "in", "rome"), List.of("bob"),
                        List.of("mary", "wrote", "in", "london", "last", "week"))).size());
                assertEquals(3, ner.tagTexts(List.of("alice read in rome", "bob", "mary wrote in london")).size());
                // a context longer than the fixture's 32-token window: several windows per question
                String context = "bob visited paris during the week while mary read " + "and the team walked ".repeat(8);
                assertEquals(3, qa.answer(List.of("who visited paris", "who read", "where"),
                        List.of(context, "mary read in rome", "in london")).size());
                underServer.add(LiveArrays.of(server));
                underEngine.add(LiveArrays.engineWide(server));
            }
            assertEquals(underServer.get(1).size(), underServer.get(4).size(), () -> "arrays under the model's manager"
                    + " after rounds 2 and 5; " + underServer.get(1).addedBy(underServer.get(4)));
            assertEquals(underEngine.get(1).size(), underEngine.get(4).size(), () -> "arrays under the engine after"
                    + " rounds 2 and 5; " + underEngine.get(1).addedBy(underEngine.get(4)));
        }
    }
}
