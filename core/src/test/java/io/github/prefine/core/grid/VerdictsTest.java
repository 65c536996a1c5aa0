package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.eval.evaluator.SeedSummary;
import io.github.prefine.eval.evaluator.StdKind;
import io.github.prefine.eval.report.Cell;
import io.github.prefine.eval.report.ReportLayout;
import io.github.prefine.eval.report.ResultSet;
import io.github.prefine.eval.report.RunRecord;
import io.github.prefine.eval.report.Table;
import io.github.prefine.eval.report.Tables;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The relatedness verdict read off a hand-made Table 2. */
class VerdictsTest {
    @Test
    void saysPerGroupWhetherItsOwnSingleGroupSettingBeatsTheOtherSingles() {
        Table t2 = new Table("Table 2", "Group", List.of("Baseline", "Only-SL", "Only-C", "SL+C"), List.of(
                new Table.Row("SL", List.of(Cell.of(50), Cell.of(60), Cell.of(55), Cell.of(70))),
                new Table.Row("C", List.of(Cell.of(40), Cell.of(45), Cell.of(44), Cell.of(90))),
                new Table.Row("QA", List.of(Cell.of(30), Cell.of(31), Cell.of(32), Cell.of(33))),
                new Table.Row(Tables.AVERAGE, List.of(Cell.of(40), Cell.of(45), Cell.of(44), Cell.of(64)))));
        // SL: 60 > 55 wins; C: 44 < 45 loses; QA has no Only-QA column; the average row is no group;
        // combinations (SL+C) and the baseline are not compared
        assertEquals(List.of("SL targets: Only-SL 60.0 > Only-C 55.0 — related pre-finetuning wins",
                "C targets: Only-C 44.0 does not beat all of Only-SL 45.0 — related pre-finetuning does NOT win in this run"),
                Verdicts.relatedness(t2));
    }

    @Test
    void saysWhetherAllGroupsBeatTheBaselineAndEachSingleOnAverage() {
        List<String> cols = List.of("Baseline", "Only-SL", "Only-C", "SL+C", "Only-QA", "SL+QA+C (no QA data)");
        Table wins = new Table("Table 2", "Group", cols, List.of(new Table.Row(Tables.AVERAGE,
                List.of(Cell.of(40), Cell.of(45), Cell.of(44), Cell.of(70), Cell.empty(), Cell.of(50)))));
        // the setting of the most groups is compared, even when named for missing data; SL+C (two groups) is not
        assertEquals(List.of("Average: SL+QA+C (no QA data) 50.0 > Baseline 40.0, Only-SL 45.0, Only-C 44.0"
                + " — multi-task pre-finetuning wins"), Verdicts.multiTask(wins));
        Table loses = new Table("Table 2", "Group", List.of("Baseline", "Only-SL", "SL+C"), List.of(
                new Table.Row(Tables.AVERAGE, List.of(Cell.of(40), Cell.of(45.5), Cell.of(45)))));
        assertEquals(List.of("Average: SL+C 45.0 does not beat all of Baseline 40.0, Only-SL 45.5"
                + " — multi-task pre-finetuning does NOT win in this run"), Verdicts.multiTask(loses));
        Table single = new Table("Table 2", "Group", List.of("Baseline", "Only-SL"), List.of(
                new Table.Row(Tables.AVERAGE, List.of(Cell.of(40), Cell.of(45)))));
        assertEquals(List.of(), Verdicts.multiTask(single));
    }

    /**
     * "Wins" is strictly better: a tie beats no one, so a tied single or baseline turns the verdict.
     * A single with no value for the group (its sweep failed) is no rival, and is not listed.
     */
    @Test
    void aTieIsNoWinAndASingleWithoutAValueIsLeftOut() {
        Table t2 = new Table("Table 2", "Group", List.of("Baseline", "Only-SL", "Only-C", "Only-QA", "SL+QA+C"), List.of(
                new Table.Row("SL", List.of(Cell.of(50), Cell.of(60), Cell.of(60), Cell.of(40), Cell.of(70))),
                new Table.Row("C", List.of(Cell.of(40), Cell.empty(), Cell.of(50), Cell.of(45), Cell.of(70))),
                new Table.Row(Tables.AVERAGE, List.of(Cell.of(45), Cell.of(60), Cell.of(55), Cell.of(42.5), Cell.of(60)))));
        assertEquals(List.of("SL targets: Only-SL 60.0 does not beat all of Only-C 60.0, Only-QA 40.0"
                + " — related pre-finetuning does NOT win in this run",
                "C targets: Only-C 50.0 > Only-QA 45.0 — related pre-finetuning wins"), Verdicts.relatedness(t2));
        assertEquals(List.of("Average: SL+QA+C 60.0 does not beat all of Baseline 45.0, Only-SL 60.0, Only-C 55.0,"
                + " Only-QA 42.5 — multi-task pre-finetuning does NOT win in this run"), Verdicts.multiTask(t2));
    }

    /**
     * A setting's groups are counted by its '+' (no group name holds one), not by what precedes its
     * first " (": TaskGroup.of allows "SL (v2)", whose three-group setting "SL (v2)+QA+C" counted as
     * one group, so "QA+C" was judged the all-groups setting. Nor is every column starting "Only-" a
     * single group's: a group "Only-X" combined with C is "Only-X+C", two groups, which the
     * relatedness verdict of C compared with the singles.
     */
    @Test
    void countsASettingsGroupsByItsPlusSignsWhateverTheGroupsAreNamed() {
        List<String> cols = List.of("Baseline", "Only-SL (v2)", "QA+C", "SL (v2)+QA+C");
        Table t2 = new Table("Table 2", "Group", cols, List.of(new Table.Row(Tables.AVERAGE,
                List.of(Cell.of(40), Cell.of(45), Cell.of(70), Cell.of(50)))));
        assertEquals(List.of("Average: SL (v2)+QA+C 50.0 > Baseline 40.0, Only-SL (v2) 45.0"
                + " — multi-task pre-finetuning wins"), Verdicts.multiTask(t2));
        Table only = new Table("Table 2", "Group", List.of("Baseline", "Only-C", "Only-Only-X", "Only-X+C"), List.of(
                new Table.Row("C", List.of(Cell.of(30), Cell.of(50), Cell.of(40), Cell.of(60))),
                new Table.Row(Tables.AVERAGE, List.of(Cell.of(30), Cell.of(50), Cell.of(40), Cell.of(60)))));
        assertEquals(List.of("C targets: Only-C 50.0 > Only-Only-X 40.0 — related pre-finetuning wins"),
                Verdicts.relatedness(only));
        assertEquals(List.of("Average: Only-X+C 60.0 > Baseline 30.0, Only-C 50.0, Only-Only-X 40.0"
                + " — multi-task pre-finetuning wins"), Verdicts.multiTask(only));
    }

    /**
     * A partial setting ({@code --allow-partial}) is multi-task only where two or more of its groups
     * had data, as {@code recommend} scores it on those: {@code SL+QA (no QA data)} was pre-finetuned
     * on SL's tasks alone, the very ones of Only-SL, but counted two groups, so the multi-task verdict
     * of a grid of SL and QA without QA data compared Only-SL with itself, and the stability
     * verdict judged multi-task pre-finetuning on it. Ground truth: the groups each name says had data.
     */
    @Test
    void aPartialSettingIsMultiTaskOnlyWhereTwoOfItsGroupsHadData() {
        Table t2 = new Table("Table 2", "Group", List.of("Baseline", "Only-SL", "SL+QA (no QA data)"), List.of(
                new Table.Row(Tables.AVERAGE, List.of(Cell.of(40), Cell.of(45), Cell.of(46)))));
        assertEquals(List.of(), Verdicts.multiTask(t2));
        List<String> cols = List.of("Baseline", "Only-SL", "Only-C", "SL+QA (no QA data)", "SL+C", "QA+C (no QA data)",
                "SL+QA+C (no QA data)");
        Table t1 = new Table("Table 1", "Target", cols, List.of(new Table.Row(Tables.AVERAGE_STD,
                List.of(Cell.of(2.0), Cell.of(0.5), Cell.of(0.6), Cell.of(2.5), Cell.of(1.5), Cell.of(3.0), Cell.of(1.2)))));
        // SL+QA (no QA data) and QA+C (no QA data) are single-group pre-finetuning: not compared
        assertEquals(List.of("Average std: Baseline 2.0; SL+C 1.5, SL+QA+C (no QA data) 1.2 — multi-task pre-finetuning"
                + " lowers it"), Verdicts.stability(t1));
        // the setting of the most groups among those of two or more with data is still the one compared
        Table all = new Table("Table 2", "Group", cols, List.of(new Table.Row(Tables.AVERAGE,
                List.of(Cell.of(40), Cell.of(45), Cell.of(44), Cell.of(70), Cell.of(60), Cell.of(70), Cell.of(50)))));
        assertEquals(List.of("Average: SL+QA+C (no QA data) 50.0 > Baseline 40.0, Only-SL 45.0, Only-C 44.0"
                + " — multi-task pre-finetuning wins"), Verdicts.multiTask(all));
        Table onlyPartial = new Table("Table 2", "Group", List.of("Baseline", "Only-SL", "SL+QA+C (no QA and C data)"),
                List.of(new Table.Row(Tables.AVERAGE, List.of(Cell.of(40), Cell.of(45), Cell.of(46)))));
        assertEquals(List.of(), Verdicts.multiTask(onlyPartial));
    }

    /**
     * The verdicts print the values the tables print beside them ({@code reproduce} writes Table 2
     * with one decimal, then these lines). Ground truth: Python's {@code '%.1f' % v}: 45.25 is an
     * exact tie and goes to the even digit, 45.2; 0.15 is stored as 0.149999999999999994..., 0.1;
     * 44.95 as 44.9500000000000028..., 45.0. Java's {@code %.1f} printed 45.3, 0.2 and 45.0.
     */
    @Test
    void printsTheValuesAsTheOneDecimalTablesRoundThem() {
        Table t2 = new Table("Table 2", "Group", List.of("Baseline", "Only-SL", "Only-C", "SL+C"), List.of(
                new Table.Row("SL", List.of(Cell.of(40), Cell.of(45.25), Cell.of(0.15), Cell.of(44.95))),
                new Table.Row(Tables.AVERAGE, List.of(Cell.of(0.15), Cell.of(45.25), Cell.of(40), Cell.of(44.95)))));
        assertEquals(List.of("SL targets: Only-SL 45.2 > Only-C 0.1 — related pre-finetuning wins"),
                Verdicts.relatedness(t2));
        assertEquals(List.of("Average: SL+C 45.0 does not beat all of Baseline 0.1, Only-SL 45.2, Only-C 40.0"
                + " — multi-task pre-finetuning does NOT win in this run"), Verdicts.multiTask(t2));
        String md = io.github.prefine.eval.report.TableWriter.withDecimals(1).toMarkdown(t2);
        assertTrue(md.contains("| SL | 40.0 | 45.2 | 0.1 | 45.0 |"), md);
    }

    @Test
    void givesNoVerdictWhereTheSettingsAverageDifferentTargets() {
        // Only-SL's T2 sweep failed: on T1, the one SL target both have, Only-C is better (60 > 50),
        // while Table 2's SL averages (50 against 35) would say Only-SL wins
        ReportLayout layout = ReportLayout.builder().addSetting("Only-SL").addSetting("Only-C").addSetting("SL+C")
                .addTarget("T1", "SL").addTarget("T2", "SL").addTarget("T3", "C").build();
        List<RunRecord> runs = new ArrayList<>(List.of(new RunRecord("Only-SL", "T1", "SL", 1, 50),
                new RunRecord("Only-C", "T1", "SL", 1, 60), new RunRecord("Only-C", "T2", "SL", 1, 10),
                new RunRecord("Only-SL", "T3", "C", 1, 40), new RunRecord("Only-C", "T3", "C", 1, 45)));
        for (String t : List.of("T1", "T2", "T3")) {
            runs.add(new RunRecord("SL+C", t, t.equals("T3") ? "C" : "SL", 1, 70));
        }
        Table t2 = Tables.table2(Tables.table1(new ResultSet(runs, List.of()), layout, StdKind.SAMPLE), layout);
        String why = " — not comparable in this run: the settings average different numbers of %s (Table 2's title),"
                + " as some runs failed or are not done";
        assertEquals(List.of("SL targets: Only-SL 50.0, Only-C 35.0" + why.formatted("SL targets"),
                "C targets: Only-C 45.0 > Only-SL 40.0 — related pre-finetuning wins"),
                Verdicts.relatedness(t2));
        assertEquals(List.of("Average: SL+C 70.0, Only-SL 45.0, Only-C 38.3" + why.formatted("targets")),
                Verdicts.multiTask(t2));
    }

    /**
     * Every setting has one of the two SL targets, so Table 2's title counts "SL 1 of 2" and
     * "Average 2 of 3" alike, but not the same one: Only-C has T2 (40), the others T1 (Only-SL 50).
     * "Only-SL 50 > Only-C 40" weighs T1 against T2, and the averages (Only-SL (50 + 40) / 2 = 45,
     * Only-C (40 + 45) / 2 = 42.5) weigh {T1, T3} against {T2, T3}: no verdict either way. The C row
     * (T3 under every setting: Only-C 45 > Only-SL 40) keeps its verdict. Table 2 alone cannot tell,
     * so the one-argument overloads still give the verdicts, as documented.
     */
    @Test
    void givesNoRelatednessOrMultiTaskVerdictWhereTheSettingsAverageDifferentTargetsOfOneCount() {
        ReportLayout layout = ReportLayout.builder().addSetting("Only-SL").addSetting("Only-C").addSetting("SL+C")
                .addTarget("T1", "SL").addTarget("T2", "SL").addTarget("T3", "C").build();
        List<RunRecord> runs = List.of(new RunRecord("Baseline", "T1", "SL", 1, 30), new RunRecord("Baseline", "T3", "C", 1, 30),
                new RunRecord("Only-SL", "T1", "SL", 1, 50), new RunRecord("Only-SL", "T3", "C", 1, 40),
                new RunRecord("Only-C", "T2", "SL", 1, 40), new RunRecord("Only-C", "T3", "C", 1, 45),
                new RunRecord("SL+C", "T1", "SL", 1, 70), new RunRecord("SL+C", "T3", "C", 1, 70));
        Table t1 = Tables.table1(new ResultSet(runs, List.of()), layout, StdKind.SAMPLE);
        Table t2 = Tables.table2(t1, layout);
        assertEquals(List.of("SL targets: Only-SL 50.0, Only-C 40.0 — not comparable in this run: the settings average"
                + " different SL targets of one count (Table 1's cells), as some runs failed or are not done",
                "C targets: Only-C 45.0 > Only-SL 40.0 — related pre-finetuning wins"),
                Verdicts.relatedness(t1, t2, layout));
        assertEquals(List.of("Average: SL+C 70.0, Baseline 30.0, Only-SL 45.0, Only-C 42.5 — not comparable in this"
                + " run: the settings average different targets of one count (Table 1's cells), as some runs failed or"
                + " are not done"), Verdicts.multiTask(t1, t2, layout));
        assertEquals(List.of(List.of("T1"), List.of("T2")), List.of(Tables.averagedTargets(t1, layout, "SL", "Only-SL"),
                Tables.averagedTargets(t1, layout, "SL", "Only-C")));
        assertEquals("SL targets: Only-SL 50.0 > Only-C 40.0 — related pre-finetuning wins",
                Verdicts.relatedness(t2).get(0));
    }

    /**
     * A grid of one seed per cell has no sample std anywhere ({@code SeedSummary.hasStd()} is false
     * for one run, and Table 1 shows its means only): the stability verdict says nothing rather
     * than compare stds of 0.
     */
    @Test
    void aGridOfOneSeedPerCellGetsNoStabilityVerdict() {
        ReportLayout layout = ReportLayout.builder().addSetting("SL+C").addSetting("Baseline")
                .addTarget("T1", "SL").addTarget("T2", "C").build();
        List<RunRecord> runs = new ArrayList<>();
        for (String setting : List.of("Baseline", "SL+C")) {
            runs.add(new RunRecord(setting, "T1", "SL", 1, 60));
            runs.add(new RunRecord(setting, "T2", "C", 1, 70));
        }
        Table t1 = Tables.table1(new ResultSet(runs, List.of()), layout, StdKind.SAMPLE);
        assertEquals(false, SeedSummary.of(List.of(60.0), StdKind.SAMPLE).hasStd());
        assertEquals(false, t1.cell("T1", "Baseline").hasStd());
        assertEquals(List.of(), Verdicts.stability(t1));
    }

    @Test
    void saysWhetherEveryMultiTaskSettingHasALowerAverageStdThanTheBaseline() {
        List<String> cols = List.of("Baseline", "Only-SL", "SL+C", "SL+QA+C");
        Table lower = new Table("Table 1", "Target", cols, List.of(new Table.Row(Tables.AVERAGE_STD,
                List.of(Cell.of(2.0), Cell.of(0.5), Cell.of(1.5), Cell.of(1.2)))));
        // Only-SL's std is not a multi-task one and is not compared
        assertEquals(List.of("Average std: Baseline 2.0; SL+C 1.5, SL+QA+C 1.2 — multi-task pre-finetuning lowers it"),
                Verdicts.stability(lower));
        Table notLower = new Table("Table 1", "Target", cols, List.of(new Table.Row(Tables.AVERAGE_STD,
                List.of(Cell.of(2.0), Cell.of(0.5), Cell.of(2.5), Cell.of(1.2)))));
        assertEquals(List.of("Average std: Baseline 2.0; SL+C 2.5, SL+QA+C 1.2 — multi-task pre-finetuning does NOT"
                + " lower it in this run"), Verdicts.stability(notLower));
        Table noStd = new Table("Table 1", "Target", cols, List.of(new Table.Row(Tables.AVERAGE_STD,
                List.of(Cell.empty(), Cell.empty(), Cell.of(1.0), Cell.empty()))));
        assertEquals(List.of(), Verdicts.stability(noStd));
    }

    @Test
    void givesNoStabilityVerdictWhereTheSettingsAverageDifferentTargets() {
        // SL+C's T2 sweep failed: T2 is the noisy target (baseline std 10); on T1, the one target both
        // have, SL+C's std (1.41) is above the baseline's (0.71), yet the Average Std. Dev. row
        // (Baseline (0.71 + 10) / 2 = 5.4 against SL+C 1.41 over T1 alone) would say SL+C lowers it
        List<RunRecord> runs = List.of(new RunRecord("Baseline", "T1", "SL", 1, 50),
                new RunRecord("Baseline", "T1", "SL", 2, 51), new RunRecord("Baseline", "T2", "SL", 1, 40),
                new RunRecord("Baseline", "T2", "SL", 2, 40 + 10 * Math.sqrt(2)),
                new RunRecord("SL+C", "T1", "SL", 1, 50), new RunRecord("SL+C", "T1", "SL", 2, 52));
        assertEquals(List.of("Average std: Baseline 5.4; SL+C 1.4 — not comparable in this run: the settings average"
                + " different numbers of targets (Table 1's stds), as some runs failed or are not done"),
                stabilityOfTwoSlTargets(runs));
    }

    /** The stability verdict of Table 1 over SL targets T1 and T2, Baseline and SL+C, made from these runs. */
    private static List<String> stabilityOfTwoSlTargets(List<RunRecord> runs) {
        ReportLayout layout = ReportLayout.builder().addSetting("SL+C").addTarget("T1", "SL").addTarget("T2", "SL")
                .build();
        return Verdicts.stability(Tables.table1(new ResultSet(runs, List.of()), layout, StdKind.SAMPLE));
    }

    /**
     * The baseline's T1 sweep and SL+C's T2 sweep failed: each Average Std. Dev. is over one target,
     * but not the same one. Baseline's is T2's std, 10 (seeds 40 and 40 + 10√2: |difference| / √2);
     * SL+C's is T1's, 0.71 (seeds 50 and 51). Equal counts, no target in common: comparing 10 with
     * 0.71 says nothing of stability, so no verdict either way.
     */
    @Test
    void givesNoStabilityVerdictWhereTheSettingsStdsAreOfDifferentTargetsOfOneCount() {
        List<RunRecord> runs = List.of(new RunRecord("Baseline", "T2", "SL", 1, 40),
                new RunRecord("Baseline", "T2", "SL", 2, 40 + 10 * Math.sqrt(2)),
                new RunRecord("SL+C", "T1", "SL", 1, 50), new RunRecord("SL+C", "T1", "SL", 2, 51));
        assertEquals(List.of("Average std: Baseline 10.0; SL+C 0.7 — not comparable in this run: the settings' stds"
                + " are of different targets (Table 1's stds), as some runs failed or are not done"),
                stabilityOfTwoSlTargets(runs));
    }

    /**
     * SL+C gains about 5 points on T1 and loses about 5 on T2 on every seed (paired p far below
     * 0.05 even times 3); Only-SL changes nothing on T1 (mean difference 0) and has one seed on T2,
     * which is compared but untested, so the family has 3 tests.
     */
    static ResultSet significanceGrid(boolean withSlcOnT2) {
        long[] five = {1, 2, 3, 4, 5};
        List<RunRecord> r = new ArrayList<>();
        add(r, "Baseline", "T1", five, 70, 72, 68, 71, 69);
        add(r, "Baseline", "T2", five, 50, 52, 48, 51, 49);
        add(r, "Only-SL", "T1", five, 69.5, 72.5, 68, 71.2, 68.8);
        add(r, "Only-SL", "T2", five, 53);
        add(r, "SL+C", "T1", five, 75.0, 77.1, 72.9, 76.2, 74.0);
        if (withSlcOnT2) {
            add(r, "SL+C", "T2", five, 45.0, 47.1, 42.9, 46.2, 44.0);
        }
        return new ResultSet(r, List.of());
    }

    static final ReportLayout SIGNIFICANCE_LAYOUT = ReportLayout.builder().addSetting("Only-SL").addSetting("SL+C")
            .addTarget("T1", "SL").addTarget("T2", "SL").build();

    private static void add(List<RunRecord> out, String setting, String target, long[] seeds, double... values) {
        for (int i = 0; i < values.length; i++) {
            out.add(new RunRecord(setting, target, "SL", seeds[i], values[i]));
        }
    }

    @Test
    void countsPerSettingTheTargetsThatDifferBeyondSeedNoise() {
        Table t1 = Tables.table1(significanceGrid(true), SIGNIFICANCE_LAYOUT, StdKind.SAMPLE);
        assertEquals(List.of("Only-SL vs Baseline: 1 of 2 targets tested, Holm-adjusted p ≤ 0.05 over 3 tests — 0"
                + " significantly higher, 0 significantly lower", "SL+C vs Baseline: 2 of 2 targets tested,"
                + " Holm-adjusted p ≤ 0.05 over 3 tests — 1 significantly higher, 1 significantly lower"),
                Verdicts.significance(t1));
        // the paper's verdicts come first and read as before; this one is added after them
        assertEquals(List.of(), Verdicts.significance(new Table("Table 1", "Target", List.of("Baseline", "SL+C"),
                List.of(new Table.Row("T1", List.of(Cell.of(50, 1), Cell.of(60, 1)))))), "no comparisons, no line");
        List<RunRecord> one = significanceGrid(true).runs().stream().filter(r -> r.seed() == 1).toList();
        assertEquals(List.of("Only-SL vs Baseline: 0 of 2 targets tested (a t-test needs two seeds on each side and some"
                + " variance) — no test", "SL+C vs Baseline: 0 of 2 targets tested (a t-test needs two seeds on each"
                + " side and some variance) — no test"),
                Verdicts.significance(Tables.table1(new ResultSet(one, List.of()), SIGNIFICANCE_LAYOUT, StdKind.SAMPLE)));
    }

    @Test
    void aSettingThatShiftsEverySeedAlikeIsUntestedForWantOfVarianceNotOfSeeds() {
        // three seeds a side, every difference exactly 2: the paired differences have no variance,
        // so SeedTTests leaves them untested (no standard error), though each side has its seeds
        long[] three = {1, 2, 3};
        List<RunRecord> r = new ArrayList<>();
        add(r, "Baseline", "T1", three, 70, 72, 68);
        add(r, "SL+C", "T1", three, 72, 74, 70);
        ReportLayout layout = ReportLayout.builder().addSetting("SL+C").addTarget("T1", "SL").build();
        assertEquals(List.of("SL+C vs Baseline: 0 of 1 targets tested (a t-test needs two seeds on each side and some"
                + " variance) — no test"), Verdicts.significance(Tables.table1(new ResultSet(r, List.of()), layout,
                        StdKind.SAMPLE)));
    }
}
