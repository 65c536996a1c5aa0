package io.github.prefine.core.train;

/**
 * The learning rate as a function of the optimiser step, as Hugging Face's {@code
 * get_linear_schedule_with_warmup}: linear warm-up from 0 to the peak over {@code warmupSteps},
 * then linear decay to 0 at {@code totalSteps}. Step {@code k} (0-based) is the k-th optimiser
 * update, so with warm-up the first update uses a rate of 0, as in HF.
 *
 * <p>Immutable and thread-safe.
 *
 * @param peak the peak learning rate, finite and {@code >= 0}
 * @param warmupSteps warm-up steps, {@code >= 0}
 * @param totalSteps the step at which the rate reaches 0; {@link Long#MAX_VALUE} for no decay
 */
public record LinearSchedule(double peak, long warmupSteps, long totalSteps) {
    /**
     * Checks the fields.
     *
     * @param peak the peak learning rate, finite and {@code >= 0}
     * @param warmupSteps warm-up steps, {@code >= 0}
     * @param totalSteps the step at which the rate reaches 0; {@link Long#MAX_VALUE} for no decay
     */
    public LinearSchedule {
        if (!(peak >= 0) || Double.isInfinite(peak)) {
            throw new IllegalArgumentException("schedule: peak learning rate must be finite and >= 0, found " + peak);
        }
        if (warmupSteps < 0 || totalSteps < 1 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("schedule: need 0 <= warmupSteps <= totalSteps and totalSteps >= 1, found "
                    + warmupSteps + " and " + totalSteps);
        }
    }

    /**
     * A constant rate (no warm-up, no decay).
     *
     * @param lr the rate
     * @return the schedule
     */
    public static LinearSchedule constant(double lr) {
        return new LinearSchedule(lr, 0, Long.MAX_VALUE);
    }

    /**
     * The schedule of a training run: linear decay to 0 over a horizon of whole epochs, or a
     * constant rate after warm-up.
     *
     * @throws IllegalArgumentException if the warm-up is longer than the decay, naming both
     */
    static LinearSchedule ofRun(double peak, long warmupSteps, boolean linearDecay, int horizonEpochs,
            int batchesPerEpoch) {
        long total = (long) horizonEpochs * batchesPerEpoch;
        if (linearDecay && warmupSteps > total) {
            throw new IllegalArgumentException("trainer: warmupSteps " + warmupSteps + " must not exceed the "
                    + total + " steps of the linear decay (" + horizonEpochs + " epochs of " + batchesPerEpoch
                    + " batches); lower them or raise optScheduleEpochs");
        }
        return new LinearSchedule(peak, warmupSteps, linearDecay ? total : Long.MAX_VALUE);
    }

    /**
     * Returns the rate for an optimiser step.
     *
     * @param step the 0-based optimiser step
     * @return the learning rate
     */
    public double lr(long step) {
        if (step < warmupSteps) {
            return peak * ((double) step / Math.max(1, warmupSteps));
        }
        if (totalSteps == Long.MAX_VALUE) {
            return peak;
        }
        return peak * Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
    }

    /**
     * Returns this schedule with another peak.
     *
     * @param newPeak the peak
     * @return the variant
     */
    public LinearSchedule withPeak(double newPeak) {
        return new LinearSchedule(newPeak, warmupSteps, totalSteps);
    }
}
