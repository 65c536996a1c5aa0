package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.github.prefine.core.grid.Grid;
import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.examples.ShortLivedJvm;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Worker processes that share a grid run ({@code --workers}, {@code --device N}): which devices
 * they get, what command line each is given, and, with real processes, that a demo shared with a
 * worker gives the tables of a demo run alone, and that workers do not outlive a failed run.
 */
class WorkersTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path tmp;

    @Test
    void eachDeviceGetsItsWorkersAndThisProcessTakesTheFirstSlot() {
        assertEquals(List.of("cpu", "cpu"), Workers.devices(0, Device.cpu(), 3));
        assertEquals(List.of(), Workers.devices(0, Device.gpu(1), 1));
        assertEquals(List.of("gpu:1", "gpu:1"), Workers.devices(0, Device.gpu(1), 3));
        // --device 2 --workers 2: gpu:0 twice (this process is one), gpu:1 twice
        assertEquals(List.of("gpu:0", "gpu:1", "gpu:1"), Workers.devices(2, Device.gpu(0), 2));
        assertEquals(List.of("gpu:1", "gpu:2"), Workers.devices(3, Device.gpu(0), 1));
    }

    @Test
    void demoWorkersAutoIsOnePerCoreUpToFourOnAGpuAsOnACpu() throws Exception {
        // the H100 device check: four processes ran the demo in 36 s, one in 70 s, same tables
        assertEquals(1, DemoCommand.autoWorkers(1));
        assertEquals(2, DemoCommand.autoWorkers(2));
        assertEquals(4, DemoCommand.autoWorkers(16));
        DemoCommand gpu = new DemoCommand();
        new CommandLine(gpu).parseArgs("--device", "gpu", "--workers", "auto");
        assertEquals(Math.min(4, Runtime.getRuntime().availableProcessors()), gpu.workers());
    }

    @Test
    void aWorkerGetsTheCommandLineWithItsOwnDeviceAndThreadsAndNoForce() {
        List<String> given = List.of("--verbose", "reproduce", "--data", "d", "--device", "2", "--workers=2", "--force",
                "--threads", "8", "--out", "o");
        assertEquals(List.of("--verbose", "reproduce", "--data", "d", "--out", "o", "--device", "gpu:1", "--threads", "4"),
                Workers.arguments(given, "gpu:1", 4));
        assertEquals(List.of("demo", "--seeds", "1", "--device", "cpu"),
                Workers.arguments(List.of("demo", "--device=auto", "--seeds", "1", "--workers", "auto"), "cpu", null));
    }

    @Test
    void aWorkerKeepsThisJvmsOptionsButNotItsDebugger() {
        assertEquals(List.of("-Xmx2g", "-Dprefine.attention=fused"), Workers.jvmArguments(List.of("-Xmx2g",
                "-agentlib:jdwp=transport=dt_socket,server=y,address=5005", "-Dprefine.attention=fused", "-Xdebug"), 1));
    }

    @Test
    void eachWorkerTracesItsStatusToAFileOfItsOwn() {
        // the same trace file for every process: each replaced the file the others were appending to
        assertEquals(List.of("-Xmx2g", "-Dprefine.statusTrace=t.jsonl.worker2"),
                Workers.jvmArguments(List.of("-Xmx2g", "-Dprefine.statusTrace=t.jsonl"), 2));
    }

    @Test
    void theWorkersLimitIsTheSmallerOfThePlannedUnitsAndTheDevicesShare() {
        assertEquals(8, Workers.limit(0, Device.cpu(), 100, 2), "4 per core on 2 cores");
        assertEquals(3, Workers.limit(0, Device.cpu(), 3, 2), "3 units");
        assertEquals(16, Workers.limit(0, Device.gpu(0), 100, 2), "16 per GPU");
        assertEquals(2, Workers.limit(4, Device.gpu(0), 10, 2), "10 units over 4 GPUs");
        assertEquals(1, Workers.limit(0, Device.cpu(), 0, 2), "one process always runs");
        Workers.checkCount(3, 0, Device.cpu(), 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Workers.checkCount(17, 0, Device.gpu(0), 1000));
        assertEquals("--workers 17: at most 16, 16 per GPU; each holds a CUDA context and a full model on the device",
                e.getMessage());
    }

    @Test
    void reproduceRefusesMoreWorkersThanUnitsBeforeAnyWork() throws IOException {
        // hand-laid: RTE (group C) and the target CB: pre-finetune C, then baseline and C on CB = 3 units
        String rte = "index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n1\tc\td\tnot_entailment\n";
        io.github.prefine.core.testing.TestFiles.write(tmp, "data/cls/glue_rte/train.tsv", rte);
        io.github.prefine.core.testing.TestFiles.write(tmp, "data/cls/glue_rte/dev.tsv", rte);
        String cb = "{\"premise\":\"p\",\"hypothesis\":\"h\",\"label\":\"neutral\"}\n";
        io.github.prefine.core.testing.TestFiles.write(tmp, "data/cls/cb/train.jsonl", cb);
        io.github.prefine.core.testing.TestFiles.write(tmp, "data/cls/cb/val.jsonl", cb);
        CliRunner cli = new CliRunner("reproduce");

        int rc = cli.run("--data", tmp.resolve("data").toString(), "--groups", "C", "--targets", "cb", "--seeds", "1",
                "--device", "cpu", "--workers", "4", "--encoder", tmp.resolve("no-encoder").toString(), "--out",
                tmp.resolve("out").toString());

        List<String> lines = cli.err().lines().filter(l -> l.startsWith("prefine ")).toList();
        assertEquals(2, rc, cli.err());
        assertEquals(1, lines.size(), cli.err());
        assertTrue(lines.get(0).startsWith("prefine reproduce: --workers 4: at most 3, the 3 units this run plans"),
                cli.err());
        assertTrue(!java.nio.file.Files.exists(tmp.resolve("out")), "--out was written before --workers was checked");
    }

    @Test
    void everyCommandThatTakesWorkersStatesTheLimitInItsHelp() {
        for (String command : List.of("reproduce", "demo")) {
            CliRunner cli = new CliRunner(command);
            assertEquals(0, cli.run("--help"), cli.err());
            String help = cli.out().replaceAll("\\s+", " ");
            assertTrue(help.contains(Workers.LIMIT_HELP.replaceAll("\\s+", " ")), command + ": " + help);
        }
    }

    @Test
    void threadsAreSharedOutOnlyWhenNotGiven() {
        assertEquals(null, Workers.threadsPerWorker(null, 1));
        assertEquals(3, Workers.threadsPerWorker(3, 4));
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.max(1, cores / 2), Workers.threadsPerWorker(null, 2));
    }

    /**
     * Runs {@code prefine demo} in a fresh JVM started as {@code java -jar prefine.jar} is: from a
     * jar whose manifest names the main class, the class path and {@code Enable-Native-Access},
     * which that JVM reads and the workers it starts with {@code -cp} do not. Returns what it printed.
     */
    private String demo(Path out, String workers) throws IOException, InterruptedException {
        // DemoFixture's demo (its sizes too), but for the workers: its tables are those of a demo run alone
        // C1 only, as the worker too (it gets this JVM's options): compilation tiers change no result
        List<String> cmd = new ArrayList<>(List.of(JAVA, DemoFixture.SMALL));
        cmd.addAll(ShortLivedJvm.OPTIONS);
        cmd.addAll(List.of("-jar", launcherJar().toString(), "demo", "--seeds", "1", "--epochs", "1", "--target-epochs",
                "1", "--device", "cpu", "--workers", workers, "--out", out.toString()));
        ProcessBuilder pb = ChildProcesses.builder(cmd).redirectErrorStream(true);
        pb.environment().put("PREFINE_MALLOC_TUNING", "off");
        Process p = pb.start();
        byte[] printed = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "demo did not end");
        String text = new String(printed, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    /** A jar of nothing but a manifest: prefine's main class, this test's class path, native access. */
    private Path launcherJar() throws IOException {
        Path jar = tmp.resolve("launcher.jar");
        if (Files.exists(jar)) {
            return jar;
        }
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.put(Attributes.Name.MAIN_CLASS, PrefineCli.class.getName());
        a.put(Attributes.Name.CLASS_PATH, Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(e -> Path.of(e).toUri().toString()).collect(Collectors.joining(" ")));
        a.put(new Attributes.Name("Enable-Native-Access"), "ALL-UNNAMED");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar), m)) {
            j.flush();
        }
        return jar;
    }

    /** The demo run alone is the one DemoFolderTest and DemoExportTest start from, run once for all three. */
    @Test
    @ExtendWith(DemoFixture.class)
    void aDemoSharedWithAWorkerGivesTheTablesOfADemoRunAlone(DemoFixture.Finished demoAlone) throws Exception {
        assertEquals(0, demoAlone.run().exit(), demoAlone.run().printed());
        String alone = demoAlone.run().printed();
        String shared = demo(tmp.resolve("shared"), "2");
        Matcher a = Pattern.compile("(\\d+) units run here, (\\d+) by workers").matcher(alone);
        Matcher s = Pattern.compile("(\\d+) units run here, (\\d+) by workers").matcher(shared);
        assertTrue(a.find(), alone);
        assertTrue(s.find(), shared);
        assertEquals("0", a.group(2), alone);
        int total = Integer.parseInt(a.group(1));
        assertEquals(total, Integer.parseInt(s.group(1)) + Integer.parseInt(s.group(2)), shared);
        assertTrue(Integer.parseInt(s.group(2)) > 0, "the worker ran no unit:\n" + shared);
        assertTrue(shared.contains("starting a worker on cpu"), shared);
        // Java 24 and later warn on a native library loaded without native access (JEP 472): the
        // worker, started with -cp, is not granted it by the manifest, so it needs the option
        assertFalse(shared.contains("WARNING: A restricted method"), shared);
        // every unit seeds its own training and runs on one thread, whichever process runs it
        for (String table : List.of("table1.md", "table2.md")) {
            assertEquals(Files.readString(demoAlone.folder().resolve(table)),
                    Files.readString(tmp.resolve("shared").resolve(table)), table);
        }
    }

    /** This process's children that are running now. */
    private static Set<Long> runningChildren() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    @Test
    void workersAreStoppedWhenThisProcessesPartOfTheRunFails() throws Exception {
        Path out = tmp.resolve("failing");
        CommandLine cl = PrefineCli.commandLine();
        cl.parseArgs("demo", "--seeds", "1", "--epochs", "1", "--target-epochs", "1", "--device", "cpu", "--workers", "2",
                "--out", out.toString());
        CommandLine demo = cl.getSubcommands().get("demo");
        DemoCommand command = demo.getCommand();
        // this process fails as its first training run starts (its disk filled up, say), not ten
        // steps into it, where the first step report comes; the worker, on the same run, is still
        // starting or training (a whole demo takes minutes)
        Set<Long> before = runningChildren();
        Set<Long> runningAtFailure = new java.util.HashSet<>();
        Grid grid = command.grid(Device.cpu()).optProgress(label -> {
            runningAtFailure.addAll(runningChildren());
            runningAtFailure.removeAll(before);
            throw new UncheckedIOException(new IOException("no space left on device"));
        }).build();
        try {
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> Workers.run(grid, List.of("cpu"), demo.getCommandSpec(), null));
            assertEquals("no space left on device", e.getCause().getMessage());
            assertFalse(runningAtFailure.isEmpty(), "no worker ran when this process failed");
            Set<Long> left = runningChildren();
            left.removeAll(before);
            assertEquals(Set.of(), left, "workers left running after the run failed here");
        } finally {
            ProcessHandle.current().children().filter(h -> !before.contains(h.pid())).forEach(h -> {
                h.descendants().forEach(ProcessHandle::destroyForcibly);
                h.destroyForcibly();
            });
        }
    }
}
