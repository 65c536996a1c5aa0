package io.github.prefine.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GridSoak measures the demo's grid as {@code prefine demo} runs it.
 *
 * <p>Each case's child JVM is started at once, side by side, before the cases ({@link #startAll});
 * the cases read what each printed. One after the other, their start-ups added up.
 */
class GridSoakTest {
    private static final String[] HELP_OR_VERSION = {"--help", "-h", "--version", "-V"};
    private static final String[] HELP_BEFORE_VALUES = {"--help --seeds 0", "-V --device gpu", "-h --passes"};

    @TempDir
    static Path tmp;

    /** What a child printed before its first line of work (or its end), that line (null if none), and its exit code. */
    private record Printed(String beforeWork, String workLine, int exit) {}

    private static Future<Printed> threads;
    private static Future<Printed> device;
    private static final Map<String, Future<Printed>> helpOrVersion = new HashMap<>();
    private static final Map<String, Future<Printed>> helpBeforeValues = new HashMap<>();
    private static ExecutorService readers;

    @BeforeAll
    static void startAll() throws Exception {
        readers = Executors.newCachedThreadPool();
        // docs/long-runs.md: GridSoak runs the demo's grid with the demo's options; the demo trains
        // on one PyTorch thread per process, which its figures (and its tables) depend on
        threads = start(false, List.of("-Dai.djl.offline=true"),
                "--seeds", "1", "--epochs", "1", "--target-epochs", "1", "--out", tmp.resolve("threads").toString());
        // the soak trains on Device.cpu(): --device gpu was parsed, checked and ignored
        device = start(true, List.of("-Dai.djl.offline=true"), "--seeds", "1", "--epochs", "1", "--target-epochs", "1",
                "--device", "gpu", "--out", tmp.resolve("device").toString());
        for (int i = 0; i < HELP_OR_VERSION.length; i++) {
            String flag = HELP_OR_VERSION[i];
            helpOrVersion.put(flag, start(true, List.of("-Dai.djl.offline=true"), flag, "--seeds", "1", "--epochs", "1",
                    "--target-epochs", "1", "--out", tmp.resolve("help-" + i).toString()));
        }
        for (int i = 0; i < HELP_BEFORE_VALUES.length; i++) {
            String line = HELP_BEFORE_VALUES[i];
            List<String> args = new ArrayList<>(List.of(line.split(" ")));
            args.addAll(List.of("--out", tmp.resolve("before-" + i).toString()));
            helpBeforeValues.put(line, start(true, List.of("-Dai.djl.offline=true", "-Dprefine.soak.passes=two"),
                    args.toArray(String[]::new)));
        }
    }

    @AfterAll
    static void stopReaders() {
        if (readers != null) {
            readers.shutdownNow();
        }
    }

    /**
     * Starts GridSoak in a child JVM; a reader keeps what it prints up to its first line of work
     * ({@code PyTorch threads: }, after which the soak trains), then ends it.
     */
    private static Future<Printed> start(boolean shortLived, List<String> properties, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (shortLived) {
            // none of these trains: C1 alone compiles what they run
            cmd.addAll(io.github.prefine.examples.ShortLivedJvm.OPTIONS);
        }
        cmd.addAll(properties);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), GridSoak.class.getName()));
        cmd.addAll(List.of(args));
        Process p = ChildProcesses.builder(cmd).redirectErrorStream(true).start();
        return readers.submit(() -> {
            StringBuilder all = new StringBuilder();
            String line;
            try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                while ((line = out.readLine()) != null && !line.startsWith("PyTorch threads: ")) {
                    all.append(line).append('\n');
                }
            } finally {
                p.destroyForcibly();
            }
            assertTrue(p.waitFor(1, TimeUnit.MINUTES));
            return new Printed(all.toString(), line, p.exitValue());
        });
    }

    @Test
    void theSoakTrainsOnOnePyTorchThreadAsTheDemoDoes() throws Exception {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            System.out.println("skipped: on one core PyTorch takes one thread whoever sets it");
            return;
        }
        // the line comes before any training: read up to it, then the soak was stopped
        Printed p = threads.get(2, TimeUnit.MINUTES);
        assertTrue(p.workLine() != null, "GridSoak printed no PyTorch threads line: " + p.beforeWork());
        assertEquals("PyTorch threads: intra-op 1, inter-op 1", p.workLine());
    }

    @Test
    void aDeviceOtherThanTheCpuIsRefusedBeforeAnyWork() throws Exception {
        Printed p = device.get(2, TimeUnit.MINUTES);
        // the old code started the grid: the reader stopped at its first line of work
        assertTrue(p.workLine() == null, "the soak started on the CPU: " + p.beforeWork() + p.workLine());
        assertTrue(p.exit() != 0, p.beforeWork());
        assertTrue(p.beforeWork().contains("--device: GridSoak measures the grid on the CPU only, found 'gpu'"),
                p.beforeWork());
        assertTrue(!java.nio.file.Files.exists(tmp.resolve("device")), "nothing written");
    }

    /**
     * docs/long-runs.md: GridSoak takes {@code demo}'s options, which include {@code --help} and
     * {@code --version}; picocli parses them as flags without failing, and the soak then ran the
     * whole grid into {@code --out} (the demo's {@code demo-out} in the working folder where none
     * was given) instead of printing what was asked.
     */
    @Test
    void helpOrVersionPrintsItAndRunsNothing() throws Exception {
        for (int i = 0; i < HELP_OR_VERSION.length; i++) {
            String flag = HELP_OR_VERSION[i];
            Printed p = helpOrVersion.get(flag).get(2, TimeUnit.MINUTES);
            assertTrue(p.workLine() == null, flag + ": the soak started: " + p.beforeWork() + p.workLine());
            assertEquals(0, p.exit(), flag + ": " + p.beforeWork());
            String expected = flag.equals("-h") || flag.equals("--help") ? "Usage: GridSoak " : "prefine ";
            assertTrue(p.beforeWork().startsWith(expected), flag + ": " + p.beforeWork());
            assertTrue(!java.nio.file.Files.exists(tmp.resolve("help-" + i)), flag + ": nothing written");
        }
    }

    /**
     * {@code --help} and {@code --version} answer whatever else the line holds, as {@code prefine
     * demo --help --seeds 0} prints the usage: the soak checked the values first and refused them
     * (exit 2), and the soak's own refusals (a GPU, a bad {@code -Dprefine.soak.passes}) with them.
     * "--passes" stands for no option of demo's: picocli's usage answers it, as demo's does.
     */
    @Test
    void helpOrVersionAnswersBeforeTheValuesAreChecked() throws Exception {
        for (int i = 0; i < HELP_BEFORE_VALUES.length; i++) {
            String line = HELP_BEFORE_VALUES[i];
            Printed p = helpBeforeValues.get(line).get(2, TimeUnit.MINUTES);
            assertTrue(p.workLine() == null, line + ": the soak started: " + p.beforeWork() + p.workLine());
            assertEquals(0, p.exit(), line + ": " + p.beforeWork());
            assertTrue(p.beforeWork().startsWith(line.startsWith("-V") ? "prefine " : "Usage: GridSoak "),
                    line + ": " + p.beforeWork());
            assertTrue(!java.nio.file.Files.exists(tmp.resolve("before-" + i)), line + ": nothing written");
        }
    }

    @Test
    void aLaterPassRunsIntoAFolderOfItsOwnAlsoWithoutOut() {
        // docs/long-runs.md: -Dprefine.soak.passes=2 runs the grid again into <out>-pass2
        for (String[] args : List.of(new String[] {"--seeds", "1"}, new String[] {"--out", "/tmp/soak"},
                new String[] {"--out=/tmp/soak"})) {
            picocli.CommandLine first = new picocli.CommandLine(new io.github.prefine.examples.cli.DemoCommand());
            first.parseArgs(args);
            picocli.CommandLine second = new picocli.CommandLine(new io.github.prefine.examples.cli.DemoCommand());
            second.parseArgs(GridSoak.withOut(args, 2));
            Path firstOut = first.getCommandSpec().findOption("--out").getValue();
            Path secondOut = second.getCommandSpec().findOption("--out").getValue();
            assertEquals(Path.of(firstOut + "-pass2"), secondOut, String.join(" ", args));
        }
    }

    /**
     * A folder given with a trailing slash, as a shell's completion writes it: "/tmp/soak/" plus
     * "-pass2" is the folder "-pass2" inside the first pass's folder, which the later pass then ran
     * into, not the sibling /tmp/soak-pass2 that docs/long-runs.md names.
     */
    @Test
    void aLaterPassOfAFolderWithATrailingSlashRunsIntoItsSibling() {
        for (String[] args : List.of(new String[] {"--out", "/tmp/soak/"}, new String[] {"--out=/tmp/soak/"})) {
            picocli.CommandLine second = new picocli.CommandLine(new io.github.prefine.examples.cli.DemoCommand());
            second.parseArgs(GridSoak.withOut(args, 2));
            assertEquals(Path.of("/tmp/soak-pass2"), second.getCommandSpec().findOption("--out").getValue(),
                    String.join(" ", args));
        }
    }
}
