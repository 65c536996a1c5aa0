package io.github.prefine.core.grid;

import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.task.ExtractiveQa;
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
 * tables), groups or targets whose names share a folder name, a target that the chosen groups would pre-finetune on, and learning rates that would
 * share a folder, and QA windows too short for a QA task of the grid. Each failure is an {@link
 * IllegalArgumentException} whose message starts with {@code grid:} and names the value found.
 */
final class GridChecks {
    private GridChecks() {}

    /**
     * Checks a builder's values, in the order its documentation lists them; the sampling settings
     * are checked by the builder as it converts them.
     */
    static void check(GridConfig c) {
        if (c.encoder == null || c.data == null || c.pool == null || c.groups == null || c.targets == null
                || c.out == null) {
            throw new IllegalArgumentException(
                    "grid: setEncoder, setData, setPrefinetuningTasks, setGroups, setTargets and setOutput are required");
        }
        if (c.groups.isEmpty() || c.targets.isEmpty() || c.seeds.isEmpty() || c.learningRates.isEmpty()) {
            throw new IllegalArgumentException("grid: groups, targets, seeds and learning rates must be non-empty");
        }
        if (!(c.warmupRatio >= 0 && c.warmupRatio < 1)) {
            throw new IllegalArgumentException("grid: warmupRatio must be in [0, 1), found " + c.warmupRatio);
        }
        if (c.reportSplit != Split.VALIDATION && c.reportSplit != Split.TEST) {
            throw new IllegalArgumentException("grid: the report split must be validation or test, found " + c.reportSplit);
        }
        if (c.scheduleEpochs <= 0 || c.targetScheduleEpochs <= 0) {
            throw new IllegalArgumentException("grid: schedule epochs must be positive, found " + c.scheduleEpochs + "/"
                    + c.targetScheduleEpochs);
        }
        if (c.batchSize <= 0 || c.targetBatchSize <= 0 || c.maxEpochs <= 0 || c.targetMaxEpochs <= 0 || c.patience <= 0
                || c.logEvery <= 0) {
            throw new IllegalArgumentException("grid: batch sizes (pre-finetuning/target), epochs, patience and logEvery"
                    + " must be positive, found " + c.batchSize + "/" + c.targetBatchSize + ", " + c.maxEpochs + "/"
                    + c.targetMaxEpochs + ", " + c.patience + ", " + c.logEvery);
        }
        if (c.pollMillis <= 0) {
            // Thread.sleep refuses a negative wait only once a unit is locked, and 0 spins
            throw new IllegalArgumentException("grid: pollMillis must be positive, found " + c.pollMillis);
        }
        distinct("seeds", c.seeds, Function.identity());
        distinct("groups", c.groups, Function.identity());
        distinct("targets", c.targets, Task::name);
        distinct("pre-finetuning tasks", c.pool, Task::name);
        sharedFolders("groups", c.groups, io.github.prefine.core.task.TaskGroup::name,
                "settings would share records, checkpoints and model folders; rename one (TaskGroup.of)");
        sharedFolders("targets", c.targets, Task::name,
                "finetuning runs would share records and model folders; rename one");
        unseenTargets(c);
        qaWindows(c);
        checkRates(c.learningRates);
        if (c.targetLearningRates != null) {
            if (c.targetLearningRates.isEmpty()) {
                throw new IllegalArgumentException("grid: the target learning-rate grid must be non-empty");
            }
            checkRates(c.targetLearningRates);
        }
    }

    /**
     * Copies a list a setter is given, naming the list or the element that is null where {@code
     * List.copyOf} threw a bare NullPointerException.
     */
    static <T> List<T> copy(String name, List<T> values) {
        Objects.requireNonNull(values, name);
        for (int i = 0; i < values.size(); i++) {
            Objects.requireNonNull(values.get(i), name + "[" + i + "]");
        }
        return List.copyOf(values);
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

    /**
     * Refuses two names that give one folder name: the grid names its records, checkpoints and
     * model folders after settings (joined group names) and targets through {@link
     * GridLayout#safe}, which maps every other character to {@code _}, and macOS and Windows
     * compare file names without case; the second would find the first's record and be skipped.
     */
    private static <T> void sharedFolders(String what, List<T> values, Function<T, String> name, String harm) {
        java.util.Map<String, String> seen = new java.util.HashMap<>();
        for (T v : values) {
            String n = name.apply(v);
            String folder = GridLayout.safe(n);
            String first = seen.putIfAbsent(folder.toLowerCase(java.util.Locale.ROOT), n);
            if (first != null) {
                throw new IllegalArgumentException("grid: " + what + " " + first + " and " + n + " share the folder name "
                        + folder + " (a file name keeps A-Z, a-z, 0-9 and ._+-, the rest as _, and macOS and Windows"
                        + " compare names without case), so their " + harm);
            }
        }
    }

    /**
     * Refuses a target that is also a pre-finetuning task of a chosen group: every setting with
     * that group would train on it, and early-stop on its validation loss, before scoring it.
     */
    private static void unseenTargets(GridConfig c) {
        for (Task target : c.targets) {
            for (Task t : c.pool) {
                if (t.name().equals(target.name()) && c.groups.contains(t.group())) {
                    throw new IllegalArgumentException("grid: target " + target.name()
                            + " is also a pre-finetuning task of group " + t.group().name() + ", so every setting with "
                            + t.group().name() + " would train on it before scoring it; targets must be unseen: "
                            + "leave it out of setTargets or of setPrefinetuningTasks");
                }
            }
        }
    }

    /**
     * Refuses QA windows too short for a QA task of the grid: it is featurized at its first sweep,
     * hours into a run, and would then be left out; a grid without QA takes any window.
     */
    private static void qaWindows(GridConfig c) {
        for (Task t : c.targets) {
            qaWindow(c, t);
        }
        for (Task t : c.pool) {
            if (c.groups.contains(t.group())) {
                qaWindow(c, t);
            }
        }
    }

    private static void qaWindow(GridConfig c, Task t) {
        if (t.format() instanceof ExtractiveQa) {
            try {
                FeatureSettings.checkQaWindow(t.name(), c.features.qaMaxLength());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("grid: " + e.getMessage() + " (optFeatures)", e);
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
