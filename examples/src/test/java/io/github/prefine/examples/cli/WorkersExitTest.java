package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A {@code --workers} child that exits {@link CliErrors#SWEEPS_FAILED} ran its part of the grid to
 * the end: the sweeps that failed are the run's, which the launching process counts from their
 * markers and exits 4 for itself, so the worker is not reported as failed; a worker that exits 1 is.
 */
class WorkersExitTest {

    @Test
    void aWorkerThatEndedWithFailedSweepsIsNotWarnedAboutButAFailedOneIs() throws Exception {
        Process sweepsFailed = ChildProcesses.builder("bash", "-c", "exit " + CliErrors.SWEEPS_FAILED).start();
        Process internal = ChildProcesses.builder("bash", "-c", "exit " + CliErrors.INTERNAL).start();
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Workers.await(List.of(sweepsFailed, internal));
        } finally {
            System.setErr(err);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertFalse(log.contains("worker " + sweepsFailed.pid() + " exited"), log);
        assertTrue(log.contains("worker " + internal.pid() + " exited with " + CliErrors.INTERNAL), log);
    }
}
