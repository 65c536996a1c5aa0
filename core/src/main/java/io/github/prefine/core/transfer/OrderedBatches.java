package io.github.prefine.core.transfer;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Computes batches on a few threads at once and hands the results back in batch order, so that
 * a sum over batches is the same whatever the thread count.
 *
 * <p>Why threads per batch rather than PyTorch's intra-op threads: the rows of a task embedding
 * are short (about 20 tokens for a CoNLL sentence), so one batch's matrix products are too small
 * to split well across cores, and OpenMP's workers spin at every barrier; on a machine shared with
 * other processes a descheduled worker stalls the others (TextEmb over 10,000 CoNLL-2003 sentences
 * on 2 cores at a load average of 8: 2 intra-op threads used 4.6 times the CPU time of 2 threads
 * with one intra-op thread each). Whole batches on separate threads never wait for each other. Each thread should
 * then use one intra-op thread ({@code ai.djl.pytorch.num_threads=1}), as PyTorch gives every
 * calling thread its own team of that size.
 *
 * <p>At most twice the thread count of batches are queued or held at once. Closing cancels what
 * is queued and waits for what runs, so no computation outlives the manager it allocates from:
 * close this before that manager. Used by one thread at a time.
 */
final class OrderedBatches implements AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int threads;
    private final ExecutorService pool;

    /**
     * Starts the threads; one thread runs everything on the caller's thread instead.
     *
     * @param threads positive
     */
    OrderedBatches(int threads) {
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be positive, found " + threads);
        }
        this.threads = threads;
        if (threads == 1) {
            this.pool = null;
        } else {
            int id = POOLS.incrementAndGet();
            AtomicInteger n = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(() -> {
                    // a new thread starts with PyTorch recording gradients: inference only here
                    io.github.prefine.core.train.GradMode.offInThisThread(ai.djl.engine.Engine.getInstance());
                    r.run();
                }, "prefine-embed-" + id + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** Receives one batch's result, in batch order, on the calling thread. */
    @FunctionalInterface
    interface Sink<R> {
        /**
         * Takes a result.
         *
         * @param batch the batch index
         * @param result what the batch computed
         */
        void accept(int batch, R result);
    }

    /**
     * Computes batches {@code 0..count-1} and passes each result to {@code sink} in index order.
     *
     * @param count how many batches
     * @param compute the computation of one batch; runs on any of the threads
     * @param sink takes the results in order, on the calling thread
     * @param <R> the result type
     */
    <R> void run(int count, IntFunction<R> compute, Sink<R> sink) {
        if (pool == null) {
            for (int k = 0; k < count; k++) {
                sink.accept(k, compute.apply(k));
            }
            return;
        }
        Deque<Future<R>> pending = new ArrayDeque<>();
        int next = 0;
        for (int k = 0; k < count; k++) {
            while (next < count && pending.size() < 2 * threads) {
                int b = next++;
                pending.add(pool.submit(() -> compute.apply(b)));
            }
            sink.accept(k, take(pending.poll()));
        }
    }

    private static <R> R take(Future<R> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    /** Cancels queued batches and waits for running ones; idempotent. */
    @Override
    public void close() {
        if (pool == null || pool.isTerminated()) {
            return;
        }
        pool.shutdownNow();
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
