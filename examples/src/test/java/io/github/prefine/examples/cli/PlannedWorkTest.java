package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.grid.FinetuningSweep;
import io.github.prefine.core.grid.PrefinetuningSweep;
import io.github.prefine.core.grid.Setting;
import io.github.prefine.core.task.GroupCombination;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskGroup;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannedWorkTest {
    private static final Task CONLL = TaskCatalog.task("conll2003-en");
    private static final Task SQUAD = TaskCatalog.task("squad");
    private static final Task WNUT = TaskCatalog.task("wnut17");
    private static final Task QED = TaskCatalog.task("qed");
    private static final FeatureSettings PAPER = new FeatureSettings(128, 384, 128, 0, 0, 1L);
    /** Five pre-finetuning rates of 20 epochs; two finetuning runs (rates x seeds) of 10. */
    private static final RunStatus.Shape SHAPE = new RunStatus.Shape(5, 20, 2, 10);
    private static final Map<String, PlannedWork.Size> SIZES = Map.of("conll2003-en", new PlannedWork.Size(1000, 300),
            "squad", new PlannedWork.Size(2000, 600), "wnut17", new PlannedWork.Size(100, 30));

    /**
     * Hand-computed epoch work, (train + validation / 3) x length: conll2003-en (1000 + 100) x 128
     * = 140800, squad's QA windows (2000 + 200) x 384 = 844800, wnut17 (100 + 10) x 128 = 14080,
     * qed (no counts) their mean 999680 / 3. Pre-finetuning units x 20 epochs x 5 rates: SL
     * 14,080,000, QA 84,480,000, SL+QA 98,560,000; finetuning units x 10 epochs x 2 runs: wnut17
     * 281,600, qed 6,664,533.33, for each of the baseline, SL, QA and SL+QA; the grid's own sweep
     * records give the ids.
     */
    @Test
    void unitsWeighTheirPooledExamplesTimesLengthEpochsAndRuns() {
        List<PlannedWork.Unit> units = PlannedWork.of(List.of(TaskGroup.SL, TaskGroup.QA), List.of(CONLL, SQUAD),
                List.of(WNUT, QED), 3, true, SIZES, PAPER, SHAPE);
        assertEquals(RunStatus.plannedUnits(3, 2, 1), units.size());
        List<Setting> pre = List.of(Setting.of(GroupCombination.of(List.of(TaskGroup.SL))),
                Setting.of(GroupCombination.of(List.of(TaskGroup.QA))),
                Setting.of(GroupCombination.of(List.of(TaskGroup.SL, TaskGroup.QA))));
        double[] preWork = {14_080_000, 84_480_000, 98_560_000};
        for (int i = 0; i < 3; i++) {
            PlannedWork.Unit u = units.get(i);
            assertEquals(new PrefinetuningSweep(pre.get(i), List.of(1e-5), 0L).id(), u.id());
            assertEquals("pre-finetune " + pre.get(i).name() + " lr ", u.labelPrefix());
            assertEquals(preWork[i], u.work(), 1e-6);
            // where the grid writes prefinetune/<setting>/lr-<rate>/history.json
            assertEquals(List.of(Path.of("prefinetune", pre.get(i).fileName())), u.runFolders());
        }
        List<Setting> settings = List.of(Setting.baseline(), pre.get(0), pre.get(1), pre.get(2));
        int i = 3;
        for (Setting s : settings) {
            for (Task t : List.of(WNUT, QED)) {
                PlannedWork.Unit u = units.get(i++);
                assertEquals(new FinetuningSweep(s, t, List.of(1L, 2L, 3L), List.of(1e-5)).id(), u.id());
                assertEquals(s.name() + " → " + t.name() + " seed ", u.labelPrefix());
                assertEquals(t == WNUT ? 281_600 : 999_680.0 / 3 * 20, u.work(), 1e-6);
                // one folder per seed, finetune/run-<setting>-<target>-seed<N>/lr-<rate>.json
                String folder = "run-" + s.fileName() + "-" + t.name() + "-seed";
                assertEquals(List.of(Path.of("finetune", folder + 1), Path.of("finetune", folder + 2),
                        Path.of("finetune", folder + 3)), u.runFolders());
            }
        }
    }

    /** Per-seed selection makes a sweep per seed, labelled with it; a training cap cuts the examples. */
    @Test
    void perSeedSweepsAndCapsFollowTheGrid() {
        List<PlannedWork.Unit> units = PlannedWork.of(List.of(TaskGroup.SL), List.of(CONLL), List.of(WNUT), 2, false,
                SIZES, PAPER, SHAPE);
        assertEquals(RunStatus.plannedUnits(1, 1, 2), units.size());
        PlannedWork.Unit seed2 = units.get(4);
        assertEquals(new FinetuningSweep(Setting.of(GroupCombination.of(List.of(TaskGroup.SL))), WNUT, List.of(2L),
                List.of(1e-5)).id(), seed2.id());
        assertEquals("Only-SL → wnut17 seed 2 lr ", seed2.labelPrefix());
        assertEquals(List.of(Path.of("finetune", "run-Only-SL-wnut17-seed2")), seed2.runFolders());
        // at most 500 training and 30 validation examples a task: (500 + 10) x 128
        assertEquals(65_280, PlannedWork.epochWork(CONLL, SIZES.get("conll2003-en"),
                new FeatureSettings(128, 384, 128, 500, 30, 1L)), 1e-9);
    }
}
