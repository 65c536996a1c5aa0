package io.github.prefine.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

class SeedStreamsTest {

    @Test
    void mix64IsTheSplitMix64FinaliserOfTheJdk() {
        // new SplittableRandom(s).nextLong() is mix64(s + golden gamma) with Stafford's variant 13
        long gamma = 0x9e37_79b9_7f4a_7c15L;
        for (long s : new long[] {0, 1, -1, 42, Long.MIN_VALUE, 0x0123_4567_89ab_cdefL}) {
            assertEquals(new SplittableRandom(s).nextLong(), SeedStreams.mix64(s + gamma), "seed " + s);
        }
    }

    @Test
    void neighbouringSeedsAndCoordinatesNeverShareADerivedSeed() {
        // a lossy step (an AND instead of a XOR, a product that rounds to 0) would map many of these
        // 4 x 3000 coordinates onto one derived seed
        long[] domains = {SeedStreams.POOLED_PERMUTATION, SeedStreams.EPOCH_TASK_PERMUTATION,
            SeedStreams.BATCH_ORDER, SeedStreams.TASK_DRAWS};
        Set<Long> seen = new HashSet<>();
        int n = 0;
        for (long d : domains) {
            for (int k = 0; k < 1000; k++) {
                seen.add(SeedStreams.derive(k, d, 0, 0));
                seen.add(SeedStreams.derive(7, d, k + 1, 0));
                seen.add(SeedStreams.derive(7, d, 0, k + 1));
                n += 3;
            }
        }
        assertEquals(n, seen.size());
    }

    @Test
    void shuffleTouchesOnlyItsWindowAndPermutesIt() {
        for (long seed = 0; seed < 200; seed++) {
            int[] a = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
            SeedStreams.shuffle(a, 3, 7, new SplittableRandom(seed));
            assertArrayEquals(new int[] {0, 1, 2}, Arrays.copyOfRange(a, 0, 3), "seed " + seed);
            assertArrayEquals(new int[] {7, 8, 9}, Arrays.copyOfRange(a, 7, 10), "seed " + seed);
            int[] window = Arrays.copyOfRange(a, 3, 7);
            Arrays.sort(window);
            assertArrayEquals(new int[] {3, 4, 5, 6}, window, "seed " + seed);
        }
    }

    @Test
    void shuffledIdentityDrawsEveryOrderEquallyOften() {
        // the 24 orders of 4 over 24,000 derived seeds, each about 1,000 times: a chi-square test at
        // fixed seeds. A Fisher-Yates loop that stopped one swap early would never draw half of them.
        Map<String, Long> counts = new TreeMap<>();
        for (long seed = 0; seed < 24_000; seed++) {
            int[] perm = new int[4];
            SeedStreams.shuffledIdentity(perm, SeedStreams.stream(seed, SeedStreams.POOLED_PERMUTATION, 0, 0));
            counts.merge(Arrays.toString(perm), 1L, Long::sum);
        }
        assertEquals(24, counts.size(), "orders drawn: " + counts.keySet());
        double[] expected = new double[24];
        Arrays.fill(expected, 1000);
        long[] observed = counts.values().stream().mapToLong(Long::longValue).toArray();
        double p = new ChiSquareTest().chiSquareTest(expected, observed);
        assertTrue(p > 1e-4, "counts " + counts + ", p = " + p);
    }
}
