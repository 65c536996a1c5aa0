package io.github.prefine.core.train;

import java.util.SplittableRandom;

/**
 * The seeds of one training run, each derived from the run seed alone, so that a run resumed from
 * a checkpoint draws what an uninterrupted one would: the sampler's seed and the base of the CPU
 * dropout masks, split from the run seed in that order; each step's mask seed, from that base and
 * the global step (see {@link io.github.prefine.kernels.DropoutSeeds}); and each epoch's engine
 * seed, which PyTorch's own dropout on a GPU draws from, from the run seed and the epoch index.
 * Immutable.
 */
final class RunSeeds {
    /** Odd multiplier (2^64 over the golden ratio) that spreads consecutive indices over the seeds. */
    private static final long SPREAD = 0x9E3779B97F4A7C15L;

    private final long run;
    private final long sampler;
    private final long dropout;

    /**
     * Derives a run's seeds.
     *
     * @param run the run seed
     */
    RunSeeds(long run) {
        this.run = run;
        SplittableRandom root = new SplittableRandom(run);
        this.sampler = root.split().nextLong();
        this.dropout = root.split().nextLong();
    }

    /** The run seed itself, as the checkpoints record it. */
    long run() {
        return run;
    }

    /** The seed of the default heterogeneous sampler. */
    long sampler() {
        return sampler;
    }

    /**
     * The seed of one step's dropout masks on a CPU.
     *
     * @param globalStep the step, from 0, skipped steps included
     * @return the seed
     */
    long stepMasks(long globalStep) {
        return new SplittableRandom(dropout ^ (SPREAD * (globalStep + 1))).nextLong();
    }

    /**
     * The engine seed set at the start of an epoch ({@code Engine.setRandomSeed}).
     *
     * @param epoch the epoch, from 0
     * @return the seed
     */
    int epoch(int epoch) {
        return new SplittableRandom(run ^ (SPREAD * (epoch + 1L))).nextInt();
    }
}
