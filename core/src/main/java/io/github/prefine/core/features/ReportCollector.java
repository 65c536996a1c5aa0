package io.github.prefine.core.features;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** Mutable tally behind a {@link FeatureReport}; single-threaded. */
final class ReportCollector {
    private static final Logger LOG = LoggerFactory.getLogger(ReportCollector.class);

    private final String name;
    /** The counts' level; skips go to WARN unless it is quieter than INFO. */
    private final Level level;
    private int examplesRead;
    private int truncated;
    private final Map<String, Integer> skipped = new LinkedHashMap<>();
    private final List<String> skippedIds = new ArrayList<>();
    private final Map<String, List<String>> samples = new LinkedHashMap<>();
    private final Map<String, Long> counters = new LinkedHashMap<>();

    ReportCollector(String name, int examplesRead, Level level) {
        this.name = name;
        this.level = level;
        this.examplesRead = examplesRead;
    }

    void skip(String id, String reason) {
        skipped.merge(reason, 1, Integer::sum);
        skippedIds.add(id);
        List<String> s = samples.computeIfAbsent(reason, k -> new ArrayList<>());
        if (s.size() < FeatureReport.MAX_SAMPLES) {
            s.add(id);
        }
    }

    void truncated() {
        truncated++;
    }

    void count(String counter, long delta) {
        counters.merge(counter, delta, Long::sum);
    }

    void max(String counter, long value) {
        counters.merge(counter, value, Math::max);
    }

    FeatureReport finish(int featuresMade, long tokenPositions, long storedBytes) {
        FeatureReport r = new FeatureReport(
                name, examplesRead, featuresMade, truncated, skipped, skippedIds, counters, tokenPositions, storedBytes,
                samples);
        if (!skipped.isEmpty()) {
            LOG.atLevel(level.toInt() < Level.INFO.toInt() ? level : Level.WARN).log("{}: skipped {} of {} examples: {}", name, r.skippedCount(), examplesRead, skipped);
        }
        LOG.atLevel(level).log(
                "{}: {} examples -> {} features, {} truncated, {} token positions, {} bytes/position",
                name, examplesRead, featuresMade, truncated, tokenPositions,
                String.format(Locale.ROOT, "%.2f", r.bytesPerTokenPosition()));
        return r;
    }
}
