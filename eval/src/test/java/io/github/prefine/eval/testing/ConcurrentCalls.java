package io.github.prefine.eval.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Checks a thread-safety claim the way a server meets it: the same call from many threads at once
 * must answer what it answers on one thread.
 *
 * <p>The call first runs alone on the test's thread; its answer is the ground truth. Then, round
 * after round, {@code threads} threads wait on one latch, are released together, and each makes the
 * call; every answer must equal the first. Answers are compared with {@code equals}, so a call
 * returning arrays or mutable objects should return a fingerprint of them (a string, a list). No
 * timing is asserted.
 */
public final class ConcurrentCalls {
    /** Threads released together per round: more than the cores of a CI machine, so they interleave. */
    public static final int THREADS = 16;

    private ConcurrentCalls() {}

    /**
     * Runs {@code call} alone, then {@code rounds} times on {@link #THREADS} threads at once, and
     * asserts every answer equals the first.
     *
     * @param what names the call in a failure message
     * @param rounds how many times the threads are released together
     * @param call the call under test; it must be deterministic on one thread
     * @param <T> the answer's type, compared with {@code equals}
     * @return the single-thread answer
     * @throws Exception what the call threw, on whichever thread
     */
    public static <T> T agree(String what, int rounds, Callable<T> call) throws Exception {
        T expected = call.call();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < rounds; round++) {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<T>> answers = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    answers.add(pool.submit(() -> {
                        start.await();
                        return call.call();
                    }));
                }
                start.countDown();
                for (int t = 0; t < THREADS; t++) {
                    assertEquals(expected, answers.get(t).get(), what + ": round " + round + ", thread " + t);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return expected;
    }
}
