package io.github.prefine.examples.cli;

import ai.djl.Device;
import io.github.prefine.core.grid.Grid;
import java.io.IOException;

/**
 * A command that runs an experiment {@link Grid} ({@code reproduce}, {@code demo}), split so that
 * another runner, such as the Spark runner, can check its options once and build the same grid in
 * every process from the same arguments.
 */
public interface GridCommand {
    /**
     * Checks the options and the data before any work: nothing is written and no engine starts.
     *
     * @return the number of sweeps the grid will plan, for the status line
     * @throws IllegalArgumentException naming the option or file and what was expected
     * @throws IOException if reading the data fails, or (strict) it holds a defect
     */
    int check() throws IOException;

    /**
     * Checks every option's value on its own, reading no file and starting no engine; part of
     * {@link #check}, and what the documentation's command lines are checked with.
     *
     * @throws IllegalArgumentException naming the option and what was expected
     */
    void checkValues();

    /**
     * Prepares what the grid needs under the output folder (the base encoder) and returns its
     * builder, with everything set but the progress listeners.
     *
     * @param device where the units train
     * @return the builder
     * @throws IOException if the encoder cannot be resolved or written
     */
    Grid.Builder grid(Device device) throws IOException;

    /**
     * Returns the {@code --device} option as given.
     *
     * @return for example {@code auto}, {@code cpu} or {@code gpu:1}
     */
    String device();
}
