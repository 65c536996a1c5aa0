package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Learned label sets follow Python's {@code sorted} (code points), as HF's {@code run_glue.py}
 * ({@code label_list.sort()}) numbers classes, so a label's id is HF's. Java's String order
 * compares UTF-16 units and put a character past U+FFFF (surrogates D800–DFFF) before U+E000–U+FFFF.
 * Expected lists: Python 3's {@code sorted} of the same strings.
 */
class LabelCodePointOrderTest {
    private static final String EMOJI = "\uD83D\uDE00"; // U+1F600
    private static final String PRIVATE = "\uE000";
    private static final String REPLACEMENT = "\uFFFD";

    @Test
    void classLabelsAreSortedByCodePointAsPythonSortsThem() {
        // sorted(["\U0001F600", "\ufffd", "a", "\ue000", "\U0001F600a"]) in Python 3
        List<String> python = List.of("a", PRIVATE, REPLACEMENT, EMOJI, EMOJI + "a");
        assertEquals(python, TaskFormat.SINGLE_TEXT.labelSet(List.of(EMOJI, REPLACEMENT, "a", PRIVATE, EMOJI + "a")));
        assertEquals(python, TaskFormat.TEXT_PAIR.labelSet(List.of(EMOJI + "a", EMOJI, PRIVATE, REPLACEMENT, "a")));
    }

    @Test
    void entityTypesAreSortedByCodePoint() {
        // O first, then each prefix over the types in Python's sorted order: "\ue000" < "\ufffd" < "\U0001F600"
        assertEquals(List.of("O", "B-" + PRIVATE, "B-" + REPLACEMENT, "B-" + EMOJI, "I-" + PRIVATE, "I-" + REPLACEMENT,
                "I-" + EMOJI), TaskFormat.TOKEN.labelSet(List.of("B-" + EMOJI, "O", "I-" + REPLACEMENT, "B-" + PRIVATE)));
    }
}
