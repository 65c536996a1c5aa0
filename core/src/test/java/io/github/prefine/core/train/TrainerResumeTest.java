package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL after its first checkpoint and restarted ends bit-identical to an
 * uninterrupted run (two tasks of each format: stacked heads, with dropout).
 */
class TrainerResumeTest {

    private static Process start(Path ckpt, Path out, long sleepMs, Path log, String... go) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), ResumeChild.class.getName(),
                ckpt.toString(), out.toString(), Long.toString(sleepMs)));
        cmd.addAll(List.of(go));
        ProcessBuilder pb = ChildProcesses.builder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putIfAbsent("PYTORCH_PRECXX11", "false");
        return pb.start();
    }

    private static void finish(Process p, Path log) throws Exception {
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "child timed out");
        assertEquals(0, p.exitValue(), () -> "child failed:\n" + read(log));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void runKilledAfterItsFirstCheckpointResumesToTheSameBits(@TempDir Path tmp) throws Exception {
        Path fullOut = tmp.resolve("full-out");
        Process full = start(tmp.resolve("full-ckpt"), fullOut, 0, tmp.resolve("full.log"));

        Path ckpt = tmp.resolve("killed-ckpt");
        Path killedOut = tmp.resolve("killed-out");
        Process victim = start(ckpt, killedOut, 120, tmp.resolve("victim.log"));
        // the resumed run's JVM starts now and trains once the victim is dead and go exists
        Path go = tmp.resolve("go");
        Process resumed = start(ckpt, killedOut, 0, tmp.resolve("resumed.log"), go.toString());
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            while (!Files.exists(ckpt.resolve("LATEST")) && victim.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(victim.isAlive(), () -> "victim ended before it could be killed:\n" + read(tmp.resolve("victim.log")));
            victim.destroyForcibly();
            victim.waitFor();
            assertFalse(Files.exists(killedOut.resolve("result.txt")), "the victim must not have finished");

            Files.writeString(go, "");
            finish(resumed, tmp.resolve("resumed.log"));
            finish(full, tmp.resolve("full.log"));
        } finally {
            for (Process p : List.of(full, victim, resumed)) {
                p.destroyForcibly();
            }
        }

        String a = Files.readString(fullOut.resolve("result.txt"));
        String b = Files.readString(killedOut.resolve("result.txt"));
        List<String> la = new ArrayList<>(a.lines().toList());
        List<String> lb = new ArrayList<>(b.lines().toList());
        assertEquals("epochsRunHere=" + (la.size() - 3), la.remove(0), "the full run ran every epoch itself");
        int here = Integer.parseInt(lb.remove(0).substring("epochsRunHere=".length()));
        assertTrue(here < la.size() - 2, "the resumed run must not start from scratch, ran " + here + " epochs");
        assertEquals(la, lb, "validation losses, best epoch and step count");
        assertArrayEquals(Files.readAllBytes(fullOut.resolve("weights.ndlist")),
                Files.readAllBytes(killedOut.resolve("weights.ndlist")), "final weights differ");
        assertEquals(File.separator.length(), 1);
    }
}
