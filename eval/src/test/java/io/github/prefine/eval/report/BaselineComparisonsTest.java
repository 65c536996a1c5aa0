package io.github.prefine.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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
 * Table 1's comparisons with the baseline on a grid worked by hand: T1 under A is the paired case
 * of {@code SeedTTestsTest} (p = 0.0240435, below 0.05 on its own), T2 under A gains about 5
 * points on every seed (p far below), B changes nothing on T1 and has other seeds on T2 (Welch),
 * and T3 has one seed a side (compared, untested). The family is the 4 tested cells: T1 under A
 * ranks second, so Holm multiplies its p by 3 to 0.0721 and it is not marked.
 */
class BaselineComparisonsTest {
    private static final ReportLayout LAYOUT = ReportLayout.builder().addSetting("A").addSetting("B")
            .addTarget("T1", "SL").addTarget("T2", "SL").addTarget("T3", "C").build();
    private static final double P_T1_A = 0.02404352879937355;

    private static void runs(List<RunRecord> out, String setting, String target, long[] seeds, double... values) {
        for (int i = 0; i < values.length; i++) {
            out.add(new RunRecord(setting, target, "SL", seeds[i], values[i]));
        }
    }

    static ResultSet grid() {
        long[] five = {1, 2, 3, 4, 5};
        List<RunRecord> r = new ArrayList<>();
        runs(r, "Baseline", "T1", five, 70, 72, 68, 71, 69);
        runs(r, "A", "T1", five, 71.5, 72, 69.5, 73, 70);
        runs(r, "B", "T1", five, 69.5, 72.5, 68, 71.2, 68.8);
        runs(r, "Baseline", "T2", five, 50, 52, 48, 51, 49);
        runs(r, "A", "T2", five, 55.0, 57.1, 52.9, 56.2, 54.0);
        runs(r, "B", "T2", new long[] {1, 2, 3}, 49, 53, 47);
        runs(r, "Baseline", "T3", five, 80);
        runs(r, "A", "T3", five, 82);
        return new ResultSet(r, List.of());
    }

    @Test
    void holmOverTheTestedCellsOfTheTable() {
        Table t = Tables.table1(grid(), LAYOUT, StdKind.SAMPLE);
        SeedDifference t1a = t.cell("T1", "A").vsBaseline();
        assertEquals(TestKind.PAIRED, t1a.kind());
        assertEquals(P_T1_A, t1a.p(), 1e-8);
        assertEquals(3 * t1a.p(), t1a.pAdjusted(), 1e-15, "second smallest of 4 tests: times 3");
        assertFalse(t.cell("T1", "A").differsFromBaseline(), "p 0.024 alone, 0.072 after Holm");
        SeedDifference t2a = t.cell("T2", "A").vsBaseline();
        assertEquals(5.04, t2a.difference(), 1e-12);
        assertEquals(4 * t2a.p(), t2a.pAdjusted(), 1e-18, "smallest of 4 tests: times 4");
        assertTrue(t.cell("T2", "A").differsFromBaseline());
        assertEquals(TestKind.WELCH, t.cell("T2", "B").vsBaseline().kind(), "B ran seeds 1-3 on T2");
        assertEquals(-1.0 / 3, t.cell("T2", "B").vsBaseline().difference(), 1e-12);
        SeedDifference t3a = t.cell("T3", "A").vsBaseline();
        assertEquals(2.0, t3a.difference(), 0);
        assertFalse(t3a.tested());
        assertTrue(Double.isNaN(t3a.pAdjusted()));
        assertNull(t.cell("T3", "B").vsBaseline(), "B has no T3 run");
        assertNull(t.cell("T1", "Baseline").vsBaseline());
        assertNull(t.cell(Tables.AVERAGE, "A").vsBaseline());
        assertEquals(t, Tables.table1(grid(), LAYOUT, StdKind.SAMPLE));
    }

    @Test
    void writersMarkTheCellAndSayWhy(@TempDir Path dir) throws Exception {
        Table t = Tables.table1(grid(), LAYOUT, StdKind.SAMPLE);
        List<Path> files = TableWriter.withDecimals(1).writeAll(t, dir, "table1");
        String md = Files.readString(files.get(0));
        assertTrue(md.contains("| T2 | 50.0 ± 1.6 | 55.0 ± 1.7 † | 49.7 ± 3.1 |"), md);
        assertTrue(md.contains("| T1 | 70.0 ± 1.6 | 71.2 ± 1.4 | 70.0 ± 1.8 |"), md);
        assertEquals(2, md.chars().filter(c -> c == '†').count(), "the marked cell and its footnote: " + md);
        assertTrue(md.endsWith("|\n\n† differs from the baseline of its target: two-sided t-test over seeds (paired by"
                + " seed, Welch where the seeds differ), Holm-adjusted p ≤ 0.05 over the family of the 4 cells tested;"
                + " 1 of 4 marked; untested (one seed or no variance): 1\n"), md);
        String csv = Files.readString(files.get(1));
        assertTrue(csv.startsWith("Target,Baseline,Baseline std,A,A std,A diff,A p Holm,A differs,B,B std,B diff,"
                + "B p Holm,B differs\n"), csv);
        assertTrue(csv.contains("\nT1,70.0,1.5811388300841898,71.2,"), csv);
        assertTrue(csv.contains("," + 3 * t.cell("T1", "A").vsBaseline().p() + ",no,"), csv);
        assertTrue(csv.contains("\nT3,80.0,,82.0,,2.0,,,,,,,\n"), csv);
        assertEquals(t, TableReader.read(files.get(2)), "the JSON carries every comparison back");
        // "differs" is undefined where untested: null, as the CSV leaves it empty, not false
        JsonArray rows = JsonParser.parseString(Files.readString(files.get(2))).getAsJsonObject().getAsJsonArray("rows");
        JsonObject t1a = rows.get(0).getAsJsonObject().getAsJsonArray("cells").get(1).getAsJsonObject();
        JsonObject t3a = rows.get(2).getAsJsonObject().getAsJsonArray("cells").get(1).getAsJsonObject();
        assertEquals("T3", rows.get(2).getAsJsonObject().get("label").getAsString());
        assertFalse(t1a.getAsJsonObject("vsBaseline").get("differs").getAsBoolean(), t1a.toString());
        assertTrue(t3a.getAsJsonObject("vsBaseline").get("differs").isJsonNull(), t3a.toString());
    }

    /** T1 under A: Holm-adjusted 3 x 0.0240435 = 0.0721306, above 0.05 and below 0.1. */
    @Test
    void theLevelIsAnOptionNamedInTheFootnote(@TempDir Path dir) throws Exception {
        Table t = Tables.table1(grid(), LAYOUT, StdKind.SAMPLE, 0.1);
        assertEquals(3 * P_T1_A, t.cell("T1", "A").vsBaseline().pAdjusted(), 1e-8, "the level leaves Holm's p alone");
        assertTrue(t.cell("T1", "A").differsFromBaseline(), "0.0721 <= 0.1");
        assertTrue(t.cell("T2", "A").differsFromBaseline());
        String md = TableWriter.withDecimals(1).toMarkdown(t);
        assertTrue(md.contains("| T1 | 70.0 ± 1.6 | 71.2 ± 1.4 † |"), md);
        assertTrue(md.contains("Holm-adjusted p ≤ 0.1 over the family of the 4 cells tested; 2 of 4 marked"), md);
        List<Path> files = TableWriter.standard().writeAll(t, dir, "table1");
        assertEquals(t, TableReader.read(files.get(2)), "the level travels with each comparison");
        // a table written before the level was recorded reads as judged at 0.05
        Path old = dir.resolve("old.json");
        String written = Files.readString(files.get(2));
        assertTrue(written.contains("\"ciLevel\": 0.9,"), "the 90% interval of alpha 0.1 is named: " + written);
        Files.writeString(old, written.replaceAll(",\\s*\"alpha\": 0\\.1", "").replaceAll("\\s*\"ciLevel\": 0\\.9,", ""));
        assertFalse(Files.readString(old).contains("alpha"), "the test removed every level");
        assertFalse(TableReader.read(old).cell("T1", "A").differsFromBaseline());
        assertEquals(SeedDifference.ALPHA, TableReader.read(old).cell("T1", "A").vsBaseline().alpha(), 0);
    }

    /**
     * The level is checked against 1 - alpha as a number, not as a double's last bit: at alpha
     * 0.07 Java's 1 - 0.07 is 0.9299999999999999, and a file that says 0.93 means the same level.
     */
    @Test
    void aLevelWrittenAsItsDecimalReadsAndAnotherLevelIsRefused(@TempDir Path dir) throws Exception {
        Table t = Tables.table1(grid(), LAYOUT, StdKind.SAMPLE, 0.07);
        Path json = TableWriter.standard().writeAll(t, dir, "table1").get(2);
        String written = Files.readString(json);
        assertTrue(written.contains("\"ciLevel\": 0.9299999999999999,"), written);
        Path decimal = dir.resolve("decimal.json");
        Files.writeString(decimal, written.replace("\"ciLevel\": 0.9299999999999999,", "\"ciLevel\": 0.93,"));
        assertEquals(t, TableReader.read(decimal), "0.93 is the level of alpha 0.07");
        Path other = dir.resolve("other.json");
        Files.writeString(other, written.replace("\"ciLevel\": 0.9299999999999999,", "\"ciLevel\": 0.95,"));
        MalformedTableException e = assertThrows(MalformedTableException.class, () -> TableReader.read(other));
        assertTrue(e.getMessage().contains("ciLevel"), e.getMessage());
    }
}
