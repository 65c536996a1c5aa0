package io.github.prefine.core.train;

import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskSet;
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

    /**
     * Makes a sampler over a task set's training units, in the set's task order.
     *
     * @param tasks the tasks; their training sizes become the sampler's task sizes
     * @param settings batch size, strategy, seed and the rest; any task sizes they hold are replaced
     *     with the set's in a copy, and the settings are left as they were
     * @return the sampler, at its first batch
     * @throws IllegalArgumentException if the settings are invalid (see {@link HeterogeneousSampler.Builder#build()})
     */
    public static HeterogeneousBatchSampler of(TaskSet tasks, HeterogeneousSampler.Builder settings) {
        return new HeterogeneousBatchSampler(settings.copy().setTaskSizes(tasks.sizes(Split.TRAIN)).build());
    }

    /** The wrapped sampler, whose task sizes the trainer checks against its data. */
    HeterogeneousSampler sampler() {
        return sampler;
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
            // the sampler's per-task counts group the batch once, for the source and the trainer
            out.add(SampledBatch.grouped(b.copyTaskIds(), b.copyExampleIndices(), b.copyTaskCounts()));
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
