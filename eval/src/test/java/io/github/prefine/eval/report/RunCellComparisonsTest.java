package io.github.prefine.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.eval.stats.SeedDifference;
import io.github.prefine.eval.stats.TestKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two runs compared cell by cell. Ground truth: Student's sleep data as R's {@code t.test}
 * documents it (paired: p = 0.002833, df = 9; Welch: p = 0.07939, df = 17.776; base run = group
 * 1, other run = group 2). Cell (T1, A) ran seeds 1..10 in both runs (paired), (T2, A) seeds
 * 1..10 in the base run and 11..20 in the other (Welch), (T3, A) one seed each (untested), (T4,
 * A) only in the base run (not compared). Holm over the two tested cells, by hand: 2 x 0.0028329
 * = 0.0056658, then max(0.0056658, 0.0793941) = 0.0793941.
 */
class RunCellComparisonsTest {
    private static final double[] SLEEP_1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
    private static final double[] SLEEP_2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};
    private static final double P_PAIRED = 0.0028328901973842;
    private static final double P_WELCH = 0.0793941401873549;

    static ResultSet baseRun() {
        List<RunRecord> r = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            r.add(new RunRecord("A", "T1", "SL", i + 1, SLEEP_1[i]));
            r.add(new RunRecord("A", "T2", "SL", i + 1, SLEEP_1[i]));
        }
        r.add(new RunRecord("A", "T3", "C", 1, 50));
        r.add(new RunRecord("A", "T4", "C", 1, 60));
        return new ResultSet(r, List.of());
    }

    static ResultSet otherRun() {
        List<RunRecord> r = new ArrayList<>();
        // another order than the base run's: seeds, not positions, make the pairs
        for (int i = 9; i >= 0; i--) {
            r.add(new RunRecord("A", "T1", "SL", i + 1, SLEEP_2[i], "bf16-mixed"));
            r.add(new RunRecord("A", "T2", "SL", i + 11, SLEEP_2[i], "bf16-mixed"));
        }
        r.add(new RunRecord("A", "T3", "C", 1, 52, "bf16-mixed"));
        return new ResultSet(r, List.of());
    }

    @Test
    void pairsCellsOnSharedSeedsAndCorrectsWithHolm() {
        var tests = RunCellComparisons.of(baseRun(), otherRun(), 0.05);
        SeedDifference t1 = tests.get("T1").get("A");
        assertEquals(TestKind.PAIRED, t1.kind());
        assertEquals(1.58, t1.difference(), 1e-12, "other minus base");
        assertEquals(9, t1.df(), 0);
        assertEquals(P_PAIRED, t1.p(), 1e-10);
        assertEquals(2 * P_PAIRED, t1.pAdjusted(), 1e-10);
        assertTrue(t1.significant());
        SeedDifference t2 = tests.get("T2").get("A");
        assertEquals(TestKind.WELCH, t2.kind());
        assertEquals(17.776473516178488, t2.df(), 1e-9);
        assertEquals(P_WELCH, t2.pAdjusted(), 1e-10, "largest of two: its own p");
        assertFalse(t2.significant());
        SeedDifference t3 = tests.get("T3").get("A");
        assertFalse(t3.tested());
        assertEquals(2, t3.difference(), 0);
        assertNull(tests.get("T4"), "only in the base run");
    }

    @Test
    void theLevelDecidesWhatDiffersNotTheAdjustedP() {
        var loose = RunCellComparisons.of(baseRun(), otherRun(), 0.1);
        assertTrue(loose.get("T2").get("A").significant(), "0.0794 <= 0.1");
        assertEquals(P_WELCH, loose.get("T2").get("A").pAdjusted(), 1e-10);
        var strict = RunCellComparisons.of(baseRun(), otherRun(), 0.005);
        assertFalse(strict.get("T1").get("A").significant(), "0.0057 > 0.005");
    }
}
