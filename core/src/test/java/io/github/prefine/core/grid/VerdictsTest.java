package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.eval.report.Cell;
import io.github.prefine.eval.report.Table;
import io.github.prefine.eval.report.Tables;
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
}
