package io.github.prefine.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubwordTokenizerTest {

    private static Path tokenizerJson(String family) {
        return SharedFixtures.require("fixtures/hf-reference/" + family + "/tokenizer.json");
    }

    private static SubwordTokenizer.Builder builder(String family) {
        return SubwordTokenizer.builder().setTokenizerPath(tokenizerJson(family));
    }

    @Test
    void offsetsAreUtf16IndicesAroundEmojiAndAccents() throws IOException {
        // 😀 is one code point but two UTF-16 chars: every offset after it shifts by one versus
        // the native (code point) offsets.
        String text = "café 😀 naïve";
        try (SubwordTokenizer bert = builder("bert").build()) {
            TokenEncoding e = bert.encode(text);
            assertArrayEquals(new String[] {"[CLS]", "cafe", "[UNK]", "naive", "[SEP]"}, e.tokens());
            assertArrayEquals(new int[] {0, 0, 5, 8, 0}, e.starts());
            assertArrayEquals(new int[] {0, 4, 7, 13, 0}, e.ends());
            assertEquals("😀", text.substring(e.starts()[2], e.ends()[2]));
            assertEquals("naïve", text.substring(e.starts()[3], e.ends()[3]));
        }
        try (SubwordTokenizer xlmr = builder("xlm-roberta").build()) {
            TokenEncoding e = xlmr.encode(text);
            int last = e.length() - 2; // "▁naïve", the token before </s>
            assertEquals("▁naïve", e.tokens()[last]);
            // Metaspace's "▁" maps to the space before the word.
            assertEquals(" naïve", text.substring(e.starts()[last], e.ends()[last]));
            TokenEncoding pair = xlmr.encodePair("😀 é?", text);
            for (int i = 0; i < pair.length(); i++) {
                if (pair.tokens()[i].equals("▁naïve")) {
                    assertEquals(1, pair.sequenceIds()[i]);
                    assertEquals(" naïve", text.substring(pair.starts()[i], pair.ends()[i]));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "xlm-roberta"})
    void wordsBatchMatchesNativePreTokenizedEncoding(String family) throws IOException {
        List<List<String>> sentences = List.of(
                List.of("John", "Smith", "visited", "Paris", "."),
                List.of("EU", "rejects", "German", "call", "to", "boycott", "British", "lamb", "."),
                List.of("Über", "café", "naïve", "don't", "(", "U.S.", ")", "😀x"),
                List.of("won"),
                // NFKC (XLM-R's normalizer) changes their length: a ligature, full-width letters, a
                // combining accent, a diaeresis that becomes a space and a mark, a word after </s>
                List.of("\uFB01ne", "\uFF37on", "cafe\u0301", "x\u00A8y", "</s>won", "\uFF01"));
        try (SubwordTokenizer tok = builder(family).build();
                HuggingFaceTokenizer ref = HuggingFaceTokenizer.newInstance(
                        tokenizerJson(family), Map.of("padding", "false", "truncation", "false"))) {
            List<TokenEncoding> got = tok.encodeWordsBatch(sentences);
            for (int s = 0; s < sentences.size(); s++) {
                Encoding want = ref.encode(sentences.get(s).toArray(new String[0]));
                TokenEncoding e = got.get(s);
                assertArrayEquals(want.getTokens(), e.tokens(), family + " sentence " + s + " tokens");
                assertArrayEquals(
                        Arrays.stream(want.getWordIds()).mapToInt(x -> (int) x).toArray(),
                        e.wordIds(),
                        family + " sentence " + s + " word ids");
                // each token's offsets lie in its word of the joined text (a Metaspace "▁" on the space before it)
                int wordStart = 0;
                int word = 0;
                for (int t = 0; t < e.length(); t++) {
                    if (e.wordIds()[t] < 0) {
                        continue;
                    }
                    while (word < e.wordIds()[t]) {
                        wordStart += sentences.get(s).get(word++).length() + 1;
                    }
                    int wordEnd = wordStart + sentences.get(s).get(word).length();
                    assertTrue(e.starts()[t] >= Math.max(0, wordStart - 1) && e.ends()[t] <= wordEnd
                            && e.starts()[t] < e.ends()[t], family + " sentence " + s + " token " + t);
                }
            }
            assertArrayEquals(got.get(0).ids(), tok.encodeWords(sentences.get(0)).ids());
        }
    }

    @Test
    void overflowWindowsShareStrideTokensOfTheSecondSequence() throws IOException {
        String context = "John Smith visited Paris in May and then went to Berlin.";
        try (SubwordTokenizer tok = builder("bert").optMaxLength(16).optTruncation(Truncation.ONLY_SECOND)
                .optStride(3).build()) {
            TokenEncoding e = tok.encodePair("who went?", context);
            assertTrue(e.isTruncated());
            assertEquals(16, e.length());
            TokenEncoding w1 = e.overflowing().get(0);
            // Window layout: [CLS] question [SEP] context [SEP]; the context starts at the first
            // position of sequence 1.
            int ctx0 = 0;
            while (e.sequenceIds()[ctx0] != 1) {
                ctx0++;
            }
            assertEquals(8, ctx0, "[CLS] wh ##o we ##n ##t ? [SEP]");
            int ctxLen0 = e.length() - ctx0 - 1;
            // The next window starts `stride` context tokens before the end of this one.
            assertArrayEquals(
                    Arrays.copyOfRange(e.ids(), ctx0 + ctxLen0 - 3, ctx0 + ctxLen0),
                    Arrays.copyOfRange(w1.ids(), ctx0, ctx0 + 3));
            for (TokenEncoding w : e.overflowing()) {
                assertFalse(w.isTruncated());
                assertArrayEquals(Arrays.copyOfRange(e.ids(), 0, ctx0), Arrays.copyOfRange(w.ids(), 0, ctx0));
            }
        }
    }

    @Test
    void padToMaxLengthAndNoSpecialTokens() throws IOException {
        try (SubwordTokenizer tok = builder("xlm-roberta").optMaxLength(8).optPadding(Padding.MAX_LENGTH)
                .optAddSpecialTokens(false).build()) {
            TokenEncoding e = tok.encode("won");
            assertArrayEquals(new int[] {24, 1, 1, 1, 1, 1, 1, 1}, e.ids());
            assertArrayEquals(new int[] {1, 0, 0, 0, 0, 0, 0, 0}, e.attentionMask());
            assertEquals(1, e.unpaddedLength());
        }
    }

    @Test
    void rejectsBadSettingsAndWords() throws IOException {
        // builders first: without the shared fixtures this skips, instead of failing inside assertThrows
        SubwordTokenizer.Builder zeroLength = builder("bert").optMaxLength(0);
        SubwordTokenizer.Builder strideTooLong = builder("bert").optMaxLength(8).optStride(8);
        SubwordTokenizer.Builder strideWithoutTruncation = builder("bert").optTruncation(Truncation.NONE).optStride(2);
        assertThrows(IllegalArgumentException.class, zeroLength::build);
        assertThrows(IllegalArgumentException.class, strideTooLong::build);
        assertThrows(IllegalArgumentException.class, strideWithoutTruncation::build);
        assertThrows(IllegalArgumentException.class, () -> SubwordTokenizer.builder().build());
        try (SubwordTokenizer tok = builder("bert").build()) {
            assertThrows(IllegalArgumentException.class, () -> tok.encodeWords(List.of("a b")));
            assertThrows(IllegalArgumentException.class, () -> tok.encodeWords(List.of("")));
            tok.close(); // idempotent with the try's close
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "xlm-roberta"})
    void refusesAMaxLengthBelowTheSpecialTokensOfAPair(String family) throws IOException {
        // HF templates: BERT [CLS] a [SEP] b [SEP] adds 3, XLM-R <s> a </s></s> b </s> adds 4. Below
        // that the native tokenizer skips truncation and returned whole rows (12 and 17 ids at
        // maxLength 1) while maxLength() promised "positions, special tokens included"
        int pairAdded = family.equals("bert") ? 3 : 4;
        SubwordTokenizer.Builder tooShort = builder(family).optMaxLength(pairAdded - 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, tooShort::build);
        assertTrue(e.getMessage().contains("maxLength " + (pairAdded - 1)) && e.getMessage().contains(pairAdded
                + " special tokens"), e.getMessage());
        // at the bound every row fits, the special tokens and nothing else for a pair
        try (SubwordTokenizer tok = builder(family).optMaxLength(pairAdded).build()) {
            assertEquals(pairAdded, tok.encodePair("hello world there", "and more").length());
            assertTrue(tok.encode("hello world there").length() <= pairAdded);
        }
        // without special tokens or without truncation there is nothing to make room for
        try (SubwordTokenizer bare = builder(family).optMaxLength(1).optAddSpecialTokens(false).build();
                SubwordTokenizer untruncated = builder(family).optMaxLength(1).optTruncation(Truncation.NONE).build()) {
            assertEquals(1, bare.encode("hello world there").length());
            assertTrue(untruncated.encode("hello world there").length() > 1);
        }
    }

    @Test
    void refusesANegativePaddingIdInsteadOfReadingTheFilesOne() throws IOException {
        // optPadId's contract: non-negative; -5 was taken as "not set" and the file's 0 used instead
        SubwordTokenizer.Builder negative = builder("bert").optPadId(-5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, negative::build);
        assertEquals("padId must be non-negative, found -5", e.getMessage());
        try (SubwordTokenizer tok = builder("bert").optPadId(7).build()) {
            assertEquals(7, tok.padId());
            assertEquals(7, tok.toBuilder().build().padId());
        }
    }

    @Test
    void aVariantGivenAnotherFileReadsThatFilesFactsAgain() throws IOException {
        // toBuilder() carries the facts read from the first file; a variant of another file kept
        // BERT's padding id 0 (XLM-R pads with 1) and its word-splitting facts
        try (SubwordTokenizer bert = builder("bert").build();
                SubwordTokenizer xlmr = builder("xlm-roberta").build();
                SubwordTokenizer variant = bert.toBuilder().setTokenizerPath(tokenizerJson("xlm-roberta")).build()) {
            assertEquals(0, bert.padId());
            assertEquals(1, xlmr.padId());
            assertEquals(xlmr.padId(), variant.padId());
            assertEquals(xlmr.vocabularySize(), variant.vocabularySize());
            assertEquals(xlmr.marksWordStarts(), variant.marksWordStarts());
            assertTrue(variant.marksWordStarts() != bert.marksWordStarts(), "the fixtures differ in the fact checked");
        }
        // a padding id the caller gave is the caller's, whatever the file
        try (SubwordTokenizer given = builder("bert").optPadId(7).build();
                SubwordTokenizer variant = given.toBuilder().setTokenizerPath(tokenizerJson("xlm-roberta")).build()) {
            assertEquals(7, variant.padId());
        }
    }

    @Test
    void encodingAfterCloseIsALifecycleErrorNotARejectedInput() throws IOException {
        SubwordTokenizer tok = builder("bert").build();
        tok.close();
        tok.close();
        // it was an IllegalArgumentException saying "the native tokenizer rejected the input"
        for (org.junit.jupiter.api.function.Executable call : List.<org.junit.jupiter.api.function.Executable>of(
                () -> tok.encode("hello"), () -> tok.encodePair("a", "b"), () -> tok.encodeBatch(List.of("a")),
                () -> tok.encodePairBatch(List.of("a"), List.of("b")), () -> tok.encodeIdRows(List.of("a"), null),
                () -> tok.encodeWords(List.of("a")), () -> tok.encodePieces(List.of("a"), false))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertTrue(e.getMessage().endsWith("tokenizer is closed"), e.getMessage());
        }
    }

    @Test
    void encodesFromSeveralThreadsAtOnceAsFromOne() throws Exception {
        // the class Javadoc: "the native tokenizer encodes from several threads at once"
        List<String> texts = List.of("The cat sat on the mat.", "café 😀 naïve", "Who went to Berlin in May?",
                "a much longer sentence, with punctuation; and numbers 1234 and 56.");
        try (SubwordTokenizer tok = builder("xlm-roberta").optMaxLength(16).build()) {
            // 16 threads released together, 24 times, each answer against the single-thread one
            io.github.prefine.eval.testing.ConcurrentCalls.agree("encode methods", 24, () -> fingerprint(tok, texts));
        }
    }

    /** Every encode method's ids and offsets over the texts, as one string. */
    private static String fingerprint(SubwordTokenizer tok, List<String> texts) {
        StringBuilder sb = new StringBuilder();
        for (TokenEncoding e : tok.encodeBatch(texts)) {
            sb.append(Arrays.toString(e.ids())).append(Arrays.toString(e.starts()));
        }
        for (TokenEncoding e : tok.encodePairBatch(texts, texts)) {
            sb.append(Arrays.toString(e.ids())).append(Arrays.toString(e.typeIds()));
        }
        sb.append(Arrays.toString(tok.encodeIdRows(texts, null).ids()));
        sb.append(Arrays.toString(tok.encodePieces(texts, true).starts()));
        sb.append(tok.specialTokenLayout().map(SpecialTokenLayout::pairAdded).orElse(-1));
        sb.append(Arrays.toString(tok.encodeWords(List.of("Who", "went", "to", "Berlin")).wordIds()));
        return sb.toString();
    }

    @Test
    void theDefaultsAreThoseTheBuilderDocuments() throws IOException {
        try (SubwordTokenizer tok = builder("bert").build()) {
            assertEquals(512, tok.maxLength());
            assertEquals(Truncation.LONGEST_FIRST, tok.truncation());
            assertEquals(Padding.NONE, tok.padding());
            assertEquals(0, tok.stride());
            assertTrue(tok.addSpecialTokens());
            // read from the file: BERT's [PAD] is 0
            assertEquals(0, tok.padId());
        }
    }
}
