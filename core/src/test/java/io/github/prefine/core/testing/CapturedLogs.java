package io.github.prefine.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What a piece of work logged: slf4j-simple, the tests' binding, writes to the standard error
 * stream of the moment, which this swaps for the work's duration.
 */
public final class CapturedLogs {
    /** Work that may throw. */
    public interface Work {
        /**
         * Does the work.
         *
         * @throws Exception whatever the work throws, passed on
         */
        void run() throws Exception;
    }

    private CapturedLogs() {}

    /**
     * Runs the work and returns the lines it logged.
     *
     * @param work the work
     * @return what was written to the standard error stream meanwhile
     * @throws Exception what the work threw, after the stream is put back
     */
    public static String of(Work work) throws Exception {
        PrintStream realErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            work.run();
        } finally {
            System.setErr(realErr);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
