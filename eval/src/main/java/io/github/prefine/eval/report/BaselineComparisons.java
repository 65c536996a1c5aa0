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
     * Compares the runs of a log, grouped as Table 1 groups them, at the level {@value
     * SeedDifference#ALPHA}.
     *
     * @param results the loaded log
     * @param layout targets and settings; its baseline is the reference
     * @return target → setting → comparison, for the cells with runs on both sides; the baseline
     *     column has none
     */
    public static Map<String, Map<String, SeedDifference>> of(ResultSet results, ReportLayout layout) {
        return of(results, layout, SeedDifference.ALPHA);
    }

    /**
     * Compares the runs of a log, grouped as Table 1 groups them.
     *
     * @param results the loaded log
     * @param layout targets and settings; its baseline is the reference
     * @param alpha the significance level the Holm-adjusted p-values are judged at, in (0, 1)
     * @return target → setting → comparison, for the cells with runs on both sides; the baseline
     *     column has none
     * @throws IllegalArgumentException if alpha is outside (0, 1)
     */
    public static Map<String, Map<String, SeedDifference>> of(ResultSet results, ReportLayout layout, double alpha) {
        SeedDifference.checkLevel("alpha", alpha);
        Map<String, Map<String, List<RunRecord>>> runs = RunCellComparisons.cells(results);
        Map<String, Map<String, SeedDifference>> out = new LinkedHashMap<>();
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
                SeedDifference d = SeedTTests.compare(RunCellComparisons.seeds(base), RunCellComparisons.values(base),
                        RunCellComparisons.seeds(other), RunCellComparisons.values(other))
                        .atLevel(alpha);
                out.computeIfAbsent(target, k -> new LinkedHashMap<>()).put(setting, d);
            }
        }
        return holm(out);
    }

    /**
     * Adjusts every comparison of a family with Holm–Bonferroni, in place; the untested ones
     * (p NaN) stay out of the family.
     *
     * @param family row → column → comparison, every entry one member of the family
     * @return {@code family}
     */
    static Map<String, Map<String, SeedDifference>> holm(Map<String, Map<String, SeedDifference>> family) {
        List<Map<String, SeedDifference>> rows = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        List<Double> p = new ArrayList<>();
        family.values().forEach(row -> row.forEach((column, d) -> {
            rows.add(row);
            columns.add(column);
            p.add(d.p());
        }));
        double[] adjusted = HolmBonferroni.adjust(p.stream().mapToDouble(Double::doubleValue).toArray());
        for (int i = 0; i < adjusted.length; i++) {
            rows.get(i).put(columns.get(i), rows.get(i).get(columns.get(i)).withAdjustedP(adjusted[i]));
        }
        return family;
    }
}
