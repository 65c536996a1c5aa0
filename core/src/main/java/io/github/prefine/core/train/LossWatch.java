package io.github.prefine.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Watches the training loss: sums it over a logging interval and keeps the first step whose loss
 * was NaN or infinite, with no host read until {@link #readInterval} (at logging points). It also
 * remembers the last steps' tasks, to name them when a loss goes bad.
 *
 * <p>A step queues no native operation: {@link #record} keeps the step's loss array (and its
 * overflow flag), and a read stacks the kept arrays and copies them to the host in one transfer,
 * where the sums are taken in step order in float32, as the device's in-place additions took them
 * before (on a GPU each of those some ten operations a step was a kernel launch and each freed
 * array a native call). Every {@link #FOLD} steps the kept arrays are stacked into one, so a long
 * interval holds few.
 *
 * <p>Under mixed precision a non-finite loss is an overflow of float16's range: the optimiser has
 * already skipped that step and halved the loss scale, as {@code torch.amp} does, and training goes
 * on; such steps are left out of the interval mean. Only a run of {@link #OVERFLOW_LIMIT}
 * consecutive skipped steps, which no halving of the scale cures (the forward itself overflows),
 * counts as a diverged run.
 *
 * <p>Holds the kept arrays in a sub-manager of the one it is given; {@link #close()} frees them.
 */
final class LossWatch implements AutoCloseable {
    /** Consecutive overflowed steps after which a mixed-precision run counts as diverged. */
    static final int OVERFLOW_LIMIT = 50;

    /** Steps whose arrays are kept one by one before they are stacked into one array. */
    static final int FOLD = 256;

    private final NDManager manager;
    private final int memory;
    private final boolean mixed;
    private final ArrayDeque<RecentStep> recentSteps = new ArrayDeque<>();

    /** Losses of the steps not yet read: stacked earlier steps first, then one array a step. */
    private final Unread losses = new Unread();
    /** Mixed precision: the skipped-step flags of the same steps. */
    private final Unread overflows = new Unread();
    /** The step counter of each unread step, in order. */
    private long[] unreadSteps = new long[FOLD];
    private int unread;

    // what the read steps added up to; float32, as the device summed them
    private float intervalLoss;
    private float intervalCount;
    private float consecutiveOverflows;
    private long firstBadStep = -1;
    private long stepCounter;

    LossWatch(NDManager parent, int memory, boolean mixed) {
        this.mixed = mixed;
        this.manager = parent.newSubManager();
        this.memory = memory;
    }

    /**
     * Keeps a step's loss (shape (1), on the device) and notes its tasks. No host read and no
     * native operation: the arrays are taken over from their manager (the watch closes them) and
     * summed when read.
     *
     * @param stepLoss the step's loss
     * @param overflow mixed precision: the optimiser's skipped-step flag of this step; null in float32
     * @throws IllegalArgumentException if a flag is given in float32 or missing under mixed precision
     */
    void record(NDArray stepLoss, NDArray overflow, long globalStep, int epoch, int[] present) {
        if (mixed != (overflow != null)) {
            throw new IllegalArgumentException("loss watch: a step under " + (mixed ? "mixed precision needs its"
                    + " overflow flag, found none" : "float32 has no overflow flag, found one"));
        }
        losses.add(stepLoss);
        if (mixed) {
            overflows.add(overflow);
        }
        if (unread == unreadSteps.length) {
            unreadSteps = Arrays.copyOf(unreadSteps, 2 * unread);
        }
        unreadSteps[unread++] = stepCounter++;
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
        readUnread();
        if (firstBadStep >= 0) {
            throw nonFinite(firstBadStep, taskNames);
        }
        float sum = intervalLoss;
        float counted = intervalCount;
        intervalLoss = 0f;
        intervalCount = 0f;
        return counted == 0 ? Double.NaN : sum / counted;
    }

    /**
     * Returns how many steps in a row overflowed up to now (a host read, for checkpoints).
     *
     * @return the streak, 0 when the last step was not skipped
     */
    int overflowStreak() {
        readUnread();
        return Math.round(consecutiveOverflows);
    }

    /** Sets the streak of overflowed steps (after a restore), so that a resumed run diverges where the whole one would. */
    void setOverflowStreak(int streak) {
        readUnread();
        consecutiveOverflows = streak;
    }

    /** Sets the step counter (after a restore). */
    void setStep(long step) {
        readUnread();
        stepCounter = step;
    }

    /**
     * Adds the unread steps to the interval, in step order and in float32 arithmetic, as the
     * device's in-place sums did: the same additions give the same bits.
     */
    private void readUnread() {
        if (unread == 0) {
            return;
        }
        float[] loss = losses.read();
        float[] skipped = mixed ? overflows.read() : null;
        for (int i = 0; i < unread; i++) {
            boolean finite = Float.isFinite(loss[i]);
            boolean bad;
            if (skipped == null) {
                intervalLoss += loss[i];
                intervalCount += 1f;
                bad = !finite;
            } else {
                intervalLoss += finite ? loss[i] : 0f;
                intervalCount += finite ? 1f : 0f;
                consecutiveOverflows = (consecutiveOverflows + skipped[i]) * skipped[i];
                bad = consecutiveOverflows >= OVERFLOW_LIMIT;
            }
            if (bad && firstBadStep < 0) {
                firstBadStep = unreadSteps[i];
            }
        }
        unread = 0;
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

    @Override
    public void close() {
        manager.close();
    }

    private record RecentStep(long step, int epoch, int[] tasks) {}

    /** The arrays of the unread steps of one kind, owned by the watch's manager. */
    private final class Unread {
        /** Earlier steps' arrays, stacked {@link #FOLD} at a time (or all at a read). */
        private final List<NDArray> stacked = new ArrayList<>();
        /** One array a step since. */
        private final List<NDArray> single = new ArrayList<>(FOLD);

        void add(NDArray a) {
            a.attach(manager);
            single.add(a);
            if (single.size() == FOLD) {
                stacked.add(stackSingle());
            }
        }

        /** Stacks the single arrays into one (each of a step's shape, along a new first axis) and frees them. */
        private NDArray stackSingle() {
            NDArray all = NDArrays.stack(new NDList(single));
            all.attach(manager);
            single.forEach(NDArray::close);
            single.clear();
            return all;
        }

        /** Every unread value in step order as float32, in one copy to the host; frees the arrays. */
        float[] read() {
            if (!single.isEmpty()) {
                // a lone step since the last read needs no stacking
                stacked.add(stacked.isEmpty() && single.size() == 1 ? single.remove(0) : stackSingle());
            }
            try (NDManager tmp = manager.newSubManager()) {
                stacked.forEach(a -> a.attach(tmp));
                NDArray all = stacked.size() == 1 ? stacked.get(0) : NDArrays.concat(new NDList(stacked));
                all.attach(tmp);
                stacked.clear();
                return (all.getDataType() == DataType.FLOAT32 ? all : all.toType(DataType.FLOAT32, false))
                        .toFloatArray();
            }
        }
    }
}
