package io.github.prefine.examples.bench;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The heap the benchmarks call kept: the bytes of the objects still reachable, counted by the
 * JVM's class histogram (the {@code GC.class_histogram} diagnostic command, which collects first).
 *
 * <p>Not the heap pools' used bytes after {@link System#gc()}: G1 gives an array of half a region
 * or more (2 MiB with the 4 MiB regions of a 6 GiB heap) whole regions of its own and counts them
 * as used, so that figure jumps by up to a region per large array as data grows.
 */
final class LiveHeap {
    private LiveHeap() {}

    /**
     * Collects, then returns the bytes of the objects still reachable.
     *
     * @return the histogram's total bytes
     * @throws IllegalStateException when the JVM has no class histogram command (not HotSpot)
     */
    static long bytes() {
        String histogram;
        try {
            histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {null}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            throw new IllegalStateException("this JVM has no GC.class_histogram diagnostic command: " + e, e);
        }
        return total(histogram);
    }

    /**
     * Returns the total bytes of a class histogram, its last line {@code Total <instances> <bytes>}.
     *
     * @param histogram the command's output
     * @return the bytes
     */
    static long total(String histogram) {
        String[] lines = histogram.strip().split("\n");
        String[] last = lines[lines.length - 1].strip().split("\\s+");
        if (last.length != 3 || !last[0].equals("Total")) {
            throw new IllegalStateException("class histogram: expected a last line 'Total <instances> <bytes>', found '"
                    + lines[lines.length - 1] + "'");
        }
        return Long.parseLong(last[2]);
    }
}
