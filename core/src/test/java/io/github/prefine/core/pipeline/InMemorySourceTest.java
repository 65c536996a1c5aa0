package io.github.prefine.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.eval.metrics.MetricType;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TaskDataSource#inMemory} serves data by task name. Two data sets under one name used to
 * keep the last without a word, so a grid trained and scored on whichever came last.
 */
class InMemorySourceTest {
    private static TaskData data(Task task, String text) {
        List<TextExample> train = List.of(new TextExample(text + "0", text, null, "yes"),
                new TextExample(text + "1", text + " not", null, "no"));
        return InMemoryTasks.data(task, train, train, List.of());
    }

    @Test
    void twoDataSetsUnderOneNameAreRefusedNamingIt() {
        Task task = InMemoryTasks.task("mem-dup", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY,
                List.of("no", "yes"));
        TaskData first = data(task, "good");
        TaskData second = data(task, "bad");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskDataSource.inMemory(List.of(first, second)));
        assertTrue(e.getMessage().contains("mem-dup") && e.getMessage().contains("1") && e.getMessage().contains("0"),
                e.getMessage());
    }

    @Test
    void aNullEntryIsRefusedWithItsIndex() {
        Task task = InMemoryTasks.task("mem-one", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY,
                List.of("no", "yes"));
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> TaskDataSource.inMemory(Arrays.asList(data(task, "good"), null)));
        assertTrue(e.getMessage() != null && e.getMessage().contains("data[1]"), String.valueOf(e.getMessage()));
    }

    @Test
    void distinctNamesAreServedAsGiven() throws Exception {
        Task a = InMemoryTasks.task("mem-a", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY, List.of("no", "yes"));
        Task b = InMemoryTasks.task("mem-b", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY, List.of("no", "yes"));
        TaskData da = data(a, "good");
        TaskData db = data(b, "bad");
        TaskDataSource source = TaskDataSource.inMemory(List.of(da, db));
        assertSame(da, source.load(a));
        assertSame(db, source.load(b));
        assertEquals(List.of(), source.missing(a));
    }
}
