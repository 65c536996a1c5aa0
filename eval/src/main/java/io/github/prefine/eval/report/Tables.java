package io.github.prefine.eval.report;

import io.github.prefine.eval.evaluator.SeedSummary;
import io.github.prefine.eval.evaluator.StdKind;
import io.github.prefine.eval.internal.NumpySum;
import io.github.prefine.eval.stats.SeedDifference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the paper's tables from a results log.
 *
 * <ul>
 *   <li>{@link #table1}: rows are targets, columns settings; each cell is mean ± std over seeds,
 *       closed by "Average" (mean of the column's cell means) and "Average Std. Dev." (mean of the
 *       column's stds). Each target cell of a setting also carries its comparison with the
 *       baseline's cell ({@link BaselineComparisons}), which the writers mark when significant.
 *   <li>{@link #table2}: per setting, the mean of Table 1's cell means over each group's targets,
 *       and over all targets ("Average"); its title says how many targets each row averages. Made
 *       with the results log as well, each cell of a setting carries its comparison with the
 *       baseline's cell of the row ({@link GroupComparisons}).
 *   <li>{@link #costTable}: seconds and examples per pre-finetuning epoch per setting, and seconds
 *       relative to the most expensive setting.
 * </ul>
 *
 * <p>Missing runs leave cells empty and averages cover the cells present, so a partial grid still
 * reports. Averages are means in row order, summed as NumPy's {@code np.mean} sums them (pairwise,
 * not left to right from eight values on), so that a NumPy recomputation prints the same digits.
 *
 * <p>Stateless and thread-safe.
 */
public final class Tables {
    /** Label of Table 1's and Table 2's mean row. */
    public static final String AVERAGE = "Average";
    /** Label of Table 1's mean-of-std row. */
    public static final String AVERAGE_STD = "Average Std. Dev.";
    /** Table 1's corner, the header of its row labels. */
    static final String TARGET = "Target";
    /** Table 2's corner, the header of its row labels. */
    static final String GROUP = "Group";
    /** The cost table's columns of seconds and of their ratio: measurements, which print with decimals. */
    static final String SECONDS = "Seconds / epoch";
    /** See {@link #SECONDS}. */
    static final String RELATIVE_COST = "Relative cost";
    /** Where Table 2's title lists each row's count of targets averaged. */
    private static final String TARGETS_AVERAGED = "targets averaged: ";
    /** A count of targets that differs between settings, as {@link #targetCount} writes it: "1-2 of 2". */
    private static final String DIFFERENT_COUNTS = "\\d+-\\d+ of \\d+";
    /** A count of targets as {@link #targetCount} writes it, followed by the next entry or the title's end. */
    private static final java.util.regex.Pattern COUNT = java.util.regex.Pattern.compile(
            "(?:" + DIFFERENT_COUNTS + "|\\d+ of \\d+|\\d+)(?=, |; |$)");

    private Tables() {}

    /**
     * Table 1: mean ± std per target and setting. A cell of one seed has no sample std (not 0), and
     * the "Average Std. Dev." row averages the cells that have one. Where cells average different
     * numbers of seeds, the title names those with fewer than the most ("seeds per cell: 3, but 2
     * for cb under Only-SL"), and says when the settings' "Average" cells cover different numbers of
     * targets ("Average row over 1-2 of 2 targets"). Each target cell of a setting with runs on both
     * sides carries its comparison with the baseline ({@link Cell#vsBaseline()}, {@link
     * BaselineComparisons}), Holm-adjusted over all the table's tested cells.
     *
     * The comparisons are judged at the level {@value SeedDifference#ALPHA}.
     *
     * @param results the loaded log
     * @param layout row and column order
     * @param kind sample (n - 1) or population standard deviation
     * @return the table
     */
    public static Table table1(ResultSet results, ReportLayout layout, StdKind kind) {
        return table1(results, layout, kind, SeedDifference.ALPHA);
    }

    /**
     * Table 1 as {@link #table1(ResultSet, ReportLayout, StdKind)}, its comparisons with the
     * baseline judged at a given significance level.
     *
     * @param results the loaded log
     * @param layout row and column order
     * @param kind sample (n - 1) or population standard deviation
     * @param alpha the level a Holm-adjusted p-value is judged at, in (0, 1)
     * @return the table
     * @throws IllegalArgumentException if alpha is outside (0, 1)
     */
    public static Table table1(ResultSet results, ReportLayout layout, StdKind kind, double alpha) {
        Objects.requireNonNull(kind, "kind");
        Map<String, Map<String, List<Double>>> values = group(results, layout);
        Map<String, Map<String, SeedDifference>> tests = BaselineComparisons.of(results, layout, alpha);
        Map<String, Map<String, Cell>> cells = new LinkedHashMap<>();
        for (String target : layout.targets()) {
            Map<String, Cell> row = new LinkedHashMap<>();
            for (String setting : layout.settings()) {
                List<Double> v = values.get(setting).get(target);
                if (v != null && !v.isEmpty()) {
                    SeedSummary s = SeedSummary.of(v, kind);
                    // the sample std of one value is undefined (SeedSummary): such a cell shows its mean only
                    Cell c = s.hasStd() ? Cell.of(s.mean(), s.std()) : Cell.of(s.mean());
                    row.put(setting, c.withVsBaseline(tests.getOrDefault(target, Map.of()).get(setting)));
                }
            }
            cells.put(target, row);
        }
        Table t = table1OfCells(cells, layout,
                kind == StdKind.SAMPLE ? "sample std, n-1" : "population std, n");
        return new Table(t.title() + seedNote(values, layout) + averageNote(t, layout) + precisionNote(results),
                t.corner(), t.columns(), t.rows());
    }

    /**
     * "; Average row over 1-2 of 2 targets" when the settings' "Average" cells cover different
     * numbers of targets (a sweep failed or is not done), as Table 2's title counts its rows; empty
     * when every setting's average covers the same number.
     */
    private static String averageNote(Table table1, ReportLayout layout) {
        String count = targetCount(table1, layout.targets());
        return count.matches(DIFFERENT_COUNTS) ? "; " + AVERAGE + " row over " + count + " targets" : "";
    }

    /** Cells of fewer seeds named in Table 1's title, at most this many; the rest are counted. */
    private static final int SEED_NOTE_CELLS = 3;

    /**
     * "; seeds per cell: 3, but 2 for cb under Only-SL" when the cells average different numbers of
     * seeds (a seed's sweep failed, or a run is still under way), so that a mean over fewer seeds is
     * not read as one over all; empty when every non-empty cell has the same count.
     */
    private static String seedNote(Map<String, Map<String, List<Double>>> values, ReportLayout layout) {
        int most = 0;
        for (String target : layout.targets()) {
            for (String setting : layout.settings()) {
                List<Double> v = values.get(setting).get(target);
                most = Math.max(most, v == null ? 0 : v.size());
            }
        }
        List<String> fewer = new ArrayList<>();
        for (String target : layout.targets()) {
            for (String setting : layout.settings()) {
                List<Double> v = values.get(setting).get(target);
                if (v != null && !v.isEmpty() && v.size() < most) {
                    fewer.add(v.size() + " for " + target + " under " + setting);
                }
            }
        }
        if (fewer.isEmpty()) {
            return "";
        }
        String listed = String.join(", ", fewer.subList(0, Math.min(SEED_NOTE_CELLS, fewer.size())));
        return "; seeds per cell: " + most + ", but " + listed
                + (fewer.size() > SEED_NOTE_CELLS ? " and " + (fewer.size() - SEED_NOTE_CELLS) + " more cells" : "");
    }

    /**
     * The training precision and protocol of the runs, for a title: "; trained in fp32; protocol:
     * ..." or the lists when they differ.
     */
    private static String precisionNote(ResultSet results) {
        java.util.Set<String> p = new java.util.TreeSet<>();
        results.runs().forEach(r -> p.add(r.precision()));
        if (p.isEmpty()) {
            return "";
        }
        java.util.Set<String> protocols = new java.util.TreeSet<>();
        results.runs().forEach(r -> protocols.add(r.protocol()));
        String trained = "; trained in " + String.join(" and ", p) + (p.size() > 1 ? " (mixed)" : "");
        if (protocols.equals(java.util.Set.of(RunRecord.UNRECORDED))) {
            return trained;
        }
        return trained + "; protocol: " + String.join(" | ", protocols) + (protocols.size() > 1 ? " (mixed)" : "");
    }

    /**
     * Table 1 from cells already summarised (mean and std per target and setting), for example a
     * published table typed in by hand; adds the "Average" and "Average Std. Dev." rows.
     *
     * @param cells target → setting → cell; a missing entry is an empty cell
     * @param layout row and column order
     * @param stdNote what the std is, for the title (for example {@code sample std, n-1})
     * @return the table
     */
    public static Table table1OfCells(Map<String, Map<String, Cell>> cells, ReportLayout layout, String stdNote) {
        List<Table.Row> rows = new ArrayList<>();
        for (String target : layout.targets()) {
            Map<String, Cell> row = cells.getOrDefault(target, Map.of());
            List<Cell> line = new ArrayList<>();
            for (String setting : layout.settings()) {
                line.add(row.getOrDefault(setting, Cell.empty()));
            }
            rows.add(new Table.Row(target, line));
        }
        List<Cell> avg = new ArrayList<>();
        List<Cell> avgStd = new ArrayList<>();
        for (int c = 0; c < layout.settings().size(); c++) {
            List<Double> means = new ArrayList<>();
            List<Double> stds = new ArrayList<>();
            for (Table.Row r : rows) {
                Cell cell = r.cells().get(c);
                if (!cell.isEmpty()) {
                    means.add(cell.value());
                    if (cell.hasStd()) {
                        stds.add(cell.std());
                    }
                }
            }
            avg.add(meanCell(means));
            avgStd.add(meanCell(stds));
        }
        boolean anyStd = avgStd.stream().anyMatch(c -> !c.isEmpty());
        boolean anyValue = avg.stream().anyMatch(c -> !c.isEmpty());
        rows.add(new Table.Row(AVERAGE, avg));
        rows.add(new Table.Row(AVERAGE_STD, avgStd));
        String title = "Table 1: target-task score per pre-finetuning setting ("
                + (anyStd || !anyValue ? "mean ± " + stdNote + " over seeds)" : "one seed per cell, so no std)");
        return new Table(title, TARGET, layout.settings(), rows);
    }

    /**
     * Table 2: per setting, the average over each group's targets and over all targets, with the
     * average of those targets' stds over seeds (as Table 1's "Average Std. Dev." row).
     *
     * @param table1 a table made by {@link #table1}
     * @param layout the layout it was made with
     * @return the table
     */
    public static Table table2(Table table1, ReportLayout layout) {
        List<Table.Row> rows = new ArrayList<>();
        for (String group : layout.groups()) {
            rows.add(new Table.Row(group, columnMeans(table1, layout, layout.targetsOf(group))));
        }
        rows.add(new Table.Row(AVERAGE, columnMeans(table1, layout, layout.targets())));
        boolean anyStd = rows.stream().flatMap(r -> r.cells().stream()).anyMatch(Cell::hasStd);
        int trained = table1.title().lastIndexOf("; trained in ");
        List<String> counts = new ArrayList<>();
        for (String group : layout.groups()) {
            counts.add(group + " " + targetCount(table1, layout.targetsOf(group)));
        }
        counts.add(AVERAGE + " " + targetCount(table1, layout.targets()));
        return new Table("Table 2: average score per target group and setting"
                + (anyStd ? " (± the average std over seeds of its targets)" : "")
                + "; " + TARGETS_AVERAGED + String.join(", ", counts)
                + (trained < 0 ? "" : table1.title().substring(trained)), GROUP, table1.columns(), rows);
    }

    /**
     * Table 2 as {@link #table2(Table, ReportLayout)}, each cell of a setting other than the
     * baseline carrying its comparison with the baseline's cell of the same row ({@link
     * GroupComparisons}: a t-test over per-seed averages of the row's targets, paired by seed where
     * every target ran the same seeds under both settings, Holm-adjusted over Table 2's own tested
     * cells). The values, stds and title are those of {@link #table2(Table, ReportLayout)}.
     *
     * @param table1 a table made by {@link #table1} from {@code results}
     * @param results the loaded log Table 1 was made from
     * @param layout the layout it was made with
     * @param alpha the level a Holm-adjusted p-value is judged at, in (0, 1)
     * @return the table
     * @throws IllegalArgumentException if alpha is outside (0, 1)
     */
    public static Table table2(Table table1, ResultSet results, ReportLayout layout, double alpha) {
        Map<String, Map<String, SeedDifference>> tests = GroupComparisons.of(results, layout, alpha);
        Table t = table2(table1, layout);
        List<Table.Row> rows = new ArrayList<>();
        for (Table.Row r : t.rows()) {
            Map<String, SeedDifference> row = tests.getOrDefault(r.label(), Map.of());
            List<Cell> cells = new ArrayList<>();
            for (int c = 0; c < t.columns().size(); c++) {
                Cell cell = r.cells().get(c);
                cells.add(cell.isEmpty() ? cell : cell.withVsBaseline(row.get(t.columns().get(c))));
            }
            rows.add(new Table.Row(r.label(), cells));
        }
        return new Table(t.title(), t.corner(), t.columns(), rows);
    }

    /**
     * Tells whether the settings of a Table 2 row average different numbers of targets, as its
     * title says with a range ("SL 1-2 of 2"): a sweep that failed or is not done yet leaves one
     * setting's average over fewer targets, and the row's cells are then no like-for-like
     * comparison. (Two settings lacking different targets of one count are not told apart here, as
     * the table does not say which targets a group holds; {@link #averagedTargets} tells them apart
     * given Table 1 and the layout.)
     *
     * @param table2 a table made by {@link #table2}, or read back from its JSON
     * @param row a group or {@value #AVERAGE}
     * @return true when the counts differ
     */
    public static boolean averagesDifferentTargetCounts(Table table2, String row) {
        String title = table2.title();
        int at = title.indexOf(TARGETS_AVERAGED);
        if (at < 0) {
            return false;
        }
        // the counts follow the rows in order, "<label> <count>" joined by ", ": read by the rows' own
        // labels, as a group's name may hold " ", ", " and "; " (in "QA, SL 1-2 of 2, SL 2" the entry of
        // "SL" is the second, and "QA; old 2" does not end the list)
        java.util.regex.Matcher count = COUNT.matcher(title);
        int p = at + TARGETS_AVERAGED.length();
        for (Table.Row r : table2.rows()) {
            String entry = (p == at + TARGETS_AVERAGED.length() ? "" : ", ") + r.label() + " ";
            if (!title.startsWith(entry, p) || !count.region(p + entry.length(), title.length()).lookingAt()) {
                return false;
            }
            if (r.label().equals(row)) {
                return count.group().matches(DIFFERENT_COUNTS);
            }
            p = count.end();
        }
        return false;
    }

    /**
     * The targets a Table 2 cell averages: those of its row (a group's targets, or every target for
     * {@value #AVERAGE}) whose Table 1 cell under the setting is not empty, in row order. Two cells
     * of a row compare like for like only where these are the same; their counts alone ({@link
     * #averagesDifferentTargetCounts}) miss two settings lacking different targets.
     *
     * @param table1 a table made by {@link #table1}, or read back from its JSON
     * @param layout the layout it was made with, which says each target's group
     * @param row a group or {@value #AVERAGE}
     * @param setting a column of Table 1
     * @return the targets, empty when the setting has none of the row's
     */
    public static List<String> averagedTargets(Table table1, ReportLayout layout, String row, String setting) {
        List<String> targets = row.equals(AVERAGE) ? layout.targets() : layout.targetsOf(row);
        if (!table1.columns().contains(setting)) {
            return List.of();
        }
        List<String> rows = table1.rows().stream().map(Table.Row::label).toList();
        return targets.stream().filter(rows::contains).filter(t -> !table1.cell(t, setting).isEmpty()).toList();
    }

    /**
     * How many of a row's targets its non-empty cells average: "4", "3 of 4" when some targets have
     * no result (no data, or not run yet), "1-2 of 2" when the settings' cells average different
     * numbers, so that a row averaging fewer targets says so.
     */
    private static String targetCount(Table table1, List<String> targets) {
        long min = Long.MAX_VALUE;
        long max = 0;
        for (String setting : table1.columns()) {
            long n = targets.stream().filter(t -> !table1.cell(t, setting).isEmpty()).count();
            if (n > 0) {
                min = Math.min(min, n);
                max = Math.max(max, n);
            }
        }
        if (max == targets.size() && min == max) {
            return Long.toString(max);
        }
        return (max == 0 ? "0" : min == max ? Long.toString(max) : min + "-" + max) + " of " + targets.size();
    }

    /**
     * The cost table: seconds and examples per pre-finetuning epoch, and cost relative to the
     * setting with the most seconds per epoch. Several records of one setting are averaged.
     *
     * @param results the loaded log
     * @param layout setting order; settings not in the layout follow in log order
     * @return the table
     */
    public static Table costTable(ResultSet results, ReportLayout layout) {
        Map<String, double[]> sums = new LinkedHashMap<>(); // seconds, examples, count
        for (String s : layout.settings()) {
            sums.put(s, null);
        }
        for (CostRecord c : results.costs()) {
            double[] a = sums.get(c.setting());
            if (a == null) {
                a = new double[3];
                sums.put(c.setting(), a);
            }
            a[0] += c.secondsPerEpoch();
            a[1] += c.examplesPerEpoch();
            a[2]++;
        }
        sums.values().removeIf(Objects::isNull);
        double max = 0;
        for (double[] a : sums.values()) {
            max = Math.max(max, a[0] / a[2]);
        }
        List<Table.Row> rows = new ArrayList<>();
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            double[] a = e.getValue();
            double sec = a[0] / a[2];
            rows.add(new Table.Row(e.getKey(),
                    List.of(Cell.of(sec), Cell.of(a[1] / a[2]), max > 0 ? Cell.of(sec / max) : Cell.empty())));
        }
        return new Table("Pre-finetuning cost per epoch", "Setting",
                List.of(SECONDS, "Examples / epoch", RELATIVE_COST), rows);
    }

    private static List<Cell> columnMeans(Table t1, ReportLayout layout, List<String> targets) {
        List<Cell> cells = new ArrayList<>();
        for (String setting : t1.columns()) {
            List<Double> means = new ArrayList<>();
            List<Double> stds = new ArrayList<>();
            for (String target : targets) {
                Cell c = t1.cell(target, setting);
                if (!c.isEmpty()) {
                    means.add(c.value());
                    if (c.hasStd()) {
                        stds.add(c.std());
                    }
                }
            }
            Cell mean = meanCell(means);
            // as Table 1's "Average Std. Dev." row: the mean of the targets' stds over seeds
            cells.add(mean.isEmpty() || stds.isEmpty() ? mean : Cell.of(mean.value(), meanCell(stds).value()));
        }
        return cells;
    }

    private static Cell meanCell(List<Double> v) {
        if (v.isEmpty()) {
            return Cell.empty();
        }
        // np.mean's order, so the average rows read as a NumPy recomputation prints them
        return Cell.of(NumpySum.mean(v.stream().mapToDouble(Double::doubleValue).toArray()));
    }

    private static Map<String, Map<String, List<Double>>> group(ResultSet results, ReportLayout layout) {
        Map<String, Map<String, List<Double>>> out = new LinkedHashMap<>();
        for (String s : layout.settings()) {
            out.put(s, new LinkedHashMap<>());
        }
        for (RunRecord r : results.runs()) {
            Map<String, List<Double>> bySetting = out.get(r.setting());
            if (bySetting != null) {
                bySetting.computeIfAbsent(r.target(), k -> new ArrayList<>()).add(r.value());
            }
        }
        return out;
    }
}
