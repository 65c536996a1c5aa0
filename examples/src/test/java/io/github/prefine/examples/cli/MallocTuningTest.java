package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.core.train.MallocSettings;
import io.github.prefine.examples.ShortLivedJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the CLI re-launches itself with malloc settings, and that the child really gets them.
 *
 * <p>The tests that need real processes read the children that {@link #startChildren} starts side
 * by side when the class starts: each is a process of its own in a folder of its own, so none can
 * reach another, and the second core does not sit idle while one starts.
 */
class MallocTuningTest {
    /** Children run at once; three keep a two-core runner busy without crowding its memory. */
    private static final int CHILDREN_AT_ONCE = 3;

    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase().startsWith("linux");

    @TempDir
    static Path shared;

    private static ExecutorService pool;
    /** The started children by name. */
    private static final Map<String, Future<Prefine>> CHILDREN = new HashMap<>();

    /** Starts every child the tests read, the two one-step benches (the longest) first. */
    @BeforeAll
    static void startChildren() throws Exception {
        pool = Executors.newFixedThreadPool(CHILDREN_AT_ONCE);
        if (LINUX) {
            start("relaunched bench", dir -> oneStepBench(dir, Map.of()));
            start("bench under GLIBC_TUNABLES", dir -> oneStepBench(dir, Map.of("GLIBC_TUNABLES", TUNABLES)));
        }
        start("demo --help", dir -> prefine(dir, "demo", "--help"));
        start("demo --seed", dir -> prefine(dir, "demo", "--seed", "3"));
        start("reproduce --data missing", dir -> prefine(dir, "reproduce", "--data", missing().toString(), "--out",
                dir.resolve("out").toString(), "--device", "cpu"));
        Path file = Files.writeString(shared.resolve("a-file"), "x");
        start("demo --out file", dir -> prefine(dir, "demo", "--out", file.toString(), "--device", "cpu"));
        start("bench --data missing", dir -> prefine(dir, "bench", "--part", "DATA", "--data", missing().toString()));
    }

    @AfterAll
    static void stopChildren() {
        pool.shutdownNow();
    }

    private interface Child {
        Prefine run(Path dir) throws Exception;
    }

    private static void start(String name, Child child) throws Exception {
        Path dir = Files.createDirectories(shared.resolve(name.replaceAll("[^A-Za-z0-9-]+", "_")));
        CHILDREN.put(name, pool.submit(() -> child.run(dir)));
    }

    /** A child's run, once it has ended. */
    private static Prefine child(String name) throws Exception {
        try {
            return CHILDREN.get(name).get(5, TimeUnit.MINUTES);
        } catch (ExecutionException failed) {
            // the child's own assertion or exception, as it would have failed run alone
            if (failed.getCause() instanceof Error err) {
                throw err;
            }
            throw (Exception) failed.getCause();
        }
    }

    /** A folder that does not exist. */
    private static Path missing() {
        return shared.resolve("no-data");
    }

    /** The user's own GLIBC_TUNABLES of the header test. */
    private static final String TUNABLES = "glibc.malloc.arena_max=2";

    private static Optional<List<String>> decide(Map<String, String> env, String os, String... args) {
        return MallocTuning.relaunchCommand(env, os, "/jdk/bin/java", List.of("-Xmx1g"), "app.jar", args, false);
    }

    @Test
    void trainingCommandsOnLinuxRelaunchWithTheSameJvmArgumentsAndArguments() {
        // the child is started with -cp, so the native access that java -jar reads from the manifest is an
        // option, given where this Java warns without it (ChildJvmTest covers both sides)
        List<String> expected = new ArrayList<>(List.of("/jdk/bin/java", "-Xmx1g"));
        if (Runtime.version().feature() >= ChildJvm.WARNS_FROM) {
            expected.add(ChildJvm.NATIVE_ACCESS);
        }
        expected.addAll(List.of("-cp", "app.jar", PrefineCli.class.getName(), "bench", "--part", "ALL"));
        assertEquals(Optional.of(expected), decide(Map.of("HOME", "/root"), "Linux", "bench", "--part", "ALL"));
        assertTrue(decide(Map.of(), "Linux", "demo").isPresent());
        assertTrue(decide(Map.of(), "Linux", "reproduce", "--seeds", "1").isPresent());
    }

    @Test
    void otherCommandsOtherSystemsOwnSettingsAndTheSwitchStayInThisJvm() {
        assertTrue(decide(Map.of(), "Linux", "eval", "x").isEmpty());
        assertTrue(decide(Map.of(), "Linux").isEmpty());
        assertTrue(decide(Map.of(), "Mac OS X", "bench").isEmpty());
        assertTrue(decide(Map.of("MALLOC_ARENA_MAX", "2"), "Linux", "bench").isEmpty());
        assertTrue(decide(Map.of("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=1"), "Linux", "bench").isEmpty());
        assertTrue(decide(Map.of(MallocTuning.SWITCH, "off"), "Linux", "bench").isEmpty());
        assertTrue(MallocTuning.relaunchCommand(Map.of(), "Linux", "java",
                List.of("-agentlib:jdwp=transport=dt_socket,server=y,address=5005"), "app.jar", new String[] {"demo"}, false)
                .isEmpty(), "a debugged JVM runs the command itself");
        // the child itself carries the switch, so it never re-launches again
        assertTrue(decide(Map.of(MallocTuning.SWITCH, "applied"), "Linux", "bench").isEmpty());
    }

    @Test
    void helpVersionAndGpuRunsStayInThisJvm() {
        for (String flag : new String[] {"--help", "-h", "--version", "-V"}) {
            assertTrue(decide(Map.of(), "Linux", "demo", flag).isEmpty(), flag);
        }
        assertTrue(decide(Map.of(), "Linux", "encode").isEmpty());
        for (String device : new String[] {"gpu", "gpu:1", "2", "GPU:0"}) {
            assertTrue(decide(Map.of(), "Linux", "reproduce", "--device", device).isEmpty(), device);
            assertTrue(decide(Map.of(), "Linux", "bench", "--device=" + device).isEmpty(), device);
        }
        assertTrue(decide(Map.of(), "Linux", "reproduce", "--device", "cpu").isPresent());
        // auto (the default of demo and reproduce) means the GPU on a machine that shows one
        String[] auto = {"demo", "--seeds", "1"};
        assertTrue(decide(Map.of(), "Linux", auto).isPresent());
        assertTrue(MallocTuning.relaunchCommand(Map.of(), "Linux", "java", List.of(), "app.jar", auto, true).isEmpty());
        assertTrue(MallocTuning.relaunchCommand(Map.of(), "Linux", "java", List.of(), "app.jar",
                new String[] {"bench"}, true).isPresent(), "bench measures the CPU unless told otherwise");
    }

    @Test
    void demoHelpPrintsItsUsageFromTheFirstJvm() throws Exception {
        Prefine r = child("demo --help");
        assertEquals(0, r.exitCode(), r.out());
        assertTrue(r.out().startsWith("Usage: prefine demo"), r.out());
        assertFalse(r.out().contains("Re-launching"), r.out());
    }

    @Test
    void aMistypedOptionOfATrainingCommandIsOneLineFromTheFirstJvm() throws Exception {
        // README: every failure is one line on standard error; a re-launch would log its own line first
        Prefine r = child("demo --seed");
        assertEquals(2, r.exitCode(), r.out());
        assertEquals(List.of("prefine demo: Unknown options: '--seed', '3'; did you mean --seeds? see 'prefine demo --help'"),
                r.out().lines().filter(l -> !l.isBlank()).toList());
    }

    @Test
    void aMissingFolderOfATrainingCommandIsOneLineFromTheFirstJvm() throws Exception {
        // --device cpu: a re-launch would happen on any machine; the folder check needs none, so no
        // re-launch line comes before the command's own line (OptionChecks.inputFolder's message)
        Path missing = missing();
        Prefine r = child("reproduce --data missing");
        assertEquals(2, r.exitCode(), r.out());
        assertEquals(List.of("prefine reproduce: --data " + missing + ": no such directory; expected the data root in the"
                + " TaskCatalog layout (docs/data-layout.md); pass --data DIR"),
                r.out().lines().filter(l -> !l.isBlank()).toList());
        Path file = shared.resolve("a-file");
        Prefine demo = child("demo --out file");
        assertEquals(2, demo.exitCode(), demo.out());
        assertEquals(List.of("prefine demo: --out " + file + ": expected a directory, found a file; choose another --out"
                + " or remove the file"), demo.out().lines().filter(l -> !l.isBlank()).toList());
        Prefine bench = child("bench --data missing");
        assertEquals(2, bench.exitCode(), bench.out());
        assertEquals(List.of("prefine bench: --data: expected a data root folder (see docs/data-layout.md), found no"
                + " folder at " + missing.toAbsolutePath()), bench.out().lines().filter(l -> !l.isBlank()).toList());
    }

    /** What a real {@code prefine} process printed (stdout and stderr together) and its exit code. */
    private record Prefine(int exitCode, String out) {}

    /** Runs {@code prefine args} in a JVM of its own, without malloc settings, so that it may re-launch. */
    private static Prefine prefine(Path tmp, String... args) throws Exception {
        Path log = tmp.resolve("out.txt");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ShortLivedJvm.OPTIONS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PrefineCli.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = ChildProcesses.builder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("MALLOC_") || k.equals("GLIBC_TUNABLES")
                || k.equals(MallocTuning.SWITCH));
        Process p = pb.start();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        return new Prefine(p.exitValue(), Files.readString(log));
    }

    @Test
    void aBenchRunUnderTheUsersGlibcTunablesNamesThemInItsHeader() throws Exception {
        if (!LINUX) {
            System.out.println("skipped: GLIBC_TUNABLES applies to glibc systems only");
            return;
        }
        // docs/cpu.md: a GLIBC_TUNABLES of the user's is used as it is; the header says what the process ran with
        String tunables = TUNABLES;
        String out = child("bench under GLIBC_TUNABLES").out();
        assertFalse(out.contains("Re-launching with glibc malloc settings"), out);
        String header = out.lines().filter(l -> l.startsWith("engine ")).findFirst().orElseThrow(() -> new AssertionError(out));
        assertTrue(header.endsWith("malloc: GLIBC_TUNABLES=" + tunables), header);
    }

    /**
     * Runs a one-step {@code prefine bench} in a JVM of its own whose environment holds no malloc
     * variable but {@code malloc}, and returns what it printed; it must exit 0.
     */
    private static Prefine oneStepBench(Path tmp, Map<String, String> malloc) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ShortLivedJvm.OPTIONS);
        cmd.addAll(List.of("-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), PrefineCli.class.getName(),
                "bench", "--part", "FORWARD", "--layers", "1", "--batch", "1", "--length", "8", "--warmup", "0",
                "--steps", "1"));
        Path log = tmp.resolve("out.txt");
        ProcessBuilder pb = ChildProcesses.builder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("MALLOC_") || k.equals("GLIBC_TUNABLES")
                || k.equals(MallocTuning.SWITCH));
        pb.environment().putAll(malloc);
        Process p = pb.start();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "bench did not finish");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        return new Prefine(0, out);
    }

    @Test
    void theRelaunchedBenchRunsWithTheSettings() throws Exception {
        if (!LINUX) {
            System.out.println("skipped: the re-launch applies to glibc systems only");
            return;
        }
        String out = child("relaunched bench").out();
        assertTrue(out.contains("Re-launching with glibc malloc settings"), out);
        assertFalse(out.contains("Failed to detect GPU count"), "DJL's GPU probe warning is silenced on CPU machines:\n" + out);
        // the child's own header, which names its environment: the re-launch line before it names the settings too
        String header = out.lines().filter(l -> l.startsWith("engine ")).findFirst().orElseThrow(() -> new AssertionError(out));
        for (Map.Entry<String, String> e : MallocSettings.RECOMMENDED.entrySet()) {
            assertTrue(header.contains(e.getKey() + "=" + e.getValue()), "child header lacks " + e.getKey() + ":\n" + out);
        }
    }
}
