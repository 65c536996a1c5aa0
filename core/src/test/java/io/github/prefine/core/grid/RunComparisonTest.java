package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.SleepRuns;
import io.github.prefine.eval.evaluator.StdKind;
import io.github.prefine.eval.report.Cell;
import io.github.prefine.eval.report.MalformedResultsException;
import io.github.prefine.eval.report.ReportLayout;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.ResultSet;
import io.github.prefine.eval.report.RunRecord;
import io.github.prefine.eval.report.Table;
import io.github.prefine.eval.report.TableReader;
import io.github.prefine.eval.report.TableWriter;
import io.github.prefine.eval.report.Tables;
import io.github.prefine.eval.stats.SeedDifference;
import io.github.prefine.eval.stats.TestKind;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunComparisonTest {
    private static final List<String> SETTINGS = List.of("Baseline", "Only-SL", "Only-C", "SL+C");

    /** Table 2 with rows SL, C, Average; values row by row. */
    private static Table table2(String precision, double[]... rows) {
        String[] labels = {"SL", "C", Tables.AVERAGE};
        List<Table.Row> out = new java.util.ArrayList<>();
        for (int r = 0; r < rows.length; r++) {
            List<Cell> cells = new java.util.ArrayList<>();
            for (double v : rows[r]) {
                cells.add(Double.isNaN(v) ? Cell.empty() : Cell.of(v, 1.0));
            }
            out.add(new Table.Row(labels[r], cells));
        }
        return new Table("Table 2: ...; trained in " + precision + "; protocol: ...", "Group", SETTINGS, out);
    }

    /** Table 1 with two targets, the average and the average std (Baseline's std above every multi-task one). */
    private static Table table1(double[] target1, double[] target2) {
        return new Table("Table 1", "Target", SETTINGS, List.of(row("t-sl", target1), row("t-c", target2),
                row(Tables.AVERAGE, new double[] {0, 0, 0, 0}), row(Tables.AVERAGE_STD, new double[] {3, 2, 2, 1})));
    }

    private static Table.Row row(String label, double[] values) {
        List<Cell> cells = new java.util.ArrayList<>();
        for (double v : values) {
            cells.add(Cell.of(v));
        }
        return new Table.Row(label, cells);
    }

    /**
     * Two runs of one layout: the base run's per-seed scores give each of Baseline and Only-SL the
     * {@code (target, group, score)} triples of {@code scores}, in that order (results.jsonl's);
     * the other run is the same but for Only-SL's T2 sweep, which failed.
     */
    private record WithoutOnlySlT2(ReportLayout layout, io.github.prefine.eval.report.ResultSet baseRuns,
            io.github.prefine.eval.report.ResultSet otherRuns, Table b1, Table o1) {
        static WithoutOnlySlT2 of(ReportLayout layout, Object... scores) {
            List<io.github.prefine.eval.report.RunRecord> base = new java.util.ArrayList<>();
            for (String setting : List.of("Baseline", "Only-SL")) {
                for (int i = 0; i < scores.length; i += 3) {
                    base.add(new io.github.prefine.eval.report.RunRecord(setting, (String) scores[i],
                            (String) scores[i + 1], 1, ((Number) scores[i + 2]).doubleValue()));
                }
            }
            List<io.github.prefine.eval.report.RunRecord> other = new java.util.ArrayList<>(base);
            other.removeIf(r -> r.setting().equals("Only-SL") && r.target().equals("T2"));
            var baseRuns = new io.github.prefine.eval.report.ResultSet(base, List.of());
            var otherRuns = new io.github.prefine.eval.report.ResultSet(other, List.of());
            return new WithoutOnlySlT2(layout, baseRuns, otherRuns, Tables.table1(baseRuns, layout, StdKind.SAMPLE),
                    Tables.table1(otherRuns, layout, StdKind.SAMPLE));
        }

        RunComparison compared() {
            return RunComparison.of(b1, Tables.table2(b1, layout), o1, Tables.table2(o1, layout), baseRuns, otherRuns,
                    SeedDifference.ALPHA);
        }
    }

    /**
     * Two hand-made runs of targets T1, T2 (SL) and T3 (C): the base run has every cell; in the
     * other, Only-SL's T2 sweep failed, so its SL cell averages T1 alone (60) where the base run's
     * averages T1 and T2 ((60 + 40) / 2 = 50): "+10" is a change of targets, not of scores. T2 is
     * still in the other run (under the baseline), so coverage names no target. Flagged: SL and
     * Average under Only-SL; not the C row, nor the baseline's cells.
     */
    @Test
    void flagsTable2CellsThatAverageOtherTargetsInTheTwoRuns() {
        ReportLayout layout = ReportLayout.builder().addSetting("Only-SL").addTarget("T1", "SL").addTarget("T2", "SL")
                .addTarget("T3", "C").build();
        WithoutOnlySlT2 runs = WithoutOnlySlT2.of(layout, "T1", "SL", 60, "T2", "SL", 40, "T3", "C", 50);
        Table b1 = runs.b1();
        Table o1 = runs.o1();
        RunComparison c = runs.compared();
        assertEquals(List.of(new RunComparison.UnevenCell("SL", "Only-SL", List.of("T1", "T2"), List.of("T1")),
                new RunComparison.UnevenCell(Tables.AVERAGE, "Only-SL", List.of("T1", "T2", "T3"), List.of("T1", "T3"))),
                c.unevenCells());
        assertEquals(10, c.table2Differences().cell("SL", "Only-SL").value(), 1e-9);
        assertTrue(c.coverage().same(), c.coverage().toString());
        // without the per-seed scores the groups are unknown: the Average row alone is checked
        assertEquals(List.of(new RunComparison.UnevenCell(Tables.AVERAGE, "Only-SL", List.of("T1", "T2", "T3"),
                List.of("T1", "T3"))), RunComparison.of(b1, Tables.table2(b1, layout), o1, Tables.table2(o1, layout))
                .unevenCells());
    }

    /**
     * The targets of an uneven cell in Table 1's row order (T1, T2, T4, T3), not the order the
     * per-seed scores list them in (T4, T2, T3, T1), which gave the group rows "T4, T2, T1".
     */
    @Test
    void unevenCellsListTheirTargetsInTable1sRowOrder() {
        ReportLayout layout = ReportLayout.builder().addSetting("Only-SL").addTarget("T1", "SL").addTarget("T2", "SL")
                .addTarget("T4", "SL").addTarget("T3", "C").build();
        WithoutOnlySlT2 runs = WithoutOnlySlT2.of(layout, "T4", "SL", 50, "T2", "SL", 40, "T3", "C", 50, "T1", "SL", 60);
        assertEquals(List.of("T1", "T2", "T4", "T3"), runs.b1().rows().stream().map(Table.Row::label).limit(4).toList());

        RunComparison c = runs.compared();

        assertEquals(List.of(new RunComparison.UnevenCell("SL", "Only-SL", List.of("T1", "T2", "T4"), List.of("T1", "T4")),
                new RunComparison.UnevenCell(Tables.AVERAGE, "Only-SL", List.of("T1", "T2", "T4", "T3"),
                        List.of("T1", "T4", "T3"))), c.unevenCells());
    }

    /**
     * One run's tables twice, its per-seed scores beside one copy only: every setting has one of the
     * two SL targets (Only-C T2, the others T1), so Table 2's title counts "SL 1 of 2" alike and
     * only the targets' groups from results.jsonl show that Only-SL 50 against Only-C 40 weighs T1
     * against T2. Identical tables must give identical verdicts; the base run's were judged with
     * the groups (no verdict) and the other's without (related pre-finetuning wins), so compare said
     * the verdicts differ between two copies of one run.
     */
    @Test
    void runsWithAndWithoutPerSeedScoresAreJudgedAlikeSoThatOneRunsVerdictsAgree() {
        ReportLayout layout = ReportLayout.builder().addSetting("Only-SL").addSetting("Only-C").addSetting("SL+C")
                .addTarget("T1", "SL").addTarget("T2", "SL").addTarget("T3", "C").build();
        List<io.github.prefine.eval.report.RunRecord> runs = List.of(
                new io.github.prefine.eval.report.RunRecord("Baseline", "T1", "SL", 1, 30),
                new io.github.prefine.eval.report.RunRecord("Baseline", "T3", "C", 1, 30),
                new io.github.prefine.eval.report.RunRecord("Only-SL", "T1", "SL", 1, 50),
                new io.github.prefine.eval.report.RunRecord("Only-SL", "T3", "C", 1, 40),
                new io.github.prefine.eval.report.RunRecord("Only-C", "T2", "SL", 1, 40),
                new io.github.prefine.eval.report.RunRecord("Only-C", "T3", "C", 1, 45),
                new io.github.prefine.eval.report.RunRecord("SL+C", "T1", "SL", 1, 70),
                new io.github.prefine.eval.report.RunRecord("SL+C", "T3", "C", 1, 70));
        io.github.prefine.eval.report.ResultSet scores = new io.github.prefine.eval.report.ResultSet(runs, List.of());
        Table t1 = Tables.table1(scores, layout, StdKind.SAMPLE);
        Table t2 = Tables.table2(t1, layout);
        for (boolean scoresWithBase : List.of(true, false)) {
            RunComparison c = RunComparison.of(t1, t2, t1, t2, scoresWithBase ? scores : null,
                    scoresWithBase ? null : scores, SeedDifference.ALPHA);
            assertFalse(c.verdicts().isEmpty());
            for (RunComparison.VerdictPair v : c.verdicts()) {
                assertTrue(v.same(), v.toString());
            }
        }
        // with both runs' scores, both are judged with the groups: T1 against T2 is no verdict on either side
        RunComparison both = RunComparison.of(t1, t2, t1, t2, scores, scores, SeedDifference.ALPHA);
        RunComparison.VerdictPair sl = both.verdicts().stream().filter(v -> v.subject().equals("SL targets")).findFirst()
                .orElseThrow();
        assertTrue(sl.same() && sl.base().startsWith("not comparable"), sl.toString());
    }

    @Test
    void aTargetWithoutAnyResultInOneRunCountsAsThatRunLacksIt() {
        // reproduce lists every requested target in Table 1, a skipped one as a row of empty cells:
        // compare took the row for a target both runs have and printed Average +1.8 with no word
        // that the other run's averages leave t-c out
        Table base1 = table1(new double[] {50, 60, 52, 61}, new double[] {40, 41, 97, 98});
        double n = Double.NaN;
        Table other1 = new Table("Table 1", "Target", SETTINGS, List.of(row("t-sl", new double[] {51, 60, 52, 61}),
                new Table.Row("t-c", List.of(Cell.empty(), Cell.empty(), Cell.empty(), Cell.empty())),
                row(Tables.AVERAGE, new double[] {51, 60, 52, 61}), row(Tables.AVERAGE_STD, new double[] {3, 2, 2, 1})));
        Table base2 = table2("fp32", new double[] {50, 60, 52, 61}, new double[] {40, 41, 97, 98},
                new double[] {45, 50.5, 74.5, 79.5});
        Table other2 = table2("fp32", new double[] {51, 60, 52, 61}, new double[] {n, n, n, n},
                new double[] {51, 60, 52, 61});

        RunComparison.Coverage cover = RunComparison.of(base1, base2, other1, other2).coverage();

        assertEquals(List.of("t-c"), cover.targetsOnlyInBase());
        assertEquals(List.of(), cover.targetsOnlyInOther());
        // and the other way round
        assertEquals(List.of("t-c"), RunComparison.of(other1, other2, base1, base2).coverage().targetsOnlyInOther());
    }

    @Test
    void differencesLargestAndWithinAreOtherMinusBase() {
        Table base2 = table2("fp32", new double[] {50, 60, 52, 61}, new double[] {40, 41, 97, 98},
                new double[] {45, 50.5, 74.5, 79.5});
        // SL: Only-SL 60 -> 55.5 (-4.5), so Only-SL no longer beats Only-C 56 on SL targets
        Table other2 = table2("bf16-mixed", new double[] {50.5, 55.5, 56, 61}, new double[] {40, 41, 80, Double.NaN},
                new double[] {45.25, 48.25, 68, 61});
        Table base1 = table1(new double[] {50, 60, 52, 61}, new double[] {40, 41, 97, 98});
        Table other1 = table1(new double[] {50.5, 55.5, 56, 61}, new double[] {40, 41, 80, 97});
        RunComparison c = RunComparison.of(base1, base2, other1, other2);

        Table d = c.table2Differences();
        assertEquals(0.5, d.cell("SL", "Baseline").value(), 1e-12);
        assertEquals(-4.5, d.cell("SL", "Only-SL").value(), 1e-12);
        assertEquals(-17.0, d.cell("C", "Only-C").value(), 1e-12);
        assertTrue(d.cell("C", "SL+C").isEmpty(), "an empty cell in either run compares as nothing");
        assertEquals(-18.5, d.cell(Tables.AVERAGE, "SL+C").value(), 1e-12);
        assertEquals(11, c.cellsCompared());
        // |d| <= 2: SL +0.5 and 0, C 0 and 0, Average +0.25; Average's -2.25 joins at 2.25
        assertEquals(5, c.cellsWithin(2.0));
        assertEquals(6, c.cellsWithin(2.25));
        assertEquals(new RunComparison.Difference(Tables.AVERAGE, "SL+C", -18.5), c.largest().orElseThrow());
        // Table 1 without its average rows: t-c Only-C -17 is the largest
        assertEquals(new RunComparison.Difference("t-c", "Only-C", -17.0), c.largestTable1().orElseThrow());
        assertEquals(Optional.of("fp32"), c.basePrecision());
        assertEquals(Optional.of("bf16-mixed"), c.otherPrecision());

        List<RunComparison.VerdictPair> v = c.verdicts();
        RunComparison.VerdictPair sl = v.stream().filter(p -> p.subject().equals("SL targets")).findFirst().orElseThrow();
        assertEquals("related pre-finetuning wins", sl.base());
        assertEquals("related pre-finetuning does NOT win in this run", sl.other());
        assertTrue(!sl.same());
        RunComparison.VerdictPair cTargets = v.stream().filter(p -> p.subject().equals("C targets")).findFirst()
                .orElseThrow();
        assertTrue(cTargets.same(), cTargets.toString());
        // SL+C's average 79.5 beats all in the base, 61 does not beat Only-C's 68 in the other
        RunComparison.VerdictPair avg = v.stream().filter(p -> p.subject().equals("Average")).findFirst().orElseThrow();
        assertEquals("multi-task pre-finetuning wins", avg.base());
        assertEquals("multi-task pre-finetuning does NOT win in this run", avg.other());
        assertTrue(v.stream().anyMatch(p -> p.subject().equals("Average std") && p.same()));
    }

    @Test
    void aRunComparedWithItselfDiffersByNothing() {
        Table t2 = table2("fp32", new double[] {50, 60, 52, 61}, new double[] {40, 41, 97, 98},
                new double[] {45, 50.5, 74.5, 79.5});
        Table t1 = table1(new double[] {50, 60, 52, 61}, new double[] {40, 41, 97, 98});
        RunComparison c = RunComparison.of(t1, t2, t1, t2);
        assertEquals(12, c.cellsWithin(0.0));
        assertEquals(0.0, c.largest().orElseThrow().points());
        assertTrue(c.verdicts().stream().allMatch(RunComparison.VerdictPair::same));
        assertEquals(4, c.verdicts().size(), c.verdicts().toString());
    }

    @Test
    void betweenReadsTheFoldersTables(@TempDir Path dir) throws Exception {
        Table t2 = table2("fp32", new double[] {50, 60, 52, 61}, new double[] {40, 41, 97, 98},
                new double[] {45, 50.5, 74.5, 79.5});
        Table t1 = table1(new double[] {50, 60, 52, 61}, new double[] {40, 41, 97, 98});
        Table o2 = table2("fp16-mixed", new double[] {51, 60, 52, 61}, new double[] {40, 41, 97, 98},
                new double[] {45.5, 50.5, 74.5, 79.5});
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        TableWriter w = TableWriter.standard();
        w.writeAll(t1, a, "table1");
        w.writeAll(t2, a, "table2");
        w.writeAll(t1, b, "table1");
        w.writeAll(o2, b, "table2");
        RunComparison c = RunComparison.between(a, b);
        assertEquals(new RunComparison.Difference("SL", "Baseline", 1.0), c.largest().orElseThrow());
        assertEquals(Optional.of("fp16-mixed"), c.otherPrecision());

        Files.delete(b.resolve("table1.json"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> RunComparison.between(a, b));
        assertEquals(b.resolve("table1.json").toString(), e.getFile());
    }

    @Test
    void coverageNamesTargetsAndSettingsOfOneRunAlone() {
        Table t2 = table2("fp32", new double[] {50, 60, 52, 61}, new double[] {40, 41, 97, 98},
                new double[] {45, 50.5, 74.5, 79.5});
        Table t1 = table1(new double[] {50, 60, 52, 61}, new double[] {40, 41, 97, 98});
        // the other run: target t-c replaced by t-c2, setting SL+C left out
        List<String> cols = SETTINGS.subList(0, 3);
        Table o1 = new Table("Table 1", "Target", cols, List.of(row("t-sl", new double[] {50, 60, 52}),
                row("t-c2", new double[] {40, 41, 90}), row(Tables.AVERAGE, new double[] {0, 0, 0}),
                row(Tables.AVERAGE_STD, new double[] {3, 2, 2})));
        Table o2 = new Table(t2.title(), "Group", cols, t2.rows().stream()
                .map(r -> new Table.Row(r.label(), r.cells().subList(0, 3))).toList());
        RunComparison c = RunComparison.of(t1, t2, o1, o2);
        assertEquals(new RunComparison.Coverage(List.of("t-c"), List.of("t-c2"), List.of("SL+C"), List.of()),
                c.coverage());
        assertTrue(!c.coverage().same());
        assertEquals(9, c.cellsCompared(), "the SL+C column is in the base alone");
        assertTrue(RunComparison.of(t1, t2, t1, t2).coverage().same());
    }

    @Test
    void pairsEachRunsCountOfTargetsThatDifferFromItsBaseline() {
        ReportLayout layout = VerdictsTest.SIGNIFICANCE_LAYOUT;
        Table base1 = Tables.table1(VerdictsTest.significanceGrid(true), layout, StdKind.SAMPLE);
        Table other1 = Tables.table1(VerdictsTest.significanceGrid(false), layout, StdKind.SAMPLE);
        RunComparison c = RunComparison.of(base1, Tables.table2(base1, layout), other1, Tables.table2(other1, layout));
        assertEquals(List.of(new RunComparison.VerdictPair("Only-SL vs Baseline",
                "0 significantly higher, 0 significantly lower", "0 significantly higher, 0 significantly lower"),
                new RunComparison.VerdictPair("SL+C vs Baseline", "1 significantly higher, 1 significantly lower",
                        "1 significantly higher, 0 significantly lower")), c.significance());
        Table plain = table1(new double[] {50, 60, 52, 61}, new double[] {40, 41, 97, 98});
        Table plain2 = table2("fp32", new double[] {50, 60, 52, 61}, new double[] {40, 41, 97, 98},
                new double[] {45, 50, 74, 79});
        assertEquals(List.of(), RunComparison.of(plain, plain2, plain, plain2).significance(),
                "tables written before comparisons have none");
    }

    /**
     * R's sleep data: the other run's A scores group 2 where the base run's scored group 1 with the
     * same seeds, so cell (T1, A) is R's paired test (p = 0.002833, a family of one); the baseline
     * cells are equal on every seed (no variance: untested). Each run's own Table 1 comparison
     * of A with its baseline is the same paired test in the other run and untested in the base.
     */
    @Test
    void testsEachCellBetweenTheRunsAndJudgesEveryTestAtOneLevel(@TempDir Path dir) throws Exception {
        Path base = SleepRuns.write(dir.resolve("fp32"), "T1", "A", "fp32", SleepRuns.SLEEP_1);
        Path other = SleepRuns.write(dir.resolve("bf16"), "T1", "A", "bf16-mixed", SleepRuns.SLEEP_2);
        RunComparison c = RunComparison.between(base, other, 0.05);
        SeedDifference a = c.cellTests().orElseThrow().get("T1").get("A");
        assertEquals(TestKind.PAIRED, a.kind());
        assertEquals(1.58, a.difference(), 1e-12);
        assertEquals(0.0028328901973842, a.pAdjusted(), 1e-10);
        assertFalse(c.cellTests().orElseThrow().get("T1").get("Baseline").tested());
        assertEquals(Optional.of("Per cell: 1 of 1 cells differ beyond seed noise (two-sided t-test over seeds, paired"
                + " by seed; Holm-adjusted p ≤ 0.05 over the 1 cells tested; 1 more untested: one seed or no variance)"
                + " — 1 higher in other, 0 lower"), c.cellSummary());
        assertEquals(new RunComparison.VerdictPair("A vs Baseline", "no test",
                "1 significantly higher, 0 significantly lower"), c.significance().get(0));

        // 0.002833 > 0.001: neither the cell nor the other run's Table 1 comparison counts at 0.001,
        // though the table was written at 0.05
        RunComparison strict = RunComparison.between(base, other, 0.001);
        assertEquals(Optional.of("Per cell: 0 of 1 cells differ beyond seed noise (two-sided t-test over seeds, paired"
                + " by seed; Holm-adjusted p ≤ 0.001 over the 1 cells tested; 1 more untested: one seed or no variance)"
                + " — 0 higher in other, 0 lower"), strict.cellSummary());
        assertEquals("0 significantly higher, 0 significantly lower", strict.significance().get(0).other());

        // immutable, as documented: the maps handed out are not the comparison's own
        Map<String, Map<String, SeedDifference>> handedOut = c.cellTests().orElseThrow();
        assertThrows(UnsupportedOperationException.class, () -> handedOut.get("T1").remove("A"));
        assertThrows(UnsupportedOperationException.class, handedOut::clear);
        // both cells kept, in the base log's order of first appearance (SleepRuns writes Baseline first)
        assertEquals(List.of("Baseline", "A"), List.copyOf(c.cellTests().orElseThrow().get("T1").keySet()));

        Files.delete(base.resolve(RunComparison.RESULTS));
        RunComparison tablesOnly = RunComparison.between(base, other, 0.05);
        assertEquals(Optional.empty(), tablesOnly.cellTests());
        assertEquals(Optional.empty(), tablesOnly.cellSummary());
        assertThrows(IllegalArgumentException.class, () -> RunComparison.between(base, other, 1.0));
    }

    /**
     * A results.jsonl written before targets and groups named as the tables' Average rows were
     * refused holds a run record the report layout now refuses: compare threw the layout's refusal,
     * naming neither the file nor the line. Ground truth: the line the record was appended at.
     */
    @Test
    void aResultsLogWithARunNamedAsAnAverageRowIsRefusedNamingItsFileAndLine(@TempDir Path dir) throws Exception {
        Path base = SleepRuns.write(dir.resolve("base"), "T1", "A", "fp32", SleepRuns.SLEEP_1);
        Path other = SleepRuns.write(dir.resolve("other"), "T1", "A", "fp32", SleepRuns.SLEEP_2);
        Path log = other.resolve(RunComparison.RESULTS);
        // 20 records (baseline and A, seeds 1 to 10), then the older run's target in a group "Average"
        assertEquals(20, Files.readAllLines(log).size());
        ResultLog.append(log, new RunRecord("A", "T2", Tables.AVERAGE, 1, 50.0, "fp32"));
        MalformedResultsException e = assertThrows(MalformedResultsException.class,
                () -> RunComparison.between(base, other, 0.05));
        assertTrue(e.getMessage().startsWith(log + ":21: group must not be named as a row the tables add ("
                + Tables.AVERAGE + ", " + Tables.AVERAGE_STD + "), found \"Average\""), e.getMessage());
        // given the records, not the file: the log and the run are named
        Table t1 = TableReader.read(base.resolve("table1.json"));
        Table t2 = TableReader.read(base.resolve("table2.json"));
        RunRecord average = new RunRecord("A", "T2", Tables.AVERAGE, 1, 50.0, "fp32");
        IllegalArgumentException bare = assertThrows(IllegalArgumentException.class, () -> RunComparison.of(t1, t2, t1,
                t2, ResultLog.load(base.resolve(RunComparison.RESULTS)), new ResultSet(List.of(average), List.of()), 0.05));
        assertTrue(bare.getMessage().startsWith("otherRuns: run " + average + ": group must not be named"),
                bare.getMessage());
    }
}
