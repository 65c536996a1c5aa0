package io.github.prefine.eval.report;

import io.github.prefine.eval.stats.HolmBonferroni;
import io.github.prefine.eval.stats.SeedDifference;
import io.github.prefine.eval.stats.SeedTTests;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares every Table 1 cell with the baseline's cell of the same target: per (target, setting
 * other than the baseline) with runs on both sides, the difference of means and a two-sided
 * t-test over seeds ({@link SeedTTests#compare}: paired on shared seeds, Welch otherwise), its p
 * adjusted with Holm–Bonferroni ({@link HolmBonferroni}) over one family, all the tested cells of
 * the table. Cells without a p-value (one seed a side, no variance) carry their difference but
 * are not in the family. An addition beyond the paper, which reports mean ± std only.
 *
 * <p>Stateless and thread-safe.
 */
public final class BaselineComparisons {
    private BaselineComparisons() {}

    /**
     * Compares the runs of a log, grouped as Table 1 groups them.
     *
     * @param results the loaded log
     * @param layout targets and settings; its baseline is the reference
     * @return target → setting → comparison, for the cells with runs on both sides; the baseline
     *     column has none
     */
    public static Map<String, Map<String, SeedDifference>> of(ResultSet results, ReportLayout layout) {
        Map<String, Map<String, List<RunRecord>>> runs = new LinkedHashMap<>();
        for (RunRecord r : results.runs()) {
            if (layout.settings().contains(r.setting())) {
                runs.computeIfAbsent(r.target(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(r.setting(), k -> new ArrayList<>()).add(r);
            }
        }
        Map<String, Map<String, SeedDifference>> out = new LinkedHashMap<>();
        List<String[]> at = new ArrayList<>();
        List<Double> p = new ArrayList<>();
        for (String target : layout.targets()) {
            Map<String, List<RunRecord>> bySetting = runs.getOrDefault(target, Map.of());
            List<RunRecord> base = bySetting.get(layout.baseline());
            if (base == null) {
                continue;
            }
            for (String setting : layout.settings()) {
                List<RunRecord> other = bySetting.get(setting);
                if (setting.equals(layout.baseline()) || other == null) {
                    continue;
                }
                SeedDifference d = SeedTTests.compare(seeds(base), values(base), seeds(other), values(other));
                out.computeIfAbsent(target, k -> new LinkedHashMap<>()).put(setting, d);
                at.add(new String[] {target, setting});
                p.add(d.p());
            }
        }
        double[] adjusted = HolmBonferroni.adjust(p.stream().mapToDouble(Double::doubleValue).toArray());
        for (int i = 0; i < at.size(); i++) {
            Map<String, SeedDifference> row = out.get(at.get(i)[0]);
            row.put(at.get(i)[1], row.get(at.get(i)[1]).withAdjustedP(adjusted[i]));
        }
        return out;
    }

    private static long[] seeds(List<RunRecord> runs) {
        return runs.stream().mapToLong(RunRecord::seed).toArray();
    }

    private static double[] values(List<RunRecord> runs) {
        return runs.stream().mapToDouble(RunRecord::value).toArray();
    }
}
