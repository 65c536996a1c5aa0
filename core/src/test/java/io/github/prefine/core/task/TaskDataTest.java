package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.ReadReport;
import io.github.prefine.core.data.TextExample;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskDataTest {
    private static final Task RTE = TaskCatalog.task("rte");

    private static List<Example> examples(String prefix, int n) {
        return java.util.stream.IntStream.range(0, n)
                .<Example>mapToObj(i -> new TextExample(prefix + i, "a " + i, "b " + i, i % 2 == 0 ? "entailment" : "not_entailment"))
                .toList();
    }

    @Test
    void withoutLeavesOneSplitOutAndKeepsTheRest() {
        Map<Split, List<Example>> splits = new EnumMap<>(Split.class);
        splits.put(Split.TRAIN, examples("train:", 4));
        splits.put(Split.VALIDATION, examples("dev:", 2));
        splits.put(Split.TEST, examples("test:", 3));
        TaskData d = new TaskData(RTE, List.of("entailment", "not_entailment"), splits,
                Map.of("train.tsv", new ReadReport.Builder("train.tsv").records(4).build()), "dev.tsv");

        TaskData kept = d.without(Split.TEST);

        assertEquals(Set.of(Split.TRAIN, Split.VALIDATION), kept.splits().keySet());
        assertEquals(d.split(Split.TRAIN), kept.split(Split.TRAIN));
        assertEquals(d.split(Split.VALIDATION), kept.split(Split.VALIDATION));
        assertEquals(List.of(), kept.split(Split.TEST));
        assertEquals(d.labels(), kept.labels());
        assertEquals(d.reports(), kept.reports());
        assertEquals("dev.tsv", kept.validation());
        // the original is untouched, and leaving out an absent split changes nothing
        assertEquals(3, d.split(Split.TEST).size());
        assertSame(kept, kept.without(Split.TEST));
        assertThrows(UnsupportedOperationException.class, () -> kept.splits().put(Split.TEST, List.of()));
    }
}
