package io.github.prefine.core.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Two downloads of one file at once, the first paused half-way: what the concurrency tests share. */
final class TakingTurns {
    private TakingTurns() {}

    /**
     * Lets the second run into the first for a second (it either waits or fails at once: a second
     * lock asked for fails within milliseconds, and a second request is answered as soon), then
     * resumes the first and collects both outcomes.
     *
     * @return the failures of both, as {@code Throwable.toString()}; empty when both succeeded
     */
    static List<String> resumeAndCollect(Future<?> first, Future<?> second, CountDownLatch resume)
            throws InterruptedException, TimeoutException {
        try {
            second.get(1, TimeUnit.SECONDS);
        } catch (TimeoutException waiting) {
            // the second waits for the first: let the first go on
        } catch (ExecutionException reported) {
            // collected below
        }
        resume.countDown();
        List<String> failed = new ArrayList<>();
        for (Future<?> f : List.of(first, second)) {
            try {
                f.get(1, TimeUnit.MINUTES);
            } catch (ExecutionException e) {
                failed.add(e.getCause().toString());
            }
        }
        return failed;
    }
}
