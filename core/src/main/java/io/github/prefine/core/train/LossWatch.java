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
 */
final class LossWatch implements AutoCloseable {
    private final NDManager manager;
    private final NDArray intervalLoss;
    private final NDArray firstBadStep;
    private final NDArray stepCounter;
    private final NDArray minusOne;
    private final NDArray oneStep;
    private final int memory;
    private final ArrayDeque<RecentStep> recentSteps = new ArrayDeque<>();

    LossWatch(NDManager parent, int memory) {
        this.manager = parent.newSubManager();
        this.memory = memory;
        this.intervalLoss = manager.zeros(new Shape(1), DataType.FLOAT32);
        this.firstBadStep = manager.full(new Shape(1), -1, DataType.INT64);
        this.stepCounter = manager.zeros(new Shape(1), DataType.INT64);
        this.minusOne = manager.full(new Shape(), -1, DataType.INT64);
        this.oneStep = manager.full(new Shape(), 1, DataType.INT64);
    }

    /** Adds a step's loss (shape (1), on the device) and notes its tasks. No host read. */
    void record(NDManager sm, NDArray stepLoss, long globalStep, int epoch, int[] present) {
        intervalLoss.addi(stepLoss);
        NDArray bad = own(sm, own(sm, stepLoss.isNaN()).logicalOr(own(sm, stepLoss.isInfinite())));
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
     * @throws NonFiniteLossException if some step's loss was not finite
     */
    double readInterval(int steps, List<String> taskNames) {
        long bad = firstBadStep.toLongArray()[0];
        if (bad >= 0) {
            throw nonFinite(bad, taskNames);
        }
        float sum = intervalLoss.toFloatArray()[0];
        intervalLoss.subi(intervalLoss);
        return sum / steps;
    }

    /** Sets the device's step counter (after a restore). */
    void setStep(long step) {
        try (NDManager tmp = manager.newSubManager()) {
            TensorArchive.copyInto(tmp.create(new long[] {step}), stepCounter);
        }
    }

    private NonFiniteLossException nonFinite(long step, List<String> taskNames) {
        for (RecentStep s : recentSteps) {
            if (s.step() == step) {
                List<String> names = new ArrayList<>();
                for (int t : s.tasks()) {
                    names.add(taskNames.get(t));
                }
                return new NonFiniteLossException(step, s.epoch(), names);
            }
        }
        return new NonFiniteLossException(step, -1, List.of());
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
