package io.github.prefine.core.grid;

/**
 * Thrown when a grid is opened on an output folder whose {@code run.json} names other settings or
 * data; the message is one line listing the first differences. Its remedy {@code --force} is the
 * command line's; in the library it is {@link Grid.Builder#optForce}.
 */
public final class RunMismatchException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message one line: the manifest file, the differences, what to do
     */
    public RunMismatchException(String message) {
        super(message);
    }
}
