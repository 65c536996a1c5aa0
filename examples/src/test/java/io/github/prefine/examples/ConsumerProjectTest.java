package io.github.prefine.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.prefine.core.testing.ChildProcesses;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library artifacts can be installed and consumed by another Maven project, on the class path
 * and on the module path.
 *
 * <p>Installs the jars the reactor just packaged (sampling, eval, heads, core) and the parent POM
 * into a fresh temporary local repository, in the layout {@code install:install-file} writes, and
 * builds {@code src/test/resources/consumer} against it: {@code mvn package} with that repository,
 * the user's {@code ~/.m2/repository} serving third-party artifacts as a {@code file:} repository
 * (so the shared {@code ~/.m2} is never written) and Maven Central behind it for what it lacks (a
 * fresh machine with an empty {@code ~/.m2}). The consumer has two modules, built by one Maven
 * run: {@code classpath} uses {@code TaskRegistry} and {@code HeterogeneousSampler} and runs its
 * own unit test; {@code modular} is a named module whose {@code module-info.java} requires the four
 * prefine modules by name, which this test then runs with {@code java --module-path} as README
 * ("On the module path") says. Skipped with a printed reason when {@code mvn} is not on the PATH,
 * the jars are not packaged yet (run {@code mvn verify} from the root), or artifacts are missing
 * and Maven Central cannot be reached.
 */
class ConsumerProjectTest {
    private static final List<String> MODULES = List.of("sampling", "eval", "heads", "core");

    @TempDir
    static Path shared;
    /** The one consumer build that the class-path and module-path checks share. */
    private static Build build;

    @BeforeAll
    static void buildTheConsumers() throws Exception {
        build = build(shared, Path.of(System.getProperty("user.home"), ".m2", "repository"));
    }

    @Test
    void aThirdPartyProjectBuildsAndRunsAgainstTheInstalledJars() {
        Build b = built();
        assertTrue(Files.exists(b.project().resolve("classpath/target/prefine-consumer-1.0.jar")), b.log());
        long sl = io.github.prefine.core.task.TaskCatalog.prefinetuning().stream()
                .filter(t -> t.group().equals(io.github.prefine.core.task.TaskGroup.SL)).count();
        assertTrue(b.log().contains("CONSUMER: " + sl + " SL tasks, 7 combinations, first batch of 8"), b.log());
        // the prefine classes came from the jars installed here, not from anywhere else
        assertTrue(Files.exists(b.repo().resolve("io/github/prefine/prefine-core/" + b.version() + "/prefine-core-"
                + b.version() + ".jar")));
    }

    @Test
    void aNamedModuleRequiresThePrefineModulesAndRunsOnTheModulePath() throws Exception {
        Build b = built();
        Path target = b.project().resolve("modular/target");
        // as README says: every jar on the module path but PyTorch's native library, whose manifest
        // names a module the JDK refuses (ai.djl.pytorch_native_cpu_linux-x86_64); and the explicit
        // modules that the automatic ones use added by name, since an automatic module requires none
        List<String> modulePath = new ArrayList<>(List.of(target.resolve("prefine-consumer-modular-1.0.jar").toString()));
        List<String> classPath = new ArrayList<>();
        try (Stream<Path> lib = Files.list(target.resolve("lib"))) {
            for (Path jar : lib.sorted().toList()) {
                (jar.getFileName().toString().startsWith("pytorch-native-") ? classPath : modulePath).add(jar.toString());
            }
        }
        assertEquals(1, classPath.size(), "expected one PyTorch native jar in " + target.resolve("lib"));
        Path log = shared.resolve("modular.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true"));
        command.addAll(ShortLivedJvm.OPTIONS);
        command.addAll(List.of("--module-path", String.join(File.pathSeparator, modulePath),
                "--class-path", String.join(File.pathSeparator, classPath),
                "--add-modules", "org.slf4j,com.google.gson,com.google.common",
                "--module", "com.example.modular/com.example.modular.Modular",
                Files.createDirectories(shared.resolve("modular-in")).toString()));
        Process p = ChildProcesses.builder(command)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = p.waitFor(3, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String out = Files.readString(log);
        assertTrue(finished, "the module-path consumer did not finish:\n" + out);
        assertEquals(0, p.exitValue(), "the module-path consumer failed:\n" + out);
        // each class's module as the JVM reports it; one SQuAD question read, the words' ids 2 and 3,
        // one [1, 2, 8] hidden state, (3 + 5) / 2 batches, F1 of "hello world" against "world" 2/3
        assertTrue(out.contains("MODULAR: com.example.modular ran io.github.prefine.core io.github.prefine.core "
                + "io.github.prefine.sampling io.github.prefine.eval io.github.prefine.heads; questions 1, ids [2, 3], "
                + "hidden (1, 2, 8) on PyTorch, batches 4, f1 0.6666666666666666, roberta"), out);
    }

    @Test
    void theConsumersRunTimeClassPathHoldsNothingTestOnly() throws Exception {
        // README: prefine-core brings "nothing test-only"; pdfbox 3.0.1 (under XChart) declares
        // junit-jupiter without a scope, which a consumer would otherwise get at compile scope
        Build b = built();
        List<String> testOnly = new ArrayList<>();
        try (Stream<Path> lib = Files.list(b.project().resolve("modular/target/lib"))) {
            for (Path jar : lib.sorted().toList()) {
                String name = jar.getFileName().toString();
                if (name.startsWith("junit-") || name.startsWith("opentest4j-") || name.startsWith("apiguardian-")
                        || name.startsWith("jqwik-") || name.startsWith("hamcrest-")) {
                    testOnly.add(name);
                }
            }
        }
        assertEquals(List.of(), testOnly, "test-only jars among prefine-core's run-time dependencies");
    }

    @Test
    void aFreshMachineOfflineIsASkipWithAReasonNotAFailure(@TempDir Path tmp) throws Exception {
        assumeTrue(!MavenRun.centralReachable(), "Maven Central is reachable: a fresh machine resolves what it needs from it");
        // an empty ~/.m2, as on a fresh machine
        Build b = build(tmp, Files.createDirectories(tmp.resolve("empty-m2")));
        assumeTrue(b.project() != null, String.valueOf(b.skipReason()));
        assertTrue(b.skipReason() != null, "expected a skip, the build said:\n" + b.log());
        assertTrue(b.skipReason().contains("Maven Central is not reachable"), b.skipReason());
    }

    /** What one consumer build did; {@code skipReason} is set when it could not be judged here. */
    private record Build(Path project, Path repo, String version, boolean finished, int exitCode, String log,
            String skipReason) {}

    /** The shared build; a skip with its reason printed, or a failure with its log. */
    private static Build built() {
        if (build.skipReason() != null) {
            // printed as well: surefire shows an assumption's message only in its reports
            System.out.println("ConsumerProjectTest skipped: " + build.skipReason());
            assumeTrue(false, build.skipReason());
        }
        assertTrue(build.finished(), "consumer build timed out:\n" + build.log());
        assertEquals(0, build.exitCode(), "consumer build failed:\n" + build.log());
        return build;
    }

    private static Build build(Path tmp, Path userRepo) throws Exception {
        Path root = MavenRun.ROOT;
        String parent = Files.readString(root.resolve("pom.xml"));
        String version = MavenRun.first(parent, "<artifactId>prefine-parent</artifactId>\\s*<version>([^<]+)</version>");
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
                .replace("@resources.version@", plugin(parent, "maven-resources-plugin"))
                .replace("@compiler.version@", plugin(parent, "maven-compiler-plugin"))
                .replace("@surefire.version@", plugin(parent, "maven-surefire-plugin"))
                .replace("@jar.version@", plugin(parent, "maven-jar-plugin"))
                .replace("@dependency.version@", plugin(parent, "maven-dependency-plugin"));
        Files.writeString(project.resolve("pom.xml"), pom);
        Path classpath = project.resolve("classpath/pom.xml");
        Files.writeString(classpath, Files.readString(classpath)
                .replace("@junit.version@", MavenRun.first(parent, "<junit.version>([^<]+)</junit.version>")));
        // the user's repository first, read as a file: repository, so the shared ~/.m2 is never
        // written; Maven Central after it for whatever it lacks (a fresh machine has nothing)
        String local = "<id>user-m2</id><url>" + userRepo.toUri() + "</url>";
        Path settings = tmp.resolve("settings.xml");
        Files.writeString(settings, "<settings><profiles><profile><id>user-m2</id>"
                + "<repositories><repository>" + local + "</repository></repositories>"
                + "<pluginRepositories><pluginRepository>" + local + "</pluginRepository></pluginRepositories>"
                + "</profile></profiles><activeProfiles><activeProfile>user-m2</activeProfile></activeProfiles></settings>");
        MavenRun run = MavenRun.run(tmp.resolve("mvn.log"), 5, List.of("-q", "-s", settings.toString(),
                "-Dmaven.repo.local=" + repo, "-f", project.resolve("pom.xml").toString(), "package"));
        return new Build(project, repo, version, run.finished(), run.exitCode(), run.log(), run.skipReason());
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
        return MavenRun.first(pom, "<artifactId>" + artifactId + "</artifactId>\\s*<version>([^<]+)</version>");
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
}
