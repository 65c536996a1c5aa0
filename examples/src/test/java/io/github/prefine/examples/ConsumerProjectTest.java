package io.github.prefine.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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
 * repository, the user's {@code ~/.m2/repository} serving third-party artifacts as a {@code file:}
 * repository (so the shared {@code ~/.m2} is never written) and Maven Central behind it for what
 * it lacks (a fresh machine with an empty {@code ~/.m2}). Skipped with a printed reason when
 * {@code mvn} is not on the PATH, the jars are not packaged yet (run {@code mvn verify} from the
 * root), or artifacts are missing and Maven Central cannot be reached.
 */
class ConsumerProjectTest {
    private static final List<String> MODULES = List.of("sampling", "eval", "heads", "core");

    @Test
    void aThirdPartyProjectBuildsAndRunsAgainstTheInstalledJars(@TempDir Path tmp) throws Exception {
        Path userRepo = Path.of(System.getProperty("user.home"), ".m2", "repository");
        Build b = build(tmp, userRepo);
        if (b.skipReason() != null) {
            // printed as well: surefire shows an assumption's message only in its reports
            System.out.println("ConsumerProjectTest skipped: " + b.skipReason());
            assumeTrue(false, b.skipReason());
        }
        assertTrue(b.finished(), "consumer build timed out:\n" + b.log());
        assertEquals(0, b.exitCode(), "consumer build failed:\n" + b.log());
        assertTrue(Files.exists(b.project().resolve("target/prefine-consumer-1.0.jar")), b.log());
        long sl = io.github.prefine.core.task.TaskCatalog.prefinetuning().stream()
                .filter(t -> t.group().equals(io.github.prefine.core.task.TaskGroup.SL)).count();
        assertTrue(b.log().contains("CONSUMER: " + sl + " SL tasks, 7 combinations, first batch of 8"), b.log());
        // the prefine classes came from the jars installed here, not from anywhere else
        assertTrue(Files.exists(b.repo().resolve("io/github/prefine/prefine-core/" + b.version() + "/prefine-core-"
                + b.version() + ".jar")));
    }

    @Test
    void aFreshMachineOfflineIsASkipWithAReasonNotAFailure(@TempDir Path tmp) throws Exception {
        assumeTrue(!centralReachable(), "Maven Central is reachable: a fresh machine resolves what it needs from it");
        // an empty ~/.m2, as on a fresh machine
        Build b = build(tmp, Files.createDirectories(tmp.resolve("empty-m2")));
        assumeTrue(b.project() != null, String.valueOf(b.skipReason()));
        assertTrue(b.skipReason() != null, "expected a skip, the build said:\n" + b.log());
        assertTrue(b.skipReason().contains("Maven Central is not reachable"), b.skipReason());
    }

    /** What one consumer build did; {@code skipReason} is set when it could not be judged here. */
    private record Build(Path project, Path repo, String version, boolean finished, int exitCode, String log,
            String skipReason) {}

    private static Build build(Path tmp, Path userRepo) throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        String mvn = findOnPath(isWindows() ? "mvn.cmd" : "mvn");
        if (mvn == null) {
            return new Build(null, null, null, false, -1, "", "mvn is not on the PATH");
        }
        String parent = Files.readString(root.resolve("pom.xml"));
        String version = first(parent, "<artifactId>prefine-parent</artifactId>\\s*<version>([^<]+)</version>");
        for (String m : MODULES) {
            if (!Files.exists(jar(root, m, version))) {
                return new Build(null, null, version, false, -1, "",
                        "prefine-" + m + " is not packaged yet (run mvn verify from the project root)");
            }
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
        // the user's repository first, read as a file: repository, so the shared ~/.m2 is never
        // written; Maven Central after it for whatever it lacks (a fresh machine has nothing)
        String local = "<id>user-m2</id><url>" + userRepo.toUri() + "</url>";
        Path settings = tmp.resolve("settings.xml");
        Files.writeString(settings, "<settings><profiles><profile><id>user-m2</id>"
                + "<repositories><repository>" + local + "</repository></repositories>"
                + "<pluginRepositories><pluginRepository>" + local + "</pluginRepository></pluginRepositories>"
                + "</profile></profiles><activeProfiles><activeProfile>user-m2</activeProfile></activeProfiles></settings>");
        List<String> cmd = new ArrayList<>(List.of(mvn, "-B", "-q", "-ntp", "-s", settings.toString(),
                "-Dmaven.repo.local=" + repo, "-f", project.resolve("pom.xml").toString(), "package"));
        Path log = tmp.resolve("mvn.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = p.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String out = Files.readString(log);
        int rc = finished ? p.exitValue() : -1;
        String skip = null;
        if (rc != 0 && unresolved(out) && !centralReachable()) {
            Matcher m = Pattern.compile("(?m)^.*(could not be resolved|Could not resolve|Could not transfer).*$").matcher(out);
            skip = "Maven Central is not reachable and " + userRepo + " lacks what the consumer build needs ("
                    + (m.find() ? m.group().strip() : "unresolved artifacts") + "); run once online or fill ~/.m2 first";
        }
        return new Build(project, repo, version, finished, rc, out, skip);
    }

    private static boolean unresolved(String log) {
        return log.contains("could not be resolved") || log.contains("Could not resolve")
                || log.contains("Could not transfer") || log.contains("Cannot access");
    }

    private static boolean centralReachable() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("repo.maven.apache.org", 443), 3000);
            return true;
        } catch (IOException e) {
            return false;
        }
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
