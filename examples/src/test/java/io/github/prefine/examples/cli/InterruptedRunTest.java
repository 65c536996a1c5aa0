package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C on a grid command: a real {@code prefine demo} JVM is sent SIGINT once its first status
 * line is out (SIGTERM where this JVM was started ignoring SIGINT), exits 130 (143) as any JVM so
 * stopped, and its last word says how many units it kept
 * (checked against the records on disk) and the command line that resumes the run (the one the
 * test started).
 */
class InterruptedRunTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @Test
    void aDemoInterruptedWithSigintSaysWhatItKeptAndHowToResume(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        List<String> args = List.of("demo", "--seeds", "1", "--epochs", "1", "--target-epochs", "1", "--device", "cpu",
                "--out", out.toString());
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-cp", System.getProperty("java.class.path"),
                PrefineCli.class.getName()));
        cmd.addAll(args);
        Path log = dir.resolve("child.log");
        ProcessBuilder pb = ChildProcesses.builder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put(MallocTuning.SWITCH, "off"); // one JVM, the one the signal reaches
        Process child = pb.start();
        try {
            // a JVM started with SIGINT ignored (a background job of a non-interactive shell, as CI may run
            // it) keeps ignoring it: SIGTERM then takes the same shutdown path, with its own exit code
            boolean term = sigintIgnored(child);
            if (term) {
                System.out.println("InterruptedRunTest: this JVM ignores SIGINT, as its children do; sending SIGTERM");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(log).contains("run: ") && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(child.isAlive() && Files.readString(log).contains("run: "), Files.readString(log));
            assertEquals(0, new ProcessBuilder("kill", term ? "-TERM" : "-INT", Long.toString(child.pid())).start()
                    .waitFor());
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the demo outlived its signal");
            String printed = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(term ? 143 : 130, child.exitValue(), printed);
            Matcher m = Pattern.compile("prefine demo: interrupted; (\\d+)/(\\d+) units finished, kept in (.+); the same"
                    + " command resumes the rest: (.+)").matcher(printed);
            assertTrue(m.find(), printed);
            assertEquals(records(out.resolve("records")), Integer.parseInt(m.group(1)), printed);
            assertEquals(out.resolve("records").toString(), m.group(3));
            assertEquals("prefine " + String.join(" ", args), m.group(4));
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The resuming command line reads back in a POSIX shell as given: words with spaces or quotes are quoted. */
    @Test
    void theResumingCommandLineIsQuotedForAShell() {
        assertEquals("prefine: interrupted; 2/9 units finished, kept in out/records; the same command resumes the rest:"
                + " prefine demo --out 'my out' --lr 1e-3,3e-3 'it'\\''s'",
                StopNotice.line("prefine", List.of("prefine", "demo", "--out", "my out", "--lr", "1e-3,3e-3", "it's"),
                        Path.of("out"), 2, 9));
    }

    /** Whether the child's signal mask ignores SIGINT (bit 2 of SigIgn in /proc; false where there is none). */
    private static boolean sigintIgnored(Process child) throws Exception {
        Path status = Path.of("/proc", Long.toString(child.pid()), "status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0x2) != 0;
            }
        }
        return false;
    }

    private static long records(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).count();
        }
    }
}
