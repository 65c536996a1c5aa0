package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import io.github.prefine.core.grid.FinetuningUnit;
import io.github.prefine.core.grid.GridSession;
import io.github.prefine.core.grid.GridSweep;
import io.github.prefine.core.grid.GridUnit;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The numbers README and docs/long-runs.md give for the demo's grid at its defaults (3 seeds):
 * the status line counts 55 units, one per sweep (7 pre-finetuning settings; 8 settings, the
 * baseline with them, times 6 targets, each over every seed), and the grid runs 151 units of its
 * own, one per training run (7 pre-finetuning, 48 sweeps times 3 seeds finetuning).
 */
class DemoPlanCountsTest {
    @TempDir
    Path out;

    @Test
    void statusLineUnitsAreTheGridsSweeps() throws Exception {
        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).parseArgs("--out", out.toString());
        assertEquals(55, demo.check());
        int sweeps = 0;
        int pre = 0;
        int fine = 0;
        try (GridSession session = demo.grid(Device.cpu()).build().open()) {
            for (GridSweep sweep : session.plan().sweeps()) {
                sweeps++;
                for (GridUnit unit : sweep.units()) {
                    if (unit instanceof FinetuningUnit) {
                        fine++;
                    } else {
                        pre++;
                    }
                }
            }
        }
        assertEquals(7 + 8 * 6, sweeps);
        assertEquals(7, pre);
        assertEquals(8 * 6 * 3, fine);
    }
}
