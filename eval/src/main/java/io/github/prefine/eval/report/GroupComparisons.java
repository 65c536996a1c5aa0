package io.github.prefine.eval.report;

import io.github.prefine.eval.stats.SeedDifference;
import io.github.prefine.eval.stats.SeedTTests;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares every Table 2 cell with the baseline's cell of the same row: per (group, or
 * {@value Tables#AVERAGE} over all targets, setting other than the baseline), a two-sided t-test
 * of the setting's per-seed averages over the row's targets against the baseline's, its p adjusted
 * with Holm–Bonferroni over one family, all the tested cells of Table 2 (Table 1's cells are a
 * family of their own, {@link BaselineComparisons}). An addition beyond the paper.
 *
 * <p>A row's per-seed average for seed s is the mean over the row's targets of their score with
 * seed s. The test is
 * <ul>
 *   <li><b>paired by seed</b> when every target of the row ran the same seeds, once each, under
 *       both settings: then the mean of the per-seed averages is the Table 2 cell, and a seed's
 *       two averages share the head initialisation, data order and dropout of every target;
 *   <li><b>Welch's</b> otherwise, over each side's per-seed averages of the seeds that every
 *       target ran once on that side (runs of other seeds are left out, as they have no average
 *       over the row's targets), so the difference may then differ a little from the cells';
 *   <li><b>none</b> (no comparison, {@link Cell#vsBaseline()} null) when the two settings have
 *       runs of different targets of the row, as their averages then cover different targets, or
 *       when a side has no seed that every target ran.
 * </ul>
 * A side with fewer than two per-seed averages, or without variance, is compared but untested
 * (p NaN), as in Table 1.
 *
 * <p>Stateless and thread-safe.
 */
public final class GroupComparisons {
    private GroupComparisons() {}

    /**
     * Compares the runs of a log, grouped as Table 2 groups them.
     *
     * @param results the loaded log
     * @param layout groups, targets and settings; its baseline is the reference
     * @param alpha the significance level the Holm-adjusted p-values are judged at, in (0, 1)
     * @return row (a group or {@value Tables#AVERAGE}) → setting → comparison, for the cells that
     *     could be compared; the baseline column has none
     * @throws IllegalArgumentException if alpha is outside (0, 1)
     */
    public static Map<String, Map<String, SeedDifference>> of(ResultSet results, ReportLayout layout, double alpha) {
        SeedDifference.checkLevel("alpha", alpha);
        Map<String, Map<String, List<RunRecord>>> runs =
                RunCellComparisons.grouped(results, RunRecord::setting, RunRecord::target);
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String group : layout.groups()) {
            rows.put(group, layout.targetsOf(group));
        }
        rows.put(Tables.AVERAGE, layout.targets());
        Map<String, Map<String, SeedDifference>> out = new LinkedHashMap<>();
        Map<String, List<RunRecord>> base = runs.getOrDefault(layout.baseline(), Map.of());
        rows.forEach((row, targets) -> {
            for (String setting : layout.settings()) {
                if (setting.equals(layout.baseline())) {
                    continue;
                }
                SeedDifference d = compare(targets, base, runs.getOrDefault(setting, Map.of()));
                if (d != null) {
                    out.computeIfAbsent(row, k -> new LinkedHashMap<>()).put(setting, d.atLevel(alpha));
                }
            }
        });
        return BaselineComparisons.holm(out);
    }

    /** One row's comparison, null where none can be made (see the class description). */
    private static SeedDifference compare(List<String> targets, Map<String, List<RunRecord>> base,
            Map<String, List<RunRecord>> setting) {
        List<String> ran = targets.stream().filter(base::containsKey).toList();
        if (ran.isEmpty() || !ran.equals(targets.stream().filter(setting::containsKey).toList())) {
            return null;
        }
        Set<Long> seeds = onceEach(base.get(ran.get(0)));
        boolean paired = seeds != null;
        for (String t : ran) {
            paired &= seeds != null && seeds.equals(onceEach(base.get(t))) && seeds.equals(onceEach(setting.get(t)));
        }
        Map<Long, Double> b = perSeedAverages(ran, base);
        Map<Long, Double> s = perSeedAverages(ran, setting);
        if (b.isEmpty() || s.isEmpty()) {
            return null;
        }
        double[] bv = b.values().stream().mapToDouble(Double::doubleValue).toArray();
        double[] sv = s.values().stream().mapToDouble(Double::doubleValue).toArray();
        // paired: both maps hold the same seeds, in ascending order
        return paired ? SeedTTests.paired(bv, sv) : SeedTTests.welch(bv, sv);
    }

    /** The seeds of a target's runs, or null when one occurs twice. */
    private static Set<Long> onceEach(List<RunRecord> runs) {
        Set<Long> seeds = new TreeSet<>();
        for (RunRecord r : runs) {
            if (!seeds.add(r.seed())) {
                return null;
            }
        }
        return seeds;
    }

    /**
     * Seed → mean over the targets of their run with that seed, for the seeds every target ran
     * exactly once; in ascending seed order.
     */
    private static Map<Long, Double> perSeedAverages(List<String> targets, Map<String, List<RunRecord>> runs) {
        Map<Long, Double> sums = new TreeMap<>();
        Map<Long, Integer> counts = new TreeMap<>();
        Set<Long> twice = new TreeSet<>();
        for (String t : targets) {
            Set<Long> seen = new TreeSet<>();
            for (RunRecord r : runs.get(t)) {
                if (!seen.add(r.seed())) {
                    twice.add(r.seed());
                }
                sums.merge(r.seed(), r.value(), Double::sum);
                counts.merge(r.seed(), 1, Integer::sum);
            }
        }
        Map<Long, Double> out = new TreeMap<>();
        sums.forEach((seed, sum) -> {
            if (!twice.contains(seed) && counts.get(seed) == targets.size()) {
                out.put(seed, sum / targets.size());
            }
        });
        return out;
    }
}
