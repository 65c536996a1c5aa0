package io.github.prefine.sampling;

import java.util.SplittableRandom;

/**
 * Derives independent {@link SplittableRandom} streams from a run seed and a coordinate such as
 * (epoch) or (epoch, batch).
 *
 * <p>Why hashing rather than {@code new SplittableRandom(seed + k)}: SplittableRandom seeded with s
 * and with s plus its golden gamma produce the same sequence shifted by one, so seeds built by
 * addition can overlap. Every coordinate is therefore folded in through a full 64-bit finaliser
 * (Stafford's variant 13, the SplitMix64 mixer), which makes neighbouring coordinates unrelated.
 */
final class SeedStreams {
    /** Stream of the pooled permutation of one PROPORTIONAL epoch: coordinate (epoch). */
    static final long POOLED_PERMUTATION = 0x5041_4f4cL;
    /** Stream of one task's permutation in one STRATIFIED epoch: coordinate (epoch, task). */
    static final long EPOCH_TASK_PERMUTATION = 0x5354_5241L;
    /** Stream of the order of the examples inside one STRATIFIED batch: (epoch, batch). */
    static final long BATCH_ORDER = 0x4f52_4445L;
    /** Stream of the task draws of one UNIFORM or TEMPERATURE batch: (epoch, batch). */
    static final long TASK_DRAWS = 0x4452_4157L;
    /** Stream of one task's permutation in one cycling round: (task, round). */
    static final long CYCLE_PERMUTATION = 0x4359_434cL;

    private static final long GOLDEN_GAMMA = 0x9e37_79b9_7f4a_7c15L;

    private SeedStreams() {}

    /**
     * Returns the stream for a seed, a domain constant and a two-part coordinate.
     *
     * @param seed the run seed
     * @param domain one of the constants of this class
     * @param a the first coordinate
     * @param b the second coordinate (0 when unused)
     * @return a fresh stream; equal arguments give equal streams
     */
    static SplittableRandom stream(long seed, long domain, long a, long b) {
        return new SplittableRandom(derive(seed, domain, a, b));
    }

    /**
     * Hashes a seed, a domain and a coordinate into one 64-bit seed.
     *
     * @param seed the run seed
     * @param domain one of the constants of this class
     * @param a the first coordinate
     * @param b the second coordinate
     * @return the derived seed
     */
    static long derive(long seed, long domain, long a, long b) {
        long h = mix64(seed + GOLDEN_GAMMA);
        h = mix64(h ^ domain);
        h = mix64(h + a * GOLDEN_GAMMA);
        return mix64(h ^ (b * GOLDEN_GAMMA + 1));
    }

    /**
     * The SplitMix64 finaliser: a bijection on 64-bit values with full avalanche.
     *
     * @param z the input
     * @return the mixed value
     */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58_476d_1ce4_e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d0_49bb_1331_11ebL;
        return z ^ (z >>> 31);
    }

    /**
     * Fills {@code perm[0..n)} with 0..n-1 in an order shuffled by {@code rng} (Fisher–Yates).
     *
     * @param perm the array to fill; its length is n
     * @param rng the stream to draw swaps from
     */
    static void shuffledIdentity(int[] perm, SplittableRandom rng) {
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        shuffle(perm, 0, perm.length, rng);
    }

    /**
     * Shuffles {@code a[from..to)} in place (Fisher–Yates).
     *
     * @param a the array
     * @param from the first index, inclusive
     * @param to the last index, exclusive
     * @param rng the stream to draw swaps from
     */
    static void shuffle(int[] a, int from, int to, SplittableRandom rng) {
        for (int i = to - 1; i > from; i--) {
            int j = from + rng.nextInt(i - from + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
