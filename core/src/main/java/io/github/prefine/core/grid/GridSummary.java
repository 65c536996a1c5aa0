package io.github.prefine.core.grid;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@link Grid#run()} did. Immutable.
 *
 * @param missingTasks tasks left out, with the reasons: their missing files, or one starting with
 *     {@link #UNFEATURIZABLE} where the files are present but their data cannot be used
 * @param settings the setting names in table column order, baseline first
 * @param sweepsRun sweeps this process ran
 * @param sweepsSkipped sweeps already finished when this process reached them
 * @param report the tables as last written
 * @param failures sweeps that failed (every learning rate diverged, or their setting's pre-finetuning did), with the reason
 * @param data what reading the data dropped and flagged, as last written to {@value DataReport#FILE}
 * @param skippedSteps the steps fp16-mixed skipped for overflow in all training runs of the output folder
 */
public record GridSummary(Map<String, List<String>> missingTasks, List<String> settings, int sweepsRun,
        int sweepsSkipped, GridReports.Written report, List<String> failures, DataReport data,
        SkippedSteps skippedSteps) {
    /**
     * How a reason in {@link #missingTasks} starts when the task's files are present but
     * featurization refused its data (every example skipped, too few to hold out a validation
     * split, a token id beyond the encoder's vocabulary, ...); the other reasons are missing files.
     */
    public static final String UNFEATURIZABLE = "cannot be featurized: ";

    /**
     * Copies the collections.
     *
     * @param missingTasks tasks left out, with the reasons: their missing files, or one starting
     *     with {@link #UNFEATURIZABLE} where the files are present but their data cannot be used
     * @param settings the setting names in table column order, baseline first
     * @param sweepsRun sweeps this process ran
     * @param sweepsSkipped sweeps already finished when this process reached them
     * @param report the tables as last written
     * @param failures sweeps that failed (every learning rate diverged, or their setting's
     *     pre-finetuning did), with the reason
     * @param data what reading the data dropped and flagged, as last written to {@value DataReport#FILE}
     * @param skippedSteps the steps fp16-mixed skipped for overflow in all training runs of the output folder
     */
    public GridSummary {
        // each list copied too: an immutable summary must not share the caller's lists
        Map<String, List<String>> m = new LinkedHashMap<>();
        missingTasks.forEach((k, v) -> m.put(k, List.copyOf(v)));
        missingTasks = Collections.unmodifiableMap(m);
        settings = List.copyOf(settings);
        failures = List.copyOf(failures);
        java.util.Objects.requireNonNull(data, "data");
        java.util.Objects.requireNonNull(skippedSteps, "skippedSteps");
    }

    /**
     * A summary without skipped steps (no run had a loss scaler).
     *
     * @param missingTasks tasks without data, with why
     * @param settings the settings' names
     * @param sweepsRun sweeps run by this process
     * @param sweepsSkipped sweeps found finished
     * @param report the reports as last written
     * @param failures the failed sweeps, with the reason
     * @param data what reading the data dropped and flagged
     */
    public GridSummary(Map<String, List<String>> missingTasks, List<String> settings, int sweepsRun, int sweepsSkipped,
            GridReports.Written report, List<String> failures, DataReport data) {
        this(missingTasks, settings, sweepsRun, sweepsSkipped, report, failures, data, SkippedSteps.NONE);
    }

    /**
     * A summary without a data report.
     *
     * @param missingTasks tasks without data, with why
     * @param settings the settings' names
     * @param sweepsRun sweeps run by this process
     * @param sweepsSkipped sweeps found finished
     * @param report the reports as last written
     * @param failures the failed sweeps, with the reason
     */
    public GridSummary(Map<String, List<String>> missingTasks, List<String> settings, int sweepsRun, int sweepsSkipped,
            GridReports.Written report, List<String> failures) {
        this(missingTasks, settings, sweepsRun, sweepsSkipped, report, failures, new DataReport(Map.of()));
    }

    /**
     * A summary without failed sweeps.
     *
     * @param missingTasks tasks without data, with why
     * @param settings the settings' names
     * @param sweepsRun sweeps run by this process
     * @param sweepsSkipped sweeps found finished
     * @param report the reports as last written
     */
    public GridSummary(Map<String, List<String>> missingTasks, List<String> settings, int sweepsRun, int sweepsSkipped,
            GridReports.Written report) {
        this(missingTasks, settings, sweepsRun, sweepsSkipped, report, List.of());
    }
}
