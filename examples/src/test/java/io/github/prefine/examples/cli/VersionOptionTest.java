package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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

    /** TextEmbBench, a main of its own outside the command tree, prints the same version. */
    @Test
    void textEmbBenchPrintsTheVersion() {
        for (String flag : List.of("--version", "-V")) {
            java.io.StringWriter out = new java.io.StringWriter();
            CommandLine line = new CommandLine(new io.github.prefine.examples.bench.TextEmbBench())
                    .setOut(new java.io.PrintWriter(out, true));
            assertEquals(0, line.execute(flag), flag);
            CliRunner top = new CliRunner("--version");
            assertEquals(0, top.run());
            assertEquals(top.out().strip(), out.toString().strip(), flag);
        }
    }

    /**
     * The version printed is the one the build gives the project (the parent POM's {@code
     * <version>}): {@link PrefineVersion} holds it as a literal, which a release that sets the POM's
     * version alone would leave behind, in the jar as in the classes the tests run.
     */
    @Test
    void theVersionIsTheParentPomsVersion() throws java.io.IOException {
        String pom = java.nio.file.Files.readString(io.github.prefine.examples.docs.ProjectDocs.root().resolve("pom.xml"));
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("<artifactId>prefine-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(m.find(), "the parent pom.xml names its version");
        CliRunner top = new CliRunner("--version");
        assertEquals(0, top.run());
        assertEquals("prefine " + m.group(1), top.out().strip(), "set PrefineVersion's version with the POM's");
    }

    /**
     * Classes compiled without the build's resource filtering (an IDE's, or a copy that lost
     * {@code version.properties}) still answer every command but {@code --version}: the version was
     * read in PrefineVersion's static initializer, which picocli runs as it builds any command line,
     * so {@code prefine --help} died of an ExceptionInInitializerError. Ground truth: the usage's
     * own first line, and the one-line error naming the resource.
     */
    @ParameterizedTest(name = "version.properties {0}")
    @ValueSource(strings = {"missing", "unfiltered"})
    void withoutTheFilteredVersionOnlyTheVersionOptionFails(String how, @TempDir Path dir) throws Exception {
        Path unfiltered = dir.resolve("version.properties");
        Files.writeString(unfiltered, "version=${project.version}\n");
        URL classes = PrefineVersion.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader loader = new HidingVersionLoader(classes, how.equals("missing") ? null : unfiltered.toUri().toURL())) {
            Class<?> cli = loader.loadClass(PrefineCli.class.getName());
            assertNotSame(PrefineCli.class, cli, "the classes must come from the loader without the resource");
            Method make = cli.getDeclaredMethod("commandLine");
            make.setAccessible(true);
            CommandLine line = (CommandLine) make.invoke(null);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            line.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
            assertEquals(0, line.execute("--help"), "--help: " + err);
            assertTrue(out.toString().startsWith("Usage: prefine"), out.toString());
            assertNotEquals(0, line.execute("--version"), "--version without a version");
            assertTrue(err.toString().contains("version.properties"), err.toString());
            assertFalse(err.toString().contains("ExceptionInInitializerError"), err.toString());
        }
    }

    /**
     * Loads this module's classes itself, so that their resources are its own: version.properties
     * is missing, or the given unfiltered copy.
     */
    private static final class HidingVersionLoader extends URLClassLoader {
        private static final String PACKAGE = "io.github.prefine.examples.";
        private final URL replacement;

        HidingVersionLoader(URL classes, URL replacement) {
            super(new URL[] {classes}, VersionOptionTest.class.getClassLoader());
            this.replacement = replacement;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(PACKAGE)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                return c != null ? c : findClass(name);
            }
        }

        @Override
        public URL getResource(String name) {
            return name.endsWith("/version.properties") ? replacement : super.getResource(name);
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
