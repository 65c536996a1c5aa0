package io.github.prefine.core.grid;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@link Grid#run()} did. Immutable.
 *
 * @param missingTasks tasks left out because their data is missing, with the reason
 * @param settings the setting names in table column order, baseline first
 * @param sweepsRun sweeps this process ran
 * @param sweepsSkipped sweeps already finished when this process reached them
 * @param report the tables as last written
 */
public record GridSummary(Map<String, List<String>> missingTasks, List<String> settings, int sweepsRun,
        int sweepsSkipped, GridReports.Written report) {
    /** Copies the collections. */
    public GridSummary {
        missingTasks = Collections.unmodifiableMap(new LinkedHashMap<>(missingTasks));
        settings = List.copyOf(settings);
    }
}
