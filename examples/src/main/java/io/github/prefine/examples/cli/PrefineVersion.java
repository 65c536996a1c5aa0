package io.github.prefine.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * The version every command's {@code --version} prints: each subcommand's usage offers the option,
 * and picocli prints a command's own version, which the subcommands did not have. The number is
 * the POM's, filled in by the build ({@code version.properties} beside this class), so a release
 * that changes only the POM still prints its own. Stateless.
 */
public final class PrefineVersion implements CommandLine.IVersionProvider {
    private static final String RESOURCE = "version.properties";

    /** For picocli, which makes one per command. */
    public PrefineVersion() {}

    /**
     * What {@code --version} prints, the same for every command. Read here, when asked, not as the
     * class loads: picocli makes the provider as it builds any command line, so classes built
     * without the resource (an IDE's) would fail every command, {@code --help} too.
     *
     * @return one line, {@code prefine} and the POM's version
     * @throws IllegalStateException if {@code version.properties} is missing or unfiltered
     */
    @Override
    public String[] getVersion() {
        return new String[] {"prefine " + readVersion()};
    }

    private static String readVersion() {
        try (InputStream in = PrefineVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the resource " + RESOURCE + " beside "
                        + PrefineVersion.class.getName() + " is missing, expected the build to write it");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version");
            // an unfiltered copy (an IDE that copies resources itself) would still hold the placeholder
            if (v == null || v.isBlank() || v.contains("${")) {
                throw new IllegalStateException(RESOURCE + " holds version " + v
                        + ", expected the POM's version filled in by the build (Maven's resource filtering,"
                        + " which an IDE's copy of the resources skips)");
            }
            return v.strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
