package io.github.prefine.examples.cli;

import io.github.prefine.core.train.MallocSettings;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
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

    /** Arguments that only print something: never worth a second JVM. */
    private static final Set<String> PRINT_ONLY = Set.of("-h", "--help", "-V", "--version");

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
     * @param gpuVisible whether this machine shows an NVIDIA GPU (for {@code --device auto})
     * @return the child's command, or empty to run in this JVM
     */
    static Optional<List<String>> relaunchCommand(Map<String, String> env, String osName, String java,
            List<String> jvmArguments, String classPath, String[] args, boolean gpuVisible) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux") || env.containsKey(SWITCH)
                || args.length == 0 || !TRAINING_COMMANDS.contains(args[0])
                || List.of(args).stream().anyMatch(PRINT_ONLY::contains)) {
            return Optional.empty();
        }
        // the settings help PyTorch's CPU allocator only; a GPU run keeps its tensors in CUDA memory
        if (onGpu(args, gpuVisible)) {
            return Optional.empty();
        }
        // the user's own malloc settings win; a debugger stays attached to the JVM it started
        if (MallocSettings.chosenIn(env) || jvmArguments.stream().anyMatch(ParentWatch::isDebuggerOption)) {
            return Optional.empty();
        }
        return Optional.of(ChildJvm.command(java, jvmArguments, classPath, List.of(args)));
    }

    /**
     * Runs the command in a child JVM with {@link MallocSettings#RECOMMENDED} when that helps, and returns its exit
     * code; empty when this JVM should run the command itself.
     *
     * @param args the command-line arguments
     * @param ready whether the arguments parse and pass the command's checks that need no re-launch
     *     ({@link PreLaunchChecks}); asked only where a re-launch would help, so that a mistyped option
     *     or a missing folder gets its one line from this JVM, without the re-launch's line before it
     * @return the child's exit code, or empty
     */
    static Optional<Integer> relaunchIfUseful(String[] args, Predicate<String[]> ready) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Optional<List<String>> cmd = relaunchCommand(System.getenv(), System.getProperty("os.name", ""), java,
                ManagementFactory.getRuntimeMXBean().getInputArguments(), System.getProperty("java.class.path"), args,
                nvidiaGpuVisible());
        if (cmd.isEmpty() || !ready.test(args)) {
            return Optional.empty();
        }
        LOG.info("Re-launching with glibc malloc settings for PyTorch CPU training ({}); set {}=off to skip",
                MallocSettings.describe(MallocSettings.RECOMMENDED), SWITCH);
        Map<String, String> env = new java.util.HashMap<>(MallocSettings.RECOMMENDED);
        env.put(SWITCH, "applied");
        try {
            Process child = ParentWatch.start(cmd.get(), env);
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
     * Whether the command will train on a GPU: an explicit GPU value of {@code --device}, or
     * {@code auto} (the default of demo and reproduce) on a machine that shows one.
     */
    static boolean onGpu(String[] args, boolean gpuVisible) {
        String device = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--device") && i + 1 < args.length) {
                device = args[i + 1];
            } else if (args[i].startsWith("--device=")) {
                device = args[i].substring("--device=".length());
            }
        }
        if (device == null) {
            // bench measures the CPU unless told otherwise; demo and reproduce default to auto
            return !args[0].equals("bench") && gpuVisible;
        }
        String d = device.trim().toLowerCase(Locale.ROOT);
        return d.startsWith("gpu") || DeviceOption.gpuCount(device) > 0 || (OptionValues.is(device, "auto") && gpuVisible);
    }

    /** A cheap look for an NVIDIA device node, without starting the PyTorch engine. */
    static boolean nvidiaGpuVisible() {
        return Files.exists(Path.of("/dev/nvidia0")) || Files.isDirectory(Path.of("/proc/driver/nvidia/gpus"));
    }
}
