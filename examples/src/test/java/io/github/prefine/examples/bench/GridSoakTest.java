package io.github.prefine.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GridSoak measures the demo's grid as {@code prefine demo} runs it. */
class GridSoakTest {

    @Test
    void theSoakTrainsOnOnePyTorchThreadAsTheDemoDoes(@TempDir Path tmp) throws Exception {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            System.out.println("skipped: on one core PyTorch takes one thread whoever sets it");
            return;
        }
        // docs/long-runs.md: GridSoak runs the demo's grid with the demo's options; the demo trains
        // on one PyTorch thread per process, which its figures (and its tables) depend on
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), GridSoak.class.getName(),
                "--seeds", "1", "--epochs", "1", "--target-epochs", "1", "--out", tmp.resolve("soak").toString()));
        ProcessBuilder pb = ChildProcesses.builder(cmd).redirectErrorStream(true);
        Process p = pb.start();
        try {
            String line;
            // the line comes before any training: read up to it, then stop the soak
            try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                do {
                    line = out.readLine();
                } while (line != null && !line.startsWith("PyTorch threads: "));
            }
            assertTrue(line != null, "GridSoak printed no PyTorch threads line");
            assertEquals("PyTorch threads: intra-op 1, inter-op 1", line);
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        }
    }

    @Test
    void aDeviceOtherThanTheCpuIsRefusedBeforeAnyWork(@TempDir Path tmp) throws Exception {
        // the soak trains on Device.cpu(): --device gpu was parsed, checked and ignored
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), GridSoak.class.getName(),
                "--seeds", "1", "--epochs", "1", "--target-epochs", "1", "--device", "gpu", "--out",
                tmp.resolve("soak").toString()));
        Process p = ChildProcesses.builder(cmd).redirectErrorStream(true).start();
        StringBuilder all = new StringBuilder();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            // the old code started the grid: stop reading at its first line of work
            while ((line = out.readLine()) != null && !line.startsWith("PyTorch threads: ")) {
                all.append(line).append('\n');
            }
            assertTrue(line == null, "the soak started on the CPU: " + all + line);
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        }
        assertTrue(p.exitValue() != 0, all.toString());
        assertTrue(all.toString().contains("--device: GridSoak measures the grid on the CPU only, found 'gpu'"),
                all.toString());
        assertTrue(!java.nio.file.Files.exists(tmp.resolve("soak")), "nothing written");
    }

    /**
     * docs/long-runs.md: GridSoak takes {@code demo}'s options, which include {@code --help} and
     * {@code --version}; picocli parses them as flags without failing, and the soak then ran the
     * whole grid into {@code --out} (the demo's {@code demo-out} in the working folder where none
     * was given) instead of printing what was asked.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"--help", "-h", "--version", "-V"})
    void helpOrVersionPrintsItAndRunsNothing(String flag, @TempDir Path tmp) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), GridSoak.class.getName(),
                flag, "--seeds", "1", "--epochs", "1", "--target-epochs", "1", "--out", tmp.resolve("soak").toString()));
        Process p = ChildProcesses.builder(cmd).redirectErrorStream(true).start();
        StringBuilder all = new StringBuilder();
        String line;
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            // the old code started the grid: stop reading at its first line of work
            while ((line = out.readLine()) != null && !line.startsWith("PyTorch threads: ")) {
                all.append(line).append('\n');
            }
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        }
        assertTrue(line == null, "the soak started: " + all + line);
        assertEquals(0, p.exitValue(), all.toString());
        String expected = flag.equals("-h") || flag.equals("--help") ? "Usage: GridSoak " : "prefine ";
        assertTrue(all.toString().startsWith(expected), all.toString());
        assertTrue(!java.nio.file.Files.exists(tmp.resolve("soak")), "nothing written");
    }

    /**
     * {@code --help} and {@code --version} answer whatever else the line holds, as {@code prefine
     * demo --help --seeds 0} prints the usage: the soak checked the values first and refused them
     * (exit 2), and the soak's own refusals (a GPU, a bad {@code -Dprefine.soak.passes}) with them.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"--help --seeds 0", "-V --device gpu", "-h --passes"})
    void helpOrVersionAnswersBeforeTheValuesAreChecked(String line, @TempDir Path tmp) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dprefine.soak.passes=two", "-cp", System.getProperty("java.class.path"),
                GridSoak.class.getName()));
        // "--passes" stands for no option of demo's: picocli's usage answers it, as demo's does
        cmd.addAll(List.of(line.split(" ")));
        cmd.addAll(List.of("--out", tmp.resolve("soak").toString()));
        Process p = ChildProcesses.builder(cmd).redirectErrorStream(true).start();
        String all;
        try (var out = p.getInputStream()) {
            all = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        }
        assertEquals(0, p.exitValue(), all);
        assertTrue(all.startsWith(line.startsWith("-V") ? "prefine " : "Usage: GridSoak "), all);
        assertTrue(!java.nio.file.Files.exists(tmp.resolve("soak")), "nothing written");
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
