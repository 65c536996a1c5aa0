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

    @Test
    void labelCountsCountMentionsPerEntityTypeWhateverTheTagScheme() {
        Task tags = TaskCatalog.task("wnut17");
        // IOB1: 'I-PER I-PER B-PER' is two people; IOB2 and BIOES the same two as B- or S- starts
        Example iob1 = new io.github.prefine.core.data.TokenExample("iob1:1", List.of("a", "b", "c", "d", "e", "f"),
                List.of("I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-PER"));
        Example iob2 = new io.github.prefine.core.data.TokenExample("iob2:1", List.of("a", "b", "c", "d"),
                List.of("B-PER", "I-PER", "B-PER", "I-LOC"));
        Example bioes = new io.github.prefine.core.data.TokenExample("bioes:1", List.of("a", "b", "c", "d"),
                List.of("B-PER", "E-PER", "S-PER", "I-PER"));
        TaskData d = new TaskData(tags, List.of(), Map.of(Split.TRAIN, List.of(iob1, iob2, bioes),
                Split.VALIDATION, List.of(iob2)), Map.of(), "dev");
        // PER: 3 in iob1, 2 in iob2, 3 in bioes (an I- after S- starts one); LOC: iob1 1, iob2 1 (I- after PER)
        assertEquals(Map.of("PER", 8, "LOC", 2), d.labelCounts(Split.TRAIN));
        assertEquals(Map.of("PER", 2, "LOC", 1), d.labelCounts(Split.VALIDATION));
        assertEquals(Map.of(), d.labelCounts(Split.TEST));
        // classes count examples
        assertEquals(Map.of("entailment", 2, "not_entailment", 1), new TaskData(RTE, List.of(), Map.of(Split.TRAIN,
                examples("train:", 3)), Map.of(), "dev").labelCounts(Split.TRAIN));
    }
}
