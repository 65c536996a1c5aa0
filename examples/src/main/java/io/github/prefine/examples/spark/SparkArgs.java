package io.github.prefine.examples.spark;

import ai.djl.Device;
import io.github.prefine.examples.cli.DemoCommand;
import io.github.prefine.examples.cli.GridCommand;
import io.github.prefine.examples.cli.OptionValues;
import io.github.prefine.examples.cli.PrefineCli;
import io.github.prefine.examples.cli.ReproduceCommand;
import java.io.IOException;
import java.io.Serializable;
import io.github.prefine.core.grid.Grid;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine;

/**
 * The Spark runner's command line: {@code reproduce} or {@code demo} with that command's own
 * options, where {@code --out} and {@code --data} may be Hadoop URIs. Those two are taken out and
 * replaced, in each process, by the local folders that process reads and writes. Immutable;
 * serializable, as it travels to the executors.
 *
 * @param command {@code reproduce} or {@code demo}
 * @param options the command's other options, as given
 * @param out the output folder as given (the command's default when absent)
 * @param data the data root as given (reproduce; the command's default when absent), or null
 * @param verbose whether {@code --verbose} was given
 * @param claimTimeout how long an attempt waits for a unit that another live attempt holds on a
 *     shared folder ({@code --claim-timeout}, the runner's own option; default {@value
 *     Grid#DEFAULT_CLAIM_TIMEOUT_HOURS} h)
 */
record SparkArgs(String command, List<String> options, String out, String data, boolean verbose, Duration claimTimeout)
        implements Serializable {
    /** The runner's name in messages. */
    static final String NAME = "prefine-spark";

    /**
     * Test hook, null otherwise: narrows the grid of every command {@link #local} gives in this JVM
     * (the driver's and, in Spark's local mode, the executors'), so that the runner's tests train a
     * few units of the demo's grid instead of all 55 on each submit.
     */
    static volatile UnaryOperator<Grid.Builder> narrowGrid;

    SparkArgs {
        options = List.copyOf(options);
    }

    /**
     * Splits a command line.
     *
     * @param args the arguments after the main class
     * @return the parsed line
     * @throws IllegalArgumentException for a missing or unknown command, or an option without its value
     */
    static SparkArgs parse(String... args) {
        if (args.length == 0 || !(args[0].equals("reproduce") || args[0].equals("demo"))) {
            throw new IllegalArgumentException("expected a command, reproduce or demo, found "
                    + (args.length == 0 ? "nothing" : "'" + args[0] + "'") + "; for example: " + NAME
                    + " reproduce --data hdfs:///prefine/data --out hdfs:///prefine/run");
        }
        String command = args[0];
        List<String> rest = new ArrayList<>();
        String out = command.equals("demo") ? "demo-out" : "reproduce-out";
        String data = command.equals("demo") ? null : "../shared/data";
        boolean verbose = false;
        Duration claimTimeout = Duration.ofHours(Grid.DEFAULT_CLAIM_TIMEOUT_HOURS);
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--verbose")) {
                verbose = true;
            } else if (a.equals("--claim-timeout") || a.startsWith("--claim-timeout=")) {
                if (a.equals("--claim-timeout") && i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + ": expected a duration after it, such as 30m, 6h or 2d, found"
                            + " nothing");
                }
                claimTimeout = duration("--claim-timeout", a.equals("--claim-timeout") ? args[++i] : a.substring("--claim-timeout=".length()));
            } else if (a.equals("--out") || a.equals("--data") && data != null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + ": expected a folder or URI after it, found nothing");
                }
                if (a.equals("--out")) {
                    out = args[++i];
                } else {
                    data = args[++i];
                }
            } else if (a.startsWith("--out=")) {
                out = a.substring("--out=".length());
            } else if (a.startsWith("--data=") && data != null) {
                data = a.substring("--data=".length());
            } else if (a.equals("--workers") || a.startsWith("--workers=")) {
                // it would be ignored: the executors run the units, one per task
                throw new IllegalArgumentException("--workers: on Spark the executors' tasks run the units, one each;"
                        + " set spark.executor.instances and spark.executor.cores instead and leave --workers out");
            } else if ((a.equals("--export-models") || a.startsWith("--export-models=")) && !OptionValues.is(
                    a.startsWith("--export-models=") ? a.substring("--export-models=".length())
                            : i + 1 < args.length ? args[i + 1] : "", "none")) {
                // the driver only plans and records: a model it finetuned would be lost with its local copy
                throw new IllegalArgumentException("--export-models: SparkGrid writes no models; once the run is"
                        + " finished, run reproduce or demo with the same options and --export-models on its output"
                        + " folder, which exports from its results without training the grid again");
            } else {
                if (a.startsWith("--device")) {
                    String v = a.startsWith("--device=") ? a.substring("--device=".length())
                            : a.equals("--device") && i + 1 < args.length ? args[i + 1] : "";
                    // refused here, before any work: the executors would fail every attempt on it
                    UnitTask.refuseGpuCount(v);
                }
                rest.add(a);
            }
        }
        return new SparkArgs(command, rest, out, data, verbose, claimTimeout);
    }

    /**
     * A positive duration written as 90s, 30m, 6h or 2d (a whole number and a unit).
     *
     * @param option the option or setting that gave it, for the message
     * @param value its text
     */
    static Duration duration(String option, String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.matches("\\d{1,9}[smhd]") && Long.parseLong(v.substring(0, v.length() - 1)) > 0) {
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        throw new IllegalArgumentException(option + ": expected a positive whole number and a unit (s, m, h or d),"
                + " such as 30m, 6h or 2d, found '" + value + "'");
    }

    /**
     * Parses the command's options with its local folders in place of the URIs.
     *
     * @param localOut the local output folder
     * @param localData the local data root, or null (demo)
     * @return the command, ready to check and to build its grid
     * @throws CommandLine.ParameterException for a bad option
     */
    GridCommand local(Path localOut, Path localData) {
        List<String> a = new ArrayList<>(options);
        a.add("--out");
        a.add(localOut.toString());
        if (localData != null) {
            a.add("--data");
            a.add(localData.toString());
        }
        CommandLine cli = commandLine();
        cli.parseArgs(a.toArray(String[]::new));
        GridCommand c = cli.getCommand();
        UnaryOperator<Grid.Builder> narrow = narrowGrid;
        return narrow == null ? c : new Narrowed(c, narrow);
    }

    /** A command whose grid {@link #narrowGrid} narrows; the rest is the command's. */
    private record Narrowed(GridCommand command, UnaryOperator<Grid.Builder> narrow) implements GridCommand {
        @Override
        public int check() throws IOException {
            return command.check();
        }

        @Override
        public void checkValues() {
            command.checkValues();
        }

        @Override
        public Grid.Builder grid(Device device) throws IOException {
            return narrow.apply(command.grid(device));
        }

        @Override
        public String device() {
            return command.device();
        }
    }

    /**
     * Tells whether help or the version was asked for.
     *
     * @return true for {@code --help}, {@code -h}, {@code --version} or {@code -V}
     */
    boolean wantsHelp() {
        return options.stream().anyMatch(o -> o.equals("--help") || o.equals("-h") || o.equals("--version") || o.equals("-V"));
    }

    /**
     * Returns the usage text of the command.
     *
     * @return the usage
     */
    String usage() {
        return commandLine().getUsageMessage();
    }

    /** A fresh command of this line's kind, named for the Spark runner in messages. */
    private CommandLine commandLine() {
        GridCommand c = command.equals("demo") ? new DemoCommand() : new ReproduceCommand();
        return PrefineCli.withValueRules(new CommandLine(c)).setCommandName(NAME + " " + command);
    }

    /**
     * The line with a relative {@code --out} or {@code --data} resolved once, on the driver, against
     * its default file system's working directory (with a {@code file:} default, the driver's
     * working directory): sent as given, each executor resolved it against its own, and on a cluster
     * wrote its units to a folder of its own. An absolute path or a URI is kept as given.
     *
     * @param conf the Hadoop configuration (the default file system)
     * @return the line with fully qualified URIs in place of relative folders
     * @throws IOException if the default file system cannot be reached
     */
    SparkArgs qualified(Configuration conf) throws IOException {
        return new SparkArgs(command, options, qualified(out, conf), data == null ? null : qualified(data, conf), verbose,
                claimTimeout);
    }

    private static String qualified(String folder, Configuration conf) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(folder);
        return p.isAbsolute() ? folder : p.getFileSystem(conf).makeQualified(p).toString();
    }

    /**
     * Resolves {@code --precision auto} once, on the driver, so that every process trains and
     * records the same precision whatever device it has. With GPUs that is fp16-mixed, which every
     * CUDA GPU runs: the driver cannot see which generation the executors' GPUs are, and
     * bf16-mixed needs compute capability 8.0; ask for {@code bf16-mixed} explicitly.
     *
     * @param gpus whether the executors get GPUs
     * @return the line with an explicit precision
     */
    SparkArgs withAutoPrecision(boolean gpus) {
        String resolved = gpus ? "fp16-mixed" : "fp32";
        List<String> o = new ArrayList<>();
        for (int i = 0; i < options.size(); i++) {
            String a = options.get(i);
            if (a.equals("--precision") && i + 1 < options.size() && OptionValues.is(options.get(i + 1), "auto")) {
                o.add(a);
                o.add(resolved);
                i++;
            } else if (a.startsWith("--precision=") && OptionValues.is(a.substring("--precision=".length()), "auto")) {
                o.add("--precision=" + resolved);
            } else {
                o.add(a);
            }
        }
        return new SparkArgs(command, o, out, data, verbose, claimTimeout);
    }
}
