package io.github.prefine.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.commons.math3.stat.inference.ChiSquareTest;

/**
 * Properties of {@link HeterogeneousSampler} over random task sizes, batch sizes and seeds. Tries
 * are bounded and the statistical properties run at pinned seeds, so the class is deterministic
 * and takes a few seconds.
 */
class HeterogeneousSamplerProperties {
    /** Significance level of the chi-square goodness-of-fit checks at their pinned seeds. */
    private static final double ALPHA = 1e-4;

    private static int[] toArray(List<Integer> sizes) {
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    private static HeterogeneousSampler sampler(SamplingStrategy strategy, int[] sizes,
            int batchSize, long seed, boolean dropLast, int epochSize, double temperature) {
        HeterogeneousSampler.Builder b = HeterogeneousSampler.builder().setTaskSizes(sizes)
                .setBatchSize(batchSize).optStrategy(strategy).optSeed(seed);
        int epoch = Arrays.stream(sizes).sum();
        if (!strategy.isEpochExact()) {
            b.optEpochSize(epochSize);
            epoch = epochSize;
        }
        if (strategy == SamplingStrategy.TEMPERATURE) {
            b.optTemperature(temperature);
        }
        return b.optDropLast(dropLast && epoch >= batchSize).build();
    }

    private static List<Batch> take(BatchIterator it, int n) {
        List<Batch> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(it.next());
        }
        return out;
    }

    /** Counts every (task, example) of one epoch; fails on a task id or index out of range. */
    private static int[][] visits(int[] sizes, List<Batch> epoch) {
        int[][] seen = new int[sizes.length][];
        for (int t = 0; t < sizes.length; t++) {
            seen[t] = new int[sizes[t]];
        }
        for (Batch b : epoch) {
            int[] counts = new int[sizes.length];
            for (int p = 0; p < b.size(); p++) {
                seen[b.taskId(p)][b.exampleIndex(p)]++;
                counts[b.taskId(p)]++;
            }
            assertArrayEquals(counts, b.copyTaskCounts(), "task counts of " + b);
        }
        return seen;
    }

    @Property(tries = 150)
    void epochExactStrategiesVisitEveryExampleOncePerEpoch(
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 60) Integer> taskSizes,
            @ForAll @IntRange(min = 1, max = 40) int batchSize,
            @ForAll long seed,
            @ForAll boolean stratified) {
        int[] sizes = toArray(taskSizes);
        int total = Arrays.stream(sizes).sum();
        HeterogeneousSampler s = sampler(stratified ? SamplingStrategy.STRATIFIED
                : SamplingStrategy.PROPORTIONAL, sizes, batchSize, seed, false, 0, 1);
        assertEquals((total + batchSize - 1) / batchSize, s.batchesPerEpoch());
        BatchIterator it = s.iterator();
        for (int epoch = 0; epoch < 2; epoch++) {
            List<Batch> batches = take(it, s.batchesPerEpoch());
            int[][] seen = visits(sizes, batches);
            for (int t = 0; t < sizes.length; t++) {
                int[] once = new int[sizes[t]];
                Arrays.fill(once, 1);
                assertArrayEquals(once, seen[t], "epoch " + epoch + " task " + t);
            }
            for (int b = 0; b < batches.size(); b++) {
                assertEquals(epoch, batches.get(b).epoch());
                assertEquals(b, batches.get(b).index());
                int expected = b < batches.size() - 1 ? batchSize : total - b * batchSize;
                assertEquals(expected, batches.get(b).size(), "size of batch " + b);
            }
        }
        long[] perTask = it.taskDraws();
        for (int t = 0; t < sizes.length; t++) {
            assertEquals(2L * sizes[t], perTask[t]);
        }
    }

    @Property(tries = 100)
    void dropLastVisitsEveryExampleAtMostOnceInFullBatches(
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 60) Integer> taskSizes,
            @ForAll @IntRange(min = 1, max = 40) int batchSize,
            @ForAll long seed,
            @ForAll boolean stratified) {
        int[] sizes = toArray(taskSizes);
        int total = Arrays.stream(sizes).sum();
        if (total < batchSize) {
            batchSize = total;
        }
        HeterogeneousSampler s = sampler(stratified ? SamplingStrategy.STRATIFIED
                : SamplingStrategy.PROPORTIONAL, sizes, batchSize, seed, true, 0, 1);
        assertEquals(total / batchSize, s.batchesPerEpoch());
        List<Batch> batches = take(s.iterator(), s.batchesPerEpoch());
        int visited = 0;
        for (int[] task : visits(sizes, batches)) {
            for (int v : task) {
                assertTrue(v <= 1);
                visited += v;
            }
        }
        assertEquals(s.batchesPerEpoch() * batchSize, visited);
    }

    @Property(tries = 150)
    void stratifiedBatchesStayWithinOneOfTheirQuota(
            @ForAll @Size(min = 1, max = 10) List<@IntRange(min = 1, max = 80) Integer> taskSizes,
            @ForAll @IntRange(min = 1, max = 64) int batchSize,
            @ForAll long seed,
            @ForAll boolean dropLast) {
        int[] sizes = toArray(taskSizes);
        long total = Arrays.stream(sizes).sum();
        HeterogeneousSampler s = sampler(SamplingStrategy.STRATIFIED, sizes, batchSize, seed,
                dropLast, 0, 1);
        for (Batch b : take(s.iterator(), 2 * s.batchesPerEpoch())) {
            for (int task = 0; task < sizes.length; task++) {
                final int t = task;
                // |c - size * n_t / N| < 1, in integers; the last partial batch uses its own size
                long scaledError = Math.abs((long) b.taskCount(t) * total - (long) b.size() * sizes[t]);
                assertTrue(scaledError < total, () -> "task " + t + " in " + b + " of sizes "
                        + Arrays.toString(sizes) + ", quota " + (double) b.size() * sizes[t] / total);
            }
        }
    }

    @Property(tries = 30)
    void stratifiedCumulativeCountsTrackTheirQuotaWithinTwo(
            @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 1, max = 3000) Integer> taskSizes,
            @ForAll @IntRange(min = 1, max = 128) int batchSize) {
        int[] sizes = toArray(taskSizes);
        long total = Arrays.stream(sizes).sum();
        StratifiedApportionment plan = new StratifiedApportionment(sizes, batchSize);
        long[] cumulative = new long[sizes.length];
        int[] counts = new int[sizes.length];
        long seen = 0;
        for (int b = 0; b < plan.batchCount(); b++) {
            seen += plan.nextCounts(counts);
            for (int t = 0; t < sizes.length; t++) {
                cumulative[t] += counts[t];
                // low discrepancy: |cumulative - seen * n_t / N| < 2 after every batch
                if (Math.abs(cumulative[t] * total - seen * sizes[t]) >= 2 * total) {
                    fail("task " + t + " after batch " + b + " of sizes " + Arrays.toString(sizes)
                            + ": cumulative " + cumulative[t] + ", quota "
                            + (double) seen * sizes[t] / total);
                }
            }
        }
        for (int t = 0; t < sizes.length; t++) {
            assertEquals(sizes[t], cumulative[t]);
        }
    }

    @Property(tries = 40, seed = "20250117")
    void temperatureFrequenciesConvergeToTheTemperedSizes(
            @ForAll @Size(min = 2, max = 6) List<@IntRange(min = 10, max = 200) Integer> taskSizes,
            @ForAll @DoubleRange(min = 0.8, max = 4.0) double temperature,
            @ForAll @IntRange(min = 0, max = 150) int cap) {
        int[] sizes = toArray(taskSizes);
        HeterogeneousSampler.Builder b = HeterogeneousSampler.builder().setTaskSizes(sizes)
                .setBatchSize(128).optStrategy(SamplingStrategy.TEMPERATURE)
                .optTemperature(temperature).optEpochSize(20_000).optSeed(1234);
        double[] expected = new double[sizes.length];
        for (int t = 0; t < sizes.length; t++) {
            int n = cap > 0 ? Math.min(sizes[t], cap) : sizes[t];
            expected[t] = Math.pow(n, 1 / temperature);
        }
        HeterogeneousSampler s = (cap > 0 ? b.optSizeCap(cap) : b).build();
        assertFrequencies(s, expected);
    }

    @Property(tries = 40, seed = "20250118")
    void uniformFrequenciesConvergeToOneOverTasks(
            @ForAll @Size(min = 2, max = 8) List<@IntRange(min = 1, max = 500) Integer> taskSizes) {
        int[] sizes = toArray(taskSizes);
        HeterogeneousSampler s = HeterogeneousSampler.builder().setTaskSizes(sizes)
                .setBatchSize(128).optStrategy(SamplingStrategy.UNIFORM).optEpochSize(20_000)
                .optSeed(99).build();
        double[] expected = new double[sizes.length];
        Arrays.fill(expected, 1.0);
        assertFrequencies(s, expected);
    }

    /** Checks the formula against the sampler, then one epoch's task counts with a chi-square test. */
    private static void assertFrequencies(HeterogeneousSampler s, double[] weights) {
        double sum = Arrays.stream(weights).sum();
        double[] p = Arrays.stream(weights).map(w -> w / sum).toArray();
        assertArrayEquals(p, s.taskProbabilities(), 1e-12);
        long[] observed = new long[p.length];
        for (Batch b : take(s.iterator(), s.batchesPerEpoch())) {
            for (int t = 0; t < p.length; t++) {
                observed[t] += b.taskCount(t);
            }
        }
        assertEquals(s.epochSize(), Arrays.stream(observed).sum());
        double[] expectedCounts = Arrays.stream(p).map(x -> x * s.epochSize()).toArray();
        double pValue = new ChiSquareTest().chiSquareTest(expectedCounts, observed);
        assertTrue(pValue > ALPHA, () -> "observed " + Arrays.toString(observed) + ", expected "
                + Arrays.toString(expectedCounts) + ", p = " + pValue);
    }

    @Property(tries = 100)
    void cyclingStrategiesDrawWithoutReplacementWithinEachRound(
            @ForAll @Size(min = 1, max = 5) List<@IntRange(min = 1, max = 30) Integer> taskSizes,
            @ForAll @IntRange(min = 1, max = 32) int batchSize,
            @ForAll @IntRange(min = 1, max = 200) int epochSize,
            @ForAll long seed,
            @ForAll boolean uniform) {
        int[] sizes = toArray(taskSizes);
        HeterogeneousSampler s = sampler(uniform ? SamplingStrategy.UNIFORM
                : SamplingStrategy.TEMPERATURE, sizes, batchSize, seed, false, epochSize, 1.5);
        List<List<Integer>> perTask = emptyLists(sizes.length);
        for (Batch b : take(s.iterator(), 3 * s.batchesPerEpoch())) {
            for (int p = 0; p < b.size(); p++) {
                perTask.get(b.taskId(p)).add(b.exampleIndex(p));
            }
        }
        for (int task = 0; task < sizes.length; task++) {
            final int t = task;
            List<Integer> drawn = perTask.get(t);
            for (int start = 0; start < drawn.size(); start += sizes[t]) {
                List<Integer> round = drawn.subList(start, Math.min(drawn.size(), start + sizes[t]));
                assertEquals(round.size(), round.stream().distinct().count(),
                        "task " + t + " round from " + start + ": " + round);
                assertTrue(round.stream().allMatch(e -> e >= 0 && e < sizes[t]));
            }
        }
    }

    /**
     * Every epoch, every seed and every cycling round draws afresh. With at least 12 examples per
     * task, two independent orders of an epoch agree with probability at most 1/12!, two epochs of
     * task draws with at most 0.56^100 and two rounds of one task's cycle with 1/12!, so equality
     * here means a stream reused where the sampler promises a new one: an epoch that repeats the
     * last, a seed or a round that is not read.
     */
    @Property(tries = 100)
    void everyEpochSeedAndRoundDrawsItsOwnOrder(
            @ForAll @Size(min = 1, max = 5) List<@IntRange(min = 12, max = 50) Integer> taskSizes,
            @ForAll @IntRange(min = 1, max = 32) int batchSize,
            @ForAll @IntRange(min = 100, max = 300) int epochSize,
            @ForAll long seed,
            @ForAll SamplingStrategy strategy) {
        int[] sizes = toArray(taskSizes);
        HeterogeneousSampler s = sampler(strategy, sizes, batchSize, seed, false, epochSize, 2);
        BatchIterator it = s.iterator();
        List<Batch> first = take(it, s.batchesPerEpoch());
        List<Batch> second = take(it, s.batchesPerEpoch());
        List<Batch> otherSeed = take(sampler(strategy, sizes, batchSize, seed + 1, false, epochSize, 2)
                .iterator(), s.batchesPerEpoch());
        assertNotEquals(drawn(first, true), drawn(second, true), "epoch 1 repeats epoch 0");
        assertNotEquals(drawn(first, true), drawn(otherSeed, true), "seed " + (seed + 1) + " repeats seed " + seed);
        if (strategy.isEpochExact()) {
            return;
        }
        if (sizes.length > 1) {
            assertNotEquals(drawn(first, false), drawn(second, false), "epoch 1 repeats the task draws of epoch 0");
            assertNotEquals(drawn(first, false), drawn(otherSeed, false), "seed " + (seed + 1)
                    + " repeats the task draws of seed " + seed);
        }
        // go on until some task has drawn two whole rounds of its cycle (one task has p >= 1/5)
        List<List<Integer>> perTask = emptyLists(sizes.length);
        for (BatchIterator again = s.iterator(); ; ) {
            Batch b = again.next();
            for (int p = 0; p < b.size(); p++) {
                List<Integer> task = perTask.get(b.taskId(p));
                task.add(b.exampleIndex(p));
                int n = sizes[b.taskId(p)];
                if (task.size() == 2 * n) {
                    assertNotEquals(task.subList(0, n), task.subList(n, 2 * n),
                            "task " + b.taskId(p) + " repeats its first round");
                    return;
                }
            }
        }
    }

    /** One empty list per task, for its example indices in stream order. */
    private static List<List<Integer>> emptyLists(int tasks) {
        List<List<Integer>> out = new ArrayList<>(tasks);
        for (int t = 0; t < tasks; t++) {
            out.add(new ArrayList<>());
        }
        return out;
    }

    /** The epoch's task ids, or its (task, example) pairs, in stream order. */
    private static List<Long> drawn(List<Batch> epoch, boolean withExamples) {
        List<Long> out = new ArrayList<>();
        for (Batch b : epoch) {
            for (int p = 0; p < b.size(); p++) {
                out.add(withExamples ? ((long) b.taskId(p) << 32) | b.exampleIndex(p) : b.taskId(p));
            }
        }
        return out;
    }

    @Property(tries = 100)
    void identicalSeedsGiveIdenticalStreams(
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 50) Integer> taskSizes,
            @ForAll @IntRange(min = 1, max = 32) int batchSize,
            @ForAll @IntRange(min = 1, max = 200) int epochSize,
            @ForAll long seed,
            @ForAll boolean dropLast,
            @ForAll SamplingStrategy strategy) {
        int[] sizes = toArray(taskSizes);
        HeterogeneousSampler a = sampler(strategy, sizes, batchSize, seed, dropLast, epochSize, 2);
        HeterogeneousSampler b = sampler(strategy, sizes.clone(), batchSize, seed, dropLast,
                epochSize, 2);
        int n = Math.min(60, 3 * a.batchesPerEpoch());
        assertEquals(take(a.iterator(), n), take(b.iterator(), n));
    }

    @Property(tries = 150)
    void restoredStateContinuesIdentically(
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 50) Integer> taskSizes,
            @ForAll @IntRange(min = 1, max = 32) int batchSize,
            @ForAll @IntRange(min = 1, max = 200) int epochSize,
            @ForAll long seed,
            @ForAll boolean dropLast,
            @ForAll SamplingStrategy strategy,
            @ForAll @IntRange(min = 0, max = 40) int cut,
            @ForAll boolean viaLongs) {
        int[] sizes = toArray(taskSizes);
        HeterogeneousSampler s = sampler(strategy, sizes, batchSize, seed, dropLast, epochSize, 2);
        int after = 2 * s.batchesPerEpoch() + 1;
        List<Batch> straight = take(s.iterator(), cut + after);
        BatchIterator first = s.iterator();
        take(first, cut);
        SamplerState saved = first.state();
        SamplerState restored = viaLongs ? SamplerState.fromLongArray(saved.toLongArray())
                : SamplerState.decode(saved.encode());
        assertEquals(saved, restored);
        HeterogeneousSampler rebuilt = sampler(strategy, sizes.clone(), batchSize, seed, dropLast,
                epochSize, 2);
        BatchIterator resumed = rebuilt.resume(restored);
        assertEquals(straight.subList(cut, cut + after), take(resumed, after));
        assertArrayEquals(take(first, after).stream().mapToInt(Batch::hashCode).toArray(),
                straight.subList(cut, cut + after).stream().mapToInt(Batch::hashCode).toArray());
        assertArrayEquals(first.taskDraws(), resumed.taskDraws());
    }
}
