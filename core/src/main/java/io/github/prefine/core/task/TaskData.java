package io.github.prefine.core.task;

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
 * @param task the task
 * @param labels the label set: declared, or learned from the training split (see {@link
 *     Task#labels()}); empty for QA and multiple choice
 * @param splits examples per split present, in file order
 * @param reports one report per file read, keyed by the file's relative path, plus the label check
 *     under {@code "labels"} when anything was skipped there
 */
public record TaskData(
        Task task, List<String> labels, Map<Split, List<Example>> splits, Map<String, ReadReport> reports) {
    /** Copies the collections. */
    public TaskData {
        Objects.requireNonNull(task, "task");
        labels = List.copyOf(labels);
        EnumMap<Split, List<Example>> s = new EnumMap<>(Split.class);
        splits.forEach((k, v) -> s.put(k, List.copyOf(v)));
        splits = Collections.unmodifiableMap(s);
        reports = Collections.unmodifiableMap(new LinkedHashMap<>(reports));
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
}
