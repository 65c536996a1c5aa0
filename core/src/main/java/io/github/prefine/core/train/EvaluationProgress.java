package io.github.prefine.core.train;

import io.github.prefine.core.task.Split;
import java.util.Objects;

/**
 * How far a forward pass without training has come: the validation losses of early stopping
 * (all tasks, one after the other) or one task's predictions on a split. The counts are
 * featurized units (a long QA context gives several windows), counted on the host as batches are
 * queued, so reporting never waits for the device.
 *
 * @param pass which pass is running
 * @param task the task whose batch was just run (the first task's name in the report at 0 done)
 * @param split the split read
 * @param done units run so far in this pass
 * @param total units of the whole pass, at least 1
 * @param elapsedSeconds wall-clock seconds since the pass began
 */
public record EvaluationProgress(Pass pass, String task, Split split, long done, long total, double elapsedSeconds) {
    /** The kinds of evaluation pass. */
    public enum Pass {
        /** The mean validation loss of each task, after every epoch ({@link Trainer#validationLosses()}). */
        VALIDATION_LOSS,
        /** One task's logits on a split ({@link Trainer#predict}). */
        PREDICTION
    }

    /**
     * Checks the fields.
     *
     * @param pass which pass is running
     * @param task the task whose batch was just run
     * @param split the split read
     * @param done units run so far in this pass
     * @param total units of the whole pass, at least 1
     * @param elapsedSeconds wall-clock seconds since the pass began
     */
    public EvaluationProgress {
        Objects.requireNonNull(pass, "pass");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(split, "split");
        if (total < 1 || done < 0 || done > total) {
            throw new IllegalArgumentException("evaluation progress: done " + done + " must lie in [0, total " + total
                    + "] and total must be at least 1");
        }
    }
}
