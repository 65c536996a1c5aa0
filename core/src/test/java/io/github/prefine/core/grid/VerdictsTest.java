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
}
