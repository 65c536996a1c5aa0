package io.github.prefine.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test's main class in a child JVM with this JVM's class path and slf4j-simple at INFO (DJL
 * at WARN), so a test reads the log lines as a user sees them; the tests' own JVM logs at WARN.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /**
     * Runs {@code main} with {@code args}, its standard output and error to {@code log}, and checks
     * that it exits 0 within 5 minutes.
     *
     * @param main the class whose {@code main} runs
     * @param log the file that receives both streams
     * @param args the arguments
     * @return the log's text
     * @throws Exception if the child cannot start or the log cannot be read
     */
    public static String runAtInfo(Class<?> main, Path log, String... args) throws Exception {
        return run(main, log, List.of(), args);
    }

    /**
     * Runs {@code main} as {@link #runAtInfo} does, with more JVM options, such as a logger's own
     * level ({@code -Dorg.slf4j.simpleLogger.log.NAME=debug}).
     *
     * @param main the class whose {@code main} runs
     * @param log the file that receives both streams
     * @param jvmOptions options placed after the defaults
     * @param args the arguments
     * @return the log's text
     * @throws Exception if the child cannot start or the log cannot be read
     */
    public static String run(Class<?> main, Path log, List<String> jvmOptions, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-Dai.djl.offline=true",
                "-Dprefine.shared=" + SharedFixtures.root(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.log.ai.djl=warn"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = ChildProcesses.builder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putIfAbsent("PYTORCH_PRECXX11", "false");
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "child timed out");
        } finally {
            p.destroyForcibly();
        }
        String text = Files.readString(log);
        assertEquals(0, p.exitValue(), text);
        return text;
    }
}
