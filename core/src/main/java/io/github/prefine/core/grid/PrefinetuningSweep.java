package io.github.prefine.core.grid;

import java.util.List;
import java.util.Objects;

/**
 * The learning-rate sweep of one setting's pre-finetuning: one {@link PrefinetuningUnit} per rate,
 * the lowest best-epoch average validation loss winning. Finishing it keeps the winner's encoder,
 * writes {@link GridLayout#settingResult} and the setting's cost record; it is the grid's unit of
 * locking and of the result log.
 *
 * <p>Immutable and thread-safe.
 *
 * @param setting the setting, never the baseline
 * @param learningRates the rates, tried in order
 * @param seed the pre-finetuning seed
 */
public record PrefinetuningSweep(Setting setting, List<Double> learningRates, long seed) implements GridSweep {
    /**
     * Copies the list and checks the values.
     *
     * @param setting the setting, never the baseline
     * @param learningRates the rates, tried in order
     * @param seed the pre-finetuning seed
     */
    public PrefinetuningSweep {
        Objects.requireNonNull(setting, "setting");
        learningRates = List.copyOf(learningRates);
        if (learningRates.isEmpty()) {
            throw new IllegalArgumentException("prefinetuning sweep: no learning rate for " + setting.name());
        }
    }

    /**
     * Returns the sweep's units, in rate order.
     *
     * @return one unit per learning rate
     */
    @Override
    public List<PrefinetuningUnit> units() {
        return learningRates.stream().map(lr -> new PrefinetuningUnit(setting, lr, seed)).toList();
    }

    /**
     * Returns the sweep's name, used for its lock and record files.
     *
     * @return {@code prefinetune-<setting>}
     */
    @Override
    public String id() {
        return id(setting);
    }

    static String id(Setting setting) {
        return "prefinetune-" + setting.fileName();
    }
}
