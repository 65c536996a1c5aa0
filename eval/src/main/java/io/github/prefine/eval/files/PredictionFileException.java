package io.github.prefine.eval.files;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A prediction or gold file that does not have the expected form.
 *
 * <p>The message reads {@code file:location: expected X, found Y}, where location is a line number
 * or a JSON path such as {@code $.data[3].paragraphs[0].qas[2].answers}.
 */
public class PredictionFileException extends IOException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** The offending file (not serialised). */
    private final transient Path file;
    /** Line number or JSON path inside the file. */
    private final String location;

    /**
     * Creates the exception.
     *
     * @param file the file
     * @param location line number or JSON path
     * @param expected what the reader expected
     * @param found what it found
     */
    public PredictionFileException(Path file, String location, String expected, String found) {
        this(file, location, expected, found, null);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param file the file
     * @param location line number or JSON path
     * @param expected what the reader expected
     * @param found what it found
     * @param cause the underlying error, or null
     */
    public PredictionFileException(Path file, String location, String expected, String found, Throwable cause) {
        super(file + ":" + location + ": expected " + expected + ", found " + found, cause);
        this.file = file;
        this.location = location;
    }

    /**
     * Returns the file.
     *
     * @return the file
     */
    public Path file() {
        return file;
    }

    /**
     * Returns the line number or JSON path.
     *
     * @return the line number or JSON path
     */
    public String location() {
        return location;
    }
}
