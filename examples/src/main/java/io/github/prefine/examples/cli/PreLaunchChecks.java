package io.github.prefine.examples.cli;

/**
 * A training command's own checks that need neither the engine nor a second JVM: option values,
 * and that the folders and files it is given exist. The first JVM runs them before it re-launches
 * itself with malloc settings ({@code MallocTuning}), so that a missing folder gets its one line
 * from that JVM, without the re-launch's line before it; the command runs them again as part of
 * its own checks, with the same messages.
 */
public interface PreLaunchChecks {
    /**
     * Checks what can be checked before a re-launch: reads no data file and starts no engine.
     *
     * @throws IllegalArgumentException naming the option and what was expected, as the command's
     *     own run reports it
     */
    void checkBeforeLaunch();
}
