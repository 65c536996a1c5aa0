package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.testing.SharedFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TaskPredictor#tagTexts}: raw text split into words by BERT's basic rule, tagged as
 * {@link TaskPredictor#tag} tags the same words, with char offsets into the text. Offsets of the
 * hand-checked case are counted by hand; the sweep checks each entity against the text itself.
 */
class TaskPredictorTagTextsTest {
    @TempDir
    static Path tmp;
    private static Path saved;

    @BeforeAll
    static void save() throws Exception {
        saved = TinyFinetuning.saveUntrained(tmp.resolve("saved"));
    }

    @Test
    void splitsAtWhitespaceAndPunctuationWithHandCountedOffsets() throws Exception {
        // H0 i1 ,2 _3 I4 '5 m6 _7 😀8-9 x10 \r11 \n12 i13 n14 _15 U16 .17 S18 .19 NBSP20 o21 k22
        String text = "Hi, I'm \uD83D\uDE00x\r\nin U.S.\u00A0ok";
        List<String> words = List.of("Hi", ",", "I", "'", "m", "\uD83D\uDE00x", "in", "U", ".", "S", ".", "ok");
        int[][] offsets = {{0, 2}, {2, 3}, {4, 5}, {5, 6}, {6, 7}, {8, 11}, {13, 15}, {16, 17}, {17, 18}, {18, 19},
            {19, 20}, {21, 23}};
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            TaskPredictor ner = model.predictor("ner");
            TextTagPrediction p = ner.tagTexts(List.of(text)).get(0);
            assertEquals(words, p.words().stream().map(TextTagPrediction.Word::text).toList());
            for (int w = 0; w < offsets.length; w++) {
                assertEquals(offsets[w][0], p.words().get(w).start(), "start of word " + w);
                assertEquals(offsets[w][1], p.words().get(w).end(), "end of word " + w);
            }
            assertEquals(ner.tag(List.of(words)).get(0), p.prediction());
        }
    }

    /**
     * Characters BERT's basic tokenizer removes before it splits (U+0000, U+FFFD, control and
     * format characters but tab and line ends) are no word of their own, nor a word's edge: a
     * word the model never saw would get a tag. Inside a word they stay, for the normalizer.
     */
    @Test
    void charactersBertRemovesAreNoWordsAndNoWordEdges() throws Exception {
        // j0 o1 h2 n3 _4 ZWSP5 _6 NUL7 p8 a9 r10 i11 s12 SHY13 _14 FFFD15 _16 BEL17 ,18 m19 ZWJ20 a21 _22 BOM23
        String text = "john \u200B \u0000paris\u00AD \uFFFD \u0007,m\u200Da \uFEFF";
        List<String> words = List.of("john", "paris", ",", "m\u200Da");
        int[][] offsets = {{0, 4}, {8, 13}, {18, 19}, {19, 22}};
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            TextTagPrediction p = model.predictor("ner").tagTexts(List.of(text)).get(0);
            assertEquals(words, p.words().stream().map(TextTagPrediction.Word::text).toList());
            for (int w = 0; w < offsets.length; w++) {
                assertEquals(offsets[w][0], p.words().get(w).start(), "start of word " + w);
                assertEquals(offsets[w][1], p.words().get(w).end(), "end of word " + w);
            }
            // a text of nothing but such characters has no words: refused as a blank one is
            List<RefusedInputException> refused = new ArrayList<>();
            model.predictor("ner").tagTexts(List.of("\u200B\u0000 \uFFFD"), refused::add);
            assertEquals(List.of("the text has no words (only whitespace and characters the tokenizer removes);"
                    + " expected a non-empty text"), refused.stream().map(RefusedInputException::reason).toList());
        }
    }

    /**
     * BERT's whitespace is tab, line ends and Unicode's separators; the other control characters
     * that Java calls whitespace (U+000B, U+000C, U+001C to U+001F) it removes, as it removes U+0085
     * and private-use characters, so none of them splits a word or ends one. The words the model
     * reads are the text's without the ones {@link TaskPredictor#tag} would refuse as whitespace.
     */
    @Test
    void controlCharactersJavaCallsWhitespaceJoinWordsAsBertRemovesThem() throws Exception {
        // a0 b1 US2 c3 d4 _5 VT6 _7 x8 FF9 y10 PUA11 _12 NEL13 z14
        String text = "ab\u001Fcd \u000B x\u000Cy\uE000 \u0085z";
        int[][] offsets = {{0, 5}, {8, 11}, {14, 15}};
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            TaskPredictor ner = model.predictor("ner");
            TextTagPrediction p = ner.tagTexts(List.of(text)).get(0);
            assertEquals(List.of("ab\u001Fcd", "x\u000Cy", "z"), p.words().stream().map(TextTagPrediction.Word::text)
                    .toList());
            for (int w = 0; w < offsets.length; w++) {
                assertEquals(offsets[w][0], p.words().get(w).start(), "start of word " + w);
                assertEquals(offsets[w][1], p.words().get(w).end(), "end of word " + w);
            }
            TagPrediction byWords = ner.tag(List.of(List.of("abcd", "xy", "z"))).get(0);
            assertEquals(byWords, p.prediction());
            assertEquals(byWords.tags(), p.words().stream().map(TextTagPrediction.Word::tag).toList());
        }
    }

    /**
     * The fixture's BERT tokenizer strips accents (strip_accents null, lowercasing): it decomposes
     * the text and drops the nonspacing marks before it splits, so a mark after punctuation is no
     * character of the next word (p0 a1 r2 i3 s4 .5 U+0301 6 x7), and U+2260 "\u2260" reads "=" plus a
     * mark, punctuation, a word of its own between a0 and b2, its text the original character.
     */
    @Test
    void accentStrippingIsReadBeforeTheSplit() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            TaskPredictor ner = model.predictor("ner");
            List<TextTagPrediction> p = ner.tagTexts(List.of("paris.\u0301x", "a\u2260b"));
            assertEquals(List.of("paris", ".", "x"), p.get(0).prediction().words());
            assertEquals(7, p.get(0).words().get(2).start());
            assertEquals(List.of("a", "\u2260", "b"), p.get(1).prediction().words());
            assertEquals(List.of(1, 2), List.of(p.get(1).words().get(1).start(), p.get(1).words().get(1).end()));
            assertEquals(ner.tag(List.of(List.of("a", "\u2260", "b"))).get(0).tags(), p.get(1).prediction().tags());
        }
    }

    // T0 o1 m2 住3 在4 北5 京6 ,7 _8 U+20000 9-10 x11 _12 あ13 い14 カ15 タ16 _17 한18 국19 _20 U+F900 21 中22 !23;
    // in code points the same up to U+20000 (9), then one less: x10 _11 あ12 ... 中21 !22
    private static final String MIXED = "Tom\u4F4F\u5728\u5317\u4EAC, \uD840\uDC00x \u3042\u3044\u30AB\u30BF"
            + " \uD55C\uAD6D \uF900\u4E2D!";
    private static final List<String> EACH = List.of("Tom", "\u4F4F", "\u5728", "\u5317", "\u4EAC", ",",
            "\uD840\uDC00", "x", "\u3042\u3044\u30AB\u30BF", "\uD55C\uAD6D", "\uF900", "\u4E2D", "!");
    /** Each word's char start and end, then its code-point start and end. */
    private static final int[][] EACH_AT = {{0, 3, 0, 3}, {3, 4, 3, 4}, {4, 5, 4, 5}, {5, 6, 5, 6}, {6, 7, 6, 7},
        {7, 8, 7, 8}, {9, 11, 9, 10}, {11, 12, 10, 11}, {13, 17, 12, 16}, {18, 20, 17, 19}, {21, 22, 20, 21},
        {22, 23, 21, 22}, {23, 24, 22, 23}};
    private static final List<String> JOINED = List.of("Tom\u4F4F\u5728\u5317\u4EAC", ",", "\uD840\uDC00x",
            "\u3042\u3044\u30AB\u30BF", "\uD55C\uAD6D", "\uF900\u4E2D", "!");
    private static final int[][] JOINED_AT = {{0, 7, 0, 7}, {7, 8, 7, 8}, {9, 12, 9, 11}, {13, 17, 12, 16},
        {18, 20, 17, 19}, {21, 23, 20, 22}, {23, 24, 22, 23}};

    /**
     * Under BERT's tokenizer, which spaces out CJK ideographs ({@code handle_chinese_chars}), each
     * is a word of its own, so per-character labelled Chinese NER is tagged one character per word:
     * one of the basic block, a compatibility one (U+F900) and a supplementary-plane one (U+20000,
     * two chars, one code point). Kana and Hangul are not split, as BERT leaves them; Latin letters
     * beside an ideograph part from it. {@link IdeographWords#JOINED} keeps the old runs.
     */
    @Test
    void eachIdeographIsAWordUnderBertWithHandCountedOffsets() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            TaskPredictor ner = model.predictor("ner");
            assertEquals(IdeographWords.TOKENIZER, ner.ideographWords());
            TextTagPrediction p = ner.tagTexts(List.of(MIXED)).get(0);
            assertWords(EACH, EACH_AT, p);
            assertEquals(ner.tag(List.of(EACH)).get(0), p.prediction());
            assertWords(EACH, EACH_AT, ner.withIdeographWords(IdeographWords.EACH).tagTexts(List.of(MIXED)).get(0));
            TaskPredictor joined = ner.withIdeographWords(IdeographWords.JOINED).withBatchSize(3);
            assertEquals(IdeographWords.JOINED, joined.ideographWords());
            TextTagPrediction q = joined.tagTexts(List.of(MIXED)).get(0);
            assertWords(JOINED, JOINED_AT, q);
            assertEquals(ner.tag(List.of(JOINED)).get(0), q.prediction());
        }
    }

    /**
     * XLM-R's tokenizer leaves a run of ideographs one word, and so does {@code tagTexts} unless
     * told otherwise: {@link IdeographWords#EACH} splits them for a task trained per character.
     */
    @Test
    void xlmRobertaKeepsIdeographRunsUnlessAskedForEach() throws Exception {
        Path hf = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/token-classification");
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.loadHuggingFace(hf, m)) {
            TaskPredictor ner = model.predictor("token-classification");
            TextTagPrediction p = ner.tagTexts(List.of(MIXED)).get(0);
            assertWords(JOINED, JOINED_AT, p);
            assertEquals(ner.tag(List.of(JOINED)).get(0), p.prediction());
            TextTagPrediction q = ner.withIdeographWords(IdeographWords.EACH).tagTexts(List.of(MIXED)).get(0);
            assertWords(EACH, EACH_AT, q);
            assertEquals(ner.tag(List.of(EACH)).get(0), q.prediction());
        }
    }

    /**
     * The ideograph rule is for {@code tagTexts}, which only a token task serves: another task's
     * predictor refuses it, naming the task and its format, as {@code predict --ideograph-words}
     * refuses a task of another format.
     */
    @Test
    void anotherTasksPredictorRefusesAnIdeographRule() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            TaskPredictor topic = model.predictor("topic");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> topic.withIdeographWords(IdeographWords.EACH));
            assertTrue(e.getMessage().contains("task topic is a text task")
                    && e.getMessage().contains("withIdeographWords(rule) serves token tasks"), e.getMessage());
            assertEquals(IdeographWords.EACH, model.predictor("ner").withIdeographWords(IdeographWords.EACH).ideographWords());
        }
    }

    /**
     * The code-point offsets of an entity after a supplementary-plane character are one less than
     * its char offsets, as Python and the {@code predict} command count them: the text repeats
     * "john" after an emoji and U+20000, and each entity's offsets are those of its first and last
     * word, counted by hand.
     */
    @Test
    void entitiesAfterAnEmojiHaveCodePointOffsetsBesideCharOffsets() throws Exception {
        // 😀0-1 _2 j3 o4 h5 n6 _7 U+20000 8-9 _10 j11 ...: the k-th "john" at chars 3 + 8k, the k-th
        // U+20000 at 8 + 8k; in code points, one back for the emoji and one for each U+20000 before
        StringBuilder b = new StringBuilder("\uD83D\uDE00");
        List<int[]> at = new ArrayList<>();
        at.add(new int[] {0, 2, 0, 1});
        for (int k = 0; k < 6; k++) {
            int c = b.length();
            b.append(" john");
            at.add(new int[] {c + 1, c + 5, c, c + 4});
            b.append(" \uD840\uDC00");
            at.add(new int[] {c + 6, c + 8, c + 5, c + 6});
        }
        // each U+20000 costs one more: shift the code-point offsets of the words after the k-th
        for (int w = 0; w < at.size(); w++) {
            int before = Math.max(0, (w - 1) / 2);
            at.get(w)[2] -= before;
            at.get(w)[3] -= before;
        }
        String text = b.toString();
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            TextTagPrediction p = model.predictor("ner").tagTexts(List.of(text)).get(0);
            assertEquals(at.size(), p.words().size());
            for (int w = 0; w < at.size(); w++) {
                TextTagPrediction.Word word = p.words().get(w);
                assertEquals(List.of(at.get(w)[0], at.get(w)[1], at.get(w)[2], at.get(w)[3]),
                        List.of(word.start(), word.end(), word.codePointStart(), word.codePointEnd()), "word " + w);
            }
            assertFalse(p.entities().isEmpty(), "the untrained head tags no entity in " + p.words());
            for (int e = 0; e < p.entities().size(); e++) {
                TextTagPrediction.Entity entity = p.entities().get(e);
                int[] first = at.get(p.prediction().entities().get(e).start());
                int[] last = at.get(p.prediction().entities().get(e).end() - 1);
                assertEquals(List.of(first[0], last[1], first[2], last[3]), List.of(entity.start(), entity.end(),
                        entity.codePointStart(), entity.codePointEnd()), "entity " + e);
                // every entity ends after the emoji, so the two ends differ
                assertTrue(entity.codePointEnd() < entity.end(), "entity " + e);
            }
        }
    }

    private static void assertWords(List<String> words, int[][] at, TextTagPrediction p) {
        assertEquals(words, p.words().stream().map(TextTagPrediction.Word::text).toList());
        for (int w = 0; w < at.length; w++) {
            TextTagPrediction.Word word = p.words().get(w);
            assertEquals(List.of(at[w][0], at[w][1], at[w][2], at[w][3]),
                    List.of(word.start(), word.end(), word.codePointStart(), word.codePointEnd()), "word " + w);
        }
    }

    @Test
    void entitiesAreTheTextBetweenTheirOffsetsAndTagsMatchTagOnRandomTexts() throws Exception {
        List<String> pieces = List.of("john", "paris", "mary", "london", "visited", ".", ",", "'", "-", "$",
                "\uD83D\uDE00", "\uD83C\uDDEB\uD83C\uDDF7", "é", "e\u0301", "\u4E2D", "\u4E2D\u6587", "\uD840\uDC00", " ", " ", " ", "\r\n", "\t",
                "\u00A0", "\u2003");
        SplittableRandom rnd = new SplittableRandom(28);
        List<String> texts = new ArrayList<>();
        for (int t = 0; t < 200; t++) {
            StringBuilder b = new StringBuilder();
            int n = 1 + rnd.nextInt(40);
            for (int k = 0; k < n; k++) {
                b.append(pieces.get(rnd.nextInt(pieces.size())));
            }
            // a text of only spaces is refused; the refusal test covers it
            texts.add(b.codePoints().allMatch(TaskPredictorTagTextsTest::space) ? b + "john" : b.toString());
        }
        int entities = 0;
        int multiWord = 0;
        int cut = 0;
        // entities after a character beyond the BMP, where the two offsets differ
        int afterPair = 0;
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            TaskPredictor ner = model.predictor("ner");
            List<TextTagPrediction> got = ner.tagTexts(texts);
            List<List<String>> words = new ArrayList<>();
            for (TextTagPrediction p : got) {
                words.add(p.words().stream().map(TextTagPrediction.Word::text).toList());
            }
            List<TagPrediction> byWords = ner.tag(words);
            for (int t = 0; t < texts.size(); t++) {
                String text = texts.get(t);
                int[] points = text.codePoints().toArray();
                TextTagPrediction p = got.get(t);
                assertEquals(byWords.get(t), p.prediction(), "text " + t);
                assertEquals(byWords.get(t).tags(), p.words().stream().map(TextTagPrediction.Word::tag).toList());
                int last = 0;
                for (TextTagPrediction.Word w : p.words()) {
                    assertEquals(text.substring(w.start(), w.end()), w.text(), "text " + t);
                    // Python's text[codePointStart:codePointEnd]
                    assertEquals(new String(points, w.codePointStart(), w.codePointEnd() - w.codePointStart()), w.text(),
                            "text " + t);
                    assertTrue(w.start() >= last, "words in order, text " + t);
                    // what lies between words is whitespace, or a U+0301 the fixture's accent stripping
                    // drops after "e" (the library's offsets leave it out): nothing else is dropped
                    assertTrue(text.substring(last, w.start()).codePoints()
                            .allMatch(c -> space(c) || c == 0x0301), "text " + t);
                    assertFalse(splitsPair(text, w.start()) || splitsPair(text, w.end()), "text " + t);
                    last = w.end();
                }
                assertTrue(text.substring(last).codePoints().allMatch(c -> space(c) || c == 0x0301), "text " + t);
                assertEquals(p.prediction().entities().size(), p.entities().size());
                for (int e = 0; e < p.entities().size(); e++) {
                    TextTagPrediction.Entity entity = p.entities().get(e);
                    assertEquals(text.substring(entity.start(), entity.end()), entity.text(), "text " + t);
                    assertEquals(new String(points, entity.codePointStart(),
                            entity.codePointEnd() - entity.codePointStart()), entity.text(), "text " + t);
                    afterPair += entity.codePointStart() < entity.start() ? 1 : 0;
                    // it runs from its first word's start to its last word's end, as the word-level span says
                    assertEquals(p.words().get(p.prediction().entities().get(e).start()).start(), entity.start());
                    assertEquals(p.words().get(p.prediction().entities().get(e).end() - 1).end(), entity.end());
                    assertEquals(p.prediction().entities().get(e).type(), entity.type());
                    entities++;
                    multiWord += p.prediction().entities().get(e).end() - p.prediction().entities().get(e).start() > 1
                            ? 1 : 0;
                }
                cut += p.wordsCut() > 0 ? 1 : 0;
            }
        }
        // the sweep must have met entities of several words and texts past maxLength to check anything
        assertTrue(multiWord > 0 && entities > multiWord, entities + " entities, " + multiWord + " of several words");
        assertTrue(cut > 0, "no text was cut");
        assertTrue(afterPair > 0, "no entity after a surrogate pair");
    }

    @Test
    void blankTextsAreRefusedAsClassifyRefusesThem() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            List<RefusedInputException> refused = new ArrayList<>();
            List<TextTagPrediction> p = model.predictor("ner").tagTexts(List.of("john", "", " \r\n", "\u00A0", "paris"),
                    refused::add);
            assertEquals(List.of(1, 2, 3), refused.stream().map(RefusedInputException::index).toList());
            assertEquals(List.of("the text is empty; expected a non-empty text",
                    "the text is only whitespace; expected a non-empty text",
                    "the text is only whitespace; expected a non-empty text"),
                    refused.stream().map(RefusedInputException::reason).toList());
            assertNull(p.get(1));
            assertEquals(List.of("paris"), p.get(4).prediction().words());
            RefusedInputException first = assertThrows(RefusedInputException.class,
                    () -> model.predictor("ner").tagTexts(List.of("john", "  ")));
            assertEquals(1, first.index());
            assertEquals("the text is only whitespace; expected a non-empty text", first.reason());
        }
    }

    /** A closed model says so before it looks at the texts, as the other calls do. */
    @Test
    void aClosedModelIsRefusedBeforeItsTexts() throws Exception {
        TaskPredictor ner;
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            ner = model.predictor("ner");
        }
        assertThrows(IllegalStateException.class, () -> ner.tagTexts(List.of("", "john")));
    }

    private static boolean space(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static boolean splitsPair(String s, int i) {
        return i > 0 && i < s.length() && Character.isHighSurrogate(s.charAt(i - 1))
                && Character.isLowSurrogate(s.charAt(i));
    }
}
