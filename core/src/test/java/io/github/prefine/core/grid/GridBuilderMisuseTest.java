package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        assertEquals("grid: groups 分类 and 问答 share the folder name __ (a file name keeps A-Z, a-z, 0-9 and ._+-,"
                + " the rest as _, and macOS and Windows compare names without case), so their settings would share"
                + " records, checkpoints and model folders; rename one (TaskGroup.of)", groups.getMessage());
        TaskGroup lower = TaskGroup.of("ner");
        TaskGroup upper = TaskGroup.of("NER");
        List<Task> cased = List.of(CONLL.toBuilder().setGroup(lower).build(),
                TaskCatalog.task("wnut17").toBuilder().setGroup(upper).build());
        IllegalArgumentException caseOnly = assertThrows(IllegalArgumentException.class,
                () -> base(dir).setPrefinetuningTasks(cased).setGroups(List.of(lower, upper)).build());
        assertEquals(true, caseOnly.getMessage().startsWith("grid: groups ner and NER share the folder name NER ("),
                caseOnly.getMessage());

        List<Task> targets = List.of(RTE.toBuilder().setName("评论").build(), RTE.toBuilder().setName("新闻").build());
        IllegalArgumentException named = assertThrows(IllegalArgumentException.class,
                () -> base(dir).setTargets(targets).build());
        assertEquals("grid: targets 评论 and 新闻 share the folder name __ (a file name keeps A-Z, a-z, 0-9 and ._+-,"
                + " the rest as _, and macOS and Windows compare names without case), so their finetuning runs would"
                + " share records and model folders; rename one", named.getMessage());
        assertThrows(IllegalArgumentException.class, () -> base(dir)
                .setTargets(List.of(RTE, RTE.toBuilder().setName("RTE").build())).build());
        // names that keep their own folders still build
        base(dir).setTargets(List.of(RTE.toBuilder().setName("评论").build(), RTE.toBuilder().setName("新闻报道").build()))
                .build();
    }
}
