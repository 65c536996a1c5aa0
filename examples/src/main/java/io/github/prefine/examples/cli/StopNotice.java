package io.github.prefine.examples.cli;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The line a grid command prints when Ctrl-C (SIGINT), a SIGTERM or the end of its parent stops
 * it: what was kept and how to go on, for example {@code prefine reproduce: interrupted; 3/96 units
 * finished, kept in out/records; the same command resumes the rest: prefine reproduce --out out}.
 * Printed from a shutdown hook, which the JVM runs before it exits with 130 (SIGINT) or 143, and
 * which is removed when the command ends by itself, so a finished or failed run prints none.
 */
final class StopNotice implements Closeable {
    /** Words a POSIX shell takes as they are; others are single-quoted. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private final Thread hook;

    private StopNotice(Thread hook) {
        this.hook = hook;
    }

    /**
     * Prints the line on standard error (the progress bar's guarded stream, which clears the bar
     * first) if this JVM stops before {@link #close}.
     *
     * @param command the command's qualified name, as failure lines begin ({@code prefine reproduce})
     * @param args the command line that resumes: the program's name and its arguments
     * @param out the output folder
     * @param status the run's status, for the units finished
     * @return the notice, to close when the command ends
     */
    static StopNotice install(String command, List<String> args, Path out, RunStatus status) {
        Thread hook = new Thread(() -> {
            System.err.println(line(command, args, out, status.done(), status.total()));
            System.err.flush();
        }, "prefine-stop-notice");
        Runtime.getRuntime().addShutdownHook(hook);
        return new StopNotice(hook);
    }

    /**
     * The line, for example {@code prefine demo: interrupted; 2/70 units finished, kept in
     * out/records; the same command resumes the rest: prefine demo --out out}.
     *
     * @param command the command's qualified name
     * @param args the program's name and its arguments
     * @param out the output folder
     * @param done units with a record
     * @param total units planned
     * @return the line
     */
    static String line(String command, List<String> args, Path out, int done, int total) {
        String again = args.stream().map(StopNotice::quoted).collect(Collectors.joining(" "));
        return String.format(Locale.ROOT, "%s: interrupted; %d/%d units finished, kept in %s; the same command"
                + " resumes the rest: %s", command, done, total, out.resolve("records"), again);
    }

    /**
     * The command line as given: the program's name and the arguments picocli parsed, or the
     * program's and the command's names where the command was run without a parse (embedded).
     *
     * @param spec the parsed command's model
     * @return the words
     */
    static List<String> commandLine(picocli.CommandLine.Model.CommandSpec spec) {
        picocli.CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        List<String> words = new java.util.ArrayList<>();
        words.add(spec.root().name());
        if (parsed == null || parsed.originalArgs().isEmpty()) {
            words.add(spec.name());
        } else {
            words.addAll(parsed.originalArgs());
        }
        return words;
    }

    /** A word as a POSIX shell reads it back: plain, or single-quoted with its quotes escaped. */
    static String quoted(String word) {
        return PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /** The command ended by itself (done or failed): no line. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hooks run already; this one says what the stop kept
        }
    }
}
