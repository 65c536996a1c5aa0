package io.github.prefine.examples.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs one prefine command in this JVM, as the launcher would, and keeps what it printed (all runs, in order). */
final class CliRunner {
    private final String command;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    CliRunner(String command) {
        this.command = command;
    }

    /** Runs the command with these arguments and returns its exit code. */
    int run(String... args) {
        CommandLine cl = PrefineCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        return cl.execute(all);
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    /** Forgets what earlier runs printed. */
    void clear() {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
    }
}
