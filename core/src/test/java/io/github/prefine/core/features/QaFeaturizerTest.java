package io.github.prefine.core.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QaFeaturizerTest {
    private static final String CONTEXT = "John Smith visited Paris in May and then went to Berlin.";

    private static QaExample ask(String id, String answer) {
        return new QaExample(id, "  who went?", CONTEXT, List.of(new GoldAnswer(answer, CONTEXT.indexOf(answer))));
    }

    private static List<Integer> ids(QaFeatures f, int row) {
        List<Integer> out = new java.util.ArrayList<>();
        for (int p = 0; p < f.tokens().length(row); p++) {
            out.add(f.tokens().id(row, p));
        }
        return out;
    }

    private static String answerText(QaFeatures f, int row, String context) {
        return context.substring(f.charStart(row, f.startPosition(row)), f.charEnd(row, f.endPosition(row)));
    }

    @Test
    void windowsTargetTheAnswerOnlyWhereItFitsWhole() throws IOException {
        // BERT fixture, window 20, stride 4: [CLS] wh ##o we ##n ##t ? [SEP] + 11 context tokens + [SEP].
        // Window 0 covers "John … then", window 1 "and then went to Berlin."
        try (SubwordTokenizer tok = Fixtures.tokenizer("bert")) {
            QaFeaturizer qa = QaFeaturizer.builder().setTokenizer(tok).optMaxLength(20).optStride(4).build();
            QaFeatures f = qa.featurize(List.of(
                    ask("first", "Paris"),
                    ask("later", "Berlin"),
                    ask("straddle", "and then went"),
                    ask("nowhere", "May and then went"),
                    new QaExample("blank", "who?", CONTEXT, List.of(new GoldAnswer(" ", 4)))));
            assertEquals(8, f.size());
            for (int r = 0; r < f.size(); r++) {
                assertEquals(8, f.contextStart(r));
                assertEquals(r / 2, f.exampleIndex(r));
            }
            // Answer in the first window only.
            assertEquals(11, f.startPosition(0));
            assertEquals(11, f.endPosition(0));
            assertEquals("Paris", answerText(f, 0, CONTEXT));
            assertEquals(0, f.startPosition(1));
            assertEquals(0, f.endPosition(1));
            // Answer in a later window only.
            assertEquals(0, f.startPosition(2));
            assertEquals("Berlin", answerText(f, 3, CONTEXT));
            // Straddling the end of window 0 (→ CLS there), whole in window 1.
            assertEquals(0, f.startPosition(4));
            assertEquals(0, f.endPosition(4));
            assertEquals(8, f.startPosition(5));
            assertEquals("and then went", answerText(f, 5, CONTEXT));
            // In no single window: every window targets 0.
            assertEquals(0, f.startPosition(6) + f.endPosition(6) + f.startPosition(7) + f.endPosition(7));

            FeatureReport r = f.report();
            assertEquals(5, r.examplesRead());
            assertEquals(8, r.featuresMade());
            assertEquals(4, r.truncated());
            assertEquals(Map.of("answer text maps to no context token", 1), r.skipped());
            assertEquals(List.of("blank"), r.skippedIds());
            assertEquals(2.0, r.featuresPerExample(), 1e-12);
            assertEquals(2L, r.counters().get("max windows per example"));
            assertEquals(1L, r.counters().get("answer in no single window"));
            assertEquals(3L, r.counters().get("windows with the answer"));

            PaddedBatch b = f.batch(new int[] {0, 5});
            assertEquals(20, b.seqLen());
            assertEquals(11L, b.startPositions()[0]);
            assertEquals(8L, b.startPositions()[1]);
            assertEquals(1L, b.typeIds()[8]);
            assertEquals(0L, b.typeIds()[7]);
            assertTrue(f.isContext(0, 18) && !f.isContext(0, 19));
        }
    }

    @Test
    void offsetsAreUtf16AfterAnEmoji() throws IOException {
        String context = "😀 visited Paris in May.";
        try (SubwordTokenizer tok = Fixtures.tokenizer("xlm-roberta")) {
            QaFeatures f = QaFeaturizer.builder().setTokenizer(tok).build().featurize(List.of(
                    new QaExample("e", "Who visited Paris?", context,
                            List.of(new GoldAnswer("Paris", context.indexOf("Paris"))))));
            assertEquals(1, f.size());
            assertEquals("Paris", answerText(f, 0, context));
        }
    }

    /**
     * Found on real text (XQuAD-style Hindi and Russian): the BERT normalizer strips accents, so the
     * vowel sign of "है" and the stress mark of "Москва́" belong to no token. The answer's end then
     * fell in a gap and HF's search went on to the next token ("है और", "Москва́ —"), and a span
     * ending on the word lost the mark ("ह"). Ground truth: the gold answers themselves.
     */
    @Test
    void answersEndingInCharactersTheNormalizerRemovesMapToTheirOwnWord() throws IOException {
        String hindi = "नई दिल्ली भारत की राजधानी है और यह दिल्ली में स्थित है।";
        String russian = "Москва\u0301 — столица России.";
        try (SubwordTokenizer tok = Fixtures.tokenizer("bert")) {
            for (int stride : new int[] {4, 128}) {
                QaFeaturizer qa = QaFeaturizer.builder().setTokenizer(tok).optMaxLength(stride == 4 ? 24 : 384)
                        .optStride(stride).build();
                for (String[] c : new String[][] {{hindi, "है"}, {hindi, "में"}, {russian, "Москва\u0301"}}) {
                    QaExample ex = new QaExample("e", "which?", c[0], List.of(new GoldAnswer(c[1], c[0].indexOf(c[1]))));
                    QaFeatures f = qa.featurize(List.of(ex));
                    int with = 0;
                    for (int r = 0; r < f.size(); r++) {
                        if (f.startPosition(r) != 0) {
                            with++;
                            assertEquals(c[1], answerText(f, r, c[0]), "window " + r + " of " + c[1]);
                        }
                    }
                    assertTrue(with > 0, c[1]);
                    assertEquals(null, f.report().counters().get("answer boundary inside a token"), c[1]);
                }
            }
        }
    }

    /**
     * An answer given with a leading or trailing space (the readers keep SQuAD's text as it is): no
     * token covers the space, and HF's search started on the word before it ("visited Paris") or
     * ended on the word after it. The target is the answer's own words.
     */
    @Test
    void whitespaceAroundAnAnswerStaysOutOfItsTarget() throws IOException {
        try (SubwordTokenizer tok = Fixtures.tokenizer("bert")) {
            QaFeaturizer qa = QaFeaturizer.builder().setTokenizer(tok).build();
            int at = CONTEXT.indexOf(" Paris");
            QaFeatures f = qa.featurize(List.of(
                    new QaExample("lead", "where?", CONTEXT, List.of(new GoldAnswer(" Paris", at))),
                    new QaExample("trail", "where?", CONTEXT, List.of(new GoldAnswer("Paris ", at + 1)))));
            assertEquals("Paris", answerText(f, 0, CONTEXT));
            assertEquals("Paris", answerText(f, 1, CONTEXT));
            assertEquals(null, f.report().counters().get("answer boundary inside a token"));
        }
    }
    /**
     * XLM-R's Metaspace gives the lone "▁" it puts before the context the context's first
     * character, the offsets of the token after it: in the fixtures' reference pair "Who visited
     * Paris? ||| John Smith …", positions 15 ("▁") and 16 ("J") both span [0, 1). For the answer
     * "J" at 0, {@code run_qa.py}'s end search walks back over both and ends at 15, before the start
     * (16), a span no decoding can give. Ground truth: the reference tokens, by hand.
     */
    @Test
    void theEndOfAnAnswerAtTheContextsStartIsNotBeforeItsStart() throws IOException {
        String context = "John Smith visited Paris in May and then went to Berlin.";
        try (SubwordTokenizer tok = Fixtures.tokenizer("xlm-roberta")) {
            for (boolean fast : new boolean[] {true, false}) {
                QaFeatures f = QaFeaturizer.builder().setTokenizer(tok).optFastPath(fast).build().featurize(List.of(
                        new QaExample("j", "Who visited Paris?", context, List.of(new GoldAnswer("J", 0))),
                        new QaExample("john", "Who visited Paris?", context, List.of(new GoldAnswer("John", 0)))));
                assertEquals(15, f.contextStart(0), "fast path " + fast);
                assertEquals(16, f.startPosition(0), "fast path " + fast);
                assertEquals(16, f.endPosition(0), "fast path " + fast);
                assertEquals("J", answerText(f, 0, context), "fast path " + fast);
                // "John": 'J' 'o' 'h' 'n' at 16..19, the end search stops on 'n' as HF's does
                assertEquals(16, f.startPosition(1), "fast path " + fast);
                assertEquals(19, f.endPosition(1), "fast path " + fast);
            }
        }
    }

    /**
     * HF's {@code run_qa.py} strips a question with Python's {@code lstrip()}, whose whitespace
     * includes U+00A0, U+2007, U+202F and U+0085; Java's {@code stripLeading()} keeps them, and
     * XLM-R's NFKC turns the first three into a space that Metaspace makes a token of its own.
     * Ground truth: the question without them, as Python strips it.
     */
    @Test
    void aQuestionLosesTheLeadingWhitespaceThatPythonStrips() throws IOException {
        for (String family : List.of("xlm-roberta", "bert")) {
            try (SubwordTokenizer tok = Fixtures.tokenizer(family)) {
                for (boolean fast : new boolean[] {true, false}) {
                    QaFeaturizer qa = QaFeaturizer.builder().setTokenizer(tok).optFastPath(fast).build();
                    List<QaExample> ex = new java.util.ArrayList<>();
                    for (String lead : List.of("", "\u00A0", "\u2007 ", "\u202F\u00A0", "\u0085", " \u3000\u2028\u001F")) {
                        ex.add(new QaExample("q" + ex.size(), lead + "who went?", CONTEXT,
                                List.of(new GoldAnswer("Berlin", CONTEXT.indexOf("Berlin")))));
                    }
                    QaFeatures f = qa.featurize(ex);
                    assertEquals(ex.size(), f.size());
                    for (int r = 1; r < f.size(); r++) {
                        assertEquals(ids(f, 0), ids(f, r), family + (fast ? " fast" : " pairs") + ": question " + r);
                    }
                }
            }
        }
    }

    /**
     * A question that leaves the context a positive number of tokens but no more than the stride
     * is skipped with {@link QaFeaturizer#NO_ROOM} on both paths. The pair path once handed it to
     * the tokenizers library, whose only-second truncation then panics ({@code stride must be
     * strictly less than max_len}) and aborts the JVM (found by {@link QaFeaturizerProperties}).
     * BERT fixture: each "a" and "b" is one token; 13 question tokens and 3 special tokens leave a
     * window of 20 exactly 4 context tokens, the stride.
     */
    @Test
    void aQuestionLeavingTheContextOnlyTheStrideIsSkippedOnBothPaths() throws IOException {
        try (SubwordTokenizer tok = Fixtures.tokenizer("bert")) {
            String context = "b ".repeat(30).trim();
            List<QaExample> ex = List.of(
                    new QaExample("room", "a ".repeat(12) + "?", context, List.of(new GoldAnswer("b", 0))),
                    new QaExample("stride", "a ".repeat(13) + "?", context, List.of(new GoldAnswer("b", 0))));
            for (boolean fast : new boolean[] {true, false}) {
                QaFeatures f = QaFeaturizer.builder().setTokenizer(tok).optMaxLength(21).optStride(4)
                        .optFastPath(fast).build().featurize(ex);
                // "room": 13 + 3 tokens leave 5 context tokens per window, 1 new per window: 26 windows
                assertEquals(26, f.size(), "fast " + fast);
                assertEquals(List.of("stride"), f.report().skippedIds(), "fast " + fast);
                assertEquals(Map.of(QaFeaturizer.NO_ROOM, 1), f.report().skipped(), "fast " + fast);
            }
        }
    }

    /**
     * A stride above the maximum length less a single text's special tokens makes the tokenizers
     * library refuse the truncation settings, and the pair path's tokenizer then did not truncate
     * at all: a pair needing truncation came back whole, one window longer than the maximum length
     * (found by {@link QaFeaturizerProperties}). Ground truth: XLM-R fixture, "loan loan loan?" is 4
     * tokens, "loan" 1, a pair adds 4: 9 tokens need truncation to 8, which leaves the context no
     * token, so both paths skip it with {@link QaFeaturizer#NO_ROOM}; "loan?" (2 tokens) fits whole.
     */
    @Test
    void aStrideAboveTheSingleTextRoomStillTruncatesOnThePairPath() throws IOException {
        try (SubwordTokenizer tok = Fixtures.tokenizer("xlm-roberta")) {
            List<QaExample> ex = List.of(
                    new QaExample("fits", "loan?", "loan", List.of(new GoldAnswer("loan", 0))),
                    new QaExample("long", "loan loan loan?", "loan", List.of(new GoldAnswer("loan", 0))));
            for (boolean fast : new boolean[] {true, false}) {
                QaFeatures f = QaFeaturizer.builder().setTokenizer(tok).optMaxLength(8).optStride(7)
                        .optFastPath(fast).build().featurize(ex);
                assertEquals(1, f.size(), "fast " + fast);
                assertEquals(7, f.tokens().length(0), "fast " + fast);
                assertEquals(List.of("long"), f.report().skippedIds(), "fast " + fast);
                assertEquals(Map.of(QaFeaturizer.NO_ROOM, 1), f.report().skipped(), "fast " + fast);
            }
        }
    }
}
