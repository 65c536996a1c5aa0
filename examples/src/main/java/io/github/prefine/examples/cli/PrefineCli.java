package io.github.prefine.examples.cli;

import io.github.prefine.examples.bench.BenchCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code prefine} command line: one entry point for the demo, the paper's reproduction, the
 * benchmarks and the scoring of prediction files.
 *
 * <p>Run {@code java -jar examples/target/prefine.jar --help} for the list of commands. DJL is
 * forced offline before anything touches the engine, so nothing is ever downloaded at run time.
 * An {@link IllegalArgumentException} (a bad option value or input) ends a command with its
 * message on standard error and exit code 2.
 */
@Command(
        name = "prefine",
        mixinStandardHelpOptions = true,
        version = "prefine 0.1.0-SNAPSHOT",
        description = "Multi-task pre-finetuning of transformer encoders (DJL + PyTorch).",
        subcommands = {DemoCommand.class, ReproduceCommand.class, EncodeCommand.class, EvalCommand.class,
            BenchCommand.class, DataCommand.class, RecommendCommand.class, CommandLine.HelpCommand.class})
public final class PrefineCli implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(PrefineCli.class);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        // training commands run in a child JVM with malloc settings that only apply at start-up
        System.exit(MallocTuning.relaunchIfUseful(args).orElseGet(() -> execute(args)));
    }

    /**
     * Runs the command line without exiting, for tests and embedding.
     *
     * @param args the arguments
     * @return the exit code
     */
    public static int execute(String... args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        CommandLine cli = new CommandLine(new PrefineCli());
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                // a bad option value or input: the message says what was expected, a stack trace
                // would bury it; the trace stays available at debug level
                LOG.debug("{} failed", command.getCommandName(), e);
                command.getErr().println("prefine " + command.getCommandName() + ": " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        // no subcommand: show what there is
        spec.commandLine().usage(System.out);
    }
}
