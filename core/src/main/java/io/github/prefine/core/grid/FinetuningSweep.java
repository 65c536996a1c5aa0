package io.github.prefine.core.grid;

import io.github.prefine.core.task.Task;
import java.util.List;
import java.util.Objects;

/**
 * The learning-rate sweep of one (setting, target, seed): one {@link FinetuningUnit} per rate, the
 * highest validation metric winning and its evaluation-split metric reported. Finishing it writes
 * {@link GridLayout#finetuningDetail} and one run record; it is the grid's unit of locking and of
 * the result log.
 *
 * @param setting the setting whose encoder is finetuned
 * @param target the target
 * @param seed the seed
 * @param learningRates the rates, tried in order
 */
public record FinetuningSweep(Setting setting, Task target, long seed, List<Double> learningRates) implements GridSweep {
    /** Copies the list and checks the values. */
    public FinetuningSweep {
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(target, "target");
        learningRates = List.copyOf(learningRates);
        if (learningRates.isEmpty()) {
            throw new IllegalArgumentException("finetuning sweep: no learning rate for " + target.name());
        }
    }

    /**
     * Returns the sweep's units, in rate order.
     *
     * @return one unit per learning rate
     */
    @Override
    public List<FinetuningUnit> units() {
        return learningRates.stream().map(lr -> new FinetuningUnit(setting, target, seed, lr)).toList();
    }

    /**
     * Returns the sweep's name, used for its lock, record and detail files.
     *
     * @return {@code run-<setting>-<target>-seed<seed>}
     */
    @Override
    public String id() {
        return id(setting, target, seed);
    }

    static String id(Setting setting, Task target, long seed) {
        return "run-" + setting.fileName() + "-" + GridLayout.safe(target.name()) + "-seed" + seed;
    }
}
