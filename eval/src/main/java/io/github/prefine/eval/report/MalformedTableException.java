package io.github.prefine.eval.report;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A table file that cannot be read back; the message names the file, the JSON path, what was
 * expected and what was found.
 */
public class MalformedTableException extends IOException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param file the table file
     * @param jsonPath where in the file, such as {@code $.rows[2].cells[0].value}
     * @param expected what the writer puts there
     * @param found what the file has instead
     */
    public MalformedTableException(Path file, String jsonPath, String expected, Object found) {
        this(file, jsonPath, expected, found, null);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param file the table file
     * @param jsonPath where in the file
     * @param expected what the writer puts there
     * @param found what the file has instead
     * @param cause the parse error, or null
     */
    public MalformedTableException(Path file, String jsonPath, String expected, Object found, Throwable cause) {
        super(file + " " + jsonPath + ": expected " + expected + ", found " + found, cause);
    }
}
