package io.github.prefine.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        return run(main, log, jvmOptions, Map.of(), args);
    }

    /**
     * Whether this JVM's file-name encoding ({@code sun.jnu.encoding}, fixed when the JVM starts)
     * can spell every one of {@code names}. A JVM started under the POSIX locale, as an IDE does on
     * a machine without {@code LANG}, cannot spell a name outside ASCII, whatever the code under
     * test does: a test that needs such names runs that part through {@link #runUnderUtf8}.
     *
     * @param names file names
     * @return true if {@link Path#of} takes each of them
     */
    public static boolean canName(String... names) {
        try {
            for (String name : names) {
                Path.of(name);
            }
            return true;
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /**
     * Runs {@code main} as {@link #run(Class, Path, List, String...)} does, under {@code
     * LC_ALL=C.UTF-8} and with this JVM's {@code --add-opens} and {@code -Djdk.reflect.} options (the
     * openings Hadoop and Spark need, as the module's pom gives this JVM), so the child can spell
     * file names outside ASCII where this JVM cannot (see {@link #canName}).
     *
     * @param main the class whose {@code main} runs
     * @param log the file that receives both streams
     * @param jvmOptions options placed after the defaults
     * @param args the arguments, in ASCII: this JVM passes them in its own encoding
     * @return the log's text
     * @throws Exception if the child cannot start or the log cannot be read
     */
    public static String runUnderUtf8(Class<?> main, Path log, List<String> jvmOptions, String... args)
            throws Exception {
        List<String> options = new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect.")).toList());
        options.addAll(jvmOptions);
        return run(main, log, options, Map.of("LC_ALL", "C.UTF-8"), args);
    }

    /**
     * Starts {@code main} as {@link #runAtInfo} runs it, and returns at once: a test that asks one
     * child for several pieces of work (over its standard input) pays for one JVM and one PyTorch
     * start instead of one per piece. The caller waits for the child and ends it.
     *
     * @param main the class whose {@code main} runs
     * @param log the file that receives both streams
     * @param args the arguments
     * @return the running child, its standard input a pipe
     * @throws Exception if the child cannot start
     */
    public static Process startAtInfo(Class<?> main, Path log, String... args) throws Exception {
        return start(main, log, List.of(), Map.of(), args);
    }

    private static Process start(Class<?> main, Path log, List<String> jvmOptions, Map<String, String> env,
            String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-Dai.djl.offline=true",
                "-Dprefine.shared=" + SharedFixtures.root(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.log.ai.djl=warn"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = ChildProcesses.builder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putIfAbsent("PYTORCH_PRECXX11", "false");
        pb.environment().putAll(env);
        return pb.start();
    }

    private static String run(Class<?> main, Path log, List<String> jvmOptions, Map<String, String> env,
            String... args) throws Exception {
        Process p = start(main, log, jvmOptions, env, args);
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
