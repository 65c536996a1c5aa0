package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.SleepRuns;
import io.github.prefine.eval.evaluator.StdKind;
import io.github.prefine.eval.report.Cell;
import io.github.prefine.eval.report.ReportLayout;
import io.github.prefine.eval.report.ResultSet;
import io.github.prefine.eval.report.RunRecord;
import io.github.prefine.eval.report.Table;
import io.github.prefine.eval.report.TableWriter;
import io.github.prefine.eval.report.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareCommandTest {
    private final CliRunner cli = new CliRunner("compare");

    /** Writes a run folder whose Table 2 has one row per group plus the average, columns Baseline and Only-SL, Only-C. */
    private static Path runFolder(Path dir, String precision, double slOwn, double slOther, double cOwn) throws Exception {
        List<String> cols = List.of("Baseline", "Only-SL", "Only-C");
        Table t2 = new Table("Table 2: x; trained in " + precision, "Group", cols, List.of(
                row("SL", 50, slOwn, slOther), row("C", 40, 41, cOwn),
                row(Tables.AVERAGE, 45, (slOwn + 41) / 2, (slOther + cOwn) / 2)));
        Table t1 = new Table("Table 1", "Target", cols, List.of(row("t-sl", 50, slOwn, slOther),
                row("t-c", 40, 41, cOwn), row(Tables.AVERAGE, 45, (slOwn + 41) / 2, (slOther + cOwn) / 2),
                row(Tables.AVERAGE_STD, 1, 1, 1)));
        TableWriter.standard().writeAll(t1, dir, "table1");
        TableWriter.standard().writeAll(t2, dir, "table2");
        return dir;
    }

    private static Table.Row row(String label, double... values) {
        List<Cell> cells = new ArrayList<>();
        for (double v : values) {
            cells.add(Cell.of(v, 0.5));
        }
        return new Table.Row(label, cells);
    }

    @Test
    void printsDifferencesLargestAndVerdictsOfEachRun(@TempDir Path dir) throws Exception {
        Path base = runFolder(dir.resolve("fp32"), "fp32", 60, 52, 97);
        Path near = runFolder(dir.resolve("fp16"), "fp16-mixed", 61, 52, 96);
        Path far = runFolder(dir.resolve("bf16"), "bf16-mixed", 51, 52, 70);
        assertEquals(0, cli.run(base.toString(), near.toString(), far.toString()), cli.err());
        String s = cli.out();
        assertTrue(s.contains(near + " (fp16-mixed) against " + base + " (fp32)"), s);
        assertTrue(s.contains("| SL | +0.0 | +1.0 | +0.0 |"), s);
        assertTrue(s.contains("| C | +0.0 | +0.0 | -1.0 |"), s);
        // Average: (61 + 41) / 2 - (60 + 41) / 2 = 0.5; (52 + 96) / 2 - (52 + 97) / 2 = -0.5
        assertTrue(s.contains("| Average | +0.0 | +0.5 | -0.5 |"), s);
        assertTrue(s.contains("Table 2: largest difference +1.0 (SL, Only-SL); 9 of 9 cells within 2 points"), s);
        // the far run: SL Only-SL 51 no longer beats Only-C 52 on SL targets; C's 70 still beats 41
        assertTrue(s.contains("Table 2: largest difference -27.0 (C, Only-C); 5 of 9 cells within 2 points"), s);
        assertTrue(s.contains("Table 1: largest difference -27.0 (t-c, Only-C)"), s);
        assertTrue(s.contains("Verdicts: 1 of 2 the same\n  SL targets: base \"related pre-finetuning wins\", other"
                + " \"related pre-finetuning does NOT win in this run\""), s);
        assertTrue(s.contains("Verdicts: 2 of 2 the same"), s);

        // a difference that rounds to zero from below reads +0.0, as one from above does
        Path tiny = runFolder(dir.resolve("tiny"), "fp32", 59.96, 52, 97);
        cli.clear();
        assertEquals(0, cli.run(base.toString(), tiny.toString()), cli.err());
        assertTrue(cli.out().contains("| SL | +0.0 | +0.0 | +0.0 |"), cli.out());
    }

    @Test
    void differencesRoundAsTheTablesRoundTiesToEven(@TempDir Path dir) throws Exception {
        // SL under Only-SL 60.25 against 60: a difference of 0.25 exactly, a tie at one decimal that the
        // tables (Python's '%.1f') round to even, +0.2; Java's %+.1f printed +0.3. Average: 50.625 - 50.5
        // = 0.125, +0.1 either way
        Path base = runFolder(dir.resolve("base"), "fp32", 60, 52, 97);
        Path other = runFolder(dir.resolve("other"), "fp32", 60.25, 52, 97);
        assertEquals(0, cli.run(base.toString(), other.toString()), cli.err());
        String s = cli.out();
        assertTrue(s.contains("| SL | +0.0 | +0.2 | +0.0 |"), s);
        assertTrue(s.contains("| Average | +0.0 | +0.1 | +0.0 |"), s);
        assertTrue(s.contains("Table 2: largest difference +0.2 (SL, Only-SL)"), s);
        assertTrue(s.contains("Table 1: largest difference +0.2 (t-sl, Only-SL)"), s);
    }

    @Test
    void withinSetsTheTolerance(@TempDir Path dir) throws Exception {
        Path base = runFolder(dir.resolve("a"), "fp32", 60, 52, 97);
        Path other = runFolder(dir.resolve("b"), "fp32", 61, 52, 96);
        assertEquals(0, cli.run("--within", "0.5", base.toString(), other.toString()), cli.err());
        assertTrue(cli.out().contains("7 of 9 cells within 0.5 points"), cli.out());
        assertEquals(2, cli.run("--within", "-1", base.toString(), other.toString()));
        // the value as typed, not as a double reads it back ("-1.0"), and what to pass instead, as for every option
        assertTrue(cli.err().contains("--within: expected a number of points, 0 or more, found '-1'; pass for example"
                + " --within 2 or leave it out for the default"), cli.err());
        assertEquals(2, cli.run("--within", "-0.50", base.toString(), other.toString()));
        assertTrue(cli.err().contains("found '-0.50';"), cli.err());
    }

    @Test
    void aFolderWithoutTablesIsBadInput(@TempDir Path dir) throws Exception {
        Path base = runFolder(dir.resolve("a"), "fp32", 60, 52, 97);
        Path empty = Files.createDirectories(dir.resolve("unfinished"));
        assertEquals(2, cli.run(base.toString(), empty.toString()));
        assertTrue(cli.err().contains("OTHER " + empty + ": no table1.json; expected the output folder of a demo or"
                + " reproduce run that has written its tables"), cli.err());
        assertEquals(2, cli.run(base.toString(), dir.resolve("missing").toString()));
        assertTrue(cli.err().contains("OTHER " + dir.resolve("missing") + ": no such directory"), cli.err());

        Files.writeString(base.resolve("table2.json"), "{\"title\": 3}");
        Path other = runFolder(dir.resolve("b"), "fp32", 61, 52, 96);
        assertEquals(2, cli.run(base.toString(), other.toString()));
        assertTrue(cli.err().contains(base.resolve("table2.json") + " $.title: expected a string, found 3; fix the"
                + " file and run again"), cli.err());
    }

    @Test
    void runsOfOtherShapesSayWhatIsNotCompared(@TempDir Path dir) throws Exception {
        Path base = runFolder(dir.resolve("a"), "fp32", 60, 52, 97);
        // one target and one setting: no verdict can be drawn, and most of the base is not compared
        Path small = dir.resolve("small");
        List<String> cols = List.of("Baseline");
        TableWriter.standard().writeAll(new Table("Table 1", "Target", cols, List.of(row("t-sl", 50),
                row("t-other", 30), row(Tables.AVERAGE, 40), row(Tables.AVERAGE_STD, 1))), small, "table1");
        TableWriter.standard().writeAll(new Table("Table 2", "Group", cols, List.of(row("SL", 50.5),
                row(Tables.AVERAGE, 40))), small, "table2");
        assertEquals(0, cli.run(base.toString(), small.toString()), cli.err());
        String s = cli.out();
        assertTrue(s.contains(small + " (precision not recorded) against " + base + " (fp32)"), s);
        assertTrue(s.contains("| SL | +0.5 | – | – |\n| C | – | – | – |"), s);
        assertTrue(s.contains("Targets differ, so Table 2's rows average different targets: only in base t-c, only in"
                + " other t-other"), s);
        assertTrue(s.contains("Settings not compared: only in base Only-SL, Only-C, only in other none"), s);
        assertTrue(s.contains("Verdicts: 0 of 2 the same"), s);

        cli.clear();
        assertEquals(0, cli.run(small.toString(), small.toString()), cli.err());
        assertTrue(cli.out().contains("Verdicts: none in either run (their settings give none)"), cli.out());
        assertTrue(!cli.out().contains("Targets differ") && !cli.out().contains("not compared"), cli.out());
    }

    /**
     * Two hand-made runs of T1, T2 (SL) and T3 (C), one seed each: in the other, Only-SL's T2 sweep
     * failed. Its SL cell averages T1 alone (60) where the base run's averages T1 and T2 (50), so
     * "+10.0" is a change of targets: the cell is named with the targets of each side, and so is the
     * Average cell under Only-SL; T2 is still in the other run, so no "Targets differ" line.
     */
    @Test
    void namesTheTable2CellsThatAverageOtherTargetsInTheTwoRuns(@TempDir Path dir) throws Exception {
        ReportLayout layout = ReportLayout.builder().addSetting("Only-SL").addTarget("T1", "SL").addTarget("T2", "SL")
                .addTarget("T3", "C").build();
        List<RunRecord> all = new ArrayList<>();
        for (String setting : List.of("Baseline", "Only-SL")) {
            all.add(new RunRecord(setting, "T1", "SL", 1, 60));
            all.add(new RunRecord(setting, "T2", "SL", 1, 40));
            all.add(new RunRecord(setting, "T3", "C", 1, 50));
        }
        List<RunRecord> failed = new ArrayList<>(all);
        failed.removeIf(r -> r.setting().equals("Only-SL") && r.target().equals("T2"));
        Path base = loggedRunFolder(dir.resolve("base"), layout, all);
        Path other = loggedRunFolder(dir.resolve("other"), layout, failed);
        assertEquals(0, cli.run(base.toString(), other.toString()), cli.err());
        String s = cli.out();
        assertTrue(s.contains("| SL | +0.0 | +10.0 |"), s);
        assertTrue(s.contains("Table 2 cells that average other targets in the two runs (a sweep failed or is not done;"
                + " their difference is partly a change of targets):\n  SL, Only-SL: base T1, T2; other T1\n"
                + "  Average, Only-SL: base T1, T2, T3; other T1, T3\n"), s);
        assertTrue(!s.contains("Targets differ"), s);
    }

    /** A run folder with its tables and its per-seed scores. */
    private static Path loggedRunFolder(Path dir, ReportLayout layout, List<RunRecord> runs) throws Exception {
        Files.createDirectories(dir);
        for (RunRecord r : runs) {
            io.github.prefine.eval.report.ResultLog.append(dir.resolve("results.jsonl"), r);
        }
        Table t1 = Tables.table1(new ResultSet(runs, List.of()), layout, StdKind.SAMPLE);
        TableWriter.standard().writeAll(t1, dir, "table1");
        TableWriter.standard().writeAll(Tables.table2(t1, layout), dir, "table2");
        return dir;
    }

    /** A run folder of one target whose Only-SL runs are the baseline's plus {@code gain}, per seed. */
    private static Path testedRunFolder(Path dir, double[] gain) throws Exception {
        ReportLayout layout = ReportLayout.builder().addSetting("Only-SL").addTarget("t-sl", "SL").build();
        double[] base = {70, 72, 68, 71, 69};
        List<RunRecord> runs = new ArrayList<>();
        for (int s = 0; s < base.length; s++) {
            runs.add(new RunRecord("Baseline", "t-sl", "SL", s + 1, base[s]));
            runs.add(new RunRecord("Only-SL", "t-sl", "SL", s + 1, base[s] + gain[s]));
        }
        Table t1 = Tables.table1(new ResultSet(runs, List.of()), layout, StdKind.SAMPLE);
        TableWriter.standard().writeAll(t1, dir, "table1");
        TableWriter.standard().writeAll(Tables.table2(t1, layout), dir, "table2");
        return dir;
    }

    @Test
    void printsEachRunsCountOfTargetsBeyondSeedNoise(@TempDir Path dir) throws Exception {
        Path gains = testedRunFolder(dir.resolve("gains"), new double[] {5, 5.1, 4.9, 5.2, 5});
        Path noise = testedRunFolder(dir.resolve("noise"), new double[] {-0.5, 0.5, 0, 0.2, -0.2});
        assertEquals(0, cli.run(gains.toString(), noise.toString()), cli.err());
        assertTrue(cli.out().contains("Targets that differ from the baseline beyond seed noise (Table 1, Holm-adjusted"
                + " t-tests):\n  Only-SL vs Baseline: base 1 significantly higher, 0 significantly lower; other 0"
                + " significantly higher, 0 significantly lower\n"), cli.out());
    }

    /**
     * Only-SL scores R's sleep group 2 in the bf16 run where it scored group 1 in fp32, same seeds:
     * R's paired t-test, t = 4.0621, df = 9, p = 0.002833, CI 0.7001 to 2.4599; the baselines are
     * equal seed for seed (untested).
     */
    @Test
    void saysWhichCellsDifferBetweenTheRunsBeyondSeedNoise(@TempDir Path dir) throws Exception {
        Path fp32 = SleepRuns.write(dir.resolve("fp32"), "t-sl", "Only-SL", "fp32", SleepRuns.SLEEP_1);
        Path bf16 = SleepRuns.write(dir.resolve("bf16"), "t-sl", "Only-SL", "bf16-mixed", SleepRuns.SLEEP_2);
        assertEquals(0, cli.run(fp32.toString(), bf16.toString()), cli.err());
        assertTrue(cli.out().contains("\nPer cell: 1 of 1 cells differ beyond seed noise (two-sided t-test over seeds,"
                + " paired by seed; Holm-adjusted p ≤ 0.05 over the 1 cells tested; 1 more untested: one seed or no"
                + " variance) — 1 higher in other, 0 lower\n  t-sl, Only-SL: +1.6 points (95% CI +0.7 to +2.5), p Holm"
                + " 0.0028, paired, 10 and 10 seeds\n"), cli.out());
        // R's conf.level = 0.99: 1.58 ± qt(0.995, 9) 3.2498 × se 0.38896 = 0.316 to 2.844
        assertEquals(0, cli.run("--alpha", "0.01", fp32.toString(), bf16.toString()), cli.err());
        assertTrue(cli.out().contains("  t-sl, Only-SL: +1.6 points (99% CI +0.3 to +2.8), p Holm 0.0028, paired"),
                cli.out());
        assertEquals(0, cli.run("--alpha", "0.001", fp32.toString(), bf16.toString()), cli.err());
        assertTrue(cli.out().contains("Per cell: 0 of 1 cells differ beyond seed noise (two-sided t-test over seeds,"
                + " paired by seed; Holm-adjusted p ≤ 0.001 over"), cli.out());
        String last = cli.out().substring(cli.out().lastIndexOf("Per cell:"));
        assertTrue(!last.contains("t-sl, Only-SL:"), "no cell differs at 0.001: " + last);

        Files.delete(fp32.resolve("results.jsonl"));
        assertEquals(0, cli.run(fp32.toString(), bf16.toString()), cli.err());
        assertTrue(cli.out().contains("Per cell: no test, as " + fp32 + " has no results.jsonl (per-seed scores)"),
                cli.out());
        for (String bad : List.of("0", "1", "-0.05", "NaN")) {
            assertEquals(2, cli.run("--alpha", bad, fp32.toString(), bf16.toString()), bad);
            assertTrue(cli.err().contains("--alpha must be a significance level in (0, 1)"), cli.err());
        }
    }
}
