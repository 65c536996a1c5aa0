package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.core.train.MallocSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the CLI re-launches itself with malloc settings, and that the child really gets them. */
class MallocTuningTest {

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
    void demoHelpPrintsItsUsageFromTheFirstJvm(@TempDir Path tmp) throws Exception {
        Prefine r = prefine(tmp, "demo", "--help");
        assertEquals(0, r.exitCode(), r.out());
        assertTrue(r.out().startsWith("Usage: prefine demo"), r.out());
        assertFalse(r.out().contains("Re-launching"), r.out());
    }

    @Test
    void aMistypedOptionOfATrainingCommandIsOneLineFromTheFirstJvm(@TempDir Path tmp) throws Exception {
        // README: every failure is one line on standard error; a re-launch would log its own line first
        Prefine r = prefine(tmp, "demo", "--seed", "3");
        assertEquals(2, r.exitCode(), r.out());
        assertEquals(List.of("prefine demo: Unknown options: '--seed', '3'; did you mean --seeds? see 'prefine demo --help'"),
                r.out().lines().filter(l -> !l.isBlank()).toList());
    }

    @Test
    void aMissingFolderOfATrainingCommandIsOneLineFromTheFirstJvm(@TempDir Path tmp) throws Exception {
        // --device cpu: a re-launch would happen on any machine; the folder check needs none, so no
        // re-launch line comes before the command's own line (OptionChecks.inputFolder's message)
        Path missing = tmp.resolve("no-data");
        Prefine r = prefine(tmp, "reproduce", "--data", missing.toString(), "--out", tmp.resolve("out").toString(),
                "--device", "cpu");
        assertEquals(2, r.exitCode(), r.out());
        assertEquals(List.of("prefine reproduce: --data " + missing + ": no such directory; expected the data root in the"
                + " TaskCatalog layout (docs/data-layout.md); pass --data DIR"),
                r.out().lines().filter(l -> !l.isBlank()).toList());
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Prefine demo = prefine(tmp, "demo", "--out", file.toString(), "--device", "cpu");
        assertEquals(2, demo.exitCode(), demo.out());
        assertEquals(List.of("prefine demo: --out " + file + ": expected a directory, found a file; choose another --out"
                + " or remove the file"), demo.out().lines().filter(l -> !l.isBlank()).toList());
        Prefine bench = prefine(tmp, "bench", "--part", "DATA", "--data", missing.toString());
        assertEquals(2, bench.exitCode(), bench.out());
        assertEquals(List.of("prefine bench: --data: expected a data root folder (see docs/data-layout.md), found no"
                + " folder at " + missing.toAbsolutePath()), bench.out().lines().filter(l -> !l.isBlank()).toList());
    }

    /** What a real {@code prefine} process printed (stdout and stderr together) and its exit code. */
    private record Prefine(int exitCode, String out) {}

    /** Runs {@code prefine args} in a JVM of its own, without malloc settings, so that it may re-launch. */
    private static Prefine prefine(Path tmp, String... args) throws Exception {
        Path log = tmp.resolve("out.txt");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PrefineCli.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = ChildProcesses.builder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("MALLOC_") || k.equals("GLIBC_TUNABLES")
                || k.equals(MallocTuning.SWITCH));
        Process p = pb.start();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        return new Prefine(p.exitValue(), Files.readString(log));
    }

    @Test
    void aBenchRunUnderTheUsersGlibcTunablesNamesThemInItsHeader(@TempDir Path tmp) throws Exception {
        if (!System.getProperty("os.name", "").toLowerCase().startsWith("linux")) {
            System.out.println("skipped: GLIBC_TUNABLES applies to glibc systems only");
            return;
        }
        // docs/cpu.md: a GLIBC_TUNABLES of the user's is used as it is; the header says what the process ran with
        String tunables = "glibc.malloc.arena_max=2";
        String out = oneStepBench(tmp, Map.of("GLIBC_TUNABLES", tunables));
        assertFalse(out.contains("Re-launching with glibc malloc settings"), out);
        String header = out.lines().filter(l -> l.startsWith("engine ")).findFirst().orElseThrow(() -> new AssertionError(out));
        assertTrue(header.endsWith("malloc: GLIBC_TUNABLES=" + tunables), header);
    }

    /**
     * Runs a one-step {@code prefine bench} in a JVM of its own whose environment holds no malloc
     * variable but {@code malloc}, and returns what it printed; it must exit 0.
     */
    private static String oneStepBench(Path tmp, Map<String, String> malloc) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), PrefineCli.class.getName(),
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
        return out;
    }

    @Test
    void theRelaunchedBenchRunsWithTheSettings(@TempDir Path tmp) throws Exception {
        if (!System.getProperty("os.name", "").toLowerCase().startsWith("linux")) {
            System.out.println("skipped: the re-launch applies to glibc systems only");
            return;
        }
        String out = oneStepBench(tmp, Map.of());
        assertTrue(out.contains("Re-launching with glibc malloc settings"), out);
        assertFalse(out.contains("Failed to detect GPU count"), "DJL's GPU probe warning is silenced on CPU machines:\n" + out);
        for (Map.Entry<String, String> e : MallocSettings.RECOMMENDED.entrySet()) {
            assertTrue(out.contains(e.getKey() + "=" + e.getValue()), "child header lacks " + e.getKey() + ":\n" + out);
        }
    }
}
