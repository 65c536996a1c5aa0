package io.github.prefine.core.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Thrown when a checkpoint file is corrupt, truncated, of a refused format, or does not match the
 * model it should fill.
 *
 * <p>The message starts with the file's path as given (folder included, so a user loading several
 * model folders can tell which), then states the rule and what was found, for example {@code
 * runs/a/model.safetensors: encoder.layer.1.intermediate.dense.weight has shape [32, 37], expected
 * [37, 32]}. Named after DJL's {@code MalformedModelException}, but checked as an
 * {@link IOException} because the caller cannot rule it out by reading the docs.
 */
public class MalformedCheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The offending file, kept as a string so the exception stays serializable. */
    private final String file;

    /**
     * Creates the exception.
     *
     * @param file the offending file or folder
     * @param detail the rule that was broken and what was found, starting lower case
     */
    public MalformedCheckpointException(Path file, String detail) {
        this(file, detail, null);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param file the offending file or folder
     * @param detail the rule that was broken and what was found, starting lower case
     * @param cause the underlying failure, or {@code null}
     */
    public MalformedCheckpointException(Path file, String detail, Throwable cause) {
        super(displayName(file) + ": " + Objects.requireNonNull(detail, "detail"), cause);
        this.file = String.valueOf(file);
    }

    /**
     * Creates the exception for a tensor holding NaN or infinite values, as a diverged run leaves.
     *
     * @param file the offending file or folder
     * @param tensor the tensor's key
     * @return the exception, naming the tensor
     */
    public static MalformedCheckpointException nonFinite(Path file, String tensor) {
        return new MalformedCheckpointException(file, "tensor " + tensor + " holds NaN or infinite values, as a diverged"
                + " run leaves them; use a checkpoint of a run that converged (for example one trained at a lower"
                + " learning rate)");
    }

    /**
     * Returns the offending file.
     *
     * @return the path as given to the constructor
     */
    public Path file() {
        return Path.of(file);
    }

    private static String displayName(Path file) {
        return file == null ? "<checkpoint>" : file.toString();
    }
}
