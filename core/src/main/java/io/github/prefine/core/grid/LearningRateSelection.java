package io.github.prefine.core.grid;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a grid picks the target learning rate from its sweep: one rate per (setting, target), by the
 * mean validation score over the seeds, as the paper reports one configuration per cell; or one
 * rate per seed, which raises the means and shrinks the stds.
 *
 * <p>Immutable and thread-safe.
 */
public enum LearningRateSelection {
    /** One rate per (setting, target): the highest mean validation score over the seeds wins. */
    PER_TARGET,
    /** One rate per (setting, target, seed): each seed's highest validation score wins. */
    PER_SEED;

    /**
     * Returns the command-line name.
     *
     * @return {@code per-target} or {@code per-seed}
     */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses a command-line name.
     *
     * @param name {@code per-target} or {@code per-seed}, case-insensitive
     * @return the selection
     * @throws IllegalArgumentException naming the valid values
     */
    public static LearningRateSelection parse(String name) {
        return Arrays.stream(values()).filter(v -> v.optionName().equalsIgnoreCase(name.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--lr-selection: expected per-target or per-seed, found '"
                        + name + "'"));
    }
}
