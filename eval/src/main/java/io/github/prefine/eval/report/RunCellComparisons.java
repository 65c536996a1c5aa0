package io.github.prefine.eval.report;

import io.github.prefine.eval.stats.SeedDifference;
import io.github.prefine.eval.stats.SeedTTests;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Compares two runs cell by cell: per (target, setting) that both logs hold, the other run's
 * scores over seeds against the base run's, with a two-sided t-test ({@link SeedTTests#compare}:
 * paired by seed when both runs ran the same seeds once each, Welch's test otherwise), its p
 * adjusted with Holm–Bonferroni over one family, all the tested cells. For questions such as "does
 * a bf16-mixed run learn as well as an fp32 run?" or "does another learning-rate selection change
 * the scores?": in prefine a seed fixes the head's initialisation, the data order and dropout
 * whatever the precision or selection, so a seed's two runs are pairs. In each {@link
 * SeedDifference}, "baseline" is the base run and "setting" the other run; the difference is
 * other minus base. An addition beyond the paper.
 *
 * <p>Stateless and thread-safe.
 */
public final class RunCellComparisons {
    private RunCellComparisons() {}

    /**
     * Compares the cells two logs share.
     *
     * @param base the base run's log
     * @param other the other run's log
     * @param alpha the level the Holm-adjusted p-values are judged at, in (0, 1)
     * @return target → setting → comparison, in the base log's order of first appearance, for the
     *     cells with runs in both logs
     * @throws IllegalArgumentException if alpha is outside (0, 1)
     */
    public static Map<String, Map<String, SeedDifference>> of(ResultSet base, ResultSet other, double alpha) {
        SeedDifference.checkLevel("alpha", alpha);
        Map<String, Map<String, List<RunRecord>>> a = cells(base);
        Map<String, Map<String, List<RunRecord>>> b = cells(other);
        Map<String, Map<String, SeedDifference>> out = new LinkedHashMap<>();
        a.forEach((target, settings) -> settings.forEach((setting, runs) -> {
            List<RunRecord> theirs = b.getOrDefault(target, Map.of()).get(setting);
            if (theirs != null) {
                out.computeIfAbsent(target, k -> new LinkedHashMap<>()).put(setting, SeedTTests.compare(
                        seeds(runs), values(runs), seeds(theirs), values(theirs)).atLevel(alpha));
            }
        }));
        return BaselineComparisons.holm(out);
    }

    /** Target → setting → runs, in the log's order of first appearance. */
    static Map<String, Map<String, List<RunRecord>>> cells(ResultSet results) {
        return grouped(results, RunRecord::target, RunRecord::setting);
    }

    /** The log's runs grouped by two keys, outer → inner → runs, in order of first appearance. */
    static Map<String, Map<String, List<RunRecord>>> grouped(ResultSet results, Function<RunRecord, String> outer,
            Function<RunRecord, String> inner) {
        Map<String, Map<String, List<RunRecord>>> out = new LinkedHashMap<>();
        for (RunRecord r : results.runs()) {
            out.computeIfAbsent(outer.apply(r), k -> new LinkedHashMap<>())
                    .computeIfAbsent(inner.apply(r), k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    static long[] seeds(List<RunRecord> runs) {
        return runs.stream().mapToLong(RunRecord::seed).toArray();
    }

    static double[] values(List<RunRecord> runs) {
        return runs.stream().mapToDouble(RunRecord::value).toArray();
    }
}
