package io.github.prefine.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.eval.evaluator.StdKind;
import io.github.prefine.eval.stats.SeedDifference;
import io.github.prefine.eval.stats.TestKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Table 2's comparisons with the baseline. Ground truth: Student's sleep data (R's {@code sleep};
 * {@code t.test(extra ~ group, data = sleep, paired = TRUE)}: t = -4.0621, df = 9, p = 0.002833,
 * CI [-2.4599, -0.7001]; Welch: t = -1.8608, df = 17.776, p = 0.07939, CI [-3.3655, 0.2055]; the
 * setting is group 2 here, so the signs flip), spread over the targets of a group so that only
 * the per-seed average over the group's targets gives the sleep values back: SL's targets a and b
 * score the value + 1 and the value - 1 with each seed, C's target c the value itself. Pairing by
 * (target, seed) instead would test 20 differences with df 19; pooling the targets' runs would
 * test the spread between a and b. Holm over Table 2's three tested cells is worked by hand below.
 */
class GroupComparisonsTest {
    private static final double[] SLEEP_1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
    private static final double[] SLEEP_2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};
    private static final double P_PAIRED = 0.0028328901973842;
    private static final double P_WELCH = 0.0793941401873549;
    private static final ReportLayout LAYOUT = ReportLayout.builder().addSetting("A")
            .addTarget("a", "SL").addTarget("b", "SL").addTarget("c", "C").build();

    /** Seeds 1..10: a = value + 1, b = value - 1, c = value, under the baseline (sleep group 1) and A (group 2). */
    private static List<RunRecord> sleepGrid() {
        List<RunRecord> r = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long seed = i + 1;
            r.add(new RunRecord("Baseline", "a", "SL", seed, SLEEP_1[i] + 1));
            r.add(new RunRecord("Baseline", "b", "SL", seed, SLEEP_1[i] - 1));
            r.add(new RunRecord("Baseline", "c", "C", seed, SLEEP_1[i]));
            r.add(new RunRecord("A", "a", "SL", seed, SLEEP_2[i] + 1));
            r.add(new RunRecord("A", "b", "SL", seed, SLEEP_2[i] - 1));
            r.add(new RunRecord("A", "c", "C", seed, SLEEP_2[i]));
        }
        return r;
    }

    private static void assertPairedSleep(SeedDifference d) {
        assertEquals(TestKind.PAIRED, d.kind());
        assertEquals(1.58, d.difference(), 1e-12);
        assertEquals(4.062127683382037, d.t(), 1e-9);
        assertEquals(9, d.df(), 0);
        assertEquals(P_PAIRED, d.p(), 1e-10);
        assertEquals(0.7001142367230226, d.ciLow(), 1e-9);
        assertEquals(2.4598857632769775, d.ciHigh(), 1e-9);
        assertEquals(10, d.nBaseline());
    }

    private static void assertWelchSleep(SeedDifference d) {
        assertEquals(TestKind.WELCH, d.kind());
        assertEquals(1.58, d.difference(), 1e-12);
        assertEquals(1.860813467486853, d.t(), 1e-9);
        assertEquals(17.776473516178488, d.df(), 1e-9);
        assertEquals(P_WELCH, d.p(), 1e-10);
        assertEquals(-0.20548323071171315, d.ciLow(), 1e-9);
        assertEquals(3.365483230711713, d.ciHigh(), 1e-9);
    }

    @Test
    void pairsThePerSeedAveragesOfTheGroupsTargets() {
        var tests = GroupComparisons.of(new ResultSet(sleepGrid(), List.of()), LAYOUT, 0.05);
        assertEquals(List.of("SL", "C", Tables.AVERAGE), List.copyOf(tests.keySet()));
        for (String row : tests.keySet()) {
            assertEquals(List.of("A"), List.copyOf(tests.get(row).keySet()), "the baseline is not compared with itself");
            SeedDifference d = tests.get(row).get("A");
            assertPairedSleep(d);
            // three equal p-values (up to rounding): Holm multiplies each by 3
            assertEquals(3 * P_PAIRED, d.pAdjusted(), 1e-9, row);
            assertTrue(d.significant(), row);
        }
    }

    /**
     * Target b's extra seed 11 under A breaks "every target ran the same seeds under both
     * settings": SL and Average fall back to Welch over the per-seed averages of the seeds every
     * target ran (1..10 on both sides), C stays paired. Holm: C 3 x 0.0028329 = 0.0084987; the two
     * Welch p-values 0.0793941 rank second and third, 2 x 0.0793941 = 0.1587883 for both.
     */
    @Test
    void aSeedOnlyOneTargetRanMakesTheRowWelchOverTheSeedsAllTargetsRan() {
        List<RunRecord> r = sleepGrid();
        r.add(new RunRecord("A", "b", "SL", 11, 100));
        var tests = GroupComparisons.of(new ResultSet(r, List.of()), LAYOUT, 0.05);
        assertWelchSleep(tests.get("SL").get("A"));
        assertWelchSleep(tests.get(Tables.AVERAGE).get("A"));
        assertEquals(10, tests.get("SL").get("A").nSetting(), "seed 11 has no average over SL's targets");
        assertPairedSleep(tests.get("C").get("A"));
        assertEquals(3 * P_PAIRED, tests.get("C").get("A").pAdjusted(), 1e-9);
        assertEquals(2 * P_WELCH, tests.get("SL").get("A").pAdjusted(), 1e-9);
        assertEquals(2 * P_WELCH, tests.get(Tables.AVERAGE).get("A").pAdjusted(), 1e-9);
        assertFalse(tests.get("SL").get("A").significant());
    }

    @Test
    void rowsWhoseSettingsRanDifferentTargetsAreNotCompared() {
        List<RunRecord> r = new ArrayList<>(sleepGrid().stream()
                .filter(x -> !(x.setting().equals("A") && x.target().equals("b"))).toList());
        var tests = GroupComparisons.of(new ResultSet(r, List.of()), LAYOUT, 0.05);
        assertNull(tests.get("SL"), "A averages a alone, the baseline a and b");
        assertNull(tests.get(Tables.AVERAGE));
        SeedDifference c = tests.get("C").get("A");
        assertPairedSleep(c);
        assertEquals(c.p(), c.pAdjusted(), 0, "a family of one");
    }

    @Test
    void aSideWithOneSeedIsComparedButUntested() {
        List<RunRecord> r = new ArrayList<>(sleepGrid().stream().filter(x -> x.seed() == 1).toList());
        var tests = GroupComparisons.of(new ResultSet(r, List.of()), LAYOUT, 0.05);
        SeedDifference d = tests.get("SL").get("A");
        assertFalse(d.tested());
        assertEquals(1.2, d.difference(), 1e-12, "1.9 - 0.7");
    }

    @Test
    void table2CarriesTheComparisonsAndKeepsItsValuesAndTitle(@TempDir Path dir) throws Exception {
        ResultSet results = new ResultSet(sleepGrid(), List.of());
        Table t1 = Tables.table1(results, LAYOUT, StdKind.SAMPLE);
        Table plain = Tables.table2(t1, LAYOUT);
        Table t2 = Tables.table2(t1, results, LAYOUT, 0.05);
        assertEquals(plain.title(), t2.title());
        assertEquals(plain.columns(), t2.columns());
        for (Table.Row row : plain.rows()) {
            for (String column : plain.columns()) {
                Cell before = plain.cell(row.label(), column);
                Cell after = t2.cell(row.label(), column);
                assertEquals(before.value(), after.value(), 0);
                assertEquals(before.std(), after.std(), 0);
                assertEquals(column.equals("A"), after.vsBaseline() != null, row.label() + " " + column);
            }
        }
        // paired on every seed: the test's difference is the cells' difference
        assertEquals(t2.cell("SL", "A").value() - t2.cell("SL", "Baseline").value(),
                t2.cell("SL", "A").vsBaseline().difference(), 1e-12);
        String md = TableWriter.withDecimals(1).toMarkdown(t2);
        assertTrue(md.contains("| SL | 0.8 ± 1.8 | 2.3 ± 2.0 † |"), md);
        assertTrue(md.contains("\n† differs from the baseline in its row: two-sided t-test over the per-seed averages of"
                + " the row's targets (paired by seed), Holm-adjusted p ≤ 0.05 over the family of the 3 cells tested;"
                + " 3 of 3 marked\n"), md);
        String csv = TableWriter.standard().toCsv(t2);
        assertTrue(csv.startsWith("Group,Baseline,Baseline std,A,A std,A diff,A p Holm,A differs\n"), csv);

        // at 0.005 the adjusted 0.0085 no longer counts; the level is written and read back
        Table strict = Tables.table2(t1, results, LAYOUT, 0.005);
        String smd = TableWriter.withDecimals(1).toMarkdown(strict);
        assertFalse(smd.contains("† |"), smd);
        assertTrue(smd.contains("Holm-adjusted p ≤ 0.005 over the family of the 3 cells tested; 0 of 3 marked"), smd);
        TableWriter.standard().writeAll(strict, dir, "table2");
        assertTrue(Files.readString(dir.resolve("table2.json")).contains("\"alpha\": 0.005"));
        Table back = TableReader.read(dir.resolve("table2.json"));
        assertEquals(strict.cell("SL", "A").vsBaseline(), back.cell("SL", "A").vsBaseline());
        assertFalse(back.cell("SL", "A").differsFromBaseline());
    }

    @Test
    void refusesALevelOutsideZeroToOne() {
        ResultSet results = new ResultSet(sleepGrid(), List.of());
        for (double alpha : new double[] {0, 1, -0.05, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GroupComparisons.of(results, LAYOUT, alpha));
            assertTrue(e.getMessage().startsWith("alpha must be a significance level in (0, 1)"), e.getMessage());
        }
    }
}
