package io.github.prefine.core.grid;

import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.task.ExtractiveQa;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.GroupCombination;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskRegistry;
import io.github.prefine.eval.internal.Counts;
import io.github.prefine.eval.report.ReportLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * What {@link Grid.Builder#build()} checks before a grid exists: the required values, the ranges,
 * repeats (a repeated seed, group or target runs no new unit but would be counted again in the
 * tables), a target that the chosen groups would pre-finetune on, a chosen group of which the
 * pre-finetuning tasks hold none (its settings would pre-finetune on nothing), names that would
 * share a file (two targets {@code a b} and {@code a_b}, two groups {@code 分类} and {@code 问答}),
 * and learning rates that would
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
        reportRows(c);
        distinct("pre-finetuning tasks", c.pool, Task::name);
        unseenTargets(c);
        groupsWithTasks(c);
        distinctFiles(c);
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
     * Refuses a target or its group named as a row the report tables add ("Average"): their layout
     * refuses it too, but only once the first unit's records reach the tables.
     */
    private static void reportRows(GridConfig c) {
        ReportLayout.Builder layout = ReportLayout.builder();
        for (Task t : c.targets) {
            try {
                layout.addTarget(t.name(), t.group().name());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("grid: " + e.getMessage(), e);
            }
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
     * Refuses a chosen group of which the pool holds no task: every setting made of such groups
     * alone would pre-finetune on nothing, and one that also names another group would be that
     * group's alone under a name saying otherwise. The plan found it only once a run began, taking
     * it for missing data. The baseline, pre-finetuned on nothing on purpose, is not a combination.
     */
    private static void groupsWithTasks(GridConfig c) {
        Set<TaskGroup> pooled = new LinkedHashSet<>();
        c.pool.forEach(t -> pooled.add(t.group()));
        List<TaskGroup> empty = c.groups.stream().filter(g -> !pooled.contains(g)).toList();
        if (empty.isEmpty()) {
            return;
        }
        List<String> settings = TaskRegistry.combinations(c.groups).stream()
                .filter(k -> empty.containsAll(k.groups())).map(GroupCombination::name).toList();
        String groups = Counts.noun(empty.size(), "group") + " " + names(empty);
        throw new IllegalArgumentException("grid: " + Counts.noun(settings.size(), "setting") + " " + series(settings)
                + " " + (settings.size() == 1 ? "has" : "have") + " no pre-finetuning task: setPrefinetuningTasks holds"
                + " none of " + groups + " (" + (pooled.isEmpty() ? "it holds no task" : "its tasks are of "
                + names(List.copyOf(pooled))) + "), and a setting that also names another group would be that group's"
                + " alone; expected at least one pre-finetuning task of each chosen group: add tasks of " + names(empty)
                + " or leave " + (empty.size() == 1 ? "it" : "them") + " out of setGroups");
    }

    /**
     * Refuses two settings, or two (setting, target) pairs, whose files would be the same:
     * {@link GridLayout#safe} turns every character outside {@code [A-Za-z0-9._+-]} into {@code _},
     * and macOS and Windows compare file names ignoring case. The second's sweeps were taken for
     * done (the first's record) and its trials read back the first's scores, its Table 1 row empty
     * without a word.
     */
    private static void distinctFiles(GridConfig c) {
        List<Setting> settings = new ArrayList<>(List.of(Setting.baseline()));
        TaskRegistry.combinations(c.groups).forEach(k -> settings.add(Setting.of(k)));
        Map<String, String> owners = new HashMap<>();
        for (Setting s : settings) {
            if (!s.isBaseline()) {
                claimFiles(owners, "setting " + s.name(), List.of("prefinetune/" + s.fileName(),
                        "records/" + PrefinetuningSweep.id(s) + ".jsonl"));
            }
        }
        boolean perTarget = c.lrSelection == LearningRateSelection.PER_TARGET;
        for (Setting s : settings) {
            for (Task t : c.targets) {
                // the sweeps' ids depend on the seeds alone, not on the rates
                List<FinetuningSweep> sweeps = perTarget ? List.of(new FinetuningSweep(s, t, c.seeds, List.of(1.0)))
                        : c.seeds.stream().map(seed -> new FinetuningSweep(s, t, List.of(seed), List.of(1.0))).toList();
                List<String> files = new ArrayList<>();
                for (int i = 0; i < c.seeds.size(); i++) {
                    files.add("finetune/" + FinetuningSweep.id(s, t, c.seeds.get(i)));
                    if (i < sweeps.size()) {
                        files.add("records/" + sweeps.get(i).id() + ".jsonl");
                    }
                }
                claimFiles(owners, "target " + t.name() + " under setting " + s.name(), files);
            }
        }
    }

    /** Notes an owner's files, the first two of which name them in a refusal, or refuses one another owner has. */
    private static void claimFiles(Map<String, String> owners, String owner, List<String> files) {
        for (String f : files) {
            String other = owners.putIfAbsent(f.toLowerCase(Locale.ROOT), owner);
            if (other != null) {
                throw new IllegalArgumentException("grid: " + owner + " would share the files of " + other + " ("
                        + String.join(", ", files.subList(0, 2)) + "): file names keep A-Z, a-z, 0-9 and . _ + - and are"
                        + " compared ignoring case, as macOS and Windows do, so one's scores would be read back as the"
                        + " other's; rename one of them");
            }
        }
    }

    /** "A", "A and B", "A, B and C". */
    private static String series(List<String> items) {
        int n = items.size();
        return n == 1 ? items.get(0) : String.join(", ", items.subList(0, n - 1)) + " and " + items.get(n - 1);
    }

    private static String names(List<TaskGroup> groups) {
        return groups.stream().map(TaskGroup::name).toList().toString();
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
