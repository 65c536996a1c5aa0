package io.github.prefine.sampling;

import com.google.common.primitives.ImmutableLongArray;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * An endless, resumable stream of {@link Batch}es from one {@link HeterogeneousSampler}, epoch
 * after epoch.
 *
 * <p>{@link #hasNext()} is true until the last batch of epoch {@link Integer#MAX_VALUE}, the last an
 * {@code int} counts (with one example a batch and one batch an epoch, the 2<sup>31</sup>st
 * example); callers count {@link HeterogeneousSampler#batchesPerEpoch()} batches per epoch or watch
 * {@link Batch#epoch()}. {@link
 * #state()} captures the position between batches, and {@link HeterogeneousSampler#resume} rebuilds
 * an iterator that continues identically.
 *
 * <p>Memory: an epoch-exact epoch holds one permutation of its examples (4 bytes per example);
 * cycling strategies hold one permutation per task that has been drawn. Preparing an epoch costs
 * O(N); resuming mid-epoch additionally replays the cheap, seed-free stratified plan.
 *
 * <p>Not thread-safe: an iterator is mutable and must be confined to one thread. It holds no
 * resources and needs no closing.
 */
public final class BatchIterator implements Iterator<Batch> {
    private final HeterogeneousSampler sampler;
    private final int[] sizes;
    private final long[] draws;
    private int epoch;
    private int batch;
    private boolean epochReady;

    // PROPORTIONAL: the pooled order of this epoch
    private int[] pooled;
    // STRATIFIED: per-task order of this epoch, cursors into it, and the count plan
    private int[][] taskOrder;
    private int[] taskCursor;
    private StratifiedApportionment plan;
    private int[] planCounts;
    // UNIFORM, TEMPERATURE: current cycling permutation per task and its round
    private final int[][] cyclePerm;
    private final long[] cycleRound;

    BatchIterator(HeterogeneousSampler sampler, int epoch, int batch, long[] draws) {
        this.sampler = sampler;
        this.sizes = sampler.sizesArray();
        this.epoch = epoch;
        this.batch = batch;
        this.draws = draws;
        this.cyclePerm = new int[sizes.length][];
        this.cycleRound = new long[sizes.length];
        java.util.Arrays.fill(cycleRound, -1);
    }

    /**
     * Tells whether a batch follows: true but after the last batch of epoch {@link
     * Integer#MAX_VALUE}.
     *
     * @return false once the stream has ended
     */
    @Override
    public boolean hasNext() {
        return !ended();
    }

    /** After the last batch of the last epoch an int counts: the next epoch would be negative. */
    private boolean ended() {
        return epoch == Integer.MAX_VALUE && batch == sampler.batchesPerEpoch();
    }

    private void requireNotEnded() {
        if (ended()) {
            throw new NoSuchElementException("sampler stream: it ended with the last batch of epoch "
                    + Integer.MAX_VALUE + ", the last epoch an int counts");
        }
    }

    /**
     * Returns the next batch, moving to the next epoch after the last batch of one.
     *
     * @return the batch
     * @throws NoSuchElementException after the last batch of epoch {@link Integer#MAX_VALUE}
     */
    @Override
    public Batch next() {
        requireNotEnded();
        if (batch == sampler.batchesPerEpoch()) {
            epoch++;
            batch = 0;
            epochReady = false;
        }
        if (!epochReady) {
            prepareEpoch();
            epochReady = true;
        }
        Batch out = switch (sampler.strategy()) {
            case PROPORTIONAL -> proportionalBatch();
            case STRATIFIED -> stratifiedBatch();
            case UNIFORM, TEMPERATURE -> drawnBatch();
        };
        batch++;
        return out;
    }

    /**
     * Returns the epoch of the next batch.
     *
     * @return the epoch, from 0
     * @throws NoSuchElementException after the last batch of epoch {@link Integer#MAX_VALUE}
     */
    public int epoch() {
        requireNotEnded();
        return batch == sampler.batchesPerEpoch() ? epoch + 1 : epoch;
    }

    /**
     * Returns the index within its epoch of the next batch.
     *
     * @return the batch index, from 0
     * @throws NoSuchElementException after the last batch of epoch {@link Integer#MAX_VALUE}
     */
    public int batchInEpoch() {
        requireNotEnded();
        return batch == sampler.batchesPerEpoch() ? 0 : batch;
    }

    /**
     * Returns the number of examples of each task emitted so far by this stream, since epoch 0.
     *
     * @return a fresh array, one count per task
     */
    public long[] taskDraws() {
        return draws.clone();
    }

    /**
     * Captures the current position, to continue later with {@link HeterogeneousSampler#resume}.
     *
     * @return the state between the last returned batch and the next
     * @throws NoSuchElementException after the last batch of epoch {@link Integer#MAX_VALUE}: no
     *     next batch, and no state a resumed stream could start from
     */
    public SamplerState state() {
        return new SamplerState(sampler.seed(), epoch(), batchInEpoch(),
                sampler.configFingerprint(), ImmutableLongArray.copyOf(draws));
    }

    /**
     * Returns the sampler this iterator draws from.
     *
     * @return the sampler
     */
    public HeterogeneousSampler sampler() {
        return sampler;
    }

    private void prepareEpoch() {
        long seed = sampler.seed();
        switch (sampler.strategy()) {
            case PROPORTIONAL -> {
                if (pooled == null) {
                    pooled = new int[sampler.totalExamples()];
                }
                SeedStreams.shuffledIdentity(pooled,
                        SeedStreams.stream(seed, SeedStreams.POOLED_PERMUTATION, epoch, 0));
            }
            case STRATIFIED -> {
                if (taskOrder == null) {
                    taskOrder = new int[sizes.length][];
                    taskCursor = new int[sizes.length];
                    planCounts = new int[sizes.length];
                }
                for (int i = 0; i < sizes.length; i++) {
                    if (taskOrder[i] == null) {
                        taskOrder[i] = new int[sizes[i]];
                    }
                    SeedStreams.shuffledIdentity(taskOrder[i],
                            SeedStreams.stream(seed, SeedStreams.EPOCH_TASK_PERMUTATION, epoch, i));
                    taskCursor[i] = 0;
                }
                plan = new StratifiedApportionment(sizes, sampler.batchSize());
                // resuming mid-epoch: replay the seed-free plan to recover the cursors
                for (int b = 0; b < batch; b++) {
                    plan.nextCounts(planCounts);
                    for (int i = 0; i < sizes.length; i++) {
                        taskCursor[i] += planCounts[i];
                    }
                }
            }
            case UNIFORM, TEMPERATURE -> {
                // nothing per epoch: task draws are per batch, cycles are per task
            }
        }
    }

    private int currentBatchSize(int epochExamples) {
        long start = (long) batch * sampler.batchSize();
        return (int) Math.min(sampler.batchSize(), epochExamples - start);
    }

    private Batch proportionalBatch() {
        int size = currentBatchSize(sampler.totalExamples());
        int start = batch * sampler.batchSize();
        int[] tasks = new int[size];
        int[] examples = new int[size];
        int[] counts = new int[sizes.length];
        for (int p = 0; p < size; p++) {
            int g = pooled[start + p];
            int t = sampler.taskOfPooledIndex(g);
            tasks[p] = t;
            examples[p] = g - sampler.offsetOf(t);
            counts[t]++;
            draws[t]++;
        }
        return new Batch(epoch, batch, tasks, examples, counts);
    }

    private Batch stratifiedBatch() {
        int size = plan.nextCounts(planCounts);
        int[] tasks = new int[size];
        int[] examples = new int[size];
        int p = 0;
        for (int i = 0; i < sizes.length; i++) {
            int c = planCounts[i];
            for (int k = 0; k < c; k++) {
                tasks[p + k] = i;
            }
            System.arraycopy(taskOrder[i], taskCursor[i], examples, p, c);
            taskCursor[i] += c;
            draws[i] += c;
            p += c;
        }
        // mix the task blocks so that any prefix of the batch is itself mixed
        SplittableRandom rng = SeedStreams.stream(
                sampler.seed(), SeedStreams.BATCH_ORDER, epoch, batch);
        for (int i = size - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = tasks[i];
            tasks[i] = tasks[j];
            tasks[j] = t;
            int e = examples[i];
            examples[i] = examples[j];
            examples[j] = e;
        }
        return new Batch(epoch, batch, tasks, examples, planCounts.clone());
    }

    private Batch drawnBatch() {
        int size = currentBatchSize(sampler.epochSize());
        int[] tasks = new int[size];
        int[] examples = new int[size];
        int[] counts = new int[sizes.length];
        SplittableRandom rng = SeedStreams.stream(
                sampler.seed(), SeedStreams.TASK_DRAWS, epoch, batch);
        for (int p = 0; p < size; p++) {
            int t = sampler.drawTask(rng.nextDouble());
            tasks[p] = t;
            examples[p] = nextInCycle(t);
            counts[t]++;
        }
        return new Batch(epoch, batch, tasks, examples, counts);
    }

    private int nextInCycle(int task) {
        long d = draws[task];
        long round = d / sizes[task];
        if (cycleRound[task] != round) {
            if (cyclePerm[task] == null) {
                cyclePerm[task] = new int[sizes[task]];
            }
            SeedStreams.shuffledIdentity(cyclePerm[task], SeedStreams.stream(
                    sampler.seed(), SeedStreams.CYCLE_PERMUTATION, task, round));
            cycleRound[task] = round;
        }
        draws[task] = d + 1;
        return cyclePerm[task][(int) (d % sizes[task])];
    }
}
