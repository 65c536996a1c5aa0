package io.github.prefine.examples.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * A child JVM for {@link PredictCommandTest}: runs {@code prefine predict} with the given arguments
 * as {@link CliRunner} does, without the launcher's relaunch, so that the parent reads its log.
 * Arguments split by {@link #THEN} are several commands, run one after another in this JVM (one
 * JVM and PyTorch start for several logs), each but the first after a line {@link #SEPARATOR};
 * the exit code is the highest of theirs.
 */
final class PredictChild {
    /** The argument between two commands. */
    static final String THEN = "--then";
    /** The line printed between two commands' output. */
    static final String SEPARATOR = "=== PredictChild: next command ===";

    private PredictChild() {}

    public static void main(String[] args) {
        List<List<String>> commands = new ArrayList<>(List.of(new ArrayList<>()));
        for (String a : args) {
            if (a.equals(THEN)) {
                commands.add(new ArrayList<>());
            } else {
                commands.get(commands.size() - 1).add(a);
            }
        }
        int exit = 0;
        for (int i = 0; i < commands.size(); i++) {
            if (i > 0) {
                System.err.flush();
                System.out.println(SEPARATOR);
                System.out.flush();
            }
            CommandLine cl = PrefineCli.commandLine();
            cl.setOut(new PrintWriter(System.out, true));
            cl.setErr(new PrintWriter(System.err, true));
            List<String> all = new ArrayList<>(List.of("predict"));
            all.addAll(commands.get(i));
            exit = Math.max(exit, cl.execute(all.toArray(String[]::new)));
        }
        System.exit(exit);
    }

    /** The log of each command of a child started with {@link #THEN}, in order. */
    static List<String> logs(String log) {
        return Arrays.asList(log.split(java.util.regex.Pattern.quote(SEPARATOR) + "\\R", -1));
    }
}
