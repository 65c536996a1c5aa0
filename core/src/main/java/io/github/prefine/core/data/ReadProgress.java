package io.github.prefine.core.data;

import java.util.Objects;

/**
 * How far reading one split of a task has come, in bytes of its files: counted as the readers
 * take them from disk (compressed bytes of a {@code .gz} file), so that a large file (SQuAD's
 * tens of MB) shows progress before its first example is featurized.
 *
 * @param name the read's report name, for example {@code conll2003-en/train}
 * @param done bytes read so far
 * @param total bytes of the split's files: their sizes when the read began
 */
public record ReadProgress(String name, long done, long total) {
    /** Bytes read between two reports of an unfinished read: 1 MiB. */
    public static final long STEP_BYTES = 1L << 20;

    /**
     * Checks the fields.
     *
     * @param name the report name
     * @param done bytes read so far
     * @param total bytes of the split's files
     * @throws IllegalArgumentException if {@code done} lies outside [0, total]
     */
    public ReadProgress {
        Objects.requireNonNull(name, "name");
        if (done < 0 || done > total) {
            throw new IllegalArgumentException(
                    name + ": read progress done " + done + " bytes must lie in [0, total " + total + "]");
        }
    }
}
