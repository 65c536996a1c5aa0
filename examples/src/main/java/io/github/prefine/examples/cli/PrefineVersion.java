package io.github.prefine.examples.cli;

import picocli.CommandLine;

/**
 * The version every command's {@code --version} prints: each subcommand's usage offers the option,
 * and picocli prints a command's own version, which the subcommands did not have. Stateless.
 */
public final class PrefineVersion implements CommandLine.IVersionProvider {
    /** What {@code --version} prints, the same for every command. */
    private static final String VERSION = "prefine 0.1.0-SNAPSHOT";

    /** For picocli, which makes one per command. */
    public PrefineVersion() {}

    @Override
    public String[] getVersion() {
        return new String[] {VERSION};
    }
}
