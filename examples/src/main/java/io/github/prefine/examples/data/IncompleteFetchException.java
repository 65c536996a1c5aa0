package io.github.prefine.examples.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Thrown when a task's files are read while a {@code prefine data fetch} is replacing them, or
 * after one was stopped (killed, crashed) part-way through replacing them: the folder may hold
 * some files of the new version and some of the old, and only a new fetch makes it whole.
 */
public final class IncompleteFetchException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The task's folder, absolute. */
    private final transient Path folder;

    /**
     * Creates the exception.
     *
     * @param folder the task's folder, absolute
     * @param message one line naming the folder and saying to fetch again
     */
    IncompleteFetchException(Path folder, String message) {
        super(message);
        this.folder = folder;
    }

    /**
     * The folder whose files may mix two versions.
     *
     * @return the task's folder, absolute
     */
    public Path folder() {
        return folder;
    }
}
