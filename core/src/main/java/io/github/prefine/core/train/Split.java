package io.github.prefine.core.train;

/** A data split of a task. */
public enum Split {
    /** Examples the model is trained on. */
    TRAIN,
    /** Examples for early stopping and learning-rate selection. */
    VALIDATION,
    /** Held-out examples reported once per seed. */
    TEST
}
