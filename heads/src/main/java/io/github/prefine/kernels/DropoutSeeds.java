package io.github.prefine.kernels;

import ai.djl.util.RandomUtils;
import java.util.SplittableRandom;

/**
 * Where {@link FastDropout} takes the seed of each mask: a stream that the trainer opens on its
 * thread for each training step, seeded from the run's seed and the step's index, so masks depend
 * on nothing global and a resumed run draws the same masks as an uninterrupted one.
 *
 * <p>Outside such a scope (a forward that no trainer drives, for example a benchmark) masks fall
 * back to DJL's {@code RandomUtils.RANDOM}, which {@code Engine.setRandomSeed} reseeds.
 *
 * <pre>{@code
 * try (DropoutSeeds s = DropoutSeeds.open(stepSeed)) {
 *     // forward passes on this thread draw their masks from stepSeed's stream
 * }
 * }</pre>
 */
public final class DropoutSeeds implements AutoCloseable {
    private static final ThreadLocal<SplittableRandom> CURRENT = new ThreadLocal<>();

    private final SplittableRandom previous;
    private boolean closed;

    private DropoutSeeds(SplittableRandom previous) {
        this.previous = previous;
    }

    /**
     * Opens a seed stream for the calling thread until {@link #close()}.
     *
     * @param seed the stream's seed
     * @return the scope; closing it restores the stream that was open before (if any)
     */
    public static DropoutSeeds open(long seed) {
        DropoutSeeds scope = new DropoutSeeds(CURRENT.get());
        CURRENT.set(new SplittableRandom(seed));
        return scope;
    }

    /** The next mask seed: from the open stream, else from DJL's global generator. */
    static long next() {
        SplittableRandom r = CURRENT.get();
        return r != null ? r.nextLong() : RandomUtils.RANDOM.nextLong();
    }

    /** Restores the previous stream of this thread; later calls do nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
