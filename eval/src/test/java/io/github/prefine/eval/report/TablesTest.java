package io.github.prefine.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.eval.evaluator.SeedSummary;
import io.github.prefine.eval.evaluator.StdKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables built from a small hand-made grid whose means and standard deviations are worked out by
 * hand below.
 *
 * <p>The paper's own Table 1 (Padmakumar et al., NAACL 2022, "Exploring the Role of Task
 * Transferability in Large-Scale Multi-Task Learning") could not be found in the stored search
 * corpora, so its cells are not typed in here. Facts known about it: the Baseline column's printed
 * average std is 2.662; its printed Table 2 QA value under Baseline is 56.692 while the mean of the
 * Table 1 QA cells is 52.320, and SL under SL+QA is printed 80.165 while the Table 1 mean is 81.165.
 * {@link Tables#table2} computes the means from Table 1, so it yields the latter numbers.
 */
class TablesTest {
    private static final ReportLayout LAYOUT = ReportLayout.builder()
            .addSetting("SL+QA").addSetting("Only-SL").addSetting("Baseline")
            .addTarget("T1", "SL").addTarget("T2", "SL").addTarget("Q1", "QA").addTarget("Q2", "QA").build();

    private static void runs(Path log, String setting, String target, String group, double... values) throws Exception {
        long seed = 1;
        for (double v : values) {
            ResultLog.append(log, new RunRecord(setting, target, group, seed++, v));
        }
    }

    private static ResultSet grid(Path dir) throws Exception {
        Path log = dir.resolve("results.jsonl");
        runs(log, "Baseline", "T1", "SL", 80, 82, 84); // mean 82, sample std 2
        runs(log, "Baseline", "T2", "SL", 70, 70, 76); // mean 72, sample std sqrt(24/2)
        runs(log, "Baseline", "Q1", "QA", 50, 54); // mean 52, sample std sqrt(8)
        // Baseline Q2 not finished yet: partial grid
        runs(log, "Only-SL", "T1", "SL", 85, 87); // 86, sqrt(2)
        runs(log, "Only-SL", "T2", "SL", 75); // 75, no sample std (one run)
        runs(log, "Only-SL", "Q1", "QA", 40, 44, 48); // 44, 4
        runs(log, "Only-SL", "Q2", "QA", 60, 60); // 60, 0
        ResultLog.append(log, new CostRecord("Only-SL", 120.0, 1000));
        ResultLog.append(log, new CostRecord("SL+QA", 300.0, 2500));
        return ResultLog.load(log);
    }

    @Test
    void table1HasMeanStdAndClosingRows(@TempDir Path dir) throws Exception {
        Table t = Tables.table1(grid(dir), LAYOUT, StdKind.SAMPLE);
        assertEquals(List.of("Baseline", "SL+QA", "Only-SL"), t.columns());
        assertEquals("Baseline", LAYOUT.baseline());
        assertEquals(82.0, t.cell("T1", "Baseline").value(), 1e-12);
        assertEquals(2.0, t.cell("T1", "Baseline").std(), 1e-12);
        assertEquals(Math.sqrt(12), t.cell("T2", "Baseline").std(), 1e-12);
        assertTrue(t.cell("Q2", "Baseline").isEmpty());
        assertTrue(t.cell("T1", "SL+QA").isEmpty());
        // one seed has no sample std: the cell shows its mean only, and the average std leaves it out
        assertFalse(t.cell("T2", "Only-SL").hasStd());
        assertEquals(75.0, t.cell("T2", "Only-SL").value());
        // and agrees with the seed summary of that one run
        SeedSummary one = SeedSummary.of(List.of(75.0), StdKind.SAMPLE);
        assertEquals(one.hasStd(), t.cell("T2", "Only-SL").hasStd());
        assertEquals(one.mean(), t.cell("T2", "Only-SL").value());
        assertEquals((82.0 + 72 + 52) / 3, t.cell(Tables.AVERAGE, "Baseline").value(), 1e-12);
        assertEquals((2 + Math.sqrt(12) + Math.sqrt(8)) / 3, t.cell(Tables.AVERAGE_STD, "Baseline").value(), 1e-12);
        assertEquals(66.25, t.cell(Tables.AVERAGE, "Only-SL").value(), 1e-12);
        assertEquals((Math.sqrt(2) + 4 + 0) / 3, t.cell(Tables.AVERAGE_STD, "Only-SL").value(), 1e-12);
        assertTrue(t.cell(Tables.AVERAGE, "SL+QA").isEmpty());
        Table pop = Tables.table1(grid(Files.createDirectories(dir.resolve("p"))), LAYOUT, StdKind.POPULATION);
        assertEquals(Math.sqrt(8.0 / 3), pop.cell("T1", "Baseline").std(), 1e-12);
        assertTrue(pop.title().contains("population"));
    }

    /**
     * The averages over twelve targets (the paper's count) are {@code np.mean} of the cells to the
     * last bit: NumPy adds eight running sums from the eighth value on, so a left-to-right sum can
     * land on the other side of a printed digit. Expected: {@code repr(float(np.mean(v)))}, NumPy 2.4.
     */
    @Test
    void averagesOverTwelveTargetsAreNumpysMean(@TempDir Path dir) throws Exception {
        double[] v = {77.06, 68.44, 66.6, 75.36, 89.36, 48.21, 45.27, 81.15, 90.41, 68.45, 64.37, 79.54};
        ReportLayout.Builder b = ReportLayout.builder().addSetting("Only-SL").addSetting("Baseline");
        Path log = dir.resolve("results.jsonl");
        for (int i = 0; i < v.length; i++) {
            b.addTarget("T" + i, "SL");
            runs(log, "Baseline", "T" + i, "SL", v[i]);
        }
        ReportLayout layout = b.build();
        Table t1 = Tables.table1(ResultLog.load(log), layout, StdKind.SAMPLE);
        // np.mean(v) is 71.185; adding left to right gives 71.18499999999999
        assertEquals(71.185, t1.cell(Tables.AVERAGE, "Baseline").value());
        assertEquals(71.185, Tables.table2(t1, layout).cell("SL", "Baseline").value());
    }

    @Test
    void table2AveragesTable1MeansPerGroup(@TempDir Path dir) throws Exception {
        Table t1 = Tables.table1(grid(dir), LAYOUT, StdKind.SAMPLE);
        Table t2 = Tables.table2(t1, LAYOUT);
        assertEquals(List.of("SL", "QA", Tables.AVERAGE),
                t2.rows().stream().map(Table.Row::label).toList());
        assertEquals(77.0, t2.cell("SL", "Baseline").value(), 1e-12);
        assertEquals(52.0, t2.cell("QA", "Baseline").value(), 1e-12);
        assertEquals(80.5, t2.cell("SL", "Only-SL").value(), 1e-12);
        assertEquals(52.0, t2.cell("QA", "Only-SL").value(), 1e-12);
        assertEquals(t1.cell(Tables.AVERAGE, "Only-SL").value(), t2.cell(Tables.AVERAGE, "Only-SL").value(), 1e-12);
        // Baseline has no Q2 run (see grid): its QA and average cells cover fewer targets than Only-SL's, and the
        // title says so
        assertTrue(t1.cell("Q2", "Baseline").isEmpty() && !t1.cell("Q2", "Only-SL").isEmpty());
        assertTrue(t2.title().contains("; targets averaged: SL 2, QA 1-2 of 2, Average 3-4 of 4"), t2.title());
        // a target without any run (no data) in every setting
        ReportLayout withMissing = ReportLayout.builder().addSetting("Baseline").addTarget("T1", "SL").addTarget("Q1", "QA")
                .addTarget("Q9", "QA").build();
        Table t2m = Tables.table2(Tables.table1(grid(dir), withMissing, StdKind.SAMPLE), withMissing);
        assertTrue(t2m.title().contains("; targets averaged: SL 1, QA 1 of 2, Average 2 of 3"), t2m.title());
    }

    @Test
    void table2CarriesTheTargetsAverageStdSoItsCsvStdColumnsAreFilled(@TempDir Path dir) throws Exception {
        Table t2 = Tables.table2(Tables.table1(grid(dir), LAYOUT, StdKind.SAMPLE), LAYOUT);
        assertEquals((2 + Math.sqrt(12)) / 2, t2.cell("SL", "Baseline").std(), 1e-12);
        assertEquals(Math.sqrt(8), t2.cell("QA", "Baseline").std(), 1e-12);
        // Only-SL: T1 sqrt(2), T2 one seed (no std); Q1 4, Q2 0
        assertEquals(Math.sqrt(2), t2.cell("SL", "Only-SL").std(), 1e-12);
        assertEquals(2.0, t2.cell("QA", "Only-SL").std(), 1e-12);
        String csv = TableWriter.standard().toCsv(t2);
        for (String line : csv.split("\n")) {
            String[] f = line.split(",", -1);
            for (int i = 1; i + 1 < f.length; i += 2) {
                assertEquals(f[i].isEmpty(), f[i + 1].isEmpty(), "a value without its std: " + line);
            }
        }
        assertTrue(t2.title().contains("average std"), t2.title());
    }

    @Test
    void costCsvHasNoStdColumnsItCouldNeverFill(@TempDir Path dir) throws Exception {
        String csv = TableWriter.standard().toCsv(Tables.costTable(grid(dir), LAYOUT));
        assertTrue(csv.startsWith("Setting,Seconds / epoch,Examples / epoch,Relative cost\n"), csv);
        assertTrue(csv.contains("\nOnly-SL,120.0,1000.0,0.4\n"), csv);
    }

    @Test
    void oneSeedShowsNoStdAndTheTitleSaysWhy(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("results.jsonl");
        runs(log, "Baseline", "T1", "SL", 80);
        runs(log, "Only-SL", "T1", "SL", 85);
        Table t1 = Tables.table1(ResultLog.load(log), LAYOUT, StdKind.SAMPLE);
        String md = TableWriter.withDecimals(1).toMarkdown(t1);
        assertFalse(md.contains("±"), md);
        assertFalse(t1.title().contains("n-1"), t1.title());
        assertTrue(t1.title().contains("one seed"), t1.title());
        String md2 = TableWriter.withDecimals(1).toMarkdown(Tables.table2(t1, LAYOUT));
        assertFalse(md2.contains("±"), md2);
    }

    @Test
    void theRunsPrecisionIsKeptInTheLogAndNamedInBothTitles(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("results.jsonl");
        ResultLog.append(log, new RunRecord("Baseline", "T1", "SL", 1, 80, "fp16-mixed"));
        ResultLog.append(log, new RunRecord("Only-SL", "T1", "SL", 1, 85, "fp16-mixed"));
        // a line written before runs recorded their precision reads as float32
        Files.writeString(log, "{\"kind\":\"run\",\"setting\":\"Baseline\",\"target\":\"T2\",\"group\":\"SL\","
                + "\"seed\":1,\"value\":70}\n", java.nio.file.StandardOpenOption.APPEND);
        ResultSet rs = ResultLog.load(log);
        assertEquals("fp16-mixed", rs.runs().get(0).precision());
        assertEquals(RunRecord.DEFAULT_PRECISION, rs.runs().get(2).precision());
        Table t1 = Tables.table1(rs, LAYOUT, StdKind.SAMPLE);
        assertTrue(t1.title().endsWith("; trained in fp16-mixed and fp32 (mixed)"), t1.title());
        assertTrue(Tables.table2(t1, LAYOUT).title().endsWith("; trained in fp16-mixed and fp32 (mixed)"));
        Path one = dir.resolve("one.jsonl");
        ResultLog.append(one, new RunRecord("Baseline", "T1", "SL", 1, 80, "fp16-mixed"));
        Table single = Tables.table1(ResultLog.load(one), LAYOUT, StdKind.SAMPLE);
        assertTrue(single.title().endsWith("; trained in fp16-mixed"), single.title());
    }

    @Test
    void theRunsProtocolIsKeptInTheLogAndNamedInBothTitles(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("results.jsonl");
        ResultLog.append(log, new RunRecord("Baseline", "T1", "SL", 1, 80, "fp32", "scored on validation"));
        ResultLog.append(log, new RunRecord("Only-SL", "T1", "SL", 1, 85, "fp32", "scored on validation"));
        ResultSet rs = ResultLog.load(log);
        assertEquals("scored on validation", rs.runs().get(1).protocol());
        Table t1 = Tables.table1(rs, LAYOUT, StdKind.SAMPLE);
        assertTrue(t1.title().endsWith("; trained in fp32; protocol: scored on validation"), t1.title());
        assertTrue(Tables.table2(t1, LAYOUT).title().endsWith("; protocol: scored on validation"));
        // runs of two protocols in one table say so rather than pass for one
        ResultLog.append(log, new RunRecord("Baseline", "T2", "SL", 1, 70, "fp32", "scored on test"));
        Table mixed = Tables.table1(ResultLog.load(log), LAYOUT, StdKind.SAMPLE);
        assertTrue(mixed.title().endsWith("protocol: scored on test | scored on validation (mixed)"), mixed.title());
    }

    @Test
    void costTableIsRelativeToTheLargestSetting(@TempDir Path dir) throws Exception {
        Table c = Tables.costTable(grid(dir), LAYOUT);
        assertEquals(List.of("SL+QA", "Only-SL"), c.rows().stream().map(Table.Row::label).toList());
        assertEquals(0.4, c.cell("Only-SL", "Relative cost").value(), 1e-12);
        assertEquals(1.0, c.cell("SL+QA", "Relative cost").value());
        assertEquals(2500.0, c.cell("SL+QA", "Examples / epoch").value());
        // counts print as counts; fractional columns keep their decimals
        String md = TableWriter.standard().toMarkdown(c);
        assertTrue(md.contains("| 2500 |"), md);
        assertFalse(md.contains("2500.000"), md);
        assertTrue(md.contains("| 0.400 |"), md);
    }

    /**
     * One seed per cell, and a setting that scored whole percents on every target (an untrained
     * span F1 of 0.0, an accuracy of 50.0): its column is scores, not counts, and keeps the table's
     * decimals as its neighbours do, in Table 1 and Table 2 alike.
     */
    @Test
    void scoreColumnsOfWholeNumbersKeepTheirDecimals(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("results.jsonl");
        runs(log, "Baseline", "T1", "SL", 0);
        runs(log, "Baseline", "Q1", "QA", 50);
        runs(log, "Only-SL", "T1", "SL", 35.1);
        runs(log, "Only-SL", "Q1", "QA", 52.4);
        Table t1 = Tables.table1(ResultLog.load(log), LAYOUT, StdKind.SAMPLE);
        String md = TableWriter.withDecimals(1).toMarkdown(t1);
        // Baseline: 0.0 and 50.0, average (0 + 50) / 2 = 25.0
        assertTrue(md.contains("| T1 | 0.0 | – | 35.1 |"), md);
        assertTrue(md.contains("| Q1 | 50.0 | – | 52.4 |"), md);
        assertTrue(md.contains("| Average | 25.0 | – | 43.8 |"), md);
        String md2 = TableWriter.withDecimals(1).toMarkdown(Tables.table2(t1, LAYOUT));
        assertTrue(md2.contains("| SL | 0.0 | – | 35.1 |"), md2);
        assertTrue(md2.contains("| QA | 50.0 | – | 52.4 |"), md2);
    }

    @Test
    void writesMarkdownCsvAndJson(@TempDir Path dir) throws Exception {
        Table t1 = Tables.table1(grid(dir), LAYOUT, StdKind.SAMPLE);
        List<Path> files = TableWriter.standard().writeAll(t1, dir.resolve("out"), "table1");
        String md = Files.readString(files.get(0));
        assertTrue(md.contains("| T1 | 82.000 ± 2.000 | – | 86.000 ± 1.414 |"), md);
        assertTrue(md.contains("| Average | 68.667 | – | 66.250 |"), md);
        String csv = Files.readString(files.get(1));
        // Only-SL has cells compared with the baseline: its difference, Holm-adjusted p and mark follow
        assertTrue(csv.startsWith("Target,Baseline,Baseline std,SL+QA,SL+QA std,Only-SL,Only-SL std,Only-SL diff,"
                + "Only-SL p Holm,Only-SL differs\n"), csv);
        assertTrue(csv.contains("\nT1,82.0,2.0,,,86.0,1.4142135623730951,4.0,"), csv);
        JsonObject json = JsonParser.parseString(Files.readString(files.get(2))).getAsJsonObject();
        assertEquals(6, json.getAsJsonArray("rows").size());
        assertTrue(json.getAsJsonArray("rows").get(0).getAsJsonObject().getAsJsonArray("cells").get(1)
                .getAsJsonObject().get("value").isJsonNull());
    }

    @Test
    void aLabelWithALineBreakStaysInItsCsvFieldAndMarkdownRow() {
        Table t = new Table("T", "Target", List.of("Baseline"), List.of(
                new Table.Row("a\rb", List.of(Cell.of(1))), new Table.Row("c\nd|e", List.of(Cell.of(2)))));
        // RFC 4180: a field holding CR or LF is quoted
        assertEquals("Target,Baseline\n\"a\rb\",1.0\n\"c\nd|e\",2.0\n", TableWriter.standard().toCsv(t));
        // a GFM table row ends at a line break: the label keeps one line (a Table 1's scores keep their decimals)
        String md = TableWriter.standard().toMarkdown(t);
        assertTrue(md.contains("\n| a b | 1.000 |\n| c d\\|e | 2.000 |\n"), md);
    }

    @Test
    void logRoundTripsAndNamesBadLines(@TempDir Path dir) throws Exception {
        ResultSet rs = grid(dir);
        assertEquals(new RunRecord("Baseline", "T1", "SL", 1, 80.0), rs.runs().get(0));
        assertEquals(new CostRecord("Only-SL", 120.0, 1000), rs.costs().get(0));
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"kind\":\"run\",\"setting\":\"B\",\"target\":\"T\",\"group\":\"SL\",\"seed\":1,\"value\":1.5}\n\n"
                + "{\"kind\":\"run\",\"setting\":\"B\",\"target\":\"T\",\"group\":\"SL\",\"seed\":1,\"value\":\"x\"}\n");
        MalformedResultsException e = assertThrows(MalformedResultsException.class, () -> ResultLog.load(bad));
        assertEquals(bad + ":3: value: expected a finite number, found \"x\"", e.getMessage());
    }

    @Test
    void paperLayoutOrdersSettingsAndGroups() {
        ReportLayout p = ReportLayout.paper();
        assertEquals(List.of("Baseline", "Only-SL", "Only-QA", "Only-C", "SL+QA", "SL+C", "QA+C", "SL+QA+C"), p.settings());
        assertEquals(List.of("SL", "C", "QA"), p.groups());
        assertEquals(12, p.targets().size());
        assertEquals(List.of("BoolQ", "CB", "COPA", "WiC"), p.targetsOf("C"));
    }

    @Test
    void costTableAveragesSeveralRecordsOfASetting() {
        // Only-SL (10 s, 100) and (20 s, 300): 15 s and 200 examples per epoch; SL+QA 30 s, the most
        ResultSet rs = new ResultSet(List.of(), List.of(new CostRecord("Only-SL", 10.0, 100),
                new CostRecord("Only-SL", 20.0, 300), new CostRecord("SL+QA", 30.0, 50)));
        Table c = Tables.costTable(rs, LAYOUT);
        assertEquals(15.0, c.cell("Only-SL", "Seconds / epoch").value(), 1e-12);
        assertEquals(200.0, c.cell("Only-SL", "Examples / epoch").value(), 1e-12);
        assertEquals(0.5, c.cell("Only-SL", "Relative cost").value(), 1e-12);
        assertEquals(1.0, c.cell("SL+QA", "Relative cost").value(), 1e-12);
    }

    @Test
    void aTableWithoutAnyResultKeepsTheMeanAndStdTitle() {
        Table t = Tables.table1OfCells(java.util.Map.of(), LAYOUT, "sample std, n-1");
        assertTrue(t.title().contains("mean ± sample std, n-1 over seeds"), t.title());
        assertTrue(t.cell(Tables.AVERAGE, "Baseline").isEmpty());
    }

    /**
     * A Table 2 of one empty Baseline column with a hand-written title, its rows the groups given and
     * Average, as {@link Tables#table2} orders them: the title's counts are read by the rows' labels.
     */
    private static Table titled(String title, String... groups) {
        List<Table.Row> rows = new java.util.ArrayList<>();
        for (String g : groups) {
            rows.add(new Table.Row(g, List.of(Cell.empty())));
        }
        rows.add(new Table.Row(Tables.AVERAGE, List.of(Cell.empty())));
        return new Table(title, "Group", List.of("Baseline"), rows);
    }

    @Test
    void tellsWhenARowAveragesDifferentTargetCounts(@TempDir Path dir) throws Exception {
        // the grid's Baseline lacks Q2, so QA and Average read "1-2 of 2" and "3-4 of 4"; SL reads "2"
        Table t2 = Tables.table2(Tables.table1(grid(dir), LAYOUT, StdKind.SAMPLE), LAYOUT);
        assertTrue(Tables.averagesDifferentTargetCounts(t2, "QA"));
        assertTrue(Tables.averagesDifferentTargetCounts(t2, Tables.AVERAGE));
        assertFalse(Tables.averagesDifferentTargetCounts(t2, "SL"));
        assertFalse(Tables.averagesDifferentTargetCounts(t2, "NER"));
        // one count short in every setting is like for like; a title without counts says nothing
        Table oneShort = titled("Table 2: x; targets averaged: SL 1 of 2, Average 3 of 4; trained in fp32", "SL");
        assertFalse(Tables.averagesDifferentTargetCounts(oneShort, "SL"));
        Table noCounts = new Table("Table 2", "Group", List.of("Baseline"), List.of());
        assertFalse(Tables.averagesDifferentTargetCounts(noCounts, "SL"));
        Table last = titled("Table 2: x; targets averaged: SL 2, Average 1-2 of 2", "SL");
        assertTrue(Tables.averagesDifferentTargetCounts(last, Tables.AVERAGE));
    }

    /**
     * The cost table's seconds and relative cost are measurements, not counts: a run with one
     * pre-finetuning setting printed its relative cost "1" (docs/protocol.md: "1.000 is the most
     * expensive setting") and whole seconds "15"; the examples per epoch still print as a count.
     */
    @Test
    void costTableKeepsDecimalsOutsideItsCountColumn() {
        ResultSet rs = new ResultSet(List.of(), List.of(new CostRecord("Only-SL", 15.0, 200)));
        String md = TableWriter.standard().toMarkdown(Tables.costTable(rs, LAYOUT));
        assertTrue(md.contains("| Only-SL | 15.000 | 200 | 1.000 |"), md);
    }

    /**
     * A target or group named as a row the tables add ("Average", "Average Std. Dev.") would share
     * its label with that row: Table 1's and Table 2's lookups by label found the first, and Table 2's
     * comparisons of a group "Average" were replaced by those over all targets.
     */
    @Test
    void aLayoutRefusesTheLabelsOfTheAverageRows() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReportLayout.builder().addTarget("Average", "SL"));
        assertEquals("target must not be named as a row the tables add (Average, Average Std. Dev.), found \"Average\"",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ReportLayout.builder().addTarget("t1", "Average"));
        assertEquals("group must not be named as a row the tables add (Average, Average Std. Dev.), found \"Average\"",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReportLayout.builder().addTarget("Average Std. Dev.", "SL"));
    }

    /**
     * A group named with a space (TaskGroup.of allows "SL X") whose name begins with another group's
     * name and a space: the count of "SL" is its own, not the first entry that starts with "SL ".
     */
    @Test
    void aGroupNameThatBeginsAnotherGroupsNameReadsItsOwnCount() {
        Table t = titled("Table 2: x; targets averaged: SL X 1, SL 1-2 of 2, Average 2-3 of 3; trained in fp32",
                "SL X", "SL");
        assertTrue(Tables.averagesDifferentTargetCounts(t, "SL"));
        assertFalse(Tables.averagesDifferentTargetCounts(t, "SL X"));
        Table reversed = titled("Table 2: x; targets averaged: SL 2, SL X 1-2 of 3, Average 3-4 of 5", "SL", "SL X");
        assertFalse(Tables.averagesDifferentTargetCounts(reversed, "SL"));
        assertTrue(Tables.averagesDifferentTargetCounts(reversed, "SL X"));
        // a group whose name holds ", " as well
        Table comma = titled("Table 2: x; targets averaged: NER, fine 1-2 of 2, NER 1, Average 2-3 of 3", "NER, fine",
                "NER");
        assertTrue(Tables.averagesDifferentTargetCounts(comma, "NER, fine"));
        assertFalse(Tables.averagesDifferentTargetCounts(comma, "NER"));
    }

    /**
     * Group names may hold ", " and "; " (TaskGroup.of refuses only '+' and control characters), and
     * Table 2's title joins its counts with ", " before "; trained in". A group "QA, SL" listed before
     * "SL" answered for "SL" (its entry holds ", SL 1-2 of 2"), and a group "QA; old" cut the counts at
     * its "; ", so that no row after it, Average included, was read as averaging different counts.
     * Ground truth as {@link #tellsWhenARowAveragesDifferentTargetCounts}: the Baseline lacks Q2, so
     * the QA group reads "1-2 of 2", Average "3-4 of 4", and SL, both of whose targets every setting
     * has, "2".
     */
    @Test
    void groupNamesHoldingTheTitlesSeparatorsReadTheirOwnCounts(@TempDir Path dir) throws Exception {
        for (String qa : List.of("QA, SL", "QA; old")) {
            Path log = dir.resolve(qa.replaceAll("\\W", "_") + ".jsonl");
            runs(log, "Baseline", "Q1", qa, 50, 54);
            runs(log, "Baseline", "T1", "SL", 80, 82);
            runs(log, "Baseline", "T2", "SL", 70, 72);
            runs(log, "Only-SL", "Q1", qa, 40, 44);
            runs(log, "Only-SL", "Q2", qa, 60, 62);
            runs(log, "Only-SL", "T1", "SL", 85, 87);
            runs(log, "Only-SL", "T2", "SL", 75, 77);
            ReportLayout layout = ReportLayout.builder().addSetting("Only-SL").addSetting("Baseline")
                    .addTarget("Q1", qa).addTarget("Q2", qa).addTarget("T1", "SL").addTarget("T2", "SL").build();
            Table t2 = Tables.table2(Tables.table1(ResultLog.load(log), layout, StdKind.SAMPLE), layout);
            assertTrue(t2.title().contains("targets averaged: " + qa + " 1-2 of 2, SL 2, Average 3-4 of 4"), t2.title());
            assertTrue(Tables.averagesDifferentTargetCounts(t2, qa), qa + ": " + t2.title());
            assertFalse(Tables.averagesDifferentTargetCounts(t2, "SL"), qa + ": " + t2.title());
            assertTrue(Tables.averagesDifferentTargetCounts(t2, Tables.AVERAGE), qa + ": " + t2.title());
        }
    }

    /**
     * Ground truth: Python's {@code '%.3f' % v} (and {@code %.2f}, {@code %.1f}, {@code %.0f}), which
     * rounds the double's exact binary value, ties to even. 1.0005 is stored as
     * 1.000499999999999944..., so it prints 1.000, not 1.001; 2.675 is 2.674999999999999822...;
     * 0.15 is 0.149999999999999994...; 0.0625 and 2.5 are exact ties and go to the even digit.
     * Java's {@code %.3f} rounds the shortest decimal string half up instead, and printed 1.001,
     * 2.68, 0.2, 0.063 and 3 for these.
     */
    @Test
    void markdownRoundsTheStoredValueAsPythonsPercentFormatDoes() {
        Table t = new Table("T", "Target", List.of("A", "B"), List.of(
                new Table.Row("x", List.of(Cell.of(1.0005, 0.0625), Cell.of(80.165)))));
        String md = TableWriter.standard().toMarkdown(t);
        assertTrue(md.contains("| x | 1.000 ± 0.062 | 80.165 |"), md);
        assertEquals("2.67", TableWriter.withDecimals(2).format(Cell.of(2.675)));
        assertEquals("80.17", TableWriter.withDecimals(2).format(Cell.of(80.165)));
        assertEquals("0.1 ± 45.2", TableWriter.withDecimals(1).format(Cell.of(0.15, 45.25)));
        assertEquals("2 ± 0", TableWriter.withDecimals(0).format(Cell.of(2.5, 0.5)));
        assertEquals("0.0000000000", TableWriter.withDecimals(10).format(Cell.of(1e-11)));
        // the sign of a negative value that rounds to zero stays, as in Python
        assertEquals("-0.000", TableWriter.standard().format(Cell.of(-0.0004)));
        assertEquals("-0.000", TableWriter.standard().format(Cell.of(-0.0)));
    }

    @Test
    void markdownHasOneAlignmentMarkPerColumnAndDecimalsFromZeroToTen() {
        Table t = new Table("T", "Target", List.of("A", "B"), List.of(new Table.Row("x", List.of(Cell.of(1.5), Cell.of(2)))));
        String md = TableWriter.withDecimals(0).toMarkdown(t);
        assertTrue(md.contains("\n|---|---:|---:|\n"), md);
        assertTrue(TableWriter.withDecimals(10).toMarkdown(t).contains("1.5000000000"));
        assertThrows(IllegalArgumentException.class, () -> TableWriter.withDecimals(-1));
        assertThrows(IllegalArgumentException.class, () -> TableWriter.withDecimals(11));
    }
}
