package io.github.prefine.core.grid;

import io.github.prefine.core.task.Task;
import java.util.Objects;

/**
 * One finetuning run: a target finetuned from a setting's encoder with one seed at one peak
 * learning rate, scored on validation and on the target's evaluation split. Its scores are kept
 * in {@link GridLayout#finetuningTrial}; running it again once finished reads them back.
 *
 * <p>Immutable and thread-safe.
 *
 * @param setting the setting whose encoder is finetuned
 * @param target the target task
 * @param seed the seed of the engine, the head, the shuffle and the trainer
 * @param learningRate the peak learning rate
 */
public record FinetuningUnit(Setting setting, Task target, long seed, double learningRate) implements GridUnit {
    /**
     * Checks the values.
     *
     * @param setting the setting whose encoder is finetuned
     * @param target the target task
     * @param seed the seed of the engine, the head, the shuffle and the trainer
     * @param learningRate the peak learning rate
     */
    public FinetuningUnit {
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(target, "target");
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("finetuning unit: learningRate must be finite and positive, found "
                    + learningRate);
        }
    }

    /**
     * Returns the unit's name, unique in a grid.
     *
     * @return for example {@code run-Only-SL-wnut17-seed1-lr-3e-05}
     */
    @Override
    public String id() {
        return FinetuningSweep.id(setting, target, seed) + "-" + GridLayout.learningRateName(learningRate);
    }
}
