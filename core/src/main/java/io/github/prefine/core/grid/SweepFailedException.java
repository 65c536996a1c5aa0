package io.github.prefine.core.grid;

/**
 * Thrown when no learning rate of a sweep gave a finite score (every one diverged). The grid marks
 * such a sweep as failed, lists it in {@link GridSummary#failures()} and goes on.
 */
public final class SweepFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what diverged and what to try instead
     */
    public SweepFailedException(String message) {
        super(message);
    }
}
