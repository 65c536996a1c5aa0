package io.github.prefine.eval.qa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class QaPostProcessorTest {
    // context "Paris is in France." tokens: [CLS] q [SEP] Paris is in France . [SEP]
    private static final String CONTEXT = "Paris is in France.";
    private static final int[] CS = {0, 0, 0, 0, 6, 9, 12, 18, 0};
    private static final int[] CE = {0, 0, 0, 5, 8, 11, 18, 19, 0};
    private static final boolean[] MASK = {false, false, false, true, true, true, true, true, false};

    @Test
    void picksBestValidSpanInsideContext() {
        // the question token 1 has the highest start logit but is outside the context
        float[] start = {0f, 9f, 0f, 1f, 0f, 0f, 5f, 0f, 0f};
        float[] end = {0f, 9f, 0f, 0f, 0f, 0f, 4f, 2f, 0f};
        QaAnswer a = QaPostProcessor.builder().build().answer(CONTEXT, List.of(new QaWindow(start, end, CS, CE, MASK)));
        assertEquals("France", a.text());
        assertEquals(9f, a.score());
        assertEquals(6, a.startToken());
        assertEquals(6, a.endToken());
    }

    @Test
    void rejectsEndBeforeStartAndTooLongSpans() {
        // best pair by score would be start 6 + end 3 (end < start); then 3..7 is 5 tokens > max 2
        float[] start = {0f, 0f, 0f, 3f, 0f, 0f, 8f, 0f, 0f};
        float[] end = {0f, 0f, 0f, 8f, 0f, 0f, 0f, 6f, 0f};
        QaPostProcessor pp = QaPostProcessor.builder().optMaxAnswerLength(2).build();
        QaAnswer a = pp.answer(CONTEXT, List.of(new QaWindow(start, end, CS, CE, MASK)));
        // remaining: (6,7) 8+6=14, (3,3) 3+8=11, (6,6) 8+0 -> France.
        assertEquals("France.", a.text());
        assertEquals(14f, a.score());
    }

    @Test
    void bestAcrossWindowsAndFirstWinsOnTies() {
        float[] s1 = {0f, 0f, 0f, 2f, 0f, 0f, 0f, 0f, 0f};
        float[] e1 = {0f, 0f, 0f, 2f, 0f, 0f, 0f, 0f, 0f};
        float[] s2 = {0f, 0f, 0f, 0f, 0f, 0f, 3f, 0f, 0f};
        float[] e2 = {0f, 0f, 0f, 0f, 0f, 0f, 1f, 0f, 0f};
        QaPostProcessor pp = QaPostProcessor.builder().build();
        QaAnswer a = pp.answer(CONTEXT, List.of(new QaWindow(s1, e1, CS, CE, MASK), new QaWindow(s2, e2, CS, CE, MASK)));
        assertEquals("Paris", a.text());
        assertEquals(0, a.window());
        float[] s3 = {0f, 0f, 0f, 0f, 0f, 0f, 3f, 0f, 0f};
        float[] e3 = {0f, 0f, 0f, 0f, 0f, 0f, 2f, 0f, 0f};
        a = pp.answer(CONTEXT, List.of(new QaWindow(s1, e1, CS, CE, MASK), new QaWindow(s3, e3, CS, CE, MASK)));
        assertEquals("France", a.text());
        assertEquals(1, a.window());
    }

    @Test
    void nonAsciiOffsetsSliceTheContext() {
        String ctx = "Zürich liegt am Zürichsee\u00a0東京";
        int[] cs = {0, 0, 7, 13, 16, 26};
        int[] ce = {0, 6, 12, 15, 25, 28};
        boolean[] mask = {false, true, true, true, true, true};
        float[] s = {0f, 0f, 0f, 0f, 0f, 5f};
        float[] e = {0f, 0f, 0f, 0f, 0f, 5f};
        assertEquals("東京", QaPostProcessor.builder().build().answer(ctx, List.of(new QaWindow(s, e, cs, ce, mask))).text());
    }

    @Test
    void noValidSpanGivesEmptyAnswer() {
        float[] z = new float[9];
        boolean[] none = new boolean[9];
        QaAnswer a = QaPostProcessor.builder().build().answer(CONTEXT, List.of(new QaWindow(z, z, CS, CE, none)));
        assertEquals("", a.text());
        assertFalse(a.found());
    }

    @Test
    void topKOrdersByValueThenIndex() {
        assertArrayEquals(new int[] {2, 0, 3}, QaPostProcessor.topK(new float[] {1f, 0f, 5f, 1f, -1f}, 3));
        assertArrayEquals(new int[] {1, 0}, QaPostProcessor.topK(new float[] {1f, 2f}, 20));
    }

    @Test
    void builderRejectsNonPositive() {
        assertThrows(IllegalArgumentException.class, () -> QaPostProcessor.builder().optNBest(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> new QaWindow(new float[2], new float[3], new int[2], new int[2], new boolean[2]));
    }

    @Test
    void anAnswerOfExactlyTheMaximumLengthAtTheStartOfTheContextIsKept() {
        // (3, 5) "Paris is in" scores 10 but has 3 tokens > max 2; (3, 4) "Paris is" scores 6 and starts at offset 0
        float[] start = {0f, 0f, 0f, 5f, 0f, 0f, 0f, 0f, 0f};
        float[] end = {0f, 0f, 0f, 0f, 1f, 5f, 0f, 0f, 0f};
        QaPostProcessor pp = QaPostProcessor.builder().optMaxAnswerLength(2).optNBest(2).build();
        assertEquals(2, pp.maxAnswerLength());
        assertEquals(2, pp.nBest());
        QaAnswer a = pp.answer(CONTEXT, List.of(new QaWindow(start, end, CS, CE, MASK)));
        assertEquals("Paris is", a.text());
        assertEquals(6f, a.score());
        assertTrue(a.found());
        assertEquals(0, a.window());
        assertEquals(9, new QaWindow(start, end, CS, CE, MASK).length());
    }

    @Test
    void aZeroWidthTokenGivesAnEmptyAnswerInsideTheContext() {
        int[] cs = {0, 0, 0, 5, 6};
        int[] ce = {0, 0, 0, 5, 8};
        boolean[] mask = {false, false, false, true, true};
        float[] s = {0f, 0f, 0f, 5f, 0f};
        float[] e = {0f, 0f, 0f, 5f, 0f};
        QaAnswer a = QaPostProcessor.builder().optNBest(1).optMaxAnswerLength(1).build()
                .answer(CONTEXT, List.of(new QaWindow(s, e, cs, ce, mask)));
        assertEquals("", a.text());
        assertEquals(5, a.charStart());
    }

    @Test
    void topKKeepsTheLowerIndexAmongEqualValues() {
        assertArrayEquals(new int[] {0, 1}, QaPostProcessor.topK(new float[] {1f, 1f, 1f}, 2));
        assertArrayEquals(new int[] {1, 2, 0}, QaPostProcessor.topK(new float[] {1f, 2f, 2f}, 3));
    }
}
