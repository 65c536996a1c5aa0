package io.github.prefine.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveHeapTest {
    private static final int ARRAYS = 10;

    /**
     * Arrays of just over half a G1 region are humongous: G1 gives each a whole region, and its
     * pools count the region as used. What is kept is the arrays: a 16-byte header and 4 bytes an
     * element each, whatever the collector rounds them up to.
     */
    @Test
    void countsTheObjectsKeptNotTheRegionsTheyOccupy() {
        long region = regionBytes();
        int length = (int) (region / 2 / Integer.BYTES) + 1024;
        long arrayBytes = 16 + (long) Integer.BYTES * length;
        long expected = ARRAYS * arrayBytes + 16 + 4L * ARRAYS; // and the outer array
        // a quarter of a region of slack for what the JVM's own threads keep meanwhile
        double slack = region / 4.0;

        // the histogram counts the whole JVM: an earlier test's thread letting go of its objects
        // between the two reads shows up as a smaller difference (one CI run read 4.9 MB for 10.5).
        // Such noise comes and goes, while the pools' measure was 2x off every time: up to three tries
        List<Long> seen = new ArrayList<>();
        for (int attempt = 0; attempt < 3; attempt++) {
            long before = LiveHeap.bytes();
            int[][] kept = new int[ARRAYS][];
            for (int i = 0; i < kept.length; i++) {
                kept[i] = new int[length];
            }
            long after = LiveHeap.bytes();
            Reference.reachabilityFence(kept);
            seen.add(after - before);
            if (Math.abs(after - before - expected) <= slack) {
                return;
            }
        }
        fail(ARRAYS + " int[" + length + "] with " + region + "-byte regions: expected " + expected + " ± " + slack
                + " bytes, read " + seen);
    }

    @Test
    void readsTheHistogramsTotalLineAndRefusesAnythingElse() {
        String histogram = " num     #instances         #bytes  class name (module)\n"
                + "-------------------------------------------------------\n"
                + "   1:            12           4096  [J (java.base@17)\n"
                + "Total            12           4096\n";
        assertEquals(4096, LiveHeap.total(histogram));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LiveHeap.total("   1:            12           4096  [J (java.base@17)\n"));
        assertTrue(e.getMessage().contains("expected a last line 'Total <instances> <bytes>'"), e.getMessage());
    }

    /** The G1 region size, or 4 MiB (the arrays are then merely large) under another collector. */
    private static long regionBytes() {
        HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        long region = Long.parseLong(hs.getVMOption("G1HeapRegionSize").getValue());
        return region > 0 ? region : 4L << 20;
    }
}
