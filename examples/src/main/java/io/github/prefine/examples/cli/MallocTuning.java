package io.github.prefine.examples.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * glibc malloc settings for PyTorch training on CPU, applied by starting the JVM once more.
 *
 * <p>PyTorch allocates every activation with {@code malloc} and frees it after the backward pass.
 * With glibc's defaults the freed memory goes back to the kernel at the end of each step (heap
 * trimming, whole 64 MiB arena heaps deleted, blocks of 32 MiB and more always mapped afresh), so
 * the next step faults every page in again: on this project's 2-core benchmark machine that was a
 * quarter of a MiniLM-size training step and more than half of an XLM-R-size backward pass.
 * Keeping freed memory in the process removes it. The variables are
 * read once, when the C library starts, so they cannot be set from inside a running JVM: the
 * training commands re-launch themselves with them. Library users set them in their own
 * launcher; see {@link #SETTINGS}.
 */
public final class MallocTuning {

    private static final Logger LOG = LoggerFactory.getLogger(MallocTuning.class);

    /** The environment added to the child, in a stable order. */
    static final Map<String, String> SETTINGS;

    static {
        Map<String, String> s = new LinkedHashMap<>();
        // one arena: the main heap grows without bound, where a thread arena's heaps stop at 64 MiB
        // and anything larger (an XLM-R embedding gradient is 768 MiB) would be mapped every time
        s.put("MALLOC_ARENA_MAX", "1");
        // no mmap for large blocks: they come from the heap and are reused
        s.put("MALLOC_MMAP_MAX_", "0");
        // never give heap memory back to the kernel between steps
        s.put("MALLOC_TRIM_THRESHOLD_", "17179869184");
        // grow the heap in 256 MiB steps
        s.put("MALLOC_TOP_PAD_", "268435456");
        SETTINGS = java.util.Collections.unmodifiableMap(s);
    }

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
        // the user's own malloc settings win
        if (env.keySet().stream().anyMatch(k -> k.startsWith("MALLOC_") || k.equals("GLIBC_TUNABLES"))) {
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
                describe(), SWITCH);
        ProcessBuilder pb = new ProcessBuilder(cmd.get()).inheritIO();
        pb.environment().putAll(SETTINGS);
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

    /**
     * Describes the malloc settings this process runs with, for benchmark headers.
     *
     * @return for example {@code MALLOC_ARENA_MAX=1, ...} or {@code glibc defaults}
     */
    public static String current() {
        Map<String, String> env = System.getenv();
        String set = env.entrySet().stream().filter(e -> e.getKey().startsWith("MALLOC_"))
                .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(", "));
        return set.isEmpty() ? "glibc defaults" : set;
    }

    private static String describe() {
        return SETTINGS.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }
}
