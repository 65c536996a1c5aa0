package io.github.prefine.examples.cli;

import io.github.prefine.examples.bench.BenchCommand;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
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
 * Every failure ends with one line on standard error, {@code prefine COMMAND: message}, and exit
 * code 2 for bad input or environment (the line names the file, what was expected and what to
 * do) or 1 for an internal fault; {@code --verbose} adds the stack trace. No arguments at all
 * print the usage and exit 2.
 */
@Command(
        name = "prefine",
        mixinStandardHelpOptions = true,
        versionProvider = PrefineVersion.class,
        description = "Multi-task pre-finetuning of transformer encoders (DJL + PyTorch).",
        footer = {"", "Exit codes: 0 done, 2 bad input or environment (one line says what and how to fix it),"
                + " 3 the Hugging Face Hub failed as a service (unreachable, cut off, 429 or 5xx: the same command"
                + " may succeed later), 1 internal fault, 4 demo or reproduce finished with failed sweeps (the summary"
                + " lists them), 130 or 143 stopped by Ctrl-C or a SIGTERM (demo, reproduce and predict say what"
                + " they kept), 141 predict's standard output closed by its reader.", "Every command takes --verbose (a stack trace on failure). --strict means the same in"
                + " reproduce and eval: every input defect is an error instead of being skipped with a count or"
                + " a warning."},
        subcommands = {DemoCommand.class, ReproduceCommand.class, EncodeCommand.class, EvalCommand.class,
            BenchCommand.class, DataCommand.class, RecommendCommand.class, CompareCommand.class, PredictCommand.class,
            ExportCommand.class, CommandLine.HelpCommand.class})
public final class PrefineCli implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(PrefineCli.class);

    /** Adds the stack trace to a failure's line; inherited by every subcommand. */
    static final String VERBOSE = "--verbose";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = VERBOSE, scope = CommandLine.ScopeType.INHERIT,
            description = "print the stack trace when a command fails")
    boolean verbose;

    /**
     * Runs the command line.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        ConsoleEncoding.useUtf8InAnAsciiLocale();
        Optional<String> undecodable = ConsoleEncoding.undecodable(args);
        if (undecodable.isPresent()) {
            System.err.println("prefine: " + undecodable.get());
            System.exit(CliErrors.BAD_INPUT);
        }
        // a re-launched child or a GPU worker ends with the process that started it, even after kill -9
        ParentWatch.installFromEnvironment();
        // training commands run in a child JVM with malloc settings that only apply at start-up
        System.exit(MallocTuning.relaunchIfUseful(args, PrefineCli::readyToLaunch).orElseGet(() -> execute(args)));
    }

    /**
     * Whether picocli accepts the arguments (known command and options, values of the right type)
     * and the command passes its {@link PreLaunchChecks}; where not, this JVM runs the command, which
     * reports what is wrong.
     */
    static boolean readyToLaunch(String... args) {
        try {
            CommandLine.ParseResult parsed = commandLine().parseArgs(args);
            while (parsed.hasSubcommand()) {
                parsed = parsed.subcommand();
            }
            if (parsed.commandSpec().userObject() instanceof PreLaunchChecks c) {
                c.checkBeforeLaunch();
            }
            return true;
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Runs the command line without exiting, for tests and embedding.
     *
     * @param args the arguments
     * @return the exit code: 0 done, 2 bad input or environment, 1 internal fault
     */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /**
     * The command line with its error handling, for tests that redirect its output.
     *
     * @return a new command line
     */
    static CommandLine commandLine() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        CommandLine cli = new CommandLine(new PrefineCli());
        withValueRules(cli);
        ConsoleEncoding.useUtf8InAnAsciiLocale(cli);
        cli.setOut(new StdoutWriter(cli.getOut()));
        return withErrorHandling(cli);
    }

    /**
     * The failure handling of every command, for a command line of its own such as a benchmark's
     * main: a usage error or a failure ends with one line on standard error, {@code NAME: message},
     * and the exit code of {@link CliErrors#classify} (2 for bad input), with the stack trace only
     * under {@code --verbose}, where the command has it.
     *
     * @param cli a command line
     * @return the same command line
     */
    public static CommandLine withErrorHandling(CommandLine cli) {
        cli.setParameterExceptionHandler((e, a) -> {
            CommandLine c = e.getCommandLine();
            String near = suggestion(e);
            c.getErr().println(prefix(c) + sentence(e.getMessage()) + (near.isEmpty() ? "; see '" : near + " see '")
                    + c.getCommandSpec().qualifiedName() + " --help'");
            c.getErr().flush();
            return CliErrors.BAD_INPUT;
        });
        cli.setExecutionStrategy(parsed -> {
            unknownCommand(parsed).ifPresent(e -> {
                throw e;
            });
            return new CommandLine.RunLast().execute(parsed);
        });
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (ParentWatch.stopping()) {
                // a SIGTERM or an ended parent stops this JVM: its shutdown hooks close streams under the
                // command (the JDK closes ImageIO's chart cache files), and what that throws is the stop
                LOG.debug("{} ended by the stop of this JVM", command.getCommandName(), e);
                return ParentWatch.ORPHANED;
            }
            CliErrors.Outcome o = CliErrors.classify(e);
            command.getErr().println(prefix(command) + CliErrors.oneLine(o.message()));
            if (verbose(parsed)) {
                e.printStackTrace(command.getErr());
            } else {
                LOG.debug("{} failed", command.getCommandName(), e);
            }
            command.getErr().flush();
            return o.exitCode();
        });
        return cli;
    }

    /**
     * Values stricter than picocli's own readings, for every command: a path must not be empty or
     * blank (it would be the working directory, where {@code demo --out ''} trained and wrote its
     * tables), and a whole number is ASCII digits ({@link Integer#valueOf} reads {@code ١} as 1, so
     * {@code --seeds ١} ran one seed where {@code --workers ١} was refused), a decimal number is
     * ASCII digits too ({@link OptionValues#decimal}) and an enum constant is matched in any case
     * ({@link OptionValues#constant}); a list option reads its values through {@link
     * OptionValues.ListValue}. The Spark runner reads demo's and reproduce's options with them too.
     *
     * @param cli a command line, its subcommands added
     * @return the same command line
     */
    public static CommandLine withValueRules(CommandLine cli) {
        enumTypes(cli).forEach(t -> registerEnum(cli, t));
        cli.registerConverter(Double.class, OptionValues::decimal);
        cli.registerConverter(Double.TYPE, OptionValues::decimal);
        cli.registerConverter(Path.class, PrefineCli::path);
        cli.registerConverter(Integer.class, v -> (int) whole(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "an int"));
        cli.registerConverter(Integer.TYPE, v -> (int) whole(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "an int"));
        cli.registerConverter(Long.class, v -> whole(v, Long.MIN_VALUE, Long.MAX_VALUE, "a long"));
        cli.registerConverter(Long.TYPE, v -> whole(v, Long.MIN_VALUE, Long.MAX_VALUE, "a long"));
        return cli;
    }

    /** The enum types of every option and parameter of a command line and its subcommands. */
    private static java.util.Set<Class<?>> enumTypes(CommandLine cli) {
        java.util.Set<Class<?>> types = new java.util.LinkedHashSet<>();
        for (CommandLine.Model.ArgSpec a : cli.getCommandSpec().args()) {
            if (OptionValues.elementType(a).isEnum()) {
                types.add(OptionValues.elementType(a));
            }
        }
        cli.getSubcommands().values().forEach(c -> types.addAll(enumTypes(c)));
        return types;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void registerEnum(CommandLine cli, Class<?> type) {
        cli.registerConverter((Class) type, v -> OptionValues.constant((Class) type, v));
    }

    private static Path path(String value) {
        if (value.isBlank()) {
            throw new CommandLine.TypeConversionException("expected a path, found " + (value.isEmpty() ? "an empty value"
                    : "only blanks '" + value + "'"));
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new CommandLine.TypeConversionException("expected a path, found '" + value + "' (" + e.getReason() + ")");
        }
    }

    /**
     * A whole number in ASCII digits, with an optional sign, blanks around ignored (as around a
     * decimal number), within the bounds; picocli's message otherwise.
     */
    private static long whole(String value, long min, long max, String what) {
        String t = value.trim();
        if (t.matches("[+-]?[0-9]{1,19}")) {
            try {
                long v = Long.parseLong(t);
                if (v >= min && v <= max) {
                    return v;
                }
            } catch (NumberFormatException beyondLong) {
                // said below, as for any other value
            }
        }
        throw new CommandLine.TypeConversionException("'" + value + "' is not " + what);
    }

    /**
     * A word where a command was expected, which picocli lets pass when a help option follows it
     * ({@code prefine reproduse --help} would print the top-level usage): refused as picocli refuses
     * it without the help option, with the nearest command named.
     */
    private static Optional<CommandLine.UnmatchedArgumentException> unknownCommand(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult r = parsed; r != null; r = r.subcommand()) {
            List<String> unmatched = r.unmatched();
            if (!unmatched.isEmpty() && !unmatched.get(0).startsWith("-") && !r.commandSpec().subcommands().isEmpty()) {
                return Optional.of(new CommandLine.UnmatchedArgumentException(r.commandSpec().commandLine(), unmatched));
            }
        }
        return Optional.empty();
    }

    /**
     * A usage error's message on one line, without a closing full stop: {@code "; see ..."} follows it
     * (picocli's {@code help} ends {@code Unknown subcommand 'x'.}, which read {@code 'x'.; see}).
     */
    static String sentence(String message) {
        String line = CliErrors.oneLine(message);
        return line.endsWith(".") && !line.endsWith("..") ? line.substring(0, line.length() - 1) : line;
    }

    /** The nearest name picocli finds for a mistyped command or option, as "; did you mean x?", or "". */
    private static String suggestion(CommandLine.ParameterException e) {
        List<String> near = List.of();
        if (e instanceof CommandLine.UnmatchedArgumentException u) {
            near = u.getSuggestions();
        } else if (e.getValue() != null && !e.getValue().startsWith("-") && e.getArgSpec() == null
                && e.getCommandLine() != null && !e.getCommandLine().getSubcommands().isEmpty()
                && CliErrors.oneLine(e.getMessage()).startsWith("Unknown subcommand '")) {
            // `prefine help reproduse`: picocli's help command names no command near the word, where
            // `prefine reproduse` does
            near = new CommandLine.UnmatchedArgumentException(e.getCommandLine(), List.of(e.getValue())).getSuggestions();
        }
        String typed = e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                ? u.getUnmatched().get(0) : e.getValue();
        // picocli lists them nearest first, yet offers one however far ("bench" for "nosuch")
        for (String name : near) {
            if (typed == null || isNear(typed, name)) {
                return "; did you mean " + name + "?";
            }
        }
        return "";
    }

    /**
     * Whether a name is near enough to what was typed to be offered: the typed word begins it (at
     * least three letters), or a third of its letters at most (one at least) are inserted, deleted,
     * replaced or swapped with a neighbour. Leading dashes and any {@code =value} are set aside.
     */
    static boolean isNear(String typed, String name) {
        String a = bare(typed);
        String b = bare(name);
        if (a.length() >= 3 && b.startsWith(a)) {
            return true;
        }
        return editDistance(a, b) <= Math.max(1, b.length() / 3);
    }

    private static String bare(String word) {
        int eq = word.indexOf('=');
        String w = eq > 0 ? word.substring(0, eq) : word;
        int i = 0;
        while (i < w.length() && w.charAt(i) == '-') {
            i++;
        }
        return w.substring(i).toLowerCase(Locale.ROOT);
    }

    /** Edits between two words, a swap of neighbours counting as one (optimal string alignment). */
    private static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static String prefix(CommandLine c) {
        return c.getCommandSpec().qualifiedName() + ": ";
    }

    private static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult r = parsed; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Standard output for a command that writes data rather than text for a reader, {@code
     * predict}'s JSON lines: UTF-8 whatever the locale, as RFC 8259 has JSON between systems and as
     * the command reads its input (under a Latin-1 locale each character beyond it was written as
     * {@code ?}, an entity's text no longer the input's). A writer a test or an embedding program
     * gave the command line holds characters, not bytes, and is kept.
     *
     * @param cli the command line
     * @return its standard output's writer, in UTF-8 where it writes to {@code System.out}
     */
    static PrintWriter dataOut(CommandLine cli) {
        PrintWriter out = cli.getOut();
        if (!(out instanceof StdoutWriter)) {
            return out;
        }
        out.flush();
        return new StdoutWriter(new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out,
                StandardCharsets.UTF_8))));
    }

    /**
     * Standard output's writer, whose {@link #checkError} also reports the failures of {@code
     * System.out}: the writer picocli builds over it never learns of them (a {@code PrintStream}
     * keeps its {@code IOException}s), so a command could not see its reader close the pipe.
     */
    private static final class StdoutWriter extends PrintWriter {
        StdoutWriter(PrintWriter out) {
            super(out, true);
        }

        @Override
        public boolean checkError() {
            return super.checkError() || System.out.checkError();
        }
    }

    /** Creates the command; picocli fills the fields. */
    public PrefineCli() {}

    @Override
    public Integer call() {
        // no subcommand: show what there is, on stderr as for any other usage error
        spec.commandLine().usage(spec.commandLine().getErr());
        return CliErrors.BAD_INPUT;
    }
}
