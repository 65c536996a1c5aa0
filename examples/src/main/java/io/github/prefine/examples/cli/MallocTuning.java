package io.github.prefine.examples.cli;

import io.github.prefine.core.train.MallocSettings;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the training commands in a child JVM started with {@link MallocSettings#RECOMMENDED}, which
 * glibc only reads at process start. Own {@code MALLOC_*} or {@code GLIBC_TUNABLES} settings win,
 * {@code PREFINE_MALLOC_TUNING=off} skips it, and only Linux is concerned.
 */
final class MallocTuning {

    private static final Logger LOG = LoggerFactory.getLogger(MallocTuning.class);

    /** {@code off} skips the re-launch; the child gets {@code applied}. */
    static final String SWITCH = "PREFINE_MALLOC_TUNING";

    /** Subcommands that train, for which the re-launch pays for its half second. */
    static final Set<String> TRAINING_COMMANDS = Set.of("demo", "reproduce", "bench");

    private MallocTuning() {}

    /**
     * Decides whether to re-launch, and with what command line.
     *
     * @param env the current environment
     * @param osName {@code os.name}
     * @param java the java executable
     * @param jvmArguments the current JVM's arguments
     * @param classPath the class path
     * @param args the command-line arguments
     * @return the child's command, or empty to run in this JVM
     */
    static Optional<List<String>> relaunchCommand(Map<String, String> env, String osName, String java,
            List<String> jvmArguments, String classPath, String[] args) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux") || env.containsKey(SWITCH)
                || args.length == 0 || !TRAINING_COMMANDS.contains(args[0])) {
            return Optional.empty();
        }
        // the user's own malloc settings win; a debugger stays attached to the JVM it started
        if (MallocSettings.chosenIn(env) || jvmArguments.stream().anyMatch(
                a -> a.startsWith("-agentlib:jdwp") || a.startsWith("-Xrunjdwp") || a.equals("-Xdebug"))) {
            return Optional.empty();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmArguments);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(PrefineCli.class.getName());
        cmd.addAll(List.of(args));
        return Optional.of(cmd);
    }

    /**
     * Runs the command in a child JVM with {@link #SETTINGS} when that helps, and returns its exit
     * code; empty when this JVM should run the command itself.
     *
     * @param args the command-line arguments
     * @return the child's exit code, or empty
     */
    static Optional<Integer> relaunchIfUseful(String[] args) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Optional<List<String>> cmd = relaunchCommand(System.getenv(), System.getProperty("os.name", ""), java,
                ManagementFactory.getRuntimeMXBean().getInputArguments(), System.getProperty("java.class.path"), args);
        if (cmd.isEmpty()) {
            return Optional.empty();
        }
        LOG.info("Re-launching with glibc malloc settings for PyTorch CPU training ({}); set {}=off to skip",
                MallocSettings.describe(MallocSettings.RECOMMENDED), SWITCH);
        ProcessBuilder pb = new ProcessBuilder(cmd.get()).inheritIO();
        pb.environment().putAll(MallocSettings.RECOMMENDED);
        pb.environment().put(SWITCH, "applied");
        try {
            Process child = pb.start();
            Runtime.getRuntime().addShutdownHook(new Thread(child::destroy));
            return Optional.of(child.waitFor());
        } catch (java.io.IOException e) {
            LOG.warn("Could not re-launch ({}); running with the default malloc settings", e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(130);
        }
    }
}
