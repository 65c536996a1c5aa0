package io.github.prefine.core.task;

/**
 * A dataset split.
 *
 * <p>Immutable and thread-safe.
 */
public enum Split {
    /** Training data. */
    TRAIN,
    /** Validation (dev) data, used for model selection and reported results where test is hidden. */
    VALIDATION,
    /** Test data. */
    TEST
}
