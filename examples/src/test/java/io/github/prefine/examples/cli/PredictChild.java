package io.github.prefine.examples.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * A child JVM for {@link PredictCommandTest}: runs {@code prefine predict} with the given arguments
 * as {@link CliRunner} does, without the launcher's relaunch, so that the parent reads its log.
 */
final class PredictChild {
    private PredictChild() {}

    public static void main(String[] args) {
        CommandLine cl = PrefineCli.commandLine();
        cl.setOut(new PrintWriter(System.out, true));
        cl.setErr(new PrintWriter(System.err, true));
        String[] all = new String[args.length + 1];
        all[0] = "predict";
        System.arraycopy(args, 0, all, 1, args.length);
        System.exit(cl.execute(all));
    }
}
