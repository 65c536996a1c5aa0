package io.github.prefine.core.grid;

import io.github.prefine.eval.report.Cell;
import io.github.prefine.eval.report.ReportLayout;
import io.github.prefine.eval.report.Table;
import io.github.prefine.eval.report.TableWriter;
import io.github.prefine.eval.report.Tables;
import io.github.prefine.eval.stats.SeedDifference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The paper's three claims, checked on a run's tables, each line with a verdict either way:
 * {@link #relatedness} (for each target group G, does pre-finetuning on G alone beat each other
 * single group on G's targets?), {@link #multiTask} (does pre-finetuning on all groups beat the
 * baseline and each single group on average?) and {@link #stability} (do multi-task settings have
 * a lower average std over seeds than the baseline?). A row whose settings average different
 * numbers of targets (a failed or unfinished sweep) gets no verdict either way, as its cells
 * compare averages over different targets; the stability verdict, read off Table 1, also gives
 * none where the stds are of as many targets but not the same ones, and so do the relatedness
 * and multi-task verdicts where they are given Table 1 and the layout (the overloads that take
 * them; Table 2 alone says how many targets a cell averages, not which). {@link #significance} adds, beyond the paper, how many
 * targets each setting changes by more than seed noise. Stateless.
 *
 * <p>Stateless and thread-safe.
 */
public final class Verdicts {
    /** Rounds as the tables beside these lines do, so a line and its table show the same digits. */
    private static final TableWriter ONE_DECIMAL = TableWriter.withDecimals(1);

    private Verdicts() {}

    /** A value with one decimal, as {@code reproduce}'s one-decimal Markdown tables print it. */
    private static String score(double v) {
        return ONE_DECIMAL.format(Cell.of(v));
    }

    /**
     * One verdict per group that has targets, its own {@code Only-} setting and at least one other.
     *
     * @param table2 Table 2
     * @return lines such as {@code SL targets: Only-SL 71.2 > Only-C 55.0, Only-QA 60.1 — related
     *     pre-finetuning wins}; "not comparable" instead of a verdict where the row's settings average
     *     different numbers of targets, as Table 2's title counts them (settings lacking different
     *     targets of one count are not told apart: {@link #relatedness(Table, Table, ReportLayout)}
     *     does)
     */
    public static List<String> relatedness(Table table2) {
        return relatedness(table2, byCounts(table2));
    }

    /**
     * The relatedness verdicts as {@link #relatedness(Table)}, with no verdict either way where the
     * row's settings average different targets, even as many: Table 1 and the layout say which
     * targets each cell of Table 2 averages ({@link Tables#averagedTargets}).
     *
     * @param table1 the Table 1 that {@code table2} was made from
     * @param table2 Table 2
     * @param layout the layout the tables were made with, which says each target's group
     * @return the lines, as {@link #relatedness(Table)}; "not comparable" where the targets differ
     */
    public static List<String> relatedness(Table table1, Table table2, ReportLayout layout) {
        return relatedness(table2, byTargets(table1, layout));
    }

    private static List<String> relatedness(Table table2, Coverage coverage) {
        List<String> singles = new ArrayList<>();
        for (String c : table2.columns()) {
            if (isSingle(c)) {
                singles.add(c);
            }
        }
        List<String> lines = new ArrayList<>();
        for (Table.Row row : table2.rows()) {
            String group = row.label();
            String own = "Only-" + group;
            if (group.equals(Tables.AVERAGE) || !singles.contains(own)) {
                continue;
            }
            Cell mine = table2.cell(group, own);
            if (mine.isEmpty()) {
                continue;
            }
            List<String> others = new ArrayList<>();
            boolean wins = true;
            for (String s : singles) {
                Cell c = table2.cell(group, s);
                if (s.equals(own) || c.isEmpty()) {
                    continue;
                }
                others.add(s + " " + score(c.value()));
                wins &= mine.value() > c.value();
            }
            if (others.isEmpty()) {
                continue;
            }
            String notComparable = coverage.notComparable(group, group + " targets");
            if (notComparable != null) {
                lines.add(String.format(Locale.ROOT, "%s targets: %s %s, %s — %s", group, own, score(mine.value()),
                        String.join(", ", others), notComparable));
                continue;
            }
            lines.add(String.format(Locale.ROOT, "%s targets: %s %s %s %s — %s", group, own, score(mine.value()),
                    wins ? ">" : "does not beat all of", String.join(", ", others),
                    wins ? "related pre-finetuning wins" : "related pre-finetuning does NOT win in this run"));
        }
        return lines;
    }

    /**
     * Whether pre-finetuning on all groups (the setting of the most groups, of those pre-finetuned
     * on two or more: a partial setting's groups without data do not count) beats the baseline and
     * each single-group setting on Table 2's average over all targets.
     *
     * @param table2 Table 2
     * @return one line such as {@code Average: SL+QA+C 64.0 > Baseline 40.0, Only-SL 45.0 — multi-task
     *     pre-finetuning wins}, or none when the table has no such setting or nothing to compare;
     *     "not comparable" instead of a verdict where the settings average different numbers of
     *     targets, as Table 2's title counts them (settings lacking different targets of one count
     *     are not told apart: {@link #multiTask(Table, Table, ReportLayout)} does)
     */
    public static List<String> multiTask(Table table2) {
        return multiTask(table2, byCounts(table2));
    }

    /**
     * The multi-task verdict as {@link #multiTask(Table)}, with no verdict either way where the
     * settings average different targets, even as many ({@link Tables#averagedTargets}).
     *
     * @param table1 the Table 1 that {@code table2} was made from
     * @param table2 Table 2
     * @param layout the layout the tables were made with
     * @return the line, as {@link #multiTask(Table)}; "not comparable" where the targets differ
     */
    public static List<String> multiTask(Table table1, Table table2, ReportLayout layout) {
        return multiTask(table2, byTargets(table1, layout));
    }

    private static List<String> multiTask(Table table2, Coverage coverage) {
        String all = null;
        int most = 1;
        for (String c : table2.columns()) {
            int n = groupCount(c);
            if (n > most && isMultiTask(c)) {
                most = n;
                all = c;
            }
        }
        if (all == null || table2.cell(Tables.AVERAGE, all).isEmpty()) {
            return List.of();
        }
        double mine = table2.cell(Tables.AVERAGE, all).value();
        List<String> others = new ArrayList<>();
        boolean wins = true;
        for (String c : table2.columns()) {
            Cell cell = table2.cell(Tables.AVERAGE, c);
            if ((c.equals(Setting.BASELINE) || isSingle(c)) && !cell.isEmpty()) {
                others.add(c + " " + score(cell.value()));
                wins &= mine > cell.value();
            }
        }
        if (others.isEmpty()) {
            return List.of();
        }
        String notComparable = coverage.notComparable(Tables.AVERAGE, "targets");
        if (notComparable != null) {
            return List.of(String.format(Locale.ROOT, "Average: %s %s, %s — %s", all, score(mine), String.join(", ", others),
                    notComparable));
        }
        return List.of(String.format(Locale.ROOT, "Average: %s %s %s %s — %s", all, score(mine),
                wins ? ">" : "does not beat all of", String.join(", ", others),
                wins ? "multi-task pre-finetuning wins" : "multi-task pre-finetuning does NOT win in this run"));
    }

    /**
     * Whether every multi-task setting (two or more groups with data: {@code SL+QA (no QA data)} is
     * none) has a lower average std over seeds than the baseline, on Table 1's {@value
     * Tables#AVERAGE_STD} row.
     *
     * @param table1 Table 1
     * @return one line such as {@code Average std: Baseline 2.1; SL+C 1.5, SL+QA+C 1.2 — multi-task
     *     pre-finetuning lowers it}, or none when the baseline or every multi-task std is missing; the
     *     line says "not comparable" instead of a verdict when a multi-task setting's stds are not of
     *     the same targets as the baseline's
     */
    public static List<String> stability(Table table1) {
        if (!table1.columns().contains(Setting.BASELINE) || table1.cell(Tables.AVERAGE_STD, Setting.BASELINE).isEmpty()) {
            return List.of();
        }
        double base = table1.cell(Tables.AVERAGE_STD, Setting.BASELINE).value();
        List<String> multi = new ArrayList<>();
        boolean lower = true;
        for (String c : table1.columns()) {
            Cell cell = table1.cell(Tables.AVERAGE_STD, c);
            if (isMultiTask(c) && !cell.isEmpty()) {
                multi.add(c + " " + score(cell.value()));
                lower &= cell.value() < base;
            }
        }
        if (multi.isEmpty()) {
            return List.of();
        }
        List<String> baseTargets = stdTargets(table1, Setting.BASELINE);
        List<List<String>> multiTargets = table1.columns().stream()
                .filter(c -> isMultiTask(c) && !table1.cell(Tables.AVERAGE_STD, c).isEmpty())
                .map(c -> stdTargets(table1, c)).toList();
        String notComparable = null;
        if (multiTargets.stream().anyMatch(t -> t.size() != baseTargets.size())) {
            notComparable = notComparable("targets", "Table 1's stds");
        } else if (multiTargets.stream().anyMatch(t -> !t.equals(baseTargets))) {
            // as many targets, but not the same: stds of two targets compare no more than stds of two counts
            notComparable = "not comparable in this run: the settings' stds are of different targets (Table 1's"
                    + " stds), as some runs failed or are not done";
        }
        if (notComparable != null) {
            return List.of(String.format(Locale.ROOT, "Average std: %s %s; %s — %s", Setting.BASELINE, score(base),
                    String.join(", ", multi), notComparable));
        }
        return List.of(String.format(Locale.ROOT, "Average std: %s %s; %s — %s", Setting.BASELINE, score(base),
                String.join(", ", multi), lower ? "multi-task pre-finetuning lowers it"
                        : "multi-task pre-finetuning does NOT lower it in this run"));
    }

    /**
     * Per setting, how many targets differ significantly from the baseline on Table 1: its cells'
     * comparisons ({@link Cell#vsBaseline()}), a two-sided t-test over seeds with Holm–Bonferroni
     * over all tested cells of the table. An addition beyond the paper's claims, which rest on
     * means alone; printed after them.
     *
     * @param table1 Table 1, with comparisons as {@link Tables#table1} makes them or its JSON
     *     holds them
     * @return one line per setting with compared cells, such as {@code SL+QA+C vs Baseline: 4 of 5
     *     targets tested, Holm-adjusted p ≤ 0.05 over 30 tests — 2 significantly higher, 0 lower}, the
     *     level being the one the comparisons carry ({@link SeedDifference#alpha()});
     *     none when no cell was compared (a table written before comparisons, or no baseline runs)
     */
    public static List<String> significance(Table table1) {
        int family = 0;
        java.util.Set<Double> levels = new java.util.TreeSet<>();
        for (Table.Row r : table1.rows()) {
            for (Cell c : r.cells()) {
                family += c.vsBaseline() != null && c.vsBaseline().tested() ? 1 : 0;
                if (c.vsBaseline() != null) {
                    levels.add(c.vsBaseline().alpha());
                }
            }
        }
        String level = String.join(" or ", levels.stream().map(String::valueOf).toList());
        List<String> lines = new ArrayList<>();
        for (int col = 0; col < table1.columns().size(); col++) {
            int compared = 0;
            int tested = 0;
            int higher = 0;
            int lower = 0;
            for (Table.Row r : table1.rows()) {
                SeedDifference d = r.cells().get(col).vsBaseline();
                if (d == null) {
                    continue;
                }
                compared++;
                tested += d.tested() ? 1 : 0;
                if (d.significant()) {
                    higher += d.difference() > 0 ? 1 : 0;
                    lower += d.difference() < 0 ? 1 : 0;
                }
            }
            if (compared == 0) {
                continue;
            }
            String subject = table1.columns().get(col) + " vs " + Setting.BASELINE;
            if (tested == 0) {
                lines.add(String.format(Locale.ROOT, "%s: 0 of %d targets tested (a t-test needs two seeds on each"
                        + " side and some variance) — no test", subject, compared));
                continue;
            }
            lines.add(String.format(Locale.ROOT, "%s: %d of %d targets tested, Holm-adjusted p ≤ %s over %d tests — %d"
                    + " significantly higher, %d significantly lower", subject, tested, compared, level, family,
                    higher, lower));
        }
        return lines;
    }

    /** The targets whose Table 1 cells in a column have a std, in row order: what its Average Std. Dev. averages. */
    private static List<String> stdTargets(Table table1, String column) {
        int c = table1.columns().indexOf(column);
        return table1.rows().stream().filter(r -> !r.label().equals(Tables.AVERAGE) && !r.label().equals(Tables.AVERAGE_STD))
                .filter(r -> r.cells().get(c).hasStd()).map(Table.Row::label).toList();
    }

    /** Why a Table 2 row's cells are no like-for-like comparison, or null where they are. */
    @FunctionalInterface
    private interface Coverage {
        /** The reason, naming {@code what} the row averages ("SL targets"), or null. */
        String notComparable(String row, String what);
    }

    /** Coverage by the counts Table 2's title gives: blind to different targets of one count. */
    private static Coverage byCounts(Table table2) {
        return (row, what) -> Tables.averagesDifferentTargetCounts(table2, row) ? notComparable(what, "Table 2's title")
                : null;
    }

    /** Coverage by the targets each cell averages, which Table 1 and the layout tell. */
    private static Coverage byTargets(Table table1, ReportLayout layout) {
        return (row, what) -> {
            List<List<String>> covered = table1.columns().stream()
                    .map(c -> Tables.averagedTargets(table1, layout, row, c)).filter(t -> !t.isEmpty()).toList();
            if (covered.stream().map(List::size).distinct().count() > 1) {
                return notComparable(what, "Table 2's title");
            }
            if (covered.stream().distinct().count() > 1) {
                // as many targets, but not the same: T1 against T2 is no more like for like than T1 against both
                return "not comparable in this run: the settings average different " + what + " of one count"
                        + " (Table 1's cells), as some runs failed or are not done";
            }
            return null;
        };
    }

    /** The verdict of a row whose settings average different targets: none either way. */
    private static String notComparable(String what, String where) {
        return "not comparable in this run: the settings average different numbers of " + what
                + " (" + where + "), as some runs failed or are not done";
    }

    /**
     * The number of groups a setting column names ({@link Setting#parse}): 0 for the baseline, 1
     * for Only-G, 3 for SL+QA+C (no QA data). A column the grid names no setting (a hand-made
     * table's) counts by its '+', as no group name holds one.
     */
    private static int groupCount(String column) {
        try {
            return Setting.parse(column).groups().size();
        } catch (IllegalArgumentException notASettingName) {
            return 1 + (int) column.chars().filter(ch -> ch == '+').count();
        }
    }

    /**
     * Whether a setting column was pre-finetuned on two or more groups: a partial setting counts
     * those with data ({@link Setting#groupsWithData}), as {@code SL+QA (no QA data)} ran SL's
     * tasks alone, those of Only-SL.
     */
    private static boolean isMultiTask(String column) {
        try {
            return Setting.parse(column).groupsWithData().size() >= 2;
        } catch (IllegalArgumentException notASettingName) {
            return groupCount(column) >= 2;
        }
    }

    /** Whether a setting column is a single group's (Only-G): "Only-X+C" is two groups, Only-X and C. */
    private static boolean isSingle(String column) {
        return column.startsWith("Only-") && groupCount(column) == 1;
    }
}
