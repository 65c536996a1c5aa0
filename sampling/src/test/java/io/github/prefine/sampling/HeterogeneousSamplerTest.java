package io.github.prefine.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class HeterogeneousSamplerTest {

    private static HeterogeneousSampler.Builder base(int... sizes) {
        return HeterogeneousSampler.builder().setTaskSizes(sizes).setBatchSize(2);
    }

    private static List<Batch> take(BatchIterator it, int n) {
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(it.next());
        }
        return out;
    }

    private static void assertMessage(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }

    @Test
    void proportionalEpochOfTwoAndThreeExamplesVisitsAllFiveOnceInBatchesOfTwoTwoOne() {
        HeterogeneousSampler s = base(2, 3).optSeed(7).build();
        assertEquals(3, s.batchesPerEpoch());
        List<Batch> epoch = take(s.iterator(), 3);
        assertArrayEquals(new int[] {2, 2, 1},
                epoch.stream().mapToInt(Batch::size).toArray());
        Set<Long> seen = new HashSet<>();
        int[] counts = new int[2];
        for (Batch b : epoch) {
            assertEquals(0, b.epoch());
            for (int p = 0; p < b.size(); p++) {
                assertTrue(seen.add(((long) b.taskId(p) << 32) | b.exampleIndex(p)));
                counts[b.taskId(p)]++;
            }
        }
        assertEquals(Set.of(0L, 1L, 1L << 32, (1L << 32) | 1, (1L << 32) | 2), seen);
        assertArrayEquals(new int[] {2, 3}, counts);
        assertArrayEquals(new int[] {0, 1, 2}, epoch.stream().mapToInt(Batch::index).toArray());
    }

    @Test
    void dropLastSkipsThePartialBatchOfEachEpoch() {
        HeterogeneousSampler s = base(2, 3).optDropLast(true).build();
        assertEquals(2, s.batchesPerEpoch());
        BatchIterator it = s.iterator();
        take(it, 2);
        assertEquals(1, it.epoch());
        assertEquals(0, it.batchInEpoch());
        Batch next = it.next();
        assertEquals(1, next.epoch());
        assertEquals(2, next.size());
    }

    @Test
    void stratifiedCountsForFiveThreeTwoInBatchesOfFourMatchTheHandWorkedPlan() {
        // quotas 2, 1.2, 0.8 per full batch; the last batch of 2 has quotas 1, 0.6, 0.4, so it
        // takes task 1 by largest remainder; task 0 then owes 5 - 2*2 - 1 = 0 extras, task 1 owes
        // 3 - 2*1 - 1 = 0 and task 2 owes 2 - 0 - 0 = 2, one per full batch.
        HeterogeneousSampler s = HeterogeneousSampler.builder().setTaskSizes(5, 3, 2)
                .setBatchSize(4).optStrategy(SamplingStrategy.STRATIFIED).build();
        List<Batch> epoch = take(s.iterator(), 3);
        assertArrayEquals(new int[] {2, 1, 1}, epoch.get(0).copyTaskCounts());
        assertArrayEquals(new int[] {2, 1, 1}, epoch.get(1).copyTaskCounts());
        assertArrayEquals(new int[] {1, 1, 0}, epoch.get(2).copyTaskCounts());
    }

    @Test
    void stratifiedCountsForThreeAndOneInBatchesOfTwoGiveTheTieToTheFirstTask() {
        // quotas 1.5 and 0.5: each task owes one extra over two batches; equal lags go to task 0
        StratifiedApportionment plan = new StratifiedApportionment(new int[] {3, 1}, 2);
        int[] counts = new int[2];
        assertEquals(2, plan.nextCounts(counts));
        assertArrayEquals(new int[] {2, 0}, counts);
        assertEquals(2, plan.nextCounts(counts));
        assertArrayEquals(new int[] {1, 1}, counts);
        assertThrows(IllegalStateException.class, () -> plan.nextCounts(counts));
    }

    @Test
    void stratifiedSpreadsATaskWithQuotaOneThirdEvenly() {
        // sizes 4 and 2 in batches of 3: quotas 2 and 1 exactly, no extras
        StratifiedApportionment exact = new StratifiedApportionment(new int[] {4, 2}, 3);
        int[] c = new int[2];
        exact.nextCounts(c);
        assertArrayEquals(new int[] {2, 1}, c);
        // sizes 10 and 2 in batches of 2: task 1 quota 1/3 per batch, extras lag-driven
        StratifiedApportionment plan = new StratifiedApportionment(new int[] {10, 2}, 2);
        StringBuilder sb = new StringBuilder();
        for (int b = 0; b < 6; b++) {
            plan.nextCounts(c);
            sb.append(c[1]);
        }
        // task 1 owes 2 extras over 6 batches; its lag k*2 - 6*given beats task 0's
        // k*4 - 6*given in batches 1 and 4, so its examples land three batches apart
        assertEquals("010010", sb.toString());
    }

    @Test
    void stratifiedEpochAtPaperScaleCoversEveryExampleWithinOneOfEachQuota() {
        // GLUE/SQuAD-like sizes with the paper's batch of 128
        int[] sizes = {392_702, 87_599, 104_743, 5_749, 2_490, 8_551};
        long total = java.util.Arrays.stream(sizes).sum();
        HeterogeneousSampler s = HeterogeneousSampler.builder().setTaskSizes(sizes)
                .setBatchSize(128).optStrategy(SamplingStrategy.STRATIFIED).optSeed(5).build();
        java.util.BitSet[] seen = new java.util.BitSet[sizes.length];
        for (int t = 0; t < sizes.length; t++) {
            seen[t] = new java.util.BitSet(sizes[t]);
        }
        BatchIterator it = s.iterator();
        for (int k = 0; k < s.batchesPerEpoch(); k++) {
            Batch b = it.next();
            for (int t = 0; t < sizes.length; t++) {
                if (Math.abs((long) b.taskCount(t) * total - (long) b.size() * sizes[t]) >= total) {
                    fail("task " + t + " off its quota in " + b);
                }
            }
            for (int p = 0; p < b.size(); p++) {
                if (seen[b.taskId(p)].get(b.exampleIndex(p))) {
                    fail("repeated example at position " + p + " of " + b);
                }
                seen[b.taskId(p)].set(b.exampleIndex(p));
            }
        }
        for (int t = 0; t < sizes.length; t++) {
            assertEquals(sizes[t], seen[t].cardinality());
        }
        assertEquals(1, it.epoch());
    }

    @Test
    void stratifiedBatchesSpreadEachTaskOverEveryPosition() {
        // sizes 60 and 40 in batches of 10: every batch holds 6 and 4; over 50 epochs each position
        // holds task 1 in about 0.4 * 500 = 200 of the 500 batches (sd 11), and no epoch gives
        // all its batches one order, so any prefix of a batch is mixed too
        HeterogeneousSampler s = HeterogeneousSampler.builder().setTaskSizes(60, 40).setBatchSize(10)
                .optStrategy(SamplingStrategy.STRATIFIED).optSeed(3).build();
        int[] taskOne = new int[10];
        BatchIterator it = s.iterator();
        for (int e = 0; e < 50; e++) {
            Set<String> orders = new HashSet<>();
            for (int k = 0; k < 10; k++) {
                Batch b = it.next();
                assertArrayEquals(new int[] {6, 4}, b.copyTaskCounts(), b.toString());
                orders.add(java.util.Arrays.toString(b.copyTaskIds()));
                for (int p = 0; p < b.size(); p++) {
                    taskOne[p] += b.taskId(p);
                }
            }
            assertTrue(orders.size() > 1, "epoch " + e + " puts its tasks in one order in every batch: " + orders);
        }
        for (int p = 0; p < 10; p++) {
            assertTrue(Math.abs(taskOne[p] - 200) < 60, "position " + p + " holds task 1 in " + taskOne[p]
                    + " of 500 batches, expected about 200: " + java.util.Arrays.toString(taskOne));
        }
    }

    @Test
    void stratifiedBatchesDrawEveryOrderOfTheirExamplesEquallyOften() {
        // three tasks of one example in batches of 3: every epoch is one batch of all three, laid
        // out task by task before the shuffle, so its order is one of 3! = 6, each with probability
        // 1/6 (1,000 of 6,000 epochs). A shuffle that never leaves an example in place (Sattolo's
        // cycles) draws only 2 of them; one that stops a swap early, only 3.
        HeterogeneousSampler s = HeterogeneousSampler.builder().setTaskSizes(1, 1, 1).setBatchSize(3)
                .optStrategy(SamplingStrategy.STRATIFIED).optSeed(17).build();
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        BatchIterator it = s.iterator();
        for (int e = 0; e < 6000; e++) {
            Batch b = it.next();
            StringBuilder order = new StringBuilder();
            for (int p = 0; p < b.size(); p++) {
                order.append(b.taskId(p)).append('.').append(b.exampleIndex(p)).append(' ');
            }
            counts.merge(order.toString(), 1L, Long::sum);
        }
        assertEquals(6, counts.size(), "orders drawn: " + counts);
        double[] expected = new double[6];
        java.util.Arrays.fill(expected, 1000);
        long[] observed = counts.values().stream().mapToLong(Long::longValue).toArray();
        double p = new org.apache.commons.math3.stat.inference.ChiSquareTest().chiSquareTest(expected, observed);
        assertTrue(p > 1e-4, "counts " + counts + ", p = " + p);
    }

    @Test
    void largestRemainderSplitsSevenSlotsOverOneTwoFour() {
        assertArrayEquals(new int[] {1, 2, 4},
                StratifiedApportionment.largestRemainder(new int[] {1, 2, 4}, 7, 7));
        // 3 slots: quotas 3/7, 6/7, 12/7 -> floors 0, 0, 1; remainders 3, 6, 5 -> tasks 1, 2
        assertArrayEquals(new int[] {0, 1, 2},
                StratifiedApportionment.largestRemainder(new int[] {1, 2, 4}, 3, 7));
    }

    @Test
    void taskProbabilitiesFollowTheirFormulas() {
        assertArrayEquals(new double[] {0.2, 0.8},
                base(100, 400).build().taskProbabilities(), 1e-15);
        assertArrayEquals(new double[] {1.0 / 3, 2.0 / 3},
                base(100, 400).optStrategy(SamplingStrategy.TEMPERATURE).optTemperature(2)
                        .build().taskProbabilities(), 1e-15);
        // T = 0.5 squares the sizes: 1 : 16
        assertArrayEquals(new double[] {1.0 / 17, 16.0 / 17},
                base(100, 400).optStrategy(SamplingStrategy.TEMPERATURE).optTemperature(0.5)
                        .build().taskProbabilities(), 1e-15);
        // the cap applies before the power
        assertArrayEquals(new double[] {0.5, 0.5},
                base(100, 400).optStrategy(SamplingStrategy.TEMPERATURE).optSizeCap(100)
                        .optTemperature(3).build().taskProbabilities(), 1e-15);
        assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3},
                base(1, 10, 1000).optStrategy(SamplingStrategy.UNIFORM).build()
                        .taskProbabilities(), 1e-15);
    }

    @Test
    void uniformSingleTaskCyclesThroughFreshPermutations() {
        HeterogeneousSampler s = HeterogeneousSampler.builder().setTaskSizes(3).setBatchSize(2)
                .optStrategy(SamplingStrategy.UNIFORM).optEpochSize(5).optSeed(3).build();
        assertEquals(3, s.batchesPerEpoch());
        BatchIterator it = s.iterator();
        int[] stream = new int[12];
        int k = 0;
        while (k < 12) {
            Batch b = it.next();
            for (int p = 0; p < b.size() && k < 12; p++) {
                stream[k++] = b.exampleIndex(p);
            }
        }
        for (int round = 0; round < 4; round++) {
            int[] chunk = java.util.Arrays.copyOfRange(stream, 3 * round, 3 * round + 3);
            java.util.Arrays.sort(chunk);
            assertArrayEquals(new int[] {0, 1, 2}, chunk, "round " + round);
        }
        assertArrayEquals(new long[] {12}, it.taskDraws());
    }

    @Test
    void stateIsNormalisedToTheNextEpochAfterTheLastBatch() {
        HeterogeneousSampler s = base(2, 3).optSeed(1).build();
        BatchIterator it = s.iterator();
        assertEquals(s.initialState(), it.state());
        take(it, 3);
        SamplerState st = it.state();
        assertEquals(1, st.epoch());
        assertEquals(0, st.batch());
        assertEquals(List.of(2L, 3L), st.taskDraws().asList());
    }

    @Test
    void resumeContinuesWithTheSameBatches() {
        for (SamplingStrategy strategy : SamplingStrategy.values()) {
            HeterogeneousSampler s = base(5, 3, 9).setBatchSize(4).optStrategy(strategy)
                    .optSeed(11).build();
            List<Batch> straight = take(s.iterator(), 14);
            BatchIterator first = s.iterator();
            take(first, 6);
            String saved = first.state().encode();
            HeterogeneousSampler rebuilt = s.toBuilder().build();
            List<Batch> resumed = take(rebuilt.resume(SamplerState.decode(saved)), 8);
            assertEquals(straight.subList(6, 14), resumed, strategy.name());
        }
    }

    @Test
    void anEpochNearTheIntRangeHasItsBatchCountAndResumes() {
        // ceil((2^31 - 1) / 128) = 2^24: the sum epochSize + batchSize - 1 is past the int range
        HeterogeneousSampler s = base(10, 20).setBatchSize(128).optStrategy(SamplingStrategy.UNIFORM)
                .optEpochSize(Integer.MAX_VALUE).build();
        assertEquals(1 << 24, s.batchesPerEpoch());
        BatchIterator it = s.iterator();
        it.next();
        SamplerState st = it.state();
        assertEquals(it.next(), s.resume(st).next());
    }

    /**
     * One example a batch and a batch an epoch: the epoch counts examples, and the stream's last is
     * the 2^31st, in epoch Integer.MAX_VALUE. After it the epoch of the next batch overflowed to
     * Integer.MIN_VALUE, and state() failed with "epoch must be >= 0, found -2147483648"; now the
     * stream says it has ended, as an Iterator does.
     */
    @Test
    void theStreamEndsAfterItsLastEpochInsteadOfCountingANegativeOne() {
        HeterogeneousSampler s = base(1).setBatchSize(1).build();
        SamplerState last = new SamplerState(s.seed(), Integer.MAX_VALUE, 0, s.configFingerprint(),
                com.google.common.primitives.ImmutableLongArray.of(Integer.MAX_VALUE));
        BatchIterator it = s.resume(last);
        assertTrue(it.hasNext());
        assertEquals(Integer.MAX_VALUE, it.epoch());
        Batch b = it.next();
        assertEquals(Integer.MAX_VALUE, b.epoch());
        assertEquals(0, b.exampleIndex(0));
        assertFalse(it.hasNext());
        String ended = "sampler stream: it ended with the last batch of epoch 2147483647, the last epoch an int counts";
        for (Executable e : List.<Executable>of(it::next, it::epoch, it::batchInEpoch, it::state)) {
            assertEquals(ended, assertThrows(java.util.NoSuchElementException.class, e).getMessage());
        }
        // the draws are still counted
        assertEquals(Integer.MAX_VALUE + 1L, it.taskDraws()[0]);
    }

    /**
     * {@code setTaskSizes(int...)} names its tasks task0, task1, ...: a name a user may give a task
     * too. Whether the tasks were named is now said apart from the names, so the trainer checks a
     * user's "task0" against its data instead of taking it for no name.
     */
    @Test
    void anonymousTasksAreToldApartFromTasksNamedLikeThem() {
        assertFalse(base(5, 3).build().namedTasks());
        HeterogeneousSampler named = HeterogeneousSampler.builder()
                .setTaskSizes(new TaskSize("task0", 5), new TaskSize("task1", 3)).setBatchSize(2).build();
        assertTrue(named.namedTasks());
        assertEquals(base(5, 3).build().taskSizes(), named.taskSizes());
        // variants keep it, and the fingerprint (the stream) does not depend on it
        assertTrue(named.toBuilder().optSeed(3).build().namedTasks());
        assertFalse(base(5, 3).build().toBuilder().optSeed(3).build().namedTasks());
        assertTrue(HeterogeneousSampler.builder().setTaskSizes(List.of(new TaskSize("x", 1))).setBatchSize(1).copy()
                .build().namedTasks());
        assertEquals(base(5, 3).build().configFingerprint(), named.configFingerprint());
    }

    @Test
    void differentSeedsGiveDifferentStreams() {
        List<Batch> a = take(base(50, 50).optSeed(1).build().iterator(), 5);
        List<Batch> b = take(base(50, 50).optSeed(2).build().iterator(), 5);
        assertNotEquals(a, b);
    }

    @Test
    void batchSlicesByTask() {
        HeterogeneousSampler s = base(4, 4).setBatchSize(8).build();
        Batch b = s.iterator().next();
        for (int t = 0; t < 2; t++) {
            int[] positions = b.positionsOf(t);
            int[] examples = b.exampleIndicesOf(t);
            assertEquals(4, positions.length);
            for (int k = 0; k < 4; k++) {
                assertEquals(t, b.taskId(positions[k]));
                assertEquals(b.exampleIndex(positions[k]), examples[k]);
            }
            java.util.Arrays.sort(examples);
            assertArrayEquals(new int[] {0, 1, 2, 3}, examples);
        }
        int[] copy = b.copyTaskIds();
        copy[0] = 99;
        assertNotEquals(99, b.taskId(0));
    }

    @Test
    void toBuilderKeepsTheConfigurationAndDerivesVariants() {
        HeterogeneousSampler s = base(7, 9).optStrategy(SamplingStrategy.TEMPERATURE)
                .optTemperature(2).optSizeCap(8).optEpochSize(33).optDropLast(true).optSeed(5)
                .build();
        HeterogeneousSampler same = s.toBuilder().build();
        assertEquals(s.configFingerprint(), same.configFingerprint());
        assertEquals(s.toString(), same.toString());
        HeterogeneousSampler other = s.toBuilder().optSeed(6).build();
        assertEquals(s.configFingerprint(), other.configFingerprint());
        assertNotEquals(s.configFingerprint(), s.toBuilder().optEpochSize(34).build()
                .configFingerprint());
    }

    @Test
    void aBuilderCopyHoldsTheSameSettingsAndChangesApart() {
        HeterogeneousSampler.Builder b = base(7, 9).optStrategy(SamplingStrategy.TEMPERATURE)
                .optTemperature(2).optSizeCap(8).optEpochSize(33).optDropLast(true).optSeed(5);
        HeterogeneousSampler.Builder c = b.copy();
        assertEquals(b.build().toString(), c.build().toString());
        assertEquals(b.build().configFingerprint(), c.build().configFingerprint());
        c.setTaskSizes(1, 2, 3).setBatchSize(1).optTemperature(4);
        HeterogeneousSampler original = b.build();
        assertEquals(16, original.totalExamples());
        assertEquals(2.0, original.temperature());
        assertNotEquals(original.configFingerprint(), c.build().configFingerprint());
        // an unset batch size stays unset in the copy
        assertMessage("batchSize must be set", () -> HeterogeneousSampler.builder().setTaskSizes(3).copy().build());
    }

    @Test
    void rejectsStatesOfOtherSamplers() {
        HeterogeneousSampler s = base(5, 3).optSeed(1).build();
        SamplerState st = s.iterator().state();
        assertMessage("sampler state: seed must equal the sampler seed 2, found 1",
                () -> s.toBuilder().optSeed(2).build().resume(st));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.toBuilder().setBatchSize(3).build().resume(st));
        assertTrue(e.getMessage().startsWith("sampler state: configFingerprint must equal"));
        SamplerState past = new SamplerState(1, 0, 4, s.configFingerprint(), st.taskDraws());
        assertMessage("sampler state: batch must be < batchesPerEpoch 4, found 4",
                () -> s.resume(past));
    }

    @Test
    void validationMessagesNameTheQuantity() {
        assertMessage("taskSizes must be set",
                () -> HeterogeneousSampler.builder().setBatchSize(2).build());
        assertMessage("taskSizes must not be empty, found 0 tasks",
                () -> HeterogeneousSampler.builder().setTaskSizes(new int[0]).setBatchSize(2)
                        .build());
        assertMessage("task task1: size must be positive, found 0",
                () -> HeterogeneousSampler.builder().setTaskSizes(3, 0));
        assertMessage("task name must not be blank, found \" \"", () -> new TaskSize(" ", 3));
        assertMessage("taskSizes: task names must be distinct, found mnli at positions 0 and 2",
                () -> HeterogeneousSampler.builder().setTaskSizes(new TaskSize("mnli", 3),
                        new TaskSize("qnli", 4), new TaskSize("mnli", 5)).setBatchSize(2).build());
        assertMessage("batchSize must be set",
                () -> HeterogeneousSampler.builder().setTaskSizes(3).build());
        assertMessage("batchSize must be positive, found 0", () -> base(3).setBatchSize(0).build());
        assertMessage("temperature applies only to strategy TEMPERATURE, found strategy"
                + " PROPORTIONAL", () -> base(3).optTemperature(2).build());
        HeterogeneousSampler.Builder temp = base(3).optStrategy(SamplingStrategy.TEMPERATURE);
        assertMessage("temperature must be positive and finite, found 0.0",
                () -> temp.optTemperature(0).build());
        assertMessage("temperature must be positive and finite, found NaN",
                () -> temp.optTemperature(Double.NaN).build());
        assertMessage("temperature must be positive and finite, found Infinity",
                () -> temp.optTemperature(Double.POSITIVE_INFINITY).build());
        assertMessage("sizeCap must be positive, found -1",
                () -> temp.optTemperature(1).optSizeCap(-1).build());
        assertMessage("sizeCap applies only to strategy TEMPERATURE, found strategy UNIFORM",
                () -> base(3).optStrategy(SamplingStrategy.UNIFORM).optSizeCap(5).build());
        assertMessage("epochSize applies only to strategies UNIFORM and TEMPERATURE (STRATIFIED"
                + " epochs visit all N = 3 examples), found strategy STRATIFIED",
                () -> base(3).optStrategy(SamplingStrategy.STRATIFIED).optEpochSize(3).build());
        assertMessage("epochSize must be positive, found 0",
                () -> base(3).optStrategy(SamplingStrategy.UNIFORM).optEpochSize(0).build());
        assertMessage("with dropLast, epochSize must be at least batchSize 4 or an epoch has no"
                + " batch, found 3", () -> base(3).setBatchSize(4).optDropLast(true).build());
        assertMessage("total task size N must be at most 2147483639, found 2147483657",
                () -> base(Integer.MAX_VALUE - 10, 20).build());
    }

    @Test
    void aDrawOnACumulativeBoundaryGoesToTheNextTask() {
        // four equal tasks: task i owns [i/4, (i+1)/4), so each has probability 1/4 exactly
        HeterogeneousSampler s = base(1, 1, 1, 1).optStrategy(SamplingStrategy.UNIFORM).build();
        assertEquals(0, s.drawTask(0.0));
        assertEquals(0, s.drawTask(0.2499));
        assertEquals(1, s.drawTask(0.25));
        assertEquals(3, s.drawTask(0.75));
        assertEquals(3, s.drawTask(0.9999));
    }

    @Test
    void aSmallTemperatureDoesNotOverflow() {
        // T = 0.01: p ~ n^100, so p1 / p0 = (10 / 1000)^100 = 1e-200
        double[] p = base(1000, 10).optStrategy(SamplingStrategy.TEMPERATURE).optTemperature(0.01).build()
                .taskProbabilities();
        assertEquals(1.0, p[0]);
        assertEquals(1e-200, p[1], 1e-209);
    }

    @Test
    void aTemperatureSoSmallThatLogNOverTOverflowsPutsAllMassOnTheLargestTasks() {
        // T -> 0 is argmax: ln(10^7) / 1e-310 overflows to infinity, and inf - inf must not
        // leave NaN probabilities that send every draw to the last task
        HeterogeneousSampler s = base(10_000_000, 1).optStrategy(SamplingStrategy.TEMPERATURE)
                .optTemperature(1e-310).optEpochSize(64).build();
        assertArrayEquals(new double[] {1, 0}, s.taskProbabilities());
        for (Batch b : take(s.iterator(), 32)) {
            assertEquals(b.size(), b.taskCount(0), b.toString());
        }
        // equal largest sizes share the mass equally, even at the smallest positive T
        assertArrayEquals(new double[] {0.5, 0, 0.5}, base(5, 3, 5).optStrategy(SamplingStrategy.TEMPERATURE)
                .optTemperature(Double.MIN_VALUE).build().taskProbabilities());
    }

    @Test
    void configFingerprintTellsApartEveryBatchAndEpochSize() {
        // a 64-bit hash of the settings: 400 neighbouring configurations must not collide (N = 10 is
        // UNIFORM's default epoch size, so its explicit epoch sizes start at 11)
        Set<Long> seen = new HashSet<>();
        for (int b = 1; b <= 200; b++) {
            seen.add(base(5, 3, 2).setBatchSize(b).build().configFingerprint());
            seen.add(base(5, 3, 2).optStrategy(SamplingStrategy.UNIFORM).optEpochSize(10 + b).build()
                    .configFingerprint());
        }
        for (SamplingStrategy st : SamplingStrategy.values()) {
            seen.add(base(5, 3, 2).setBatchSize(300).optStrategy(st).build().configFingerprint());
        }
        seen.add(base(3, 5, 2).build().configFingerprint());
        seen.add(base(5, 3, 2).optDropLast(true).build().configFingerprint());
        assertEquals(400 + SamplingStrategy.values().length + 2, seen.size());
    }

    @Test
    void accessorsReturnTheConfiguration() {
        HeterogeneousSampler t = base(5, 3).optStrategy(SamplingStrategy.TEMPERATURE).optTemperature(2)
                .optSizeCap(4).optDropLast(true).build();
        assertEquals(2, t.numTasks());
        assertEquals(List.of(new TaskSize("task0", 5), new TaskSize("task1", 3)), t.taskSizes());
        assertEquals(2.0, t.temperature());
        assertEquals(java.util.OptionalInt.of(4), t.sizeCap());
        assertTrue(t.dropLast());
        assertTrue(t.toString().contains("temperature=2.0, sizeCap=4"), t.toString());
        HeterogeneousSampler p = base(5, 3).build();
        assertEquals(java.util.OptionalInt.empty(), p.sizeCap());
        assertFalse(p.dropLast());
        assertFalse(p.toString().contains("temperature"), p.toString());
        assertTrue(p.toString().startsWith("HeterogeneousSampler{strategy=PROPORTIONAL, tasks=2, N=8"), p.toString());
        BatchIterator it = p.iterator();
        assertTrue(it.hasNext());
        assertSame(p, it.sampler());
    }

    @Test
    void batchesCompareByContent() {
        HeterogeneousSampler s = base(2, 3).optSeed(9).build();
        Batch b = s.iterator().next();
        Batch again = s.iterator().next();
        assertEquals(b, b);
        assertEquals(again, b);
        assertEquals(again.hashCode(), b.hashCode());
        assertFalse(b.equals(b.toString()));
        assertEquals(2, b.numTasks());
        int[] examples = b.copyExampleIndices();
        for (int i = 0; i < b.size(); i++) {
            assertEquals(b.exampleIndex(i), examples[i]);
        }
        assertTrue(b.toString().startsWith("Batch{epoch=0, index=0, size=2, taskCounts="), b.toString());
    }

    @Test
    void theLargestTotalSizeIsAccepted() {
        assertEquals(Integer.MAX_VALUE - 8, base(Integer.MAX_VALUE - 10, 2).build().totalExamples());
        assertMessage("sizeCap must be positive, found 0", () -> base(3).optStrategy(SamplingStrategy.TEMPERATURE)
                .optSizeCap(0).build());
    }

    @Test
    void largestRemainderBreaksTiesTowardsTheLowerTask() {
        // three equal tasks, two slots: quotas 2/3 each, equal remainders -> tasks 0 and 1
        assertArrayEquals(new int[] {1, 1, 0}, StratifiedApportionment.largestRemainder(new int[] {1, 1, 1}, 2, 3));
    }

    @Test
    void aStratifiedPlanRefusesABatchPastItsEpoch() {
        // N = 10, B = 4: two full batches and one of 2
        StratifiedApportionment plan = new StratifiedApportionment(new int[] {5, 3, 2}, 4);
        assertEquals(2, plan.fullBatchCount());
        assertEquals(3, plan.batchCount());
        int[] out = new int[3];
        assertEquals(4, plan.nextCounts(out));
        assertEquals(4, plan.nextCounts(out));
        assertEquals(2, plan.nextCounts(out));
        assertThrows(IllegalStateException.class, () -> plan.nextCounts(out));
    }
}
