package io.github.prefine.core.grid;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What this process holds at one moment, counted independently of each other: the resident set,
 * open file descriptors, threads, mapped files, live Java heap, and the native arrays and managers
 * of the engine's manager tree. A grid process runs hundreds of units one after another; sampled after
 * each unit, a quantity that keeps growing is a leak, one that levels off is a cache or a pool.
 *
 * <p>The {@code /proc} figures are Linux's and -1 elsewhere. The heap figure is the heap in use
 * when sampled: call {@link System#gc()} first for the live heap. Sampling holds no native memory
 * and starts the default engine if nothing has; it is thread-safe.
 *
 * @param residentKib the resident set ({@code VmRSS} of {@code /proc/self/status}), in KiB
 * @param openFiles the open file descriptors ({@code /proc/self/fd})
 * @param nativeThreads the process's threads, PyTorch's own included ({@code Threads} of
 *     {@code /proc/self/status})
 * @param javaThreads the live Java threads
 * @param mappedFiles the distinct files mapped into memory ({@code /proc/self/maps}): libraries,
 *     and checkpoints mapped by a reader whose buffers the collector has not freed yet
 * @param heapBytes the Java heap in use
 * @param nativeArrays the arrays held by every manager under the engine's system manager, the root
 *     of every {@link NDManager#newBaseManager()}
 * @param managers the open managers under the system manager, found through DJL's {@code
 *     BaseNDManager} fields (-1 where they cannot be read): a manager that nobody closes leaks even
 *     when it holds no array, since it keeps every array that later joins it
 */
public record ProcessResources(long residentKib, int openFiles, int nativeThreads, int javaThreads, int mappedFiles,
        long heapBytes, int nativeArrays, int managers) {

    /** The quantities, in the order of {@link #values()}, as column names. */
    public static final List<String> NAMES = List.of("rssKiB", "fds", "threads", "javaThreads", "mappedFiles",
            "heapBytes", "nativeArrays", "managers");

    /**
     * Samples the process now, counting the arrays of the default engine's manager tree.
     *
     * @return the sample
     */
    public static ProcessResources sample() {
        return sample(Engine.getInstance());
    }

    /**
     * Samples the process now.
     *
     * @param engine the engine whose manager tree is counted
     * @return the sample
     */
    public static ProcessResources sample(Engine engine) {
        int arrays;
        int managers;
        // a base manager's parent is the engine's system manager, the root of all of them
        try (NDManager probe = engine.newBaseManager()) {
            NDManager system = probe.getParentManager() == null ? probe : probe.getParentManager();
            arrays = system.getManagedArrays().size();
            int under = system == probe ? -1 : countManagers(system);
            managers = under < 0 ? -1 : under - 1; // not the probe
        }
        String status = read(Path.of("/proc/self/status"));
        return new ProcessResources(statusField(status, "VmRSS:"), countEntries(Path.of("/proc/self/fd")),
                (int) statusField(status, "Threads:"), ManagementFactory.getThreadMXBean().getThreadCount(),
                countMappedFiles(), ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), arrays, managers);
    }

    /**
     * Returns the quantities as numbers, in the order of {@link #NAMES}.
     *
     * @return the values
     */
    public long[] values() {
        return new long[] {residentKib, openFiles, nativeThreads, javaThreads, mappedFiles, heapBytes, nativeArrays,
            managers};
    }

    /** The managers under {@code m}, not counting it; -1 if DJL's field cannot be read. */
    private static int countManagers(NDManager m) {
        try {
            Field f = BaseNDManager.class.getDeclaredField("resources");
            f.setAccessible(true);
            return countManagers(m, f);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    private static int countManagers(NDManager m, Field resources) throws IllegalAccessException {
        int n = 0;
        if (m instanceof BaseNDManager b) {
            for (Object r : ((Map<?, ?>) resources.get(b)).values()) {
                if (r instanceof NDManager sub) {
                    n += 1 + countManagers(sub, resources);
                }
            }
        }
        return n;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    /** The first number after {@code key} at the start of a line, or -1. */
    private static long statusField(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    private static int countEntries(Path dir) {
        // the listing's own descriptor is open while it is listed: not counted
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.count() - 1;
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    private static int countMappedFiles() {
        String maps = read(Path.of("/proc/self/maps"));
        if (maps.isEmpty()) {
            return -1;
        }
        Set<String> files = new HashSet<>();
        for (String line : maps.split("\n")) {
            int slash = line.indexOf(" /");
            if (slash >= 0) {
                files.add(line.substring(slash + 1));
            }
        }
        return files.size();
    }
}
