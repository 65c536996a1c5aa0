package io.github.prefine.core.grid;

import java.util.Objects;

/**
 * One pre-finetuning run: the base encoder trained on every task of a setting's groups at one
 * peak learning rate. Its files live in {@link GridLayout#learningRateDir}; running it again once
 * finished reads them back, and a run cut off mid-way continues from its last epoch checkpoint.
 *
 * <p>Immutable and thread-safe.
 *
 * @param setting the setting pre-finetuned, never the baseline
 * @param learningRate the peak learning rate
 * @param seed the seed of the engine, heads, sampler and trainer
 */
public record PrefinetuningUnit(Setting setting, double learningRate, long seed) implements GridUnit {
    /**
     * Checks the values.
     *
     * @param setting the setting pre-finetuned, never the baseline
     * @param learningRate the peak learning rate
     * @param seed the seed of the engine, heads, sampler and trainer
     */
    public PrefinetuningUnit {
        Objects.requireNonNull(setting, "setting");
        if (setting.isBaseline()) {
            throw new IllegalArgumentException("prefinetuning unit: the baseline is not pre-finetuned");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("prefinetuning unit: learningRate must be finite and positive, found "
                    + learningRate);
        }
    }

    /**
     * Returns the unit's name, unique in a grid.
     *
     * @return for example {@code prefinetune-SL+C-lr-1e-03}
     */
    @Override
    public String id() {
        return PrefinetuningSweep.id(setting) + "-" + GridLayout.learningRateName(learningRate);
    }
}
