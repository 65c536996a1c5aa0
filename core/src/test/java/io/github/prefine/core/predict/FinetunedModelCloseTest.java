package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server closing its model while a request is being predicted (a graceful shutdown): the call
 * under way finishes with the predictions it would give alone, {@code close()} returns after it,
 * and a call that starts later is refused naming the closed model. The request is held inside its
 * call through the {@code onRefused} consumer, which a refused first input reaches on entry, until
 * the closing thread has either finished or is waiting for the call; no timing is asserted.
 */
class FinetunedModelCloseTest {
    @Test
    void closeWaitsForACallUnderWayWhichFinishesWithItsPredictions(@TempDir Path tmp) throws Exception {
        Path saved = TinyFinetuning.saveUntrained(tmp.resolve("saved"));
        List<String> texts = new ArrayList<>();
        texts.add("");
        for (int i = 0; i < 200; i++) {
            texts.add("john visited paris and the team read a film number " + i);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            FinetunedModel model = FinetunedModel.load(saved, m);
            TaskPredictor topic = model.predictor("topic");
            List<LabelPrediction> alone = topic.classify(texts.subList(1, texts.size()));
            CountDownLatch entered = new CountDownLatch(1);
            AtomicReference<Thread> closer = new AtomicReference<>();
            CompletableFuture<List<LabelPrediction>> request = CompletableFuture.supplyAsync(() ->
                    topic.classify(texts, refused -> {
                        entered.countDown();
                        // hold the call until the closer has closed the model or waits for this call
                        while (closer.get() == null || (closer.get().getState() != Thread.State.TERMINATED
                                && closer.get().getState() != Thread.State.WAITING)) {
                            Thread.onSpinWait();
                        }
                    }));
            entered.await();
            Thread c = new Thread(model::close, "closer");
            closer.set(c);
            c.start();
            List<LabelPrediction> got = request.get();
            c.join();
            assertNull(got.get(0));
            assertEquals(alone, got.subList(1, got.size()));
            IllegalStateException later = assertThrows(IllegalStateException.class, () -> topic.classify(texts));
            assertEquals("model " + saved + ": already closed; its predictors work while it is open", later.getMessage());
        }
    }
}
