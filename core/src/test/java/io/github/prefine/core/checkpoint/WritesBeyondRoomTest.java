package io.github.prefine.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.eval.internal.WholeFiles;
import io.github.prefine.eval.plot.Charts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A grid writes hundreds of files (records, trial scores, results, tables, charts); when one write
 * runs out of room the OS says only "No space left on device" or "File too large", and the line a
 * user reads must say which file. A child JVM under a real file-size limit ({@code ulimit -f}, so
 * every write past it fails with EFBIG as a full disk fails with ENOSPC) writes through each of the
 * whole-file writers; each failure names the file it was writing, and leaves the file's old content
 * and no temp file behind. Before the fix the message was the OS's alone (a grid killed by a full
 * disk while rewriting its charts said "No space left on device" and nothing more).
 */
class WritesBeyondRoomTest {
    /** The child's file-size limit, in KiB: each payload is far past it. */
    private static final int LIMIT_KIB = 16;
    private static final String OLD = "old\n";

    @Test
    void aWriteThatRunsOutOfRoomNamesItsFileAndKeepsTheOldContent(@TempDir Path dir) throws Exception {
        Path bash = Path.of("/bin/bash");
        assumeTrue(Files.isExecutable(bash), "needs bash for ulimit -f");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(bash.toString(), "-c", "ulimit -f " + LIMIT_KIB + " && exec \"$@\"",
                "bash", java, "-Xmx256m", "-XX:-UsePerfData", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), Child.class.getName(), dir.toString()));
        // the output through a pipe: a log file would be held to the limit as well
        Process p = ChildProcesses.builder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "child timed out");
        assertEquals(0, p.exitValue(), out);
        List<String> expected = new ArrayList<>();
        for (String name : List.of("atomic.json", "plain/record.jsonl", "table1.md")) {
            expected.add(name + ": " + dir.resolve(name) + ": File too large");
        }
        List<String> lines = out.lines().filter(l -> !l.startsWith("chart")).toList();
        assertEquals(expected, lines.subList(0, 3), out);
        String chart = out.lines().filter(l -> l.startsWith("chart")).findFirst().orElseThrow();
        if (!chart.startsWith("chart skipped")) { // a machine without fonts draws no chart
            assertEquals("chart: " + dir.resolve("chart.png") + ": File too large", chart, out);
        }
        for (String name : List.of("atomic.json", "plain/record.jsonl", "table1.md", "chart.png")) {
            assertEquals(OLD, Files.readString(dir.resolve(name)), name + " keeps its old content");
        }
        try (Stream<Path> s = Files.walk(dir)) {
            assertEquals(List.of(), s.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(), "no temp file left");
        }
    }

    /** Writes a payload far past the limit through each writer; prints what each failure says. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            String big = "x".repeat(LIMIT_KIB * 1024 * 8);
            for (String name : List.of("atomic.json", "plain/record.jsonl", "table1.md", "chart.png")) {
                Files.createDirectories(dir.resolve(name).getParent());
                Files.writeString(dir.resolve(name), OLD);
            }
            tell("atomic.json", () -> AtomicFiles.write(dir.resolve("atomic.json"), big));
            tell("plain/record.jsonl", () -> AtomicFiles.write(dir, dir.resolve("plain/record.jsonl"), big));
            tell("table1.md", () -> WholeFiles.writeString(dir.resolve("table1.md"), big));
            List<Double> losses = IntStream.range(0, 400).mapToObj(i -> Math.sin(i / 7.0) + i / 100.0).toList();
            try {
                var chart = Charts.trainingCurves(Map.of("all tasks", losses), losses, 2400, 1600);
                tell("chart", () -> Charts.writePngAndSvg(chart, dir, "chart"));
            } catch (Error | RuntimeException noFonts) {
                System.out.println("chart skipped: " + noFonts);
            }
        }

        private interface Write {
            void run() throws IOException;
        }

        private static void tell(String what, Write w) {
            try {
                w.run();
                System.out.println(what + ": written");
            } catch (FileSystemException e) {
                System.out.println(what + ": " + e.getFile() + ": " + e.getReason());
            } catch (IOException e) {
                System.out.println(what + ": unnamed: " + e.getMessage());
            }
        }
    }
}
