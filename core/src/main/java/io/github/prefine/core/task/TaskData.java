package io.github.prefine.core.task;

import io.github.prefine.core.data.ChoiceExample;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.ReadReport;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A task's examples, read from its files, with its final label set and the read reports.
 *
 * <p>Immutable and thread-safe.
 *
 * @param task the task
 * @param labels the label set: declared, or learned from the training split (see {@link
 *     Task#labels()}); empty for QA and multiple choice
 * @param splits examples per split present, in file order
 * @param reports one report per file read, keyed by the file's relative path, plus the label check
 *     under {@code "labels"} when anything was skipped or flagged there
 * @param validation where the validation split comes from, as the run's manifest and data report
 *     record it: the validation file's relative path, {@code 4:1 hold-out of <path> (seed N)} for
 *     a one-file dataset, {@code 4:1 hold-out of train (seed N): ...} for a task without a
 *     validation file, or, starting with {@link #FALLBACK}, the hold-out of train that replaced a
 *     validation file which was absent or gave no examples
 */
public record TaskData(
        Task task, List<String> labels, Map<Split, List<Example>> splits, Map<String, ReadReport> reports,
        String validation) {
    /** How {@link #validation()} starts when a hold-out of train replaced a declared validation file. */
    public static final String FALLBACK = "fallback: ";

    /**
     * Copies the collections.
     *
     * @param task the task
     * @param labels the label set: declared, or learned from the training split (see {@link
     *     Task#labels()}); empty for QA and multiple choice
     * @param splits examples per split present, in file order
     * @param reports one report per file read, keyed by the file's relative path, plus the label check
     *     under {@code "labels"} when anything was skipped or flagged there
     * @param validation where the validation split comes from, as the run's manifest and data report
     *     record it: the validation file's relative path, {@code 4:1 hold-out of <path> (seed N)} for
     *     a one-file dataset, {@code 4:1 hold-out of train (seed N): ...} for a task without a
     *     validation file, or, starting with {@link #FALLBACK}, the hold-out of train that replaced a
     *     validation file which was absent or gave no examples
     * @throws IllegalArgumentException if an example is not of the type the task's format reads, or
     *     is a multiple-choice example with another number of choices than the format's
     * @throws NullPointerException if an example is null, naming its split and position
     */
    public TaskData {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(validation, "validation");
        labels = List.copyOf(labels);
        EnumMap<Split, List<Example>> s = new EnumMap<>(Split.class);
        Class<? extends Example> type = task.format().exampleType();
        splits.forEach((k, v) -> s.put(k, List.copyOf(checkTypes(task, k, type, v))));
        splits = Collections.unmodifiableMap(s);
        reports = Collections.unmodifiableMap(new LinkedHashMap<>(reports));
    }

    /** Refuses examples the task's format cannot featurize, which would fail there with a cast. */
    private static List<Example> checkTypes(Task task, Split split, Class<? extends Example> type, List<Example> examples) {
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            if (e == null) {
                throw new NullPointerException("task " + task.name() + ": " + split + " example " + i + " is null");
            }
            if (!type.isInstance(e)) {
                throw new IllegalArgumentException("task " + task.name() + ": " + split + " example " + i + " (" + e.id()
                        + ") is a " + e.getClass().getSimpleName() + ", format " + task.format() + " needs "
                        + type.getSimpleName());
            }
            if (task.format() instanceof MultipleChoice mc && ((ChoiceExample) e).choices().size() != mc.choices()) {
                // Task.load names the file and line; data built in memory is named by split and position
                throw new IllegalArgumentException("task " + task.name() + ": " + split + " example " + i + " (" + e.id()
                        + ") has " + ((ChoiceExample) e).choices().size() + " choices, expected " + mc.choices()
                        + " (the number its multiple-choice head scores)");
            }
        }
        return examples;
    }

    /**
     * Creates data whose validation rule follows from its splits: {@code given} when it has
     * validation examples, else the hold-out of train that {@link FeaturizedTask#featurize} makes.
     *
     * @param task the task
     * @param labels the label set
     * @param splits examples per split
     * @param reports the read reports
     */
    public TaskData(Task task, List<String> labels, Map<Split, List<Example>> splits, Map<String, ReadReport> reports) {
        this(task, labels, splits, reports, splits.getOrDefault(Split.VALIDATION, List.of()).isEmpty()
                ? "4:1 hold-out of train (seed " + io.github.prefine.core.data.SeededSplit.DEFAULT_SEED
                        + "): no validation data" : "given");
    }

    /**
     * Tells whether a hold-out of train replaced a declared validation file.
     *
     * @return true when {@link #validation()} starts with {@link #FALLBACK}
     */
    public boolean isValidationFallback() {
        return validation.startsWith(FALLBACK);
    }

    /**
     * Returns this data without one split, as pre-finetuning reads a task whose test split it never
     * scores, so that featurization does not spend time and memory on it.
     *
     * @param split the split to leave out
     * @return this when the split is absent, else a copy without it (same labels, reports and
     *     validation rule)
     */
    public TaskData without(Split split) {
        if (!splits.containsKey(split)) {
            return this;
        }
        Map<Split, List<Example>> kept = new EnumMap<>(splits);
        kept.remove(split);
        return new TaskData(task, labels, kept, reports, validation);
    }

    /**
     * Returns the examples of one split.
     *
     * @param split the split
     * @return its examples, empty when the split is absent
     */
    public List<Example> split(Split split) {
        return splits.getOrDefault(split, List.of());
    }

    /**
     * Counts the labels of one split: examples per class, or, for token tasks, mentions per entity
     * type: a tag starts a mention at {@code B-}/{@code S-}, after {@code O}, after another type or
     * after an {@code E-}/{@code S-}, so IOB1, IOB2 and BIOES data count alike.
     *
     * @param split the split
     * @return label to count, sorted by label; empty when the split is absent or the task has no
     *     label set
     */
    public Map<String, Integer> labelCounts(Split split) {
        return count(task.format(), split(split));
    }

    /** Counts as {@link #labelCounts} does; the task's rare-label check counts before the data exists. */
    static Map<String, Integer> count(TaskFormat format, List<Example> examples) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (Example e : examples) {
            countedLabels(format, e).forEach(l -> counts.merge(l, 1, Integer::sum));
        }
        return Collections.unmodifiableMap(counts);
    }

    /** What an example counts for in the label counts: its labels, or for tagging its mentions' types. */
    static List<String> countedLabels(TaskFormat format, Example example) {
        List<String> labels = format.labelsOf(example);
        return format instanceof TokenClassification ? TokenClassification.mentionTypes(labels) : labels;
    }
}
