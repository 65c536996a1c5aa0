package io.github.prefine.core.grid;

import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * What {@link Grid.Builder#build()} checks before a grid exists: the required values, the ranges,
 * repeats (a repeated seed, group or target runs no new unit but would be counted again in the
 * tables) and learning rates that would share a folder. Each failure is an {@link
 * IllegalArgumentException} whose message starts with {@code grid:} and names the value found.
 */
final class GridChecks {
    private GridChecks() {}

    /**
     * Checks a builder's values, in the order its documentation lists them; the sampling settings
     * are checked by the builder as it converts them.
     */
    static void check(Grid.Builder b) {
        if (b.encoder == null || b.data == null || b.pool == null || b.groups == null || b.targets == null
                || b.out == null) {
            throw new IllegalArgumentException(
                    "grid: setEncoder, setData, setPrefinetuningTasks, setGroups, setTargets and setOutput are required");
        }
        if (b.groups.isEmpty() || b.targets.isEmpty() || b.seeds.isEmpty() || b.learningRates.isEmpty()) {
            throw new IllegalArgumentException("grid: groups, targets, seeds and learning rates must be non-empty");
        }
        if (!(b.warmupRatio >= 0 && b.warmupRatio < 1)) {
            throw new IllegalArgumentException("grid: warmupRatio must be in [0, 1), found " + b.warmupRatio);
        }
        if (b.reportSplit != Split.VALIDATION && b.reportSplit != Split.TEST) {
            throw new IllegalArgumentException("grid: the report split must be validation or test, found " + b.reportSplit);
        }
        if (b.scheduleEpochs <= 0 || b.targetScheduleEpochs <= 0) {
            throw new IllegalArgumentException("grid: schedule epochs must be positive, found " + b.scheduleEpochs + "/"
                    + b.targetScheduleEpochs);
        }
        if (b.batchSize <= 0 || b.targetBatchSize <= 0 || b.maxEpochs <= 0 || b.targetMaxEpochs <= 0 || b.patience <= 0
                || b.logEvery <= 0) {
            throw new IllegalArgumentException("grid: batch size, epochs, patience and logEvery must be positive, found "
                    + b.batchSize + ", " + b.maxEpochs + "/" + b.targetMaxEpochs + ", " + b.patience + ", " + b.logEvery);
        }
        if (b.pollMillis <= 0) {
            // Thread.sleep refuses a negative wait only once a unit is locked, and 0 spins
            throw new IllegalArgumentException("grid: pollMillis must be positive, found " + b.pollMillis);
        }
        distinct("seeds", b.seeds, Function.identity());
        distinct("groups", b.groups, Function.identity());
        distinct("targets", b.targets, Task::name);
        checkRates(b.learningRates);
        if (b.targetLearningRates != null) {
            if (b.targetLearningRates.isEmpty()) {
                throw new IllegalArgumentException("grid: the target learning-rate grid must be non-empty");
            }
            checkRates(b.targetLearningRates);
        }
    }

    /** Returns a claim timeout that is positive, or refuses it. */
    static Duration claimTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("grid: claimTimeout must be positive, found " + timeout);
        }
        return timeout;
    }

    private static <T> void distinct(String what, List<T> values, Function<T, ?> key) {
        Set<Object> seen = new HashSet<>();
        for (T v : values) {
            if (!seen.add(key.apply(Objects.requireNonNull(v, what + " element")))) {
                throw new IllegalArgumentException("grid: " + what + " must be distinct, found " + key.apply(v)
                        + " twice in " + values.stream().map(key).toList());
            }
        }
    }

    /** Refuses a rate that is not finite and positive, and two rates with one folder name. */
    private static void checkRates(List<Double> rates) {
        Set<String> names = new HashSet<>();
        for (double lr : rates) {
            if (!(lr > 0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException("grid: learning rates must be finite and positive, found " + lr);
            }
            if (!names.add(GridLayout.learningRateName(lr))) {
                throw new IllegalArgumentException("grid: learning rates " + rates + " share the folder name "
                        + GridLayout.learningRateName(lr) + "; give each rate one significant digit");
            }
        }
    }
}
