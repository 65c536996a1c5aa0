package io.github.prefine.core.data;

import java.io.IOException;

/**
 * Thrown when a dataset file does not have the shape its reader expects.
 *
 * <p>The message reads {@code location: expected X, found Y}, where the location is the file (its
 * parent folder and name) followed by a 1-based line number ({@code wnut17/train.conll:412}) or a
 * JSON path ({@code squad/dev.json $.data[3].paragraphs[0]}). The parts are also available
 * separately, so callers can build their own reports. Named after DJL's {@code
 * MalformedModelException}.
 */
public class MalformedDatasetException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String location;
    private final String expected;
    private final String found;

    /**
     * Creates the exception.
     *
     * @param file the short file name (parent folder and name)
     * @param location a line number such as {@code 412} or a JSON path such as {@code
     *     $.data[0]}; may be empty when the whole file is at fault
     * @param expected what the reader expected
     * @param found what it found
     */
    public MalformedDatasetException(String file, String location, String expected, String found) {
        this(file, location, expected, found, null);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param file the short file name (parent folder and name)
     * @param location a line number or a JSON path; may be empty
     * @param expected what the reader expected
     * @param found what it found
     * @param cause the underlying failure, or null
     */
    public MalformedDatasetException(
            String file, String location, String expected, String found, Throwable cause) {
        super(format(file, location, expected, found), cause);
        this.file = file;
        this.location = location;
        this.expected = expected;
        this.found = found;
    }

    private static String format(String file, String location, String expected, String found) {
        String where;
        if (location == null || location.isEmpty()) {
            where = file;
        } else if (location.startsWith("$")) {
            where = file + " " + location;
        } else {
            where = file + ":" + location;
        }
        return where + ": expected " + expected + ", found " + found;
    }

    /**
     * Returns the short file name.
     *
     * @return parent folder and file name, for example {@code wnut17/wnut17train.conll}
     */
    public String file() {
        return file;
    }

    /**
     * Returns the line number or JSON path.
     *
     * @return the location inside the file; empty when the whole file is at fault
     */
    public String location() {
        return location;
    }

    /**
     * Returns what the reader expected.
     *
     * @return the expectation
     */
    public String expected() {
        return expected;
    }

    /**
     * Returns what the reader found.
     *
     * @return the finding
     */
    public String found() {
        return found;
    }
}
