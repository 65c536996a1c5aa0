package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's usage lists {@code -V, --version} ("Print version information and exit."), and
 * each prints the version {@code prefine --version} prints: the subcommands had no version of their
 * own, so theirs printed nothing and exited 0.
 */
class VersionOptionTest {

    @Test
    void everyCommandPrintsTheVersionItsUsageOffers() {
        CliRunner top = new CliRunner("--version");
        assertEquals(0, top.run());
        String version = top.out().strip();
        assertTrue(version.matches("prefine \\d+\\.\\d+\\.\\d+\\S*"), version);
        List<List<String>> commands = new ArrayList<>();
        collect(PrefineCli.commandLine(), new ArrayList<>(), commands);
        assertTrue(commands.size() >= 12, "demo to export, data's fetch and status: " + commands);
        for (List<String> path : commands) {
            for (String flag : List.of("--version", "-V")) {
                CliRunner run = new CliRunner(path.get(0));
                List<String> args = new ArrayList<>(path.subList(1, path.size()));
                args.add(flag);
                assertEquals(0, run.run(args.toArray(String[]::new)), path + " " + flag + ": " + run.err());
                assertEquals(version, run.out().strip(), path + " " + flag);
            }
        }
    }

    /** The paths of the commands below this one whose usage offers {@code --version}. */
    private static void collect(CommandLine line, List<String> path, List<List<String>> out) {
        for (CommandLine sub : line.getSubcommands().values()) {
            List<String> p = new ArrayList<>(path);
            p.add(sub.getCommandName());
            if (sub.getCommandSpec().findOption("--version") != null && !out.contains(p)) {
                out.add(p);
            }
            collect(sub, p, out);
        }
    }
}
