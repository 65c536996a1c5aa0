package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.GroupCombination;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table columns, and the sweeps and units a plan lists for them, on hand-written names. */
class SettingTest {
    private static final GroupCombination SL_QA_C = GroupCombination.of(List.of(TaskGroup.SL, TaskGroup.QA, TaskGroup.C));

    @Test
    void aPartialSettingNamesTheGroupsItLacks() {
        Setting s = Setting.partial(SL_QA_C, List.of(TaskGroup.QA, TaskGroup.C));
        assertEquals("SL+QA+C (no QA and C data)", s.name());
        assertTrue(s.isPartial());
        assertFalse(s.isBaseline());
        assertEquals(SL_QA_C, s.combination());
        assertEquals("SL+QA+C__no_QA_and_C_data_", s.fileName());
        Setting full = Setting.of(SL_QA_C);
        assertEquals("SL+QA+C", full.name());
        assertFalse(full.isPartial());
        // the missing groups must be some of the combination's, and at least one
        assertThrows(IllegalArgumentException.class, () -> Setting.partial(SL_QA_C, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> Setting.partial(GroupCombination.of(List.of(TaskGroup.SL)), List.of(TaskGroup.C)));
    }

    /**
     * A setting's name reads back into its groups and the groups it lacked data for, whatever the
     * groups are named: TaskGroup.of allows " (", " and " and a leading "Only-" in a name, so the
     * name is split at its '+' (which no group holds) and a " (no ... data)" suffix is read only
     * where it names groups of the setting. Ground truth: the settings the names were made from.
     */
    @Test
    void aNameReadsBackIntoItsGroupsAndTheGroupsThatHadNoData() {
        TaskGroup v2 = TaskGroup.of("SL (v2)");
        TaskGroup qAndA = TaskGroup.of("Q and A");
        TaskGroup onlyX = TaskGroup.of("Only-X");
        List<Setting> settings = List.of(Setting.baseline(), Setting.of(SL_QA_C),
                Setting.partial(SL_QA_C, List.of(TaskGroup.QA)),
                Setting.partial(SL_QA_C, List.of(TaskGroup.QA, TaskGroup.C)),
                Setting.of(GroupCombination.of(List.of(v2))),
                Setting.partial(GroupCombination.of(List.of(v2, TaskGroup.QA)), List.of(TaskGroup.QA)),
                Setting.partial(GroupCombination.of(List.of(TaskGroup.SL, qAndA, TaskGroup.C)), List.of(qAndA, TaskGroup.C)),
                Setting.of(GroupCombination.of(List.of(onlyX, TaskGroup.C))),
                Setting.of(GroupCombination.of(List.of(onlyX))));
        for (Setting s : settings) {
            assertEquals(s, Setting.parse(s.name()), s.name());
        }
        Setting partial = Setting.parse("SL+QA+C (no QA data)");
        assertEquals(List.of(TaskGroup.SL, TaskGroup.QA, TaskGroup.C), partial.groups());
        assertEquals(List.of(TaskGroup.QA), partial.missingGroups());
        assertEquals(List.of(TaskGroup.SL, TaskGroup.C), partial.groupsWithData());
        assertEquals(List.of(onlyX, TaskGroup.C), Setting.parse("Only-X+C").groups());
        assertEquals(List.of(onlyX), Setting.parse("Only-Only-X").groups());
        assertEquals(List.of(qAndA, TaskGroup.C), Setting.parse("SL+Q and A+C (no Q and A and C data)").missingGroups());
        // a suffix naming no group of the setting is part of the last group's name
        assertEquals(List.of(TaskGroup.SL, TaskGroup.of("C (no X data)")), Setting.parse("SL+C (no X data)").groups());
        assertEquals(List.of(), Setting.parse("SL+C (no X data)").missingGroups());
        for (String bad : List.of("", "SL", "SL+", "+SL", "SL++C", "Only-", "SL+SL", "Only-SL+Only-SL")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Setting.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("expected"), e.getMessage());
        }
    }

    @Test
    void theBaselineHasNoCombinationAndNoOtherName() {
        Setting b = Setting.baseline();
        assertTrue(b.isBaseline());
        assertFalse(b.isPartial());
        assertThrows(IllegalStateException.class, b::combination);
        assertThrows(IllegalArgumentException.class, () -> new Setting("Only-SL", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Setting("Baseline", List.of(TaskGroup.SL)));
        // a name must end as the partial form does, not merely start like it
        assertThrows(IllegalArgumentException.class, () -> new Setting("Only-SL (no SL data", List.of(TaskGroup.SL)));
        // the suffix names groups of the setting, each once
        assertThrows(IllegalArgumentException.class, () -> new Setting("Only-SL (no C data)", List.of(TaskGroup.SL)));
        assertThrows(IllegalArgumentException.class,
                () -> new Setting("SL+C (no C and C data)", List.of(TaskGroup.SL, TaskGroup.C)));
    }

    @Test
    void sweepsListTheirUnitsSeedsOutermostAndRefuseEmptyGrids() {
        Task rte = TaskCatalog.task("rte");
        Setting sl = Setting.of(GroupCombination.of(List.of(TaskGroup.SL)));
        FinetuningSweep f = new FinetuningSweep(sl, rte, List.of(1L, 2L), List.of(1e-5, 3e-5));
        assertEquals(List.of("run-Only-SL-rte-seed1-lr-1e-05", "run-Only-SL-rte-seed1-lr-3e-05",
                "run-Only-SL-rte-seed2-lr-1e-05", "run-Only-SL-rte-seed2-lr-3e-05"),
                f.units().stream().map(GridUnit::id).toList());
        assertEquals("run-Only-SL-rte", f.id());
        assertEquals("run-Only-SL-rte-seed2", new FinetuningSweep(sl, rte, List.of(2L), List.of(1e-5)).id());
        assertThrows(IllegalArgumentException.class, () -> new FinetuningSweep(sl, rte, List.of(), List.of(1e-5)));
        assertThrows(IllegalArgumentException.class, () -> new FinetuningSweep(sl, rte, List.of(1L), List.of()));
        PrefinetuningSweep p = new PrefinetuningSweep(sl, List.of(1e-4, 1e-3), 7);
        assertEquals(List.of(new PrefinetuningUnit(sl, 1e-4, 7), new PrefinetuningUnit(sl, 1e-3, 7)), p.units());
        assertEquals("prefinetune-Only-SL-lr-1e-04", p.units().get(0).id());
        assertThrows(IllegalArgumentException.class, () -> new PrefinetuningSweep(sl, List.of(), 7));
    }

    @Test
    void unitsRefuseTheBaselinePreFinetunedAndNonPositiveRates() {
        Task rte = TaskCatalog.task("rte");
        Setting sl = Setting.of(GroupCombination.of(List.of(TaskGroup.SL)));
        assertThrows(IllegalArgumentException.class, () -> new PrefinetuningUnit(Setting.baseline(), 1e-4, 1));
        for (double bad : new double[] {0.0, -1e-4, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> new PrefinetuningUnit(sl, bad, 1), "" + bad);
            assertThrows(IllegalArgumentException.class, () -> new FinetuningUnit(sl, rte, 1, bad), "" + bad);
        }
        assertEquals("run-Baseline-rte-seed3-lr-2e-05", new FinetuningUnit(Setting.baseline(), rte, 3, 2e-5).id());
    }
}
