package io.github.prefine.core.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The glibc malloc environment recommended for PyTorch training on a Linux CPU.
 *
 * <p>PyTorch allocates every activation with {@code malloc} and frees it after the backward pass.
 * With glibc's defaults that memory goes back to the kernel at the end of each step (heap
 * trimming, whole 64 MiB heaps of thread arenas deleted, blocks of 32 MiB and more always mapped
 * afresh), so the next step faults every page in again: on this project's 2-core benchmark
 * machine that was a quarter of a MiniLM-size training step and more than half of an XLM-R-size
 * backward pass. glibc reads the variables once, when the process starts, so they belong in the
 * launcher; the {@code prefine} command line re-launches itself with them. See {@code docs/cpu.md}.
 */
public final class MallocSettings {

    /** The variables and values, in a stable order. */
    public static final Map<String, String> RECOMMENDED;

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
        RECOMMENDED = Collections.unmodifiableMap(s);
    }

    private MallocSettings() {}

    /**
     * Whether an environment already chooses its own malloc settings, which then win.
     *
     * @param env an environment, such as {@code System.getenv()}
     * @return true if any {@code MALLOC_*} variable or {@code GLIBC_TUNABLES} is set
     */
    public static boolean chosenIn(Map<String, String> env) {
        return env.keySet().stream().anyMatch(MallocSettings::isMallocVariable);
    }

    private static boolean isMallocVariable(String name) {
        return name.startsWith("MALLOC_") || name.equals("GLIBC_TUNABLES");
    }

    /**
     * Describes the malloc variables of an environment, for logs and benchmark headers: the
     * variables {@link #chosenIn} counts as a choice, so a process run under them never reads as
     * run with glibc's defaults.
     *
     * @param env an environment
     * @return {@code NAME=value} pairs of the {@code MALLOC_*} variables and {@code GLIBC_TUNABLES}
     *     sorted by name, or {@code glibc defaults} when none is set
     */
    public static String describe(Map<String, String> env) {
        String set = env.entrySet().stream()
                .filter(e -> isMallocVariable(e.getKey()))
                .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(" "));
        return set.isEmpty() ? "glibc defaults" : set;
    }
}
