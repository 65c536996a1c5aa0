package io.github.prefine.core.train;

import java.util.List;

/**
 * Thrown when a training loss became NaN or infinite (under mixed precision: when 50 steps in a
 * row overflowed and were skipped), or a task's validation loss after an epoch did; names the
 * first such optimiser step (the epoch's last, for a validation loss) and the tasks of its batch
 * (the task, for a validation loss), so the offending data can be found.
 *
 * <p>Detection costs no per-step host synchronisation: the trainer keeps each step's loss on the
 * device and reads the steps since the last logging point in one copy there, so the run stops up
 * to one logging interval after the step itself.
 */
public final class NonFiniteLossException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long step;
    private final int epoch;
    private final List<String> tasks;
    private final String reason;

    /**
     * Creates the exception.
     *
     * @param step the 0-based global optimiser step whose loss was not finite
     * @param epoch the epoch of that step
     * @param tasks the names of the tasks in that step's batch
     */
    public NonFiniteLossException(long step, int epoch, List<String> tasks) {
        this(step, epoch, tasks, "loss must be finite, found NaN or infinity in a batch of tasks " + tasks);
    }

    /**
     * Creates the exception with its own reason.
     *
     * @param step the 0-based global optimiser step that ended the run
     * @param epoch the epoch of that step
     * @param tasks the names of the tasks in that step's batch
     * @param reason what went wrong and what to do
     */
    public NonFiniteLossException(long step, int epoch, List<String> tasks, String reason) {
        super("training step " + step + " (epoch " + epoch + "): " + reason);
        this.step = step;
        this.epoch = epoch;
        this.tasks = List.copyOf(tasks);
        this.reason = reason;
    }

    /**
     * Returns the epoch of the step.
     *
     * @return the epoch, -1 where the step was no longer remembered
     */
    public int epoch() {
        return epoch;
    }

    /**
     * Returns what went wrong and what to do, the message without its step and epoch.
     *
     * @return the reason
     */
    public String reason() {
        return reason;
    }

    /**
     * Returns the first step with a non-finite loss.
     *
     * @return the 0-based global step
     */
    public long step() {
        return step;
    }

    /**
     * Returns the tasks of that step's batch.
     *
     * @return task names in task order
     */
    public List<String> tasks() {
        return tasks;
    }
}
