package io.github.prefine.examples.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;

/** The heap the benchmarks call kept: what is in use after a full collection. */
final class LiveHeap {
    private LiveHeap() {}

    /**
     * Collects, then returns the bytes the heap holds.
     *
     * @return bytes in use after a full collection
     */
    static long bytes() {
        System.gc();
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getUsage().getUsed()).sum();
    }
}
