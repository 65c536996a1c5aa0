package io.github.prefine.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.prefine.core.model.internal.TensorArchive;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Watches the training loss on the device: sums it over a logging interval and keeps the first
 * step whose loss was NaN or infinite, with no host read until {@link #readInterval} (at logging
 * points). It also remembers the last steps' tasks, to name them when a loss goes bad.
 *
 * <p>Under mixed precision a non-finite loss is an overflow of float16's range: the optimiser has
 * already skipped that step and halved the loss scale, as {@code torch.amp} does, and training goes
 * on; such steps are left out of the interval mean. Only a run of {@link #OVERFLOW_LIMIT}
 * consecutive skipped steps, which no halving of the scale cures (the forward itself overflows),
 * counts as a diverged run.
 */
final class LossWatch implements AutoCloseable {
    /** Consecutive overflowed steps after which a mixed-precision run counts as diverged. */
    static final int OVERFLOW_LIMIT = 50;

    private final NDManager manager;
    private final NDArray intervalLoss;
    private final NDArray firstBadStep;
    private final NDArray stepCounter;
    private final NDArray intervalCount;
    private final NDArray consecutiveOverflows;
    private final NDArray overflowLimit;

    private final NDArray minusOne;
    private final NDArray oneStep;
    private final int memory;
    private final boolean mixed;
    private final ArrayDeque<RecentStep> recentSteps = new ArrayDeque<>();

    LossWatch(NDManager parent, int memory, boolean mixed) {
        this.mixed = mixed;
        this.manager = parent.newSubManager();
        this.memory = memory;
        this.intervalLoss = manager.zeros(new Shape(1), DataType.FLOAT32);
        this.firstBadStep = manager.full(new Shape(1), -1, DataType.INT64);
        this.stepCounter = manager.zeros(new Shape(1), DataType.INT64);
        this.minusOne = manager.full(new Shape(), -1, DataType.INT64);
        this.oneStep = manager.full(new Shape(), 1, DataType.INT64);
        this.intervalCount = manager.zeros(new Shape(1), DataType.FLOAT32);
        this.consecutiveOverflows = manager.zeros(new Shape(1), DataType.FLOAT32);
        this.overflowLimit = manager.full(new Shape(), OVERFLOW_LIMIT, DataType.FLOAT32);

    }

    /**
     * Adds a step's loss (shape (1), on the device) and notes its tasks. No host read.
     *
     * @param overflow mixed precision: the optimiser's skipped-step flag of this step; null in float32
     */
    void record(NDManager sm, NDArray stepLoss, NDArray overflow, long globalStep, int epoch, int[] present) {
        NDArray nonFinite = own(sm, own(sm, stepLoss.isNaN()).logicalOr(own(sm, stepLoss.isInfinite())));
        NDArray bad;
        if (overflow == null) {
            intervalLoss.addi(stepLoss);
            intervalCount.addi(own(sm, intervalCount.onesLike()));
            bad = nonFinite;
        } else {
            NDArray finite = own(sm, own(sm, nonFinite.logicalNot()).toType(DataType.FLOAT32, false));
            intervalLoss.addi(own(sm, NDArrays.where(nonFinite, own(sm, stepLoss.zerosLike()), stepLoss)));
            intervalCount.addi(finite);
            NDArray skipped = own(sm, own(sm, overflow.toType(DataType.FLOAT32, false)).reshape(1));
            consecutiveOverflows.addi(skipped).muli(skipped);
            bad = own(sm, consecutiveOverflows.gte(overflowLimit));
        }
        NDArray notYet = own(sm, firstBadStep.eq(minusOne));
        NDArray fresh = own(sm, bad.logicalAnd(notYet));
        NDArray updated = own(sm, NDArrays.where(fresh, stepCounter, firstBadStep));
        TensorArchive.copyInto(updated, firstBadStep);
        stepCounter.addi(oneStep);
        recentSteps.addLast(new RecentStep(globalStep, epoch, present));
        while (recentSteps.size() > memory) {
            recentSteps.removeFirst();
        }
    }

    /**
     * Reads the interval's mean loss and resets it (a host read).
     *
     * @throws NonFiniteLossException if some step's loss was not finite (float32), or too many
     *     consecutive steps overflowed (mixed precision)
     */
    double readInterval(List<String> taskNames) {
        long bad = firstBadStep.toLongArray()[0];
        if (bad >= 0) {
            throw nonFinite(bad, taskNames);
        }
        float sum = intervalLoss.toFloatArray()[0];
        float counted = intervalCount.toFloatArray()[0];
        intervalLoss.subi(intervalLoss);
        intervalCount.subi(intervalCount);
        return counted == 0 ? Double.NaN : sum / counted;
    }

    /**
     * Returns how many steps in a row overflowed up to now (a host read, for checkpoints).
     *
     * @return the streak, 0 when the last step was not skipped
     */
    int overflowStreak() {
        return Math.round(consecutiveOverflows.toFloatArray()[0]);
    }

    /** Sets the streak of overflowed steps (after a restore), so that a resumed run diverges where the whole one would. */
    void setOverflowStreak(int streak) {
        try (NDManager tmp = manager.newSubManager()) {
            TensorArchive.copyInto(tmp.create(new float[] {streak}), consecutiveOverflows);
        }
    }

    /** Sets the device's step counter (after a restore). */
    void setStep(long step) {
        try (NDManager tmp = manager.newSubManager()) {
            TensorArchive.copyInto(tmp.create(new long[] {step}), stepCounter);
        }
    }

    private NonFiniteLossException nonFinite(long step, List<String> taskNames) {
        int epoch = -1;
        List<String> names = new ArrayList<>();
        for (RecentStep s : recentSteps) {
            if (s.step() == step) {
                epoch = s.epoch();
                for (int t : s.tasks()) {
                    names.add(taskNames.get(t));
                }
            }
        }
        return mixed ? new NonFiniteLossException(step, epoch, names, "the last " + OVERFLOW_LIMIT
                + " steps all overflowed float16 and were skipped, whatever the loss scale: the run diverged; lower the"
                + " learning rate or train in fp32") : new NonFiniteLossException(step, epoch, names);
    }

    private static NDArray own(NDManager m, NDArray a) {
        a.attach(m);
        return a;
    }

    @Override
    public void close() {
        manager.close();
    }

    private record RecentStep(long step, int epoch, int[] tasks) {}
}
