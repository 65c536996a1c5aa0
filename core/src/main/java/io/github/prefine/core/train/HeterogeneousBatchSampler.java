package io.github.prefine.core.train;

import io.github.prefine.sampling.Batch;
import io.github.prefine.sampling.BatchIterator;
import io.github.prefine.sampling.HeterogeneousSampler;
import io.github.prefine.sampling.SamplerState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Adapts the {@code sampling} module's {@link HeterogeneousSampler} (proportional, stratified,
 * uniform, temperature) to {@link BatchSampler}; its state is the sampler's encoded {@link
 * SamplerState}. Not thread-safe.
 */
public final class HeterogeneousBatchSampler implements BatchSampler {
    private final HeterogeneousSampler sampler;
    private BatchIterator iterator;

    /**
     * Wraps a sampler, starting at its first batch.
     *
     * @param sampler the configured sampler; its task order must be the model's
     */
    public HeterogeneousBatchSampler(HeterogeneousSampler sampler) {
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
        return iterator.state().encode().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void restoreState(byte[] state) {
        iterator = sampler.resume(SamplerState.decode(new String(state, StandardCharsets.US_ASCII)));
    }
}
