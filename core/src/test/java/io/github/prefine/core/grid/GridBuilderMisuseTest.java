package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.pipeline.TaskDataSource;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskGroup;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Grid.Builder} misused: null lists and elements are named at the setter, and what
 * {@code build()} can tell is wrong before any data is read (a task twice in the pool, a target
 * batch size that is not positive) is refused naming the value.
 */
class GridBuilderMisuseTest {
    private static final Task CONLL = TaskCatalog.task("conll2003-en");
    private static final Task RTE = TaskCatalog.task("rte");
    private static final Task SQUAD = TaskCatalog.task("squad");

    private static Grid.Builder base(Path dir) {
        return Grid.builder().setEncoder(dir.resolve("encoder")).setData(TaskDataSource.dataRoot(dir, Leniency.STRICT))
                .setPrefinetuningTasks(List.of(CONLL)).setGroups(List.of(TaskGroup.SL)).setTargets(List.of(RTE))
                .setOutput(dir.resolve("out"));
    }

    @Test
    void nullListsAndElementsAreNamedAtTheSetter(@TempDir Path dir) {
        Grid.Builder b = base(dir);
        assertEquals("pool", assertThrows(NullPointerException.class, () -> b.setPrefinetuningTasks(null)).getMessage());
        assertEquals("pool[1]", assertThrows(NullPointerException.class,
                () -> b.setPrefinetuningTasks(Arrays.asList(CONLL, null))).getMessage());
        assertEquals("groups", assertThrows(NullPointerException.class, () -> b.setGroups(null)).getMessage());
        assertEquals("groups[0]", assertThrows(NullPointerException.class,
                () -> b.setGroups(Arrays.asList((TaskGroup) null))).getMessage());
        assertEquals("targets", assertThrows(NullPointerException.class, () -> b.setTargets(null)).getMessage());
        assertEquals("seeds", assertThrows(NullPointerException.class, () -> b.optSeeds(null)).getMessage());
        assertEquals("seeds[1]", assertThrows(NullPointerException.class,
                () -> b.optSeeds(Arrays.asList(1L, null))).getMessage());
        assertEquals("grid[1]", assertThrows(NullPointerException.class,
                () -> b.optLearningRates(Arrays.asList(1e-3, null))).getMessage());
        assertEquals("grid", assertThrows(NullPointerException.class, () -> b.optTargetLearningRates(null)).getMessage());
        assertEquals("options", assertThrows(NullPointerException.class, () -> b.optOptions(null)).getMessage());
        // the builder is as it was: it still builds
        b.build();
    }

    /**
     * A target or group named as a row the report tables add is refused when the grid is built, not
     * when its first unit's records reach the tables (ReportLayout refuses it there).
     */
    @Test
    void aTargetOrGroupNamedAsAnAverageRowIsRefusedAtBuild(@TempDir Path dir) {
        Task average = RTE.toBuilder().setName("Average").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> base(dir).setTargets(List.of(average)).build());
        assertEquals("grid: target must not be named as a row the tables add (Average, Average Std. Dev.), found"
                + " \"Average\"", e.getMessage());
        Task grouped = RTE.toBuilder().setGroup(TaskGroup.of("Average")).build();
        e = assertThrows(IllegalArgumentException.class,
                () -> base(dir).setGroups(List.of(TaskGroup.SL)).setTargets(List.of(grouped)).build());
        assertEquals("grid: group must not be named as a row the tables add (Average, Average Std. Dev.), found"
                + " \"Average\"", e.getMessage());
    }

    @Test
    void buildNamesTheValueAtFault(@TempDir Path dir) {
        // the target batch size was checked but left out of the message, which showed only valid values
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> base(dir).optTargetBatchSize(-1).build());
        assertEquals("grid: batch sizes (pre-finetuning/target), epochs, patience and logEvery must be positive,"
                + " found 128/-1, 20/20, 3, 50", batch.getMessage());
        // one task twice in the pool: the run failed later, when its registry refused the second
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> base(dir).setPrefinetuningTasks(List.of(CONLL, CONLL)).build());
        assertEquals("grid: pre-finetuning tasks must be distinct, found conll2003-en twice in [conll2003-en,"
                + " conll2003-en]", twice.getMessage());
    }

    @Test
    void aSettingWithoutAPrefinetuningTaskIsRefusedAtBuildNamingIt(@TempDir Path dir) {
        // the pool holds SL only: Only-C would pre-finetune on nothing, which the plan found only once a run began
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
                () -> base(dir).setGroups(List.of(TaskGroup.SL, TaskGroup.C)).build());
        assertEquals("grid: setting Only-C has no pre-finetuning task: setPrefinetuningTasks holds none of group [C]"
                + " (its tasks are of [SL]), and a setting that also names another group would be that group's alone;"
                + " expected at least one pre-finetuning task of each chosen group: add tasks of [C] or leave it out of"
                + " setGroups", c.getMessage());
        // two such groups: every setting made of them alone is named, in table order
        IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
                () -> base(dir).setGroups(List.of(TaskGroup.SL, TaskGroup.QA, TaskGroup.C)).build());
        assertEquals("grid: settings Only-QA, Only-C and QA+C have no pre-finetuning task: setPrefinetuningTasks holds"
                + " none of groups [QA, C] (its tasks are of [SL]), and a setting that also names another group would be"
                + " that group's alone; expected at least one pre-finetuning task of each chosen group: add tasks of"
                + " [QA, C] or leave them out of setGroups", two.getMessage());
        // an empty pool: the tasks the grid was given are of no group
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> base(dir).setPrefinetuningTasks(List.of()).build());
        assertEquals("grid: setting Only-SL has no pre-finetuning task: setPrefinetuningTasks holds none of group [SL]"
                + " (it holds no task), and a setting that also names another group would be that group's alone;"
                + " expected at least one pre-finetuning task of each chosen group: add tasks of [SL] or leave it out of"
                + " setGroups", none.getMessage());
        // the baseline pre-finetunes on nothing on purpose: a grid whose every group has a task builds with it
        base(dir).setPrefinetuningTasks(List.of(CONLL, SQUAD)).setGroups(List.of(TaskGroup.SL, TaskGroup.QA)).build();
    }

    @Test
    void namesThatWouldShareTheGridsFilesAreRefusedAtBuild(@TempDir Path dir) {
        // file names keep [A-Za-z0-9._+-]: "rte copy" and "rte_copy" both made run-Baseline-rte_copy, so the
        // second target's sweeps were taken for done (the first's record) and its Table 1 row stayed empty
        Task spaced = TaskCatalog.task("rte").toBuilder().setName("rte copy").build();
        Task underscored = TaskCatalog.task("rte").toBuilder().setName("rte_copy").build();
        IllegalArgumentException targets = assertThrows(IllegalArgumentException.class,
                () -> base(dir).setTargets(List.of(RTE, spaced, underscored)).build());
        assertEquals("grid: target rte_copy under setting Baseline would share the files of target rte copy under"
                + " setting Baseline (finetune/run-Baseline-rte_copy-seed1, records/run-Baseline-rte_copy.jsonl): file"
                + " names keep A-Z, a-z, 0-9 and . _ + - and are compared ignoring case, as macOS and Windows do, so"
                + " one's scores would be read back as the other's; rename one of them", targets.getMessage());
        // case alone: one folder on a case-insensitive file system
        Task upper = TaskCatalog.task("rte").toBuilder().setName("RTE").build();
        IllegalArgumentException cased = assertThrows(IllegalArgumentException.class,
                () -> base(dir).setTargets(List.of(RTE, upper)).build());
        assertEquals("grid: target RTE under setting Baseline would share the files of target rte under setting"
                + " Baseline (finetune/run-Baseline-RTE-seed1, records/run-Baseline-RTE.jsonl): file names keep A-Z, a-z,"
                + " 0-9 and . _ + - and are compared ignoring case, as macOS and Windows do, so one's scores would be"
                + " read back as the other's; rename one of them", cased.getMessage());
        // two groups whose settings share a folder
        Task other = TaskCatalog.task("conll2003-en").toBuilder().setName("conll copy").setGroup(TaskGroup.of("S L"))
                .build();
        Task third = TaskCatalog.task("conll2003-en").toBuilder().setName("conll third").setGroup(TaskGroup.of("S_L"))
                .build();
        IllegalArgumentException groups = assertThrows(IllegalArgumentException.class,
                () -> base(dir).setPrefinetuningTasks(List.of(other, third))
                        .setGroups(List.of(TaskGroup.of("S L"), TaskGroup.of("S_L"))).build());
        assertEquals("grid: setting Only-S_L would share the files of setting Only-S L (prefinetune/Only-S_L,"
                + " records/prefinetune-Only-S_L.jsonl): file names keep A-Z, a-z, 0-9 and . _ + - and are compared"
                + " ignoring case, as macOS and Windows do, so one's scores would be read back as the other's; rename"
                + " one of them", groups.getMessage());
    }

    /**
     * Groups and targets whose names give one folder name share the grid's records, checkpoints
     * and model folders: the second setting's pre-finetuning found the first's record and was
     * skipped as done, so both columns showed one run. Names outside A-Z, a-z, 0-9 and {@code ._+-}
     * become {@code _} in file names ("分类" and "问答" both "__"), and macOS and Windows compare
     * file names without case ("ner" and "NER").
     */
    @Test
    void groupsOrTargetsThatShareAFolderNameAreRefused(@TempDir Path dir) {
        TaskGroup classify = TaskGroup.of("分类");
        TaskGroup answer = TaskGroup.of("问答");
        List<Task> pool = List.of(CONLL.toBuilder().setGroup(classify).build(),
                TaskCatalog.task("wnut17").toBuilder().setGroup(answer).build());
        IllegalArgumentException groups = assertThrows(IllegalArgumentException.class,
                () -> base(dir).setPrefinetuningTasks(pool).setGroups(List.of(classify, answer)).build());
        assertEquals("grid: setting Only-问答 would share the files of setting Only-分类 (prefinetune/Only-__,"
                + " records/prefinetune-Only-__.jsonl): file names keep A-Z, a-z, 0-9 and . _ + - and are compared"
                + " ignoring case, as macOS and Windows do, so one's scores would be read back as the other's; rename"
                + " one of them", groups.getMessage());
        TaskGroup lower = TaskGroup.of("ner");
        TaskGroup upper = TaskGroup.of("NER");
        List<Task> cased = List.of(CONLL.toBuilder().setGroup(lower).build(),
                TaskCatalog.task("wnut17").toBuilder().setGroup(upper).build());
        IllegalArgumentException caseOnly = assertThrows(IllegalArgumentException.class,
                () -> base(dir).setPrefinetuningTasks(cased).setGroups(List.of(lower, upper)).build());
        assertTrue(caseOnly.getMessage().startsWith("grid: setting Only-NER would share the files of setting Only-ner"
                + " (prefinetune/Only-NER,"), caseOnly.getMessage());

        List<Task> targets = List.of(RTE.toBuilder().setName("评论").build(), RTE.toBuilder().setName("新闻").build());
        IllegalArgumentException named = assertThrows(IllegalArgumentException.class,
                () -> base(dir).setTargets(targets).build());
        assertTrue(named.getMessage().startsWith("grid: target 新闻 under setting Baseline would share the files of"
                + " target 评论 under setting Baseline (finetune/run-Baseline-__-seed1,"), named.getMessage());
        assertThrows(IllegalArgumentException.class, () -> base(dir)
                .setTargets(List.of(RTE, RTE.toBuilder().setName("RTE").build())).build());
        // names that keep their own folders still build
        base(dir).setTargets(List.of(RTE.toBuilder().setName("评论").build(), RTE.toBuilder().setName("新闻报道").build()))
                .build();
    }
}
