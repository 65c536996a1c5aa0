package io.github.prefine.core.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenClassificationFeaturizerTest {
    private static final List<String> TAGS = List.of("O", "B-PER", "I-PER", "B-LOC", "B-X");
    // BERT fixture: [CLS] wh ##o we ##n ##t to berlin [SEP]
    private static final TokenExample WHO = new TokenExample("s0", List.of("Who", "went", "to", "Berlin"),
            List.of("B-PER", "B-X", "O", "B-LOC"));

    @Test
    void firstSubTokenCarriesTheWordLabel() throws IOException {
        try (SubwordTokenizer tok = Fixtures.tokenizer("bert")) {
            TokenEncoding e = tok.encodeWords(WHO.tokens());
            assertArrayEquals(new String[] {"[CLS]", "wh", "##o", "we", "##n", "##t", "to", "berlin", "[SEP]"}, e.tokens());
            TokenClassificationFeatures f = TokenClassificationFeaturizer.builder()
                    .setTokenizer(tok).setLabels(TAGS).build().featurize(List.of(WHO));
            int[] expected = {-100, 1, -100, 4, -100, -100, 0, 3, -100};
            for (int p = 0; p < expected.length; p++) {
                assertEquals(expected[p], f.label(0, p), "position " + p);
            }
            assertTrue(f.isFirstSubToken(0, 3));
            assertArrayEquals(new int[] {0, 1, 2, 3}, f.firstTokenWords(0));

            TokenClassificationFeatures all = TokenClassificationFeaturizer.builder()
                    .setTokenizer(tok).setLabels(TAGS).optLabelAllSubTokens(true).build().featurize(List.of(WHO));
            int[] expectedAll = {-100, 1, 2, 4, 4, 4, 0, 3, -100};
            for (int p = 0; p < expectedAll.length; p++) {
                assertEquals(expectedAll[p], all.label(0, p), "all sub-tokens, position " + p);
            }
        }
    }

    @Test
    void upTo255LabelsFitWhenOnlyFirstSubTokensAreLabelled() throws IOException {
        // ATIS has 167 slot tags: more than the 127 a flagged byte can hold
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 254; i++) {
            many.add("T" + i);
        }
        TokenExample ex = new TokenExample("s1", WHO.tokens(), List.of("T253", "T200", "T0", "T128"));
        try (SubwordTokenizer tok = Fixtures.tokenizer("bert")) {
            TokenClassificationFeatures f = TokenClassificationFeaturizer.builder()
                    .setTokenizer(tok).setLabels(many).build().featurize(List.of(ex));
            int[] expected = {-100, 253, -100, 200, -100, -100, 0, 128, -100};
            for (int p = 0; p < expected.length; p++) {
                assertEquals(expected[p], f.label(0, p), "position " + p);
                assertEquals(expected[p] != -100, f.isFirstSubToken(0, p), "first at " + p);
            }
            assertArrayEquals(new long[] {-100, 253, -100, 200, -100, -100, 0, 128, -100},
                    f.batch(new int[] {0}).labels());
            List<String> tooMany = new java.util.ArrayList<>(many);
            tooMany.add("T254");
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> TokenClassificationFeaturizer.builder().setTokenizer(tok).setLabels(tooMany).build());
            assertEquals("labels: need 1 to 254 tags, found 255", e.getMessage());
            IllegalArgumentException flagged = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> TokenClassificationFeaturizer.builder().setTokenizer(tok).setLabels(many)
                            .optLabelAllSubTokens(true).build());
            assertEquals("labels: need 1 to 127 tags when every sub-token is labelled, found 254", flagged.getMessage());
        }
    }

    @Test
    void truncationAndSkipsAreReported() throws IOException {
        try (SubwordTokenizer tok = Fixtures.tokenizer("bert")) {
            TokenExample shortOne = new TokenExample("s1", List.of("won"), List.of("O"));
            TokenExample badWord = new TokenExample("s3", List.of("a b"), List.of("O"));
            TokenClassificationFeatures f = TokenClassificationFeaturizer.builder()
                    .setTokenizer(tok).setLabels(TAGS).optMaxLength(5).optName("toy").build()
                    .featurize(List.of(WHO, badWord, shortOne));
            FeatureReport r = f.report();
            assertEquals("toy", r.name());
            assertEquals(3, r.examplesRead());
            assertEquals(2, r.featuresMade());
            assertEquals(1, r.truncated());
            // [CLS] wh ##o we [SEP]: "went" keeps its first piece, "to" and "Berlin" are cut.
            assertEquals(2L, r.counters().get("words cut by truncation"));
            assertEquals(Map.of("empty word or word holding whitespace", 1), r.skipped());
            assertEquals(List.of("s3"), r.skippedIds());
            assertEquals(2, f.exampleIndex(1));
            assertEquals(5, f.tokens().length(0));
            assertEquals(3, f.tokens().length(1));
            // Ids bit-packed at the width of the largest id, 1 label byte per position, plus 8
            // bytes per row (offset + example index), plus 16 for the truncated row's first cut word.
            int max = 0;
            for (int row = 0; row < 2; row++) {
                for (int p = 0; p < f.tokens().length(row); p++) {
                    max = Math.max(max, f.tokens().id(row, p));
                }
            }
            int bits = 32 - Integer.numberOfLeadingZeros(max);
            long packed = 8L * ((8L * bits + 63) / 64);
            assertEquals((packed + 8 + 4 * 3 + 4 * 2 + 16) / 8.0, r.bytesPerTokenPosition(), 1e-9);

            PaddedBatch b = f.batch(new int[] {1, 0});
            assertEquals(2, b.rows());
            assertEquals(5, b.seqLen());
            assertArrayEquals(new long[] {2, 157, 3, 0, 0, 2, f.tokens().id(0, 1), f.tokens().id(0, 2),
                f.tokens().id(0, 3), 3}, b.inputIds());
            assertArrayEquals(new long[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, b.attentionMask());
            assertArrayEquals(new long[] {-100, 0, -100, -100, -100, -100, 1, -100, 4, -100}, b.labels());
        }
    }

    /**
     * run_ner.py's b_to_i_label maps B-T to {@code label.replace("B-", "I-")}, every "B-" of the tag
     * replaced, and keeps B-T where the list lacks that tag; "I-" + the rest replaced the first
     * alone. Ground truth: Python's {@code "B-A-B-C".replace("B-", "I-") == "I-A-I-C"}.
     */
    @Test
    void labellingAllSubTokensContinuesATagAsRunNerReplacesItsBs() throws IOException {
        TokenExample who = new TokenExample("s", List.of("Who"), List.of("B-A-B-C"));
        try (SubwordTokenizer tok = Fixtures.tokenizer("bert")) {
            // [CLS] wh ##o [SEP]: ##o takes the id of I-A-I-C (3), not I-A-B-C (2)
            for (boolean fast : new boolean[] {false, true}) {
                assertArrayEquals(new long[] {-100, 1, 3, -100}, TokenClassificationFeaturizer.builder().setTokenizer(tok)
                        .setLabels(List.of("O", "B-A-B-C", "I-A-B-C", "I-A-I-C")).optLabelAllSubTokens(true)
                        .optFastPath(fast).build().featurize(List.of(who)).batch(new int[] {0}).labels());
                // without I-A-I-C, run_ner keeps B-A-B-C's own id (1)
                assertArrayEquals(new long[] {-100, 1, 1, -100}, TokenClassificationFeaturizer.builder().setTokenizer(tok)
                        .setLabels(List.of("O", "B-A-B-C", "I-A-B-C")).optLabelAllSubTokens(true)
                        .optFastPath(fast).build().featurize(List.of(who)).batch(new int[] {0}).labels());
            }
        }
    }

    @Test
    void aTagOutsideTheListIsKeptWithItsPositionsIgnored() throws IOException {
        try (SubwordTokenizer tok = Fixtures.tokenizer("bert")) {
            // "I-MISC" is not among TAGS: the sentence stays, for scoring against its gold tags
            TokenExample badTag = new TokenExample("s2", List.of("won", "won"), List.of("I-MISC", "O"));
            TokenClassificationFeatures f = TokenClassificationFeaturizer.builder()
                    .setTokenizer(tok).setLabels(TAGS).build().featurize(List.of(badTag));
            assertEquals(1, f.size());
            assertEquals(Map.of(), f.report().skipped());
            assertEquals(1L, f.report().counters().get(TokenClassificationFeaturizer.TAG_OUTSIDE_LIST));
            // [CLS] won won [SEP]: the unknown tag is ignored by the loss, the O beside it is kept
            assertArrayEquals(new long[] {-100, -100, 0, -100}, f.batch(new int[] {0}).labels());
            // and its word keeps its first sub-token, so that the later words' predictions stay theirs,
            // in both labelling modes and on both featurizing paths
            for (boolean labelAll : new boolean[] {false, true}) {
                for (boolean fast : new boolean[] {false, true}) {
                    TokenClassificationFeatures g = TokenClassificationFeaturizer.builder().setTokenizer(tok)
                            .setLabels(TAGS).optLabelAllSubTokens(labelAll).optFastPath(fast).build()
                            .featurize(List.of(badTag));
                    String mode = "labelAll " + labelAll + ", fast path " + fast;
                    assertArrayEquals(new long[] {-100, -100, 0, -100}, g.batch(new int[] {0}).labels(), mode);
                    assertTrue(g.isFirstSubToken(0, 1), mode);
                    assertTrue(g.isFirstSubToken(0, 2), mode);
                    assertArrayEquals(new int[] {0, 1}, g.firstTokenWords(0), mode);
                }
            }
        }
    }

    /**
     * The counter counts words kept with ignored positions: a skipped sentence keeps none. Before,
     * its words with an unknown tag before the word that skips it were counted (and those after it
     * not), and all of a sentence the tokenizer rejects (a lone surrogate, as in {@link
     * LoneSurrogateRejectionTest}). Ground truth: the one kept word with an unknown tag, by hand.
     */
    @Test
    void aSkippedSentencesTagsOutsideTheListAreNotCounted() throws IOException {
        String loneSurrogate = "\ud83d";
        for (String family : List.of("bert", "xlm-roberta")) {
            try (SubwordTokenizer tok = Fixtures.tokenizer(family)) {
                for (boolean fast : new boolean[] {false, true}) {
                    String what = family + ", fast path " + fast;
                    TokenClassificationFeatures f = TokenClassificationFeaturizer.builder().setTokenizer(tok)
                            .setLabels(TAGS).optFastPath(fast).build().featurize(List.of(
                                    new TokenExample("spaced", List.of("won", "to", "x y"), List.of("I-MISC", "B-MISC", "O")),
                                    new TokenExample("rejected", List.of("won", loneSurrogate), List.of("I-MISC", "O")),
                                    new TokenExample("kept", List.of("won", "to"), List.of("O", "I-MISC"))));
                    assertEquals(List.of("spaced", "rejected"), f.report().skippedIds(), what);
                    assertEquals(1, f.size(), what);
                    assertEquals(1L, f.report().counters().get(TokenClassificationFeaturizer.TAG_OUTSIDE_LIST), what);
                }
            }
        }
    }

    @Test
    void aWordWithoutSubTokensIsCountedWhereverItStands() throws IOException {
        // the normalizer removes U+200B entirely, so that word has no sub-token to carry its tag
        try (SubwordTokenizer tok = Fixtures.tokenizer("bert")) {
            for (boolean fast : new boolean[] {false, true}) {
                for (List<String> words : List.of(List.of("\u200B", "to"), List.of("to", "\u200B"))) {
                    TokenClassificationFeatures f = TokenClassificationFeaturizer.builder().setTokenizer(tok)
                            .setLabels(TAGS).optFastPath(fast).build()
                            .featurize(List.of(new TokenExample("z", words, List.of("O", "O"))));
                    assertEquals(1L, f.report().counters().get("words without sub-tokens"), words + ", fast path " + fast);
                }
            }
        }
    }

    @Test
    void xlmRobertaSpaceTokenStartsItsWord() throws IOException {
        // XLM-R fixture splits "John" into ▁ J o h n: "▁" is the first sub-token and carries B-PER.
        try (SubwordTokenizer tok = Fixtures.tokenizer("xlm-roberta")) {
            TokenExample ex = new TokenExample("x", List.of("John", "visited"), List.of("B-PER", "O"));
            TokenClassificationFeatures f = TokenClassificationFeaturizer.builder()
                    .setTokenizer(tok).setLabels(TAGS).build().featurize(List.of(ex));
            // <s> ▁ J o h n ▁visited </s>
            int[] expected = {-100, 1, -100, -100, -100, -100, 0, -100};
            assertEquals(expected.length, f.tokens().length(0));
            for (int p = 0; p < expected.length; p++) {
                assertEquals(expected[p], f.label(0, p), "position " + p);
            }
        }
    }
}
