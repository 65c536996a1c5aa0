package io.github.prefine.core.grid;

/**
 * Thrown when a sweep cannot succeed however often it is run: no learning rate gave a finite score
 * (every one diverged), or none of a pre-finetuning setting's tasks can be featurized. The grid
 * marks such a sweep as failed, lists it in {@link GridSummary#failures()} and goes on. Any other
 * exception inside a sweep is not turned into this one.
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

    /**
     * Creates the exception with its cause.
     *
     * @param message what failed and what to try instead
     * @param cause the sweep's own exception
     */
    public SweepFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
