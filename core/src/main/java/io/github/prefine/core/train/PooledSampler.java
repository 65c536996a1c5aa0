package io.github.prefine.core.train;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The paper's sampler: each epoch pools every training example of every task, shuffles the pool
 * and cuts it into batches, so a batch mixes tasks in proportion to their sizes. The last batch
 * of an epoch may be smaller (Hugging Face's {@code drop_last=False}).
 *
 * <p>Epoch {@code e}'s order depends only on the seed and {@code e}, so the state is the epoch
 * counter. Not thread-safe.
 */
public final class PooledSampler implements BatchSampler {
    private final int[] sizes;
    private final int batchSize;
    private final long seed;
    private long epoch;

    /**
     * Creates a sampler.
     *
     * @param sizes training examples per task, each {@code >= 0}, total positive
     * @param batchSize examples per batch, positive (the paper uses 128)
     * @param seed the sampler's seed
     */
    public PooledSampler(int[] sizes, int batchSize, long seed) {
        this.sizes = sizes.clone();
        long total = 0;
        for (int s : this.sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("sampler: task sizes must be >= 0, found " + Arrays.toString(sizes));
            }
            total += s;
        }
        if (total == 0 || total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sampler: total size must be in [1, 2^31), found " + total);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("sampler: batchSize must be positive, found " + batchSize);
        }
        this.batchSize = batchSize;
        this.seed = seed;
    }

    /**
     * Returns the number of batches per epoch.
     *
     * @return ceil(total / batchSize)
     */
    @Override
    public int batchesPerEpoch() {
        long total = Arrays.stream(sizes).asLongStream().sum();
        return (int) ((total + batchSize - 1) / batchSize);
    }

    @Override
    public List<SampledBatch> nextEpoch() {
        int total = Arrays.stream(sizes).sum();
        int[] task = new int[total];
        int[] index = new int[total];
        int k = 0;
        for (int t = 0; t < sizes.length; t++) {
            for (int i = 0; i < sizes[t]; i++) {
                task[k] = t;
                index[k++] = i;
            }
        }
        SplittableRandom rnd = new SplittableRandom(seed).split();
        for (long e = 0; e < epoch; e++) {
            rnd = rnd.split();
        }
        epoch++;
        for (int i = total - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int tt = task[i];
            task[i] = task[j];
            task[j] = tt;
            int ti = index[i];
            index[i] = index[j];
            index[j] = ti;
        }
        List<SampledBatch> out = new ArrayList<>();
        for (int from = 0; from < total; from += batchSize) {
            int to = Math.min(total, from + batchSize);
            out.add(new SampledBatch(Arrays.copyOfRange(task, from, to), Arrays.copyOfRange(index, from, to)));
        }
        return out;
    }

    @Override
    public byte[] saveState() {
        return ByteBuffer.allocate(8).putLong(epoch).array();
    }

    @Override
    public void restoreState(byte[] state) {
        if (state.length != 8) {
            throw new IllegalArgumentException("pooled sampler state: expected 8 bytes, found " + state.length);
        }
        long e = ByteBuffer.wrap(state).getLong();
        if (e < 0) {
            throw new IllegalArgumentException("pooled sampler state: epoch must be >= 0, found " + e);
        }
        epoch = e;
    }
}
