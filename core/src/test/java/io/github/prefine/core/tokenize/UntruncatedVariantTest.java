package io.github.prefine.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.SharedFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The untruncated variant that {@link SubwordTokenizer#encodeWordsBatch} encodes a sentence with
 * again when its joined text holds a token HF's {@code is_split_into_words} does not have (a word
 * such as "´" that XLM-R's Metaspace turns into a lone {@code ▁} after a space): loaded only for
 * such a sentence, so ordinary sentences cost one native encoding as before; loaded once however
 * many threads need it; closed with the tokenizer.
 */
class UntruncatedVariantTest {
    /** A sentence of WNUT-17's dev split whose "´" is such a word. */
    private static final List<String> LONE_SPACE = List.of("Stabilized", "approach", "or", "not", "?", "That", "\u00b4",
            "s", "insane", "and", "good", ".");

    @Test
    void theSentencesOfConll2003TrainLoadNoVariantUnderTruncationAndPadding() throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        List<List<String>> sentences = conllSentences(SharedFixtures.require("data/sl/conll2003/eng.train"));
        assertEquals(14_041, sentences.size(), "the sentences of eng.train, without -DOCSTART-");
        try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(fixture).optMaxLength(16)
                .optTruncation(Truncation.LONGEST_FIRST).optStride(2).optPadding(Padding.LONGEST).build()) {
            int truncated = 0;
            for (int from = 0; from < sentences.size(); from += 256) {
                for (TokenEncoding e : tok.encodeWordsBatch(sentences.subList(from, Math.min(sentences.size(), from + 256)))) {
                    truncated += e.isTruncated() ? 1 : 0;
                }
            }
            assertTrue(truncated > 1000, "many sentences are cut at 16, found " + truncated);
            assertNull(tok.loadedUntruncated(), "no sentence of eng.train holds a word that needs the variant");

            tok.encodeWords(LONE_SPACE);
            assertNotNull(tok.loadedUntruncated(), "the WNUT-17 sentence needs it");
        }
    }

    @Test
    void threadsShareOneVariantAndGetTheSingleThreadedEncodingAndCloseClosesIt() throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        TokenEncoding expected;
        try (SubwordTokenizer alone = SubwordTokenizer.builder().setTokenizerPath(fixture).optMaxLength(8)
                .optTruncation(Truncation.LONGEST_FIRST).optStride(1).build()) {
            expected = alone.encodeWords(LONE_SPACE);
        }
        assertTrue(expected.isTruncated(), "cut at 8");
        SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(fixture).optMaxLength(8)
                .optTruncation(Truncation.LONGEST_FIRST).optStride(1).build();
        SubwordTokenizer variant;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<TokenEncoding>>> runs = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                runs.add(pool.submit(() -> tok.encodeWordsBatch(List.of(LONE_SPACE, LONE_SPACE))));
            }
            for (Future<List<TokenEncoding>> r : runs) {
                for (TokenEncoding e : r.get()) {
                    assertSameWindows(expected, e);
                }
            }
            variant = tok.loadedUntruncated();
            assertNotNull(variant);
            tok.encodeWords(LONE_SPACE);
            assertSame(variant, tok.loadedUntruncated(), "loaded once");
        } finally {
            pool.shutdown();
            tok.close();
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> variant.encode("a"));
        assertTrue(e.getMessage().endsWith(": tokenizer is closed"), e.getMessage());
    }

    private static void assertSameWindows(TokenEncoding expected, TokenEncoding actual) {
        assertArrayEquals(expected.ids(), actual.ids());
        assertArrayEquals(expected.wordIds(), actual.wordIds());
        assertEquals(expected.overflowing().size(), actual.overflowing().size());
        for (int w = 0; w < expected.overflowing().size(); w++) {
            assertArrayEquals(expected.overflowing().get(w).ids(), actual.overflowing().get(w).ids());
        }
    }

    /** The words of a CoNLL file (first column), a sentence per blank-line-separated block, without -DOCSTART-. */
    private static List<List<String>> conllSentences(Path file) throws Exception {
        List<List<String>> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("-DOCSTART-")) {
                if (!words.isEmpty()) {
                    out.add(words);
                    words = new ArrayList<>();
                }
            } else {
                words.add(t.split("\\s+")[0]);
            }
        }
        if (!words.isEmpty()) {
            out.add(words);
        }
        return out;
    }
}
