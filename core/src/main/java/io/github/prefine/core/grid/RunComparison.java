package io.github.prefine.core.grid;

import io.github.prefine.eval.report.Cell;
import io.github.prefine.eval.report.ReportLayout;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.ResultSet;
import io.github.prefine.eval.report.RunCellComparisons;
import io.github.prefine.eval.report.RunRecord;
import io.github.prefine.eval.report.Table;
import io.github.prefine.eval.report.TableReader;
import io.github.prefine.eval.report.Tables;
import io.github.prefine.eval.stats.SeedDifference;
import io.github.prefine.eval.stats.TestKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How far one finished run's tables are from another's: the differences of Table 2's cells (other
 * minus base, in points), the largest of them and of Table 1's target cells, whether the
 * verdicts ({@link Verdicts}) come out the same, and each run's count of targets per setting that
 * differ significantly from the baseline, and the Table 2 cells that average other targets in
 * the two runs ({@link #unevenCells()}). Made for questions such as "does mixed precision
 * learn like float32?" or "does the GPU reproduce the CPU's tables?"; cells are matched by row
 * label and column header, so runs of different grids compare on what they share. Given both
 * runs' per-seed scores ({@code results.jsonl}), it also tests per (target, setting) whether the
 * runs differ beyond seed noise ({@link RunCellComparisons}: paired by seed where both ran the same
 * seeds, Holm over the compared cells), and {@link #cellSummary()} counts the cells that do.
 *
 * <p>Immutable and thread-safe.
 */
public final class RunComparison {
    private static final Pattern TRAINED_IN = Pattern.compile("trained in ([\\w.-]+)");

    private final Table baseTable2;
    private final Table otherTable2;
    private final Table differences;
    private final Difference largest;
    private final Difference largestTable1;
    private final int compared;
    private final List<VerdictPair> verdicts;
    private final List<VerdictPair> significance;
    private final Coverage coverage;
    private final List<UnevenCell> unevenCells;
    /** Target → setting → other run against base run; null without both runs' per-seed scores. */
    private final Map<String, Map<String, SeedDifference>> cellTests;

    /**
     * One difference between the runs.
     *
     * @param row the row label (a group, or a target in Table 1)
     * @param column the setting
     * @param points other minus base
     */
    public record Difference(String row, String column, double points) {}

    /**
     * A Table 2 cell that both runs have but that averages other targets in one than in the other
     * (T1 and T2 in the base run, T1 alone in the other, whose T2 sweep failed): its difference
     * mixes a change of targets with a change of scores.
     *
     * @param row the Table 2 row, a group or {@value Tables#AVERAGE}
     * @param column the setting
     * @param baseTargets the targets the base run's cell averages
     * @param otherTargets the targets the other run's cell averages
     */
    public record UnevenCell(String row, String column, List<String> baseTargets, List<String> otherTargets) {
        /**
         * Copies the lists.
         *
         * @param row see the record description
         * @param column see the record description
         * @param baseTargets see the record description
         * @param otherTargets see the record description
         */
        public UnevenCell {
            baseTargets = List.copyOf(baseTargets);
            otherTargets = List.copyOf(otherTargets);
        }
    }

    /**
     * What only one of the runs has: such targets and settings are not compared, and where the
     * targets differ, Table 2's group rows average different targets in the two runs.
     *
     * @param targetsOnlyInBase Table 1 targets of the base run alone (a target whose row the other
     *     run left empty, as a target skipped for want of data, counts as the base run's alone)
     * @param targetsOnlyInOther Table 1 targets of the other run alone
     * @param settingsOnlyInBase settings (columns) of the base run alone
     * @param settingsOnlyInOther settings of the other run alone
     */
    public record Coverage(List<String> targetsOnlyInBase, List<String> targetsOnlyInOther,
            List<String> settingsOnlyInBase, List<String> settingsOnlyInOther) {
        /**
         * Copies the lists.
         *
         * @param targetsOnlyInBase see the record description
         * @param targetsOnlyInOther see the record description
         * @param settingsOnlyInBase see the record description
         * @param settingsOnlyInOther see the record description
         */
        public Coverage {
            targetsOnlyInBase = List.copyOf(targetsOnlyInBase);
            targetsOnlyInOther = List.copyOf(targetsOnlyInOther);
            settingsOnlyInBase = List.copyOf(settingsOnlyInBase);
            settingsOnlyInOther = List.copyOf(settingsOnlyInOther);
        }

        /**
         * Returns whether both runs have the same targets and settings.
         *
         * @return whether both runs have the same targets and settings
         */
        public boolean same() {
            return targetsOnlyInBase.isEmpty() && targetsOnlyInOther.isEmpty() && settingsOnlyInBase.isEmpty()
                    && settingsOnlyInOther.isEmpty();
        }
    }

    /**
     * One verdict of each run on the same question.
     *
     * @param subject what the verdict is about, such as {@code SL targets} or {@code Average}
     * @param base the base run's conclusion, or {@code none} where it draws none
     * @param other the other run's conclusion, or {@code none}
     */
    public record VerdictPair(String subject, String base, String other) {
        /**
         * Returns whether both runs conclude the same.
         *
         * @return whether both runs conclude the same
         */
        public boolean same() {
            return base.equals(other);
        }
    }

    private RunComparison(Table baseTable1, Table baseTable2, Table otherTable1, Table otherTable2,
            Map<String, Map<String, SeedDifference>> cellTests, ReportLayout baseLayout, ReportLayout otherLayout) {
        this.cellTests = cellTests == null ? null : unmodifiable(cellTests);
        List<UnevenCell> uneven = new ArrayList<>();
        this.baseTable2 = baseTable2;
        this.otherTable2 = otherTable2;
        List<Table.Row> rows = new ArrayList<>();
        Difference top = null;
        int n = 0;
        for (Table.Row r : baseTable2.rows()) {
            List<Cell> cells = new ArrayList<>();
            for (int c = 0; c < baseTable2.columns().size(); c++) {
                String column = baseTable2.columns().get(c);
                double d = difference(r.cells().get(c), otherTable2, r.label(), column);
                cells.add(Double.isNaN(d) ? Cell.empty() : Cell.of(d));
                if (!Double.isNaN(d)) {
                    List<String> baseTargets = averagedTargets(baseTable1, baseLayout, r.label(), column);
                    List<String> otherTargets = averagedTargets(otherTable1, otherLayout, r.label(), column);
                    if (baseTargets != null && otherTargets != null
                            && !new java.util.HashSet<>(baseTargets).equals(new java.util.HashSet<>(otherTargets))) {
                        uneven.add(new UnevenCell(r.label(), column, baseTargets, otherTargets));
                    }
                    n++;
                    if (top == null || Math.abs(d) > Math.abs(top.points())) {
                        top = new Difference(r.label(), column, d);
                    }
                }
            }
            rows.add(new Table.Row(r.label(), cells));
        }
        this.differences = new Table("Table 2, other minus base (points)", baseTable2.corner(), baseTable2.columns(),
                rows);
        this.largest = top;
        this.compared = n;
        this.unevenCells = List.copyOf(uneven);
        Difference top1 = null;
        for (Table.Row r : baseTable1.rows()) {
            if (r.label().equals(Tables.AVERAGE) || r.label().equals(Tables.AVERAGE_STD)) {
                continue;
            }
            for (int c = 0; c < baseTable1.columns().size(); c++) {
                String column = baseTable1.columns().get(c);
                double d = difference(r.cells().get(c), otherTable1, r.label(), column);
                if (!Double.isNaN(d) && (top1 == null || Math.abs(d) > Math.abs(top1.points()))) {
                    top1 = new Difference(r.label(), column, d);
                }
            }
        }
        this.largestTable1 = top1;
        // both runs judged alike: with the groups only where both have them, else two copies of one run
        // would differ in verdicts where the groups show settings lacking different targets of one count
        boolean groups = baseLayout != null && otherLayout != null;
        this.verdicts = pair(verdictsOf(baseTable1, baseTable2, groups ? baseLayout : null),
                verdictsOf(otherTable1, otherTable2, groups ? otherLayout : null));
        this.significance = pair(conclusions(Verdicts.significance(baseTable1)),
                conclusions(Verdicts.significance(otherTable1)));
        List<String> baseTargets = targets(baseTable1);
        List<String> otherTargets = targets(otherTable1);
        this.coverage = new Coverage(minus(baseTargets, otherTargets), minus(otherTargets, baseTargets),
                minus(baseTable2.columns(), otherTable2.columns()), minus(otherTable2.columns(), baseTable2.columns()));
    }

    /**
     * Compares two runs' tables.
     *
     * @param baseTable1 the base run's Table 1 (per target and setting)
     * @param baseTable2 the base run's Table 2 (per group and setting)
     * @param otherTable1 the other run's Table 1
     * @param otherTable2 the other run's Table 2
     * @return the comparison
     */
    public static RunComparison of(Table baseTable1, Table baseTable2, Table otherTable1, Table otherTable2) {
        return new RunComparison(Objects.requireNonNull(baseTable1, "baseTable1"),
                Objects.requireNonNull(baseTable2, "baseTable2"), Objects.requireNonNull(otherTable1, "otherTable1"),
                Objects.requireNonNull(otherTable2, "otherTable2"), null, null, null);
    }

    /**
     * Compares two runs' tables and their per-seed scores, judging every test at one level: the
     * cells of the two runs against each other ({@link #cellTests()}), and each run's Table 1
     * comparisons with its baseline ({@link #significance()}), whatever level their tables were
     * written with (Holm's adjusted p-values do not depend on the level).
     *
     * @param baseTable1 the base run's Table 1 (per target and setting)
     * @param baseTable2 the base run's Table 2 (per group and setting)
     * @param otherTable1 the other run's Table 1
     * @param otherTable2 the other run's Table 2
     * @param baseRuns the base run's per-seed scores, or null where it has none
     * @param otherRuns the other run's per-seed scores, or null where it has none
     * @param alpha the significance level, in (0, 1)
     * @return the comparison; without cell tests when either log is null, and then both runs'
     *     relatedness and multi-task verdicts judged by Table 2's counts of targets alone, as the
     *     four-table {@link #of(Table, Table, Table, Table)} judges them (with both logs, by which
     *     targets each cell averages)
     * @throws IllegalArgumentException if alpha is outside (0, 1), or a run names its target or group as a
     *     row the tables add ({@code Average}), naming the log ({@code baseRuns} or {@code otherRuns}) and the run
     */
    public static RunComparison of(Table baseTable1, Table baseTable2, Table otherTable1, Table otherTable2,
            ResultSet baseRuns, ResultSet otherRuns, double alpha) {
        SeedDifference.checkLevel("alpha", alpha);
        return new RunComparison(atLevel(Objects.requireNonNull(baseTable1, "baseTable1"), alpha),
                Objects.requireNonNull(baseTable2, "baseTable2"),
                atLevel(Objects.requireNonNull(otherTable1, "otherTable1"), alpha),
                Objects.requireNonNull(otherTable2, "otherTable2"),
                baseRuns == null || otherRuns == null ? null : RunCellComparisons.of(baseRuns, otherRuns, alpha),
                layoutOf(baseRuns, "baseRuns"), layoutOf(otherRuns, "otherRuns"));
    }

    /** Table 1 with every comparison judged at {@code alpha}. */
    private static Table atLevel(Table t, double alpha) {
        List<Table.Row> rows = new ArrayList<>();
        for (Table.Row r : t.rows()) {
            rows.add(new Table.Row(r.label(), r.cells().stream()
                    .map(c -> c.vsBaseline() == null ? c : c.withVsBaseline(c.vsBaseline().atLevel(alpha))).toList()));
        }
        return new Table(t.title(), t.corner(), t.columns(), rows);
    }

    /**
     * Compares the tables that two output folders of {@code demo} or {@code reproduce} hold
     * ({@code table1.json} and {@code table2.json}) at the level {@value SeedDifference#ALPHA}, as
     * {@link #between(Path, Path, double)}.
     *
     * @param base the base run's folder
     * @param other the other run's folder
     * @return the comparison
     * @throws NoSuchFileException naming the missing table when a folder has no tables yet
     * @throws IOException if a table cannot be read (file, JSON path, expected, found)
     */
    public static RunComparison between(Path base, Path other) throws IOException {
        return between(base, other, SeedDifference.ALPHA);
    }

    /**
     * Compares the tables that two output folders of {@code demo} or {@code reproduce} hold
     * ({@code table1.json} and {@code table2.json}) and, where both folders have their per-seed
     * scores ({@code results.jsonl}), their cells beyond seed noise; every test judged at {@code
     * alpha} ({@link #of(Table, Table, Table, Table, ResultSet, ResultSet, double)}).
     *
     * @param base the base run's folder
     * @param other the other run's folder
     * @param alpha the significance level, in (0, 1)
     * @return the comparison
     * @throws NoSuchFileException naming the missing table when a folder has no tables yet
     * @throws IOException if a table or a log cannot be read (file, JSON path or line, expected,
     *     found), or a log's run names its target or group as a row the tables add ({@code
     *     Average}; a {@link io.github.prefine.eval.report.MalformedResultsException} naming the file and line)
     */
    public static RunComparison between(Path base, Path other, double alpha) throws IOException {
        return of(read(base, "table1"), read(base, "table2"), read(other, "table1"), read(other, "table2"),
                runs(base), runs(other), alpha);
    }

    /**
     * The folder's per-seed scores, null when it has no {@code results.jsonl}. A run whose target or
     * group is named as a row the tables add (a log written before {@link ReportLayout} refused
     * them) is refused here, naming the file and line, not by the layout made of it, which named neither.
     */
    private static ResultSet runs(Path dir) throws IOException {
        Path log = dir.resolve(RESULTS);
        return Files.isRegularFile(log) ? ResultLog.load(log, r -> ReportLayout.builder().addTarget(r.target(), r.group()))
                : null;
    }

    /** The per-seed scores of a grid's output folder ({@link GridLayout#results()}). */
    public static final String RESULTS = "results.jsonl";

    private static Table read(Path dir, String name) throws IOException {
        Path file = dir.resolve(name + ".json");
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no " + name + ".json: expected the output folder of a"
                    + " finished demo or reproduce run");
        }
        return TableReader.read(file);
    }

    /**
     * Returns Table 2's differences, other minus base, laid out as the base run's Table 2; a cell is
     * empty where either run has no value.
     *
     * @return Table 2's differences, other minus base, laid out as the base run's Table 2
     */
    public Table table2Differences() {
        return differences;
    }

    /**
     * Returns the Table 2 cell that differs most, if any cell is in both runs.
     *
     * @return the Table 2 cell that differs most, if any cell is in both runs
     */
    public Optional<Difference> largest() {
        return Optional.ofNullable(largest);
    }

    /**
     * Returns the Table 1 target cell that differs most (the average rows left out), if any.
     *
     * @return the Table 1 target cell that differs most (the average rows left out), if any
     */
    public Optional<Difference> largestTable1() {
        return Optional.ofNullable(largestTable1);
    }

    /**
     * Returns the number of Table 2 cells that both runs have.
     *
     * @return the number of Table 2 cells that both runs have
     */
    public int cellsCompared() {
        return compared;
    }

    /**
     * Counts the Table 2 cells whose difference is at most {@code points} either way.
     *
     * @param points the tolerance, in points
     * @return how many of {@link #cellsCompared()} are within it
     */
    public int cellsWithin(double points) {
        int n = 0;
        for (Table.Row r : differences.rows()) {
            for (Cell c : r.cells()) {
                if (!c.isEmpty() && Math.abs(c.value()) <= points) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Returns both runs' verdicts, paired by subject, in the base run's order.
     *
     * @return both runs' verdicts, paired by subject, in the base run's order
     */
    public List<VerdictPair> verdicts() {
        return verdicts;
    }

    /**
     * Returns both runs' counts of targets that differ significantly from the baseline, per
     * setting ({@link Verdicts#significance}), paired by setting; empty when neither run's Table 1
     * carries comparisons (tables written before them).
     *
     * @return the pairs, subjects such as {@code Only-SL vs Baseline}, in the base run's order
     */
    public List<VerdictPair> significance() {
        return significance;
    }

    /**
     * An unmodifiable copy of target → setting → comparison, in the same order: this object is
     * immutable, and {@link #cellSummary} reads the maps {@link #cellTests} hands out.
     */
    private static Map<String, Map<String, SeedDifference>> unmodifiable(Map<String, Map<String, SeedDifference>> tests) {
        Map<String, Map<String, SeedDifference>> out = new LinkedHashMap<>();
        tests.forEach((target, row) -> out.put(target, Collections.unmodifiableMap(new LinkedHashMap<>(row))));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Returns, per (target, setting) with runs in both logs, how the other run's scores over seeds
     * differ from the base run's ({@link RunCellComparisons}); empty when either run's per-seed
     * scores were not given.
     *
     * @return target → setting → comparison, other minus base
     */
    public Optional<Map<String, Map<String, SeedDifference>>> cellTests() {
        return Optional.ofNullable(cellTests);
    }

    /**
     * Returns the line that counts the cells that differ between the runs beyond seed noise, such
     * as {@code Per cell: 2 of 36 cells differ beyond seed noise (two-sided t-test over seeds,
     * paired by seed; Holm-adjusted p ≤ 0.05 over the 36 cells tested) — 0 higher in other, 2
     * lower}; empty when the cells were not tested ({@link #cellTests()}).
     *
     * @return the line, if the cells were tested
     */
    public Optional<String> cellSummary() {
        if (cellTests == null) {
            return Optional.empty();
        }
        List<SeedDifference> all = cellTests.values().stream().flatMap(m -> m.values().stream()).toList();
        if (all.isEmpty()) {
            return Optional.of("Per cell: no (target, setting) has runs in both results.jsonl — no test");
        }
        long tested = all.stream().filter(SeedDifference::tested).count();
        if (tested == 0) {
            return Optional.of(String.format(Locale.ROOT, "Per cell: 0 of %d cells tested (a t-test needs two seeds"
                    + " on each side and some variance) — no test", all.size()));
        }
        long paired = all.stream().filter(d -> d.tested() && d.kind() == TestKind.PAIRED).count();
        long higher = all.stream().filter(d -> d.significant() && d.difference() > 0).count();
        long lower = all.stream().filter(d -> d.significant() && d.difference() < 0).count();
        return Optional.of(String.format(Locale.ROOT, "Per cell: %d of %d cells differ beyond seed noise (two-sided"
                + " t-test over seeds, %s; Holm-adjusted p ≤ %s over the %d cells tested%s) — %d higher in other, %d"
                + " lower", higher + lower, tested, paired == tested ? "paired by seed" : paired == 0 ? "Welch"
                        : "paired by seed, Welch where the seeds differ", all.get(0).alpha(), tested,
                all.size() > tested ? "; " + (all.size() - tested) + " more untested: one seed or no variance" : "",
                higher, lower));
    }

    /**
     * Returns the targets and settings that only one run has.
     *
     * @return the targets and settings that only one run has
     */
    public Coverage coverage() {
        return coverage;
    }

    /**
     * Returns the Table 2 cells that both runs have but that average other targets in each (a
     * sweep that failed or is not done in one run), in the base run's order, each cell's targets
     * in its run's Table 1 row order. The {@value
     * Tables#AVERAGE} row's targets are read off Table 1; a group row's need each target's group,
     * which the runs' per-seed scores give ({@link #of(Table, Table, Table, Table, ResultSet,
     * ResultSet, double)}): without them only the {@value Tables#AVERAGE} row is checked.
     *
     * @return the cells, empty when every compared cell averages the same targets in both runs
     */
    public List<UnevenCell> unevenCells() {
        return unevenCells;
    }

    /**
     * The targets a Table 2 cell averages, in Table 1's row order: read off Table 1 for the average
     * row; for a group row, {@link Tables#averagedTargets} with the layout, or null (unknown)
     * without one.
     */
    private static List<String> averagedTargets(Table table1, ReportLayout layout, String row, String column) {
        if (!row.equals(Tables.AVERAGE)) {
            if (layout == null) {
                return null;
            }
            // the layout lists a group's targets as results.jsonl first names them
            java.util.Set<String> of = new java.util.HashSet<>(Tables.averagedTargets(table1, layout, row, column));
            return table1.rows().stream().map(Table.Row::label).filter(of::contains).toList();
        }
        if (!table1.columns().contains(column)) {
            return List.of();
        }
        int c = table1.columns().indexOf(column);
        List<String> out = new ArrayList<>();
        for (Table.Row r : table1.rows()) {
            if (!r.label().equals(Tables.AVERAGE) && !r.label().equals(Tables.AVERAGE_STD) && !r.cells().get(c).isEmpty()) {
                out.add(r.label());
            }
        }
        return out;
    }

    /**
     * Each target's group as a run's per-seed scores record it, or null without scores; a run the
     * layout refuses (a target or group named as an Average row) is named, with {@code which} log.
     */
    private static ReportLayout layoutOf(ResultSet runs, String which) {
        if (runs == null || runs.runs().isEmpty()) {
            return null;
        }
        ReportLayout.Builder b = ReportLayout.builder();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (RunRecord r : runs.runs()) {
            if (seen.add(r.target())) {
                try {
                    b.addTarget(r.target(), r.group());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(which + ": run " + r + ": " + e.getMessage(), e);
                }
            }
        }
        return b.build();
    }

    /**
     * Returns the base run's precision as its Table 2 title records it ({@code trained in fp32}).
     *
     * @return the base run's precision, if its title records it
     */
    public Optional<String> basePrecision() {
        return precision(baseTable2);
    }

    /**
     * Returns the other run's precision as its Table 2 title records it.
     *
     * @return the other run's precision, if its title records it
     */
    public Optional<String> otherPrecision() {
        return precision(otherTable2);
    }

    private static Optional<String> precision(Table t) {
        Matcher m = TRAINED_IN.matcher(t.title());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * Table 1's target rows with a result: every row but the two averages and rows of empty cells
     * (a target skipped for want of data).
     */
    private static List<String> targets(Table table1) {
        List<String> out = new ArrayList<>();
        for (Table.Row r : table1.rows()) {
            if (!r.label().equals(Tables.AVERAGE) && !r.label().equals(Tables.AVERAGE_STD)
                    && r.cells().stream().anyMatch(c -> !c.isEmpty())) {
                out.add(r.label());
            }
        }
        return out;
    }

    private static List<String> minus(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.removeAll(b);
        return out;
    }

    /** Other minus base, NaN where either is empty or the other run has no such cell. */
    private static double difference(Cell base, Table other, String row, String column) {
        if (base.isEmpty() || !other.columns().contains(column)) {
            return Double.NaN;
        }
        for (Table.Row r : other.rows()) {
            if (r.label().equals(row)) {
                Cell o = r.cells().get(other.columns().indexOf(column));
                return o.isEmpty() ? Double.NaN : o.value() - base.value();
            }
        }
        return Double.NaN;
    }

    /** Subject to conclusion: a verdict line reads {@code subject: figures — conclusion}. */
    private static Map<String, String> verdictsOf(Table table1, Table table2, ReportLayout layout) {
        // with each target's group, settings lacking different targets of one count get no verdict either
        List<String> lines = new ArrayList<>(layout == null ? Verdicts.relatedness(table2)
                : Verdicts.relatedness(table1, table2, layout));
        lines.addAll(layout == null ? Verdicts.multiTask(table2) : Verdicts.multiTask(table1, table2, layout));
        lines.addAll(Verdicts.stability(table1));
        return conclusions(lines);
    }

    private static Map<String, String> conclusions(List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            int dash = line.lastIndexOf(" — ");
            out.put(line.substring(0, colon), line.substring(dash + 3));
        }
        return out;
    }

    private static List<VerdictPair> pair(Map<String, String> base, Map<String, String> other) {
        List<VerdictPair> out = new ArrayList<>();
        base.forEach((k, v) -> out.add(new VerdictPair(k, v, other.getOrDefault(k, "none"))));
        other.forEach((k, v) -> {
            if (!base.containsKey(k)) {
                out.add(new VerdictPair(k, "none", v));
            }
        });
        return List.copyOf(out);
    }
}
