package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orders in which a server's threads meet {@link FinetunedModel#close} while predictor calls
 * are under way. A request is held inside its call by the {@code onRefused} consumer, which the
 * refused first input (an empty text) reaches on entry, on a latch; each step waits until the
 * other threads have either finished or parked (waiting on the model's lock), never for a time.
 * The predictions a call under way gives are those of the same texts on a model never closed.
 */
class FinetunedModelCloseRacesTest {
    @TempDir
    static Path tmp;
    static Path saved;
    static List<String> texts;
    static List<LabelPrediction> alone;

    @BeforeAll
    static void save() throws Exception {
        saved = TinyFinetuning.saveUntrained(tmp.resolve("saved"));
        texts = new ArrayList<>();
        texts.add("");
        for (int i = 0; i < 20; i++) {
            texts.add("john visited paris and the team read a film number " + i);
        }
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            alone = model.predictor("topic").classify(texts.subList(1, texts.size()));
        }
    }

    /**
     * Waits until the thread has ended or parked on a lock other than the test's latches (a thread
     * just released from a latch may not have woken yet), and tells whether it ended.
     */
    private static boolean endsOrParks(Thread t) {
        while (true) {
            Thread.State s = t.getState();
            if (s == Thread.State.TERMINATED) {
                return true;
            }
            Object blocker = LockSupport.getBlocker(t);
            if (s == Thread.State.WAITING && blocker != null
                    && blocker.getClass().getEnclosingClass() != CountDownLatch.class) {
                return false;
            }
            Thread.onSpinWait();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void closeInsideAPredictorCallIsRefusedInsteadOfWaitingForItself() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            FinetunedModel model = FinetunedModel.load(saved, m);
            TaskPredictor topic = model.predictor("topic");
            AtomicReference<RuntimeException> fromClose = new AtomicReference<>();
            AtomicReference<List<LabelPrediction>> got = new AtomicReference<>();
            Thread request = daemon(() -> got.set(topic.classify(texts, refused -> {
                try {
                    model.close();
                } catch (RuntimeException e) {
                    fromClose.set(e);
                }
            })), "request");
            // a close waiting for its own call would park the request for good
            assertTrue(endsOrParks(request), "close() inside the call waits for the call");
            assertEquals("model " + saved + ": close() called inside one of its predictor calls (from its onRefused"
                    + " consumer), which close would wait for forever; close the model after the call returns",
                    fromClose.get().getMessage());
            assertEquals(alone, got.get().subList(1, texts.size()));
            model.close();
            assertThrows(IllegalStateException.class, () -> topic.classify(texts));
        }
    }

    @Test
    void aCallStartingWhileCloseWaitsIsRefusedNotLetIn() throws Exception {
        // without a writer's preference a steady stream of calls would keep close out
        try (NDManager m = NDManager.newBaseManager()) {
            FinetunedModel model = FinetunedModel.load(saved, m);
            TaskPredictor topic = model.predictor("topic");
            HeldCall held = new HeldCall(topic);
            Thread closer = daemon(model::close, "closer");
            assertEquals(false, endsOrParks(closer));
            AtomicReference<Object> later = new AtomicReference<>();
            Thread late = daemon(() -> {
                try {
                    later.set(topic.classify(texts.subList(1, texts.size())));
                } catch (IllegalStateException e) {
                    later.set(e);
                }
            }, "late");
            assertEquals(false, endsOrParks(late), "a call starting while close waits went in before it");
            assertEquals(alone, held.release());
            closer.join();
            late.join();
            assertEquals("model " + saved + ": already closed; its predictors work while it is open",
                    ((IllegalStateException) later.get()).getMessage());
        }
    }

    @Test
    void aNestedCallInsideACallFinishesWhileCloseWaits() throws Exception {
        // the nested call holds the model again on the same thread: a waiting close must not block it
        try (NDManager m = NDManager.newBaseManager()) {
            FinetunedModel model = FinetunedModel.load(saved, m);
            TaskPredictor topic = model.predictor("topic");
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch closing = new CountDownLatch(1);
            AtomicReference<List<LabelPrediction>> nested = new AtomicReference<>();
            AtomicReference<List<LabelPrediction>> outer = new AtomicReference<>();
            Thread request = daemon(() -> outer.set(topic.classify(texts, refused -> {
                entered.countDown();
                await(closing);
                nested.set(topic.classify(texts.subList(1, texts.size())));
            })), "request");
            entered.await();
            Thread closer = daemon(model::close, "closer");
            assertEquals(false, endsOrParks(closer));
            closing.countDown();
            assertTrue(endsOrParks(request), "the nested call waits for the close that waits for it");
            closer.join();
            assertEquals(alone, nested.get());
            assertEquals(alone, outer.get().subList(1, texts.size()));
            assertThrows(IllegalStateException.class, () -> topic.classify(texts));
        }
    }

    @Test
    void twoClosersBothReturnOnceTheCallEnds() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            FinetunedModel model = FinetunedModel.load(saved, m);
            TaskPredictor topic = model.predictor("topic");
            HeldCall held = new HeldCall(topic);
            Thread a = daemon(model::close, "closer a");
            Thread b = daemon(model::close, "closer b");
            assertEquals(false, endsOrParks(a));
            assertEquals(false, endsOrParks(b));
            assertEquals(alone, held.release());
            a.join();
            b.join();
            assertThrows(IllegalStateException.class, () -> topic.classify(texts));
        }
    }

    @Test
    void aCallThatThrowsLetsCloseIn() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            FinetunedModel model = FinetunedModel.load(saved, m);
            TaskPredictor topic = model.predictor("topic");
            IllegalArgumentException thrown = new IllegalArgumentException("consumer gives up");
            assertEquals(thrown, assertThrows(IllegalArgumentException.class,
                    () -> topic.classify(texts, refused -> {
                        throw thrown;
                    })));
            // a refused input without a consumer, and a call of another task format, throw too
            assertThrows(RefusedInputException.class, () -> topic.classify(texts));
            assertThrows(IllegalArgumentException.class, () -> topic.tag(List.of(List.of("a"))));
            // a hold kept by any of them would make this close refuse (same thread) or wait (another)
            Thread closer = daemon(model::close, "closer");
            assertTrue(endsOrParks(closer), "a call that threw kept the model held");
            IllegalStateException later = assertThrows(IllegalStateException.class, () -> topic.classify(texts));
            assertNull(later.getCause());
            assertEquals("model " + saved + ": already closed; its predictors work while it is open", later.getMessage());
        }
    }

    /** A classify call of all {@link #texts} held inside, on entry, until released. */
    private static final class HeldCall {
        private final CountDownLatch release = new CountDownLatch(1);
        private final AtomicReference<List<LabelPrediction>> got = new AtomicReference<>();
        private final Thread thread;

        HeldCall(TaskPredictor predictor) throws InterruptedException {
            CountDownLatch entered = new CountDownLatch(1);
            thread = daemon(() -> got.set(predictor.classify(texts, refused -> {
                entered.countDown();
                await(release);
            })), "held");
            entered.await();
        }

        /** Lets the call finish and returns the predictions of its admitted texts. */
        List<LabelPrediction> release() throws InterruptedException {
            release.countDown();
            thread.join();
            return got.get().subList(1, texts.size());
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
