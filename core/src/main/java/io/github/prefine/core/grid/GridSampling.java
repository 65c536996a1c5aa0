package io.github.prefine.core.grid;

import io.github.prefine.sampling.HeterogeneousSampler;
import io.github.prefine.sampling.SamplingStrategy;
import java.util.Locale;

/**
 * How a grid's pre-finetuning draws its batches: the paper's proportional sampler by default, or a
 * strategy of the {@code sampling} module given with {@link Grid.Builder#optSampling}. Each unit
 * makes its sampler from a template whose task sizes, batch size and seed are the unit's.
 * Immutable.
 */
final class GridSampling {
    /** The paper's: proportional to task size, every example once per epoch. */
    static final GridSampling PROPORTIONAL = new GridSampling(null);

    /** A sampler over a placeholder task holding the settings; null for the default. */
    private final HeterogeneousSampler template;

    private GridSampling(HeterogeneousSampler template) {
        this.template = template;
    }

    /**
     * Checks a sampler's settings now, over a placeholder task, so that a bad combination (a
     * temperature without {@link SamplingStrategy#TEMPERATURE}) fails at {@link Grid.Builder#build}.
     */
    static GridSampling of(HeterogeneousSampler.Builder settings) {
        // a copy: the caller's builder keeps its own task sizes and batch size
        return new GridSampling(settings.copy().setTaskSizes(1).setBatchSize(1).build());
    }

    /** The sampler of one pre-finetuning unit. */
    HeterogeneousSampler sampler(int[] sizes, int batchSize, long seed) {
        HeterogeneousSampler.Builder b = template == null ? HeterogeneousSampler.builder() : template.toBuilder();
        return b.setTaskSizes(sizes).setBatchSize(batchSize).optSeed(seed).build();
    }

    /** Whether batches are drawn as the paper draws them, which the run's records need not mention. */
    boolean isDefault() {
        return describe().equals("proportional");
    }

    /**
     * The settings in a few words, for the run's fingerprint and the table titles: {@code
     * proportional}, or for example {@code temperature T=2.0, cap 1000, epoch 5000 examples}.
     */
    String describe() {
        if (template == null) {
            return "proportional";
        }
        StringBuilder s = new StringBuilder(template.strategy().name().toLowerCase(Locale.ROOT));
        if (template.strategy() == SamplingStrategy.TEMPERATURE) {
            s.append(" T=").append(template.temperature());
            template.sizeCap().ifPresent(c -> s.append(", cap ").append(c));
        }
        // unset, the epoch size follows the task sizes, so it moves with the placeholder's
        boolean epochSizeSet = template.toBuilder().setTaskSizes(2).build().epochSize() == template.epochSize();
        if (!template.strategy().isEpochExact() && epochSizeSet) {
            s.append(", epoch ").append(template.epochSize()).append(" examples");
        }
        if (template.dropLast()) {
            s.append(", drop-last");
        }
        return s.toString();
    }
}
