package io.github.prefine.eval.report;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A results log line that cannot be read; the message names the file, line, what was expected and
 * what was found.
 */
public class MalformedResultsException extends IOException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param file the log file
     * @param line 1-based line number
     * @param message the rule and what was found
     * @param cause the parse error, or null
     */
    public MalformedResultsException(Path file, int line, String message, Throwable cause) {
        super(file + ":" + line + ": " + message, cause);
    }
}
