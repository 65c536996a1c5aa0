package io.github.prefine.core.grid;

import io.github.prefine.core.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The learning-rate sweep of one (setting, target) over some seeds: one {@link FinetuningUnit}
 * per (seed, rate), the rate with the highest mean validation metric over the sweep's seeds
 * winning and each seed's metric at that rate reported. With {@link LearningRateSelection#PER_TARGET}
 * a sweep holds every seed (one rate per table cell); with {@link LearningRateSelection#PER_SEED}
 * one seed. Finishing it writes {@link GridLayout#finetuningDetail} and one run record per seed; it
 * is the grid's unit of locking and of the result log.
 *
 * <p>Immutable and thread-safe.
 *
 * @param setting the setting whose encoder is finetuned
 * @param target the target
 * @param seeds the seeds, in run order
 * @param learningRates the rates, tried in order
 */
public record FinetuningSweep(Setting setting, Task target, List<Long> seeds, List<Double> learningRates)
        implements GridSweep {
    /**
     * Copies the lists and checks the values.
     *
     * @param setting the setting whose encoder is finetuned
     * @param target the target
     * @param seeds the seeds, in run order
     * @param learningRates the rates, tried in order
     */
    public FinetuningSweep {
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(target, "target");
        seeds = List.copyOf(seeds);
        learningRates = List.copyOf(learningRates);
        if (learningRates.isEmpty() || seeds.isEmpty()) {
            throw new IllegalArgumentException("finetuning sweep: no learning rate or no seed for " + target.name());
        }
    }

    /**
     * Returns the sweep's units, seeds outermost, in rate order.
     *
     * @return one unit per seed and learning rate
     */
    @Override
    public List<FinetuningUnit> units() {
        List<FinetuningUnit> units = new ArrayList<>();
        for (long seed : seeds) {
            learningRates.forEach(lr -> units.add(new FinetuningUnit(setting, target, seed, lr)));
        }
        return units;
    }

    /**
     * Returns the sweep's name, used for its lock, record and detail files.
     *
     * @return {@code run-<setting>-<target>-seed<seed>} for one seed, {@code run-<setting>-<target>}
     *     for several
     */
    @Override
    public String id() {
        return seeds.size() == 1 ? id(setting, target, seeds.get(0))
                : "run-" + setting.fileName() + "-" + GridLayout.safe(target.name());
    }

    static String id(Setting setting, Task target, long seed) {
        return "run-" + setting.fileName() + "-" + GridLayout.safe(target.name()) + "-seed" + seed;
    }
}
