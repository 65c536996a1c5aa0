package io.github.prefine.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.eval.metrics.MetricType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A custom reader's tag without a prefix and a type ({@code X}, {@code B-}, {@code I}) made the
 * token format's label set and mention counts fail with a bare StringIndexOutOfBoundsException
 * ({@code tag.substring(2)}). seqeval's default mode only warns ("X seems not to be NE tag") and
 * reads such a tag as an entity of type {@code _}, which a learned tag set of B-T and I-T cannot
 * predict: learning labels from it is refused, naming the task, the example, the tag and what was
 * expected; a declared label set that holds it is counted as seqeval reads it.
 */
class MalformedTagTest {
    @Test
    void aTagWithoutPrefixAndTypeIsRefusedNamingTheTaskExampleAndTag() {
        for (String bad : List.of("X", "B-", "I")) {
            List<TokenExample> train = List.of(new TokenExample("s0", List.of("john", "ran"), List.of("B-PER", "O")),
                    new TokenExample("s1", List.of("a", "b"), List.of(bad, "O")));
            Task task = InMemoryTasks.task("odd-tags", TaskGroup.SL, TaskFormat.TOKEN, MetricType.SPAN_F1, List.of());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> InMemoryTasks.data(task, train, train, List.of()));
            assertTrue(e.getMessage().startsWith("task odd-tags: example s1: tag '" + bad + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("expected O or B-, I-, E- or S- and an entity type, such as B-PER"),
                    e.getMessage());
        }
    }

    /**
     * A prefix other than B, I, E or S (BILOU's U- and L-, a lower-case b-) was learned as if it were
     * one: "U-PER" gave the type PER and the label set [O, B-PER, I-PER], which does not hold the
     * data's own U-PER, so its words were left out of the loss as tags outside the list. seqeval
     * warns on such a tag as on X ("seems not to be NE tag": it checks the prefixes B-, I-, E-, S-).
     */
    @Test
    void aTagWithAnotherPrefixThanBIESIsRefusedRatherThanLearnedWithoutItself() {
        for (String bad : List.of("U-PER", "L-PER", "b-PER", "X-PER")) {
            List<TokenExample> train = List.of(new TokenExample("s0", List.of("john", "ran"), List.of("B-PER", "O")),
                    new TokenExample("s1", List.of("a", "b"), List.of(bad, "O")));
            Task task = InMemoryTasks.task("odd-tags", TaskGroup.SL, TaskFormat.TOKEN, MetricType.SPAN_F1, List.of());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> InMemoryTasks.data(task, train, train, List.of()), bad);
            assertTrue(e.getMessage().startsWith("task odd-tags: example s1: tag '" + bad + "'"), e.getMessage());
        }
        // the four prefixes are learned, E- and S- as BIOES
        List<TokenExample> bioes = List.of(new TokenExample("s0", List.of("a", "b", "c", "d"),
                List.of("B-PER", "I-PER", "E-PER", "S-X")));
        Task task = InMemoryTasks.task("bioes", TaskGroup.SL, TaskFormat.TOKEN, MetricType.SPAN_F1, List.of());
        assertEquals(List.of("O", "B-PER", "B-X", "I-PER", "I-X", "E-PER", "E-X", "S-PER", "S-X"),
                InMemoryTasks.data(task, bioes, bioes, List.of()).labels());
    }

    /**
     * Declared labels [O, X, B-PER, I-PER]; seqeval's get_entities on [B-PER, X, X, B-PER, I-PER, O]:
     * B-PER opens PER at 0; X (tag X, type _, another type) ends it and opens a _ chunk at 1; the
     * second X continues it; B-PER (another type) ends it at 2 and opens PER at 3, which I-PER
     * continues and O ends. Mentions: PER, _, PER.
     */
    @Test
    void declaredMalformedTagsAreCountedAsSeqevalReadsThem() {
        Task task = InMemoryTasks.task("odd-declared", TaskGroup.SL, TaskFormat.TOKEN, MetricType.SPAN_F1,
                List.of("O", "X", "B-PER", "I-PER"));
        List<TokenExample> train = List.of(new TokenExample("s0", List.of("a", "b", "c", "d", "e", "f"),
                List.of("B-PER", "X", "X", "B-PER", "I-PER", "O")));
        assertEquals(Map.of("PER", 2, "_", 1), InMemoryTasks.data(task, train, train, List.of()).labelCounts(Split.TRAIN));
    }
}
