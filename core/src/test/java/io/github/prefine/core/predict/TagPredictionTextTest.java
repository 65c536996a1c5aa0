package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.eval.metrics.Span;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TagPrediction#entityText}: an entity's words as the {@code predict} command writes them,
 * so that a library caller need not rebuild them from word indices. Expected texts are read off
 * the sentence by hand.
 */
class TagPredictionTextTest {
    private static final List<String> WORDS = List.of("John", "Smith", "visited", "New", "York", "😀", ".");
    private static final TagPrediction PREDICTION = new TagPrediction(WORDS,
            List.of("B-PER", "I-PER", "O", "B-LOC", "I-LOC", "B-MISC", "O"),
            List.of(new Span(4, 0, 2, "PER"), new Span(4, 3, 5, "LOC"), new Span(4, 5, 6, "MISC")), 0);

    @Test
    void anEntitysTextIsItsWordsJoinedBySpaces() {
        assertEquals(List.of("John Smith", "New York", "😀"),
                PREDICTION.entities().stream().map(PREDICTION::entityText).toList());
    }

    @Test
    void aSpanOutsideTheWordsIsRefusedNamingBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PREDICTION.entityText(new Span(4, 5, 9, "LOC")));
        assertEquals("span [5, 9) is outside the sentence's 7 words", e.getMessage());
    }
}
