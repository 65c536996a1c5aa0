package io.github.prefine.core.pipeline;

import io.github.prefine.core.train.BatchSampler;
import io.github.prefine.core.train.SampledBatch;
import io.github.prefine.sampling.Batch;
import io.github.prefine.sampling.BatchIterator;
import io.github.prefine.sampling.HeterogeneousSampler;
import io.github.prefine.sampling.SamplerState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Lets the trainer draw its batches from a {@link HeterogeneousSampler} (any of its strategies),
 * saving and restoring the sampler's stream position in checkpoints.
 *
 * <p>The sampler's task ids must be the trainer's task indices (the model's head order). Not
 * thread-safe: it holds one {@link BatchIterator}.
 */
public final class SamplerBatches implements BatchSampler {
    private final HeterogeneousSampler sampler;
    private BatchIterator iterator;

    /**
     * Wraps a sampler, starting at its first batch.
     *
     * @param sampler the sampler
     */
    public SamplerBatches(HeterogeneousSampler sampler) {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.iterator = sampler.iterator();
    }

    @Override
    public int batchesPerEpoch() {
        return sampler.batchesPerEpoch();
    }

    @Override
    public List<SampledBatch> nextEpoch() {
        List<SampledBatch> out = new ArrayList<>(sampler.batchesPerEpoch());
        for (int i = 0; i < sampler.batchesPerEpoch(); i++) {
            Batch b = iterator.next();
            out.add(new SampledBatch(b.copyTaskIds(), b.copyExampleIndices()));
        }
        return out;
    }

    @Override
    public byte[] saveState() {
        return iterator.state().encode().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void restoreState(byte[] state) {
        iterator = sampler.resume(SamplerState.decode(new String(state, StandardCharsets.UTF_8)));
    }
}
