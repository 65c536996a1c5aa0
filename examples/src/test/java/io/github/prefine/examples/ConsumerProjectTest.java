package io.github.prefine.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library artifacts can be installed and consumed by another Maven project.
 *
 * <p>Installs the jars the reactor just packaged (sampling, eval, heads, core) and the parent POM
 * into a fresh temporary local repository, in the layout {@code install:install-file} writes, and
 * builds {@code src/test/resources/consumer} (a project using {@code TaskRegistry} and {@code
 * HeterogeneousSampler}, with its own unit test) against it: {@code mvn package} with that
 * repository, the user's {@code ~/.m2/repository} serving every third-party artifact as a
 * {@code file:} mirror, so nothing is downloaded and the shared {@code ~/.m2} is never written.
 * Skipped with the reason when {@code mvn} is not on the PATH or the jars are not packaged yet
 * (run {@code mvn verify} from the root).
 */
class ConsumerProjectTest {
    private static final List<String> MODULES = List.of("sampling", "eval", "heads", "core");

    @Test
    void aThirdPartyProjectBuildsAndRunsAgainstTheInstalledJars(@TempDir Path tmp) throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        String mvn = findOnPath(isWindows() ? "mvn.cmd" : "mvn");
        assumeTrue(mvn != null, "mvn is not on the PATH");
        String parent = Files.readString(root.resolve("pom.xml"));
        String version = first(parent, "<artifactId>prefine-parent</artifactId>\\s*<version>([^<]+)</version>");
        for (String m : MODULES) {
            assumeTrue(Files.exists(jar(root, m, version)),
                    "prefine-" + m + " is not packaged yet (run mvn verify from the project root)");
        }
        Path repo = tmp.resolve("repo");
        install(repo, "prefine-parent", version, root.resolve("pom.xml"), null);
        for (String m : MODULES) {
            install(repo, "prefine-" + m, version, root.resolve(m).resolve("pom.xml"), jar(root, m, version));
        }
        Path project = tmp.resolve("consumer");
        copyTree(root.resolve("examples/src/test/resources/consumer"), project);
        String pom = Files.readString(project.resolve("pom.xml"))
                .replace("@prefine.version@", version)
                .replace("@junit.version@", first(parent, "<junit.version>([^<]+)</junit.version>"))
                .replace("@resources.version@", plugin(parent, "maven-resources-plugin"))
                .replace("@compiler.version@", plugin(parent, "maven-compiler-plugin"))
                .replace("@surefire.version@", plugin(parent, "maven-surefire-plugin"))
                .replace("@jar.version@", plugin(parent, "maven-jar-plugin"));
        Files.writeString(project.resolve("pom.xml"), pom);
        Path userRepo = Path.of(System.getProperty("user.home"), ".m2", "repository");
        Path settings = tmp.resolve("settings.xml");
        Files.writeString(settings, "<settings><mirrors><mirror><id>local-m2</id><mirrorOf>*</mirrorOf><url>"
                + userRepo.toUri() + "</url></mirror></mirrors></settings>");
        List<String> cmd = new ArrayList<>(List.of(mvn, "-B", "-q", "-ntp", "-s", settings.toString(),
                "-Dmaven.repo.local=" + repo, "-f", project.resolve("pom.xml").toString(), "package"));
        Path log = tmp.resolve("mvn.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = p.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String out = Files.readString(log);
        assertTrue(finished, "consumer build timed out:\n" + out);
        assertEquals(0, p.exitValue(), "consumer build failed:\n" + out);
        assertTrue(Files.exists(project.resolve("target/prefine-consumer-1.0.jar")), out);
        long sl = io.github.prefine.core.task.TaskCatalog.prefinetuning().stream()
                .filter(t -> t.group().equals(io.github.prefine.core.task.TaskGroup.SL)).count();
        assertTrue(out.contains("CONSUMER: " + sl + " SL tasks, 7 combinations, first batch of 8"), out);
        // the prefine classes came from the jars installed here, not from anywhere else
        assertTrue(Files.exists(repo.resolve("io/github/prefine/prefine-core/" + version + "/prefine-core-" + version + ".jar")));
    }

    private static Path jar(Path root, String module, String version) {
        return root.resolve(module).resolve("target").resolve("prefine-" + module + "-" + version + ".jar");
    }

    private static void install(Path repo, String artifact, String version, Path pom, Path jar) throws IOException {
        Path dir = repo.resolve("io/github/prefine").resolve(artifact).resolve(version);
        Files.createDirectories(dir);
        Files.copy(pom, dir.resolve(artifact + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Files.copy(jar, dir.resolve(artifact + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String plugin(String pom, String artifactId) {
        return first(pom, "<artifactId>" + artifactId + "</artifactId>\\s*<version>([^<]+)</version>");
    }

    private static String first(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("pom.xml: expected a match for " + regex + ", found none");
        }
        return m.group(1);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase().contains("win");
    }

    private static String findOnPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String d : path.split(File.pathSeparator)) {
            Path c = Path.of(d, exe);
            if (Files.isExecutable(c)) {
                return c.toString();
            }
        }
        return null;
    }
}
