package io.github.prefine.core.grid;

/**
 * One training at one learning rate, the smallest piece of grid work: a {@link
 * PrefinetuningUnit} or a {@link FinetuningUnit}. A unit is idempotent: {@link
 * GridSession#run(GridUnit)} writes its outcome atomically under the output folder and reads it
 * back when run again.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface GridUnit permits PrefinetuningUnit, FinetuningUnit {
    /**
     * Returns the unit's name, unique in a grid and safe as a file name.
     *
     * @return the name
     */
    String id();

    /**
     * Returns the setting the unit belongs to.
     *
     * @return the setting
     */
    Setting setting();

    /**
     * Returns the peak learning rate.
     *
     * @return the rate
     */
    double learningRate();
}
