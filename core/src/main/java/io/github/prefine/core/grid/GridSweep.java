package io.github.prefine.core.grid;

import java.util.List;

/**
 * The units of one learning-rate choice, and the grid's unit of locking and of the result log: a
 * {@link PrefinetuningSweep} or a {@link FinetuningSweep}. Finishing a sweep ({@link
 * GridSession#finish(GridSweep)}) runs its units that are not done, picks the winning rate and
 * writes the sweep's record, whose presence marks it done.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface GridSweep permits PrefinetuningSweep, FinetuningSweep {
    /**
     * Returns the sweep's name, used for its lock and record files.
     *
     * @return the name
     */
    String id();

    /**
     * Returns the setting the sweep belongs to.
     *
     * @return the setting
     */
    Setting setting();

    /**
     * Returns the sweep's units, in learning-rate order.
     *
     * @return the units
     */
    List<? extends GridUnit> units();
}
