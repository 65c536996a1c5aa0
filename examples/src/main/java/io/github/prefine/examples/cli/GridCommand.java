package io.github.prefine.examples.cli;

import ai.djl.Device;
import io.github.prefine.core.grid.Grid;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

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

    /**
     * Every option of a parsed command as given or defaulted, in declaration order, for the run's
     * manifest ({@code run.json}'s {@code options}); help and version switches left out.
     *
     * @param spec the command's picocli model after parsing
     * @return option name to value, lists joined with commas
     */
    static Map<String, String> options(CommandSpec spec) {
        Map<String, String> m = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            if (!o.usageHelp() && !o.versionHelp()) {
                Object v = o.getValue();
                m.put(o.longestName(), v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
                        : String.valueOf(v));
            }
        }
        return m;
    }
}
