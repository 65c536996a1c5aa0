package io.github.prefine.core.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.ConllReader;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.SquadReader;
import io.github.prefine.core.data.FileTagScheme;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The fast featurization paths (distinct words or contexts tokenized once, rows assembled from
 * pieces; classification inputs encoded to ids and type ids only) give exactly the features of the reference paths that encode every input through the
 * tokenizer's full batch encoding, which the tokenizer parity tests tie to Hugging Face outputs.
 */
class FastPathParityTest {
    private static final List<String> TAGS = List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
            "B-ORG", "I-ORG");

    /** Each tokenizer file's tokenizer, loaded once for every case that uses it: the paths hold no state between cases. */
    private static final Map<Path, SubwordTokenizer> TOKENIZERS = new HashMap<>();
    /** The shared CoNLL-2003 training split, read once for the cases that use it. */
    private static List<TokenExample> conllTrain;

    private static SubwordTokenizer shared(Path file) throws IOException {
        SubwordTokenizer tok = TOKENIZERS.get(file);
        if (tok == null) {
            tok = SubwordTokenizer.builder().setTokenizerPath(file).build();
            TOKENIZERS.put(file, tok);
        }
        return tok;
    }

    private static Path fixture(String family) {
        return SharedFixtures.require("fixtures/hf-reference/" + family + "/tokenizer.json");
    }

    @AfterAll
    static void closeTokenizers() {
        TOKENIZERS.values().forEach(SubwordTokenizer::close);
    }

    /** Hand-made sentences that stress word splitting, normalization and truncation. */
    static List<TokenExample> edgeCases() {
        List<TokenExample> out = new ArrayList<>();
        out.add(ex("e0", "Who", "went", "to", "Berlin"));
        out.add(ex("e1", "U.S.", "Café", "naïve", "résumé", "Straße"));
        out.add(ex("e2", "😀", "emoji", "𝔘𝔫𝔦", "x"));
        out.add(ex("e3", "soft\u00ADhyphen", "\u00AD", "zero\u200Bwidth", "end"));
        out.add(ex("e4", "東京", "は", "日本", "の", "首都"));
        out.add(ex("e5", "[CLS]", "[SEP]", "<s>", "</s>", "[UNK]"));
        out.add(ex("e6", "don't", "co-operate", "3.14", "1,000,000", "..."));
        List<String> longWords = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            longWords.add(i % 3 == 0 ? "internationalization" : "w" + i);
        }
        out.add(ex("e7", longWords.toArray(new String[0])));
        out.add(ex("e8", "\u0301", "a\u0301", "ﬁ", "Ⅻ", "①"));
        return out;
    }

    private static TokenExample ex(String id, String... words) {
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            tags.add(TAGS.get(i % TAGS.size()));
        }
        return new TokenExample(id, List.of(words), tags);
    }

    @Test
    void slFastPathEqualsSentencePathOnFixtureTokenizers() throws IOException {
        for (String family : List.of("bert", "xlm-roberta")) {
            SubwordTokenizer tok = shared(fixture(family));
            assertTrue(tok.encodesWordsIndependently(), family);
            assertTrue(tok.specialTokenLayout().isPresent(), family);
            for (int maxLength : new int[] {128, 12}) {
                assertSameSl(tok, edgeCases(), TAGS, maxLength, family + " max " + maxLength);
            }
        }
    }

    /**
     * A word that compatibility normalization turns into a space and a mark (U+00A8 "¨" becomes
     * " \u0308" under XLM-R's NFKC) gets different sub-tokens first in a sentence and after another
     * word: ground truth, the tokenizer's encoding of the pre-split words, gives [▁, ̈] for ["¨"]
     * and [▁loan, ▁, ▁, ̈] for ["loan", "¨"]. The word path tokenized each distinct word once and
     * gave ["¨"] the pieces of its place after "loan" (found by {@link
     * TokenClassificationFeaturizerProperties}).
     */
    @Test
    void slFastPathKeepsWordsThatNormalizeToASpaceWhereTheyStand() throws IOException {
        SubwordTokenizer tok = shared(fixture("xlm-roberta"));
        List<TokenExample> examples = List.of(ex("a", "loan", "\u00A8"), ex("b", "\u00A8"), ex("c", "\u00B4", "loan"));
        TokenClassificationFeatures fast = TokenClassificationFeaturizer.builder().setTokenizer(tok).setLabels(TAGS)
                .build().featurize(examples);
        for (int r = 0; r < examples.size(); r++) {
            int[] expected = tok.encodeWords(examples.get(r).tokens()).ids();
            int[] row = new int[fast.tokens().length(r)];
            for (int p = 0; p < row.length; p++) {
                row[p] = fast.tokens().id(r, p);
            }
            assertArrayEquals(expected, row, "sentence " + examples.get(r).tokens());
        }
        assertSameSl(tok, examples, TAGS, 128, "xlm-roberta, words that normalize to a space");
    }

    /**
     * A few sentences holding a word that gains a space under NFKC ("´", "¨") among many others:
     * only those sentences are encoded whole, the others assembled from word pieces, and the rows,
     * report and progress steps equal the sentence path's (the ground truth, the tokenizer's own
     * encoding of each sentence), with batches of 64 so that such sentences fall inside, at the
     * start and at the end of a batch, and with a maximum length of 16 that truncates.
     */
    @Test
    void slFastPathEncodesOnlyTheSentencesWithSuchAWordWhole() throws IOException {
        List<TokenExample> all = conllTrain();
        LinkedHashSet<String> tags = new LinkedHashSet<>();
        all.forEach(e -> tags.addAll(e.tags()));
        List<TokenExample> split = new ArrayList<>(all.subList(0, 300));
        Map<Integer, String[]> spaced = Map.of(
                0, new String[] {"\u00B4", "loan"},
                5, new String[] {"loan", "\u00A8", "x"},
                63, new String[] {"\u00A8"},
                64, new String[] {"It", "\u00B4", "s", "\u00B4"},
                299, new String[] {"end", "\u00B4"});
        spaced.forEach((at, words) -> split.set(at, ex("spaced" + at, words)));
        Path minilm = SharedFixtures.require("models/all-MiniLM-L6-v2/tokenizer.json");
        Path xlmr = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        for (Path p : List.of(minilm, xlmr)) {
            SubwordTokenizer tok = shared(p);
            for (int maxLength : new int[] {128, 16}) {
                String what = p + " max " + maxLength;
                List<String> labels = new ArrayList<>(tags);
                labels.addAll(TAGS.stream().filter(t -> !tags.contains(t)).toList());
                assertSameSl(tok, split, labels, maxLength, 64, what);
                List<Integer> whole = new ArrayList<>();
                TokenClassificationFeaturizer.builder().setTokenizer(tok).setLabels(labels)
                        .optMaxLength(maxLength).optBatchSize(64).build().featurize(split, whole::add);
                // MiniLM's WordPiece pieces do not depend on a word's place (see
                // bertPiecesOfWordsThatGainASpaceUnderNfkcDoNotDependOnTheirPlace): no sentence is encoded whole
                List<Integer> expected = p.equals(minilm) ? List.of()
                        : new TreeSet<>(spaced.keySet()).stream().toList();
                assertEquals(expected, whole, what + ": only the sentences that need it are encoded whole");
                for (int r = 0; r < split.size(); r++) {
                    if (spaced.containsKey(r)) {
                        continue;
                    }
                    for (String w : split.get(r).tokens()) {
                        assertFalse(TokenClassificationFeaturizer.gainsSpace(w), what + " sentence " + r + " " + w);
                    }
                }
            }
        }
    }

    /**
     * The ground truth for which tokenizers need the sentence fallback: each word's sub-tokens as
     * the tokenizer encodes the pre-split sentence, alone, first and after another word, against
     * the pieces the word path gives the word once. BERT's WordPiece (and MiniLM's, the same
     * pre-tokenizer) agrees everywhere, so its sentences are assembled from pieces. XLM-R's
     * Metaspace agrees too since the joined space's lone ▁ before such a word is dropped, as HF's
     * {@code is_split_into_words} never makes it (see {@code SpaceStartingWordTest}); its sentences
     * holding such a word are still encoded whole, which gives the same tokens.
     */
    @Test
    void bertPiecesOfWordsThatGainASpaceUnderNfkcDoNotDependOnTheirPlace() throws IOException {
        List<String> words = List.of("\u00B4", "\u00A8", "a\u00A8b");
        Path minilm = SharedFixtures.require("models/all-MiniLM-L6-v2/tokenizer.json");
        Path bert = SharedFixtures.require("fixtures/hf-reference/bert/tokenizer.json");
        Path xlmr = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        for (Path p : List.of(bert, minilm, xlmr)) {
            SubwordTokenizer tok = shared(p);
            words.forEach(w -> assertTrue(TokenClassificationFeaturizer.gainsSpace(w), w));
            for (int i = 0; i < words.size(); i++) {
                String w = words.get(i);
                int[] once = wordPieces(tok, w);
                for (List<String> sentence : List.of(List.of(w), List.of(w, "loan"), List.of("loan", w),
                        List.of("loan", w, "loan"))) {
                    int[] there = piecesInSentence(tok, sentence, sentence.indexOf(w));
                    assertArrayEquals(there, once, p + ": " + w + " in " + sentence);
                }
            }
            List<TokenExample> examples = List.of(ex("a", "loan", "\u00A8"), ex("b", "\u00A8"),
                    ex("c", "\u00B4", "loan"), ex("d", "loan"));
            List<Integer> whole = new ArrayList<>();
            TokenClassificationFeaturizer.builder().setTokenizer(tok).setLabels(TAGS).build()
                    .featurize(examples, whole::add);
            assertSameSl(tok, examples, TAGS, 128, p.toString());
            if (p.equals(xlmr)) {
                assertEquals(List.of(0, 1, 2), whole, p + ": sentences holding such a word are encoded whole");
            } else {
                assertEquals(List.of(), whole, p + ": no sentence needs encoding whole");
            }
        }
    }

    /** The word path's pieces of one word, tokenized once on its own. */
    private static int[] wordPieces(SubwordTokenizer tok, String word) {
        io.github.prefine.core.tokenize.Pieces pieces = tok.encodeWordPieces(List.of(word));
        return java.util.Arrays.copyOfRange(pieces.ids(), pieces.rowStart()[0], pieces.rowStart()[1]);
    }

    /** The sub-tokens of word {@code at} in the tokenizer's own encoding of the pre-split sentence. */
    private static int[] piecesInSentence(SubwordTokenizer tok, List<String> sentence, int at) {
        io.github.prefine.core.tokenize.TokenEncoding e = tok.encodeWords(sentence);
        return java.util.stream.IntStream.range(0, e.length()).filter(q -> e.wordIds()[q] == at)
                .map(q -> e.ids()[q]).toArray();
    }

    @Test
    void slFastPathEqualsSentencePathOnConll() throws IOException {
        List<TokenExample> all = conllTrain();
        List<TokenExample> sample = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 7) {
            sample.add(all.get(i));
        }
        LinkedHashSet<String> tags = new LinkedHashSet<>();
        all.forEach(e -> tags.addAll(e.tags()));
        Path minilm = SharedFixtures.require("models/all-MiniLM-L6-v2/tokenizer.json");
        Path xlmr = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        for (Path p : List.of(minilm, xlmr)) {
            SubwordTokenizer tok = shared(p);
            assertSameSl(tok, sample, new ArrayList<>(tags), 128, p.toString());
            assertSameSl(tok, sample.subList(0, 300), new ArrayList<>(tags), 16, p + " max 16");
        }
    }

    /** The shared CoNLL-2003 training split, IOB1 read as IOB2. */
    private static List<TokenExample> conllTrain() throws IOException {
        if (conllTrain == null) {
            Path train = SharedFixtures.require("data/sl/conll2003/eng.train");
            conllTrain = ConllReader.builder().optScheme(FileTagScheme.IOB1).build().read(train, Leniency.STRICT)
                    .examples();
        }
        return conllTrain;
    }

    static void assertSameSl(SubwordTokenizer tok, List<TokenExample> examples, List<String> tags, int maxLength,
            String what) throws IOException {
        assertSameSl(tok, examples, tags, maxLength, 1024, what);
    }

    /** Fast and sentence paths give the same rows, labels, cut words, report and progress steps. */
    static void assertSameSl(SubwordTokenizer tok, List<TokenExample> examples, List<String> tags, int maxLength,
            int batchSize, String what) throws IOException {
        for (boolean labelAll : new boolean[] {false, true}) {
            List<FeaturizationProgress> fastSteps = new ArrayList<>();
            List<FeaturizationProgress> slowSteps = new ArrayList<>();
            TokenClassificationFeaturizer.Builder b = TokenClassificationFeaturizer.builder().optBatchSize(batchSize)
                    .setTokenizer(tok).setLabels(tags).optMaxLength(maxLength).optLabelAllSubTokens(labelAll);
            TokenClassificationFeatures fast = b.optFastPath(true).optListener(fastSteps::add).build().featurize(examples);
            TokenClassificationFeatures slow = b.optFastPath(false).optListener(slowSteps::add).build().featurize(examples);
            String at = what + (labelAll ? " (all sub-tokens)" : "");
            assertEquals(slowSteps, fastSteps, at + " progress steps");
            assertEquals(slow.size(), fast.size(), at);
            for (int r = 0; r < slow.size(); r++) {
                String row = at + " row " + r;
                assertEquals(slow.exampleIndex(r), fast.exampleIndex(r), row);
                assertEquals(slow.tokens().length(r), fast.tokens().length(r), row);
                assertEquals(slow.tokens().secondStart(r), fast.tokens().secondStart(r), row);
                for (int p = 0; p < slow.tokens().length(r); p++) {
                    assertEquals(slow.tokens().id(r, p), fast.tokens().id(r, p), row + " pos " + p);
                    assertEquals(slow.label(r, p), fast.label(r, p), row + " pos " + p);
                    assertEquals(slow.isFirstSubToken(r, p), fast.isFirstSubToken(r, p), row + " pos " + p);
                }
                assertArrayEquals(slow.firstTokenWords(r), fast.firstTokenWords(r), row);
                assertEquals(slow.firstCutWord(r), fast.firstCutWord(r), row);
            }
            assertEquals(slow.report(), fast.report(), at);
        }
    }

    /** Classification cases: singles and pairs mixed, long inputs, no label, an unknown label, a rejected text. */
    static List<TextExample> classificationEdgeCases() {
        StringBuilder sb = new StringBuilder();
        // long enough to be cut at 128; not much longer: a truncated pair gets one overflow window per
        // pair of windows of its two texts, and the encoding path converts every one of them
        for (int i = 0; i < 12; i++) {
            sb.append("internationalization ").append(i).append(" Café 😀 ");
        }
        String longText = sb.toString();
        return List.of(
                new TextExample("c0", "Who went to Berlin?", null, "pos"),
                new TextExample("c1", "U.S. naïve résumé", "東京 は 日本 の 首都", "neg"),
                new TextExample("c2", longText, "short", "pos"),
                new TextExample("c3", "short", longText, null),
                new TextExample("c4", longText, longText, "neutral"),
                new TextExample("c5", "broken \uD800 surrogate", "pair", "neg"),
                new TextExample("c6", "broken \uDC00 single", null, "pos"),
                new TextExample("c7", "", "empty first", "neg"),
                new TextExample("c8", "[CLS] [SEP] <s> </s>", null, "neg"));
    }

    @Test
    void classificationFastPathEqualsEncodingPathOnFixtureTokenizers() throws IOException {
        for (String family : List.of("bert", "xlm-roberta")) {
            SubwordTokenizer tok = shared(fixture(family));
            for (int maxLength : new int[] {128, 24}) {
                assertSameClassification(tok, classificationEdgeCases(), List.of("neg", "pos"), maxLength,
                        family + " max " + maxLength);
            }
        }
    }

    @Test
    void classificationFastPathEqualsEncodingPathOnGlue() throws IOException {
        Path data = SharedFixtures.require("data");
        Path minilm = SharedFixtures.require("models/all-MiniLM-L6-v2/tokenizer.json");
        Path xlmr = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        for (String task : List.of("sst2", "mrpc", "rte", "wic")) {
            TaskData d = TaskCatalog.task(task).load(data, Leniency.STRICT);
            List<TextExample> sample = new ArrayList<>();
            for (Split split : List.of(Split.TRAIN, Split.VALIDATION)) {
                List<Example> all = d.split(split);
                // every RTE pair over 400 characters (its long premises, cut at 128 tokens, which hold
                // some 550) and every 3rd of the rest, a sample of the others
                int step = task.equals("sst2") ? 40 : 3;
                for (int i = 0; i < all.size(); i++) {
                    TextExample t = (TextExample) all.get(i);
                    int chars = t.textA().length() + (t.textB() == null ? 0 : t.textB().length());
                    if (i % step == 0 || task.equals("rte") && chars > 400) {
                        sample.add(t);
                    }
                }
            }
            for (Path p : List.of(minilm, xlmr)) {
                // the fixture's 256-piece vocabulary cuts words into many pieces, and long pairs then into
                // many overflow windows that the encoding path converts: a few hundred examples suffice
                List<TextExample> some = p == xlmr ? sample.subList(0, Math.min(300, sample.size())) : sample;
                SubwordTokenizer tok = shared(p);
                assertSameClassification(tok, some, d.labels(), 128, task + " " + p);
            }
        }
    }

    static void assertSameClassification(SubwordTokenizer tok, List<TextExample> examples, List<String> labels,
            int maxLength, String what) throws IOException {
        ClassificationFeaturizer.Builder b = ClassificationFeaturizer.builder().setTokenizer(tok).setLabels(labels)
                .optMaxLength(maxLength).optBatchSize(64);
        ClassificationFeatures fast = b.optFastPath(true).build().featurize(examples);
        ClassificationFeatures slow = b.optFastPath(false).build().featurize(examples);
        assertEquals(slow.size(), fast.size(), what);
        for (int r = 0; r < slow.size(); r++) {
            String row = what + " row " + r;
            assertEquals(slow.exampleIndex(r), fast.exampleIndex(r), row);
            assertEquals(slow.label(r), fast.label(r), row);
            assertEquals(slow.tokens().length(r), fast.tokens().length(r), row);
            assertEquals(slow.tokens().secondStart(r), fast.tokens().secondStart(r), row);
            for (int p = 0; p < slow.tokens().length(r); p++) {
                assertEquals(slow.tokens().id(r, p), fast.tokens().id(r, p), row + " pos " + p);
            }
        }
        assertEquals(slow.report(), fast.report(), what);
    }

    /** QA cases: long contexts (several windows), emoji offsets, a long question, odd answers. */
    static List<QaExample> qaEdgeCases() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            sb.append("Sentence ").append(i).append(" mentions 😀 Berlin and internationalization. ");
        }
        String longContext = sb.toString();
        String q = "  Where is Berlin?";
        String answer = "Sentence 77 mentions 😀 Berlin";
        return List.of(
                new QaExample("q0", q, longContext, List.of(new GoldAnswer(answer, longContext.indexOf(answer)))),
                new QaExample("q1", q, longContext, List.of()),
                new QaExample("q3", q, "Berlin is in Germany.", List.of(new GoldAnswer(" ", 6))),
                new QaExample("q4", q, "Ber­lin 𝔘𝔫𝔦 is big.", List.of(new GoldAnswer("𝔘𝔫𝔦", 8))),
                new QaExample("q5", q, "Berlin", List.of(new GoldAnswer("erl", 1))));
    }

    @Test
    void qaFastPathEqualsPairPathOnFixtureTokenizers() throws IOException {
        for (String family : List.of("bert", "xlm-roberta")) {
            SubwordTokenizer tok = shared(fixture(family));
            assertSameQa(tok, qaEdgeCases(), 384, 128, family);
            assertSameQa(tok, qaEdgeCases(), 64, 16, family + " 64/16");
            // the smallest stride the settings and the builder take: windows sharing one token
            assertSameQa(tok, qaEdgeCases(), 128, 1, family + " 128/1");
        }
    }

    /**
     * A question too long to leave the context any room, or less room than the stride, is rejected
     * and reported by both paths alike; the pair path once aborted the JVM on it inside DJL's
     * native batch pair encoding.
     */
    @Test
    void qaBothPathsRejectQuestionsThatLeaveNoRoom() throws IOException {
        SubwordTokenizer tok = shared(fixture("bert"));
        String context = "Berlin is the capital of Germany and its largest city by population.";
        QaExample fits = new QaExample("fits", "Where?", context, List.of(new GoldAnswer("Berlin", 0)));
        QaExample tooLong = new QaExample("long", "why ".repeat(40), context, List.of(new GoldAnswer("Berlin", 0)));
        // 30 question tokens + 3 special tokens leave 15 context tokens per window of 48, below the stride 16
        QaExample noStride = new QaExample("stride", "why ".repeat(30), context, List.of(new GoldAnswer("Berlin", 0)));
        List<QaExample> examples = List.of(tooLong, fits, noStride);
        for (boolean fastPath : new boolean[] {true, false}) {
            QaFeatures f = QaFeaturizer.builder().setTokenizer(tok).optMaxLength(48).optStride(16)
                    .optFastPath(fastPath).build().featurize(examples);
            assertEquals(1, f.size(), "fast path " + fastPath);
            assertEquals(1, f.exampleIndex(0));
            assertEquals(List.of("long", "stride"), f.report().skippedIds());
            // the reason names the settings, not the input: both paths alike
            assertEquals(java.util.Map.of("question leaves the context no more tokens than the stride at this max length", 2),
                    f.report().skipped());
        }
        assertSameQa(tok, examples, 48, 16, "no room");
    }

    @Test
    void qaFastPathEqualsPairPathOnSquad() throws IOException {
        Path dev = SharedFixtures.require("data/qa/squad_v1.1/dev-v1.1.json");
        List<QaExample> all = new SquadReader().read(dev, Leniency.STRICT).examples();
        // every 5th question whose context may need a second window (over 1,000 characters; 384
        // tokens hold some 1,500) or whose text leaves ASCII (offsets through normalization), and
        // every 15th of the plain short rest: the windows and offsets are where the paths part
        List<QaExample> sample = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 5) {
            QaExample q = all.get(i);
            if (i % 15 == 0 || q.context().length() > 1000 || !ascii(q.context()) || !ascii(q.question())) {
                sample.add(q);
            }
        }
        Path minilm = SharedFixtures.require("models/all-MiniLM-L6-v2/tokenizer.json");
        Path xlmr = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        for (Path p : List.of(minilm, xlmr)) {
            SubwordTokenizer tok = shared(p);
            assertSameQa(tok, p == minilm ? sample : sample.subList(0, 400), 384, 128, p.toString());
        }
    }

    private static boolean ascii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    static void assertSameQa(SubwordTokenizer tok, List<QaExample> examples, int maxLength, int stride, String what)
            throws IOException {
        QaFeaturizer.Builder b = QaFeaturizer.builder().setTokenizer(tok).optMaxLength(maxLength).optStride(stride);
        QaFeatures fast = b.optFastPath(true).build().featurize(examples);
        QaFeatures slow = b.optFastPath(false).build().featurize(examples);
        assertEquals(slow.size(), fast.size(), what);
        for (int r = 0; r < slow.size(); r++) {
            String row = what + " row " + r;
            assertEquals(slow.exampleIndex(r), fast.exampleIndex(r), row);
            assertEquals(slow.startPosition(r), fast.startPosition(r), row);
            assertEquals(slow.endPosition(r), fast.endPosition(r), row);
            assertEquals(slow.contextStart(r), fast.contextStart(r), row);
            assertEquals(slow.contextEnd(r), fast.contextEnd(r), row);
            assertEquals(slow.tokens().length(r), fast.tokens().length(r), row);
            assertEquals(slow.tokens().secondStart(r), fast.tokens().secondStart(r), row);
            for (int p = 0; p < slow.tokens().length(r); p++) {
                assertEquals(slow.tokens().id(r, p), fast.tokens().id(r, p), row + " pos " + p);
            }
            for (int p = slow.contextStart(r); p < slow.contextEnd(r); p++) {
                assertEquals(slow.charStart(r, p), fast.charStart(r, p), row + " pos " + p);
                assertEquals(slow.charEnd(r, p), fast.charEnd(r, p), row + " pos " + p);
            }
        }
        assertEquals(slow.report(), fast.report(), what);
    }
}
