package io.github.prefine.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SubwordTokenizer#encodeWordsBatch} with truncation, stride and padding, under the XLM-R
 * fixture, for sentences holding words that Metaspace turns into a lone {@code ▁} when joined with
 * spaces: "¨" and "´s" (a space and a combining mark under NFKC), a literal U+2581, and a word the
 * normalizer empties (U+0001, removed in a variant of the fixture as XLM-R's charsmap removes it).
 *
 * <p>Ground truth is HF's {@code is_split_into_words=True}: each word normalized and pre-tokenized
 * alone, so a sentence's tokens are its words' tokens encoded alone, one after another; the
 * tokenizers library then truncates that sequence as any other: the first window keeps its first
 * {@code maxLength - 2} tokens between {@code <s>} and {@code </s>}, each further window starts
 * {@code maxLength - 2 - stride} tokens after the one before, until one reaches the end; padding
 * fills every window of a batch to the maximum length, or to the longest first window of the
 * batch. Sentences without such words check that rule against the library itself, and each
 * sentence alone is also checked against the library's own encoding of pre-split words.
 */
class WordTruncationTest {
    private static final List<List<String>> SENTENCES = List.of(
            List.of("a", "\u00a8", "b", "\u00b4s", "c", "\u2581b", "d"),
            List.of("Who", "went", "to", "Berlin"),
            List.of("\u00a8", "a", "\u00a8"),
            List.of("ab", "cd", "\u00b4", "ef", "gh", "ij", "kl"));
    private static final List<List<String>> EMPTIED = List.of(
            List.of("ab", "\u0001", "cd", "\u0001", "ef"),
            List.of("gh", "ij", "kl"),
            List.of("\u0001", "mn", "\u0001"));

    @TempDir
    Path dir;

    @Test
    void truncatedWordsKeepAsManyTokensAsHfAndItsWindows() throws IOException {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        check(fixture, SENTENCES);
    }

    @Test
    void wordsTheNormalizerEmptiesCostNoRoomUnderTruncation() throws IOException {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        check(emptyingControlCharacters(fixture), EMPTIED);
    }

    /**
     * A template that adds as many special tokens to a text as to a pair lets the maximum length
     * equal them, leaving a text no room at all: the library then keeps nothing in the first window
     * and the whole text, between the special tokens, in one overflow window. A sentence cut in
     * Java (its lone ▁ dropped first) must be cut so too, not windowed without end.
     */
    @Test
    void noRoomLeftKeepsTheWholeSentenceInOneOverflowWindowAsTheLibraryDoes() throws IOException {
        JsonObject root = JsonParser.parseString(Files.readString(
                SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json"))).getAsJsonObject();
        root.add("post_processor", JsonParser.parseString("{\"type\": \"TemplateProcessing\","
                + " \"single\": [{\"SpecialToken\": {\"id\": \"<s>\", \"type_id\": 0}}, {\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}],"
                + " \"pair\": [{\"SpecialToken\": {\"id\": \"<s>\", \"type_id\": 0}}, {\"Sequence\": {\"id\": \"A\", \"type_id\": 0}},"
                + " {\"Sequence\": {\"id\": \"B\", \"type_id\": 1}}],"
                + " \"special_tokens\": {\"<s>\": {\"id\": \"<s>\", \"ids\": [0], \"tokens\": [\"<s>\"]}}}"));
        Path file = dir.resolve("prefix-only.json");
        Files.writeString(file, root.toString());
        List<String> words = List.of("a", "\u00a8", "b", "\u00b4s", "c");
        for (Padding padding : List.of(Padding.NONE, Padding.LONGEST)) {
            try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(file).optMaxLength(1)
                    .optTruncation(Truncation.LONGEST_FIRST).optPadding(padding).build()) {
                TokenEncoding e = tok.encodeWords(words);
                assertEquals(1, e.overflowing().size(), padding + ": one window beyond the empty first");
                try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file, Map.of("maxLength", "1",
                        "modelMaxLength", "1", "stride", "0", "truncation", "LONGEST_FIRST", "padding",
                        padding == Padding.NONE ? "false" : padding.name()))) {
                    sameAsPreSplit(hf, words, e, "max 1 " + padding);
                }
            }
        }
    }

    private static void check(Path file, List<List<String>> sentences) throws IOException {
        try (SubwordTokenizer whole = SubwordTokenizer.builder().setTokenizerPath(file)
                .optTruncation(Truncation.NONE).optMaxLength(4096).build()) {
            List<List<Piece>> truth = new ArrayList<>();
            int longest = 0;
            for (List<String> words : sentences) {
                truth.add(hfTokens(whole, words));
                longest = Math.max(longest, truth.get(truth.size() - 1).size());
            }
            for (int max = 4; max <= longest + 3; max++) {
                // stride -1: no truncation, where only padding acts
                for (int stride = -1; stride <= Math.min(2, max - 3); stride++) {
                    for (Padding padding : Padding.values()) {
                        int room = stride < 0 ? Integer.MAX_VALUE : max - 2;
                        Map<String, String> options = Map.of("maxLength", Integer.toString(max), "modelMaxLength",
                                Integer.toString(max), "stride", Integer.toString(Math.max(stride, 0)), "truncation",
                                stride < 0 ? "false" : "LONGEST_FIRST", "padding",
                                padding == Padding.NONE ? "false" : padding.name());
                        // the library's own tokenizer under the same settings, loaded once for all the sentences
                        try (SubwordTokenizer tok = whole.toBuilder().optMaxLength(max)
                                .optTruncation(stride < 0 ? Truncation.NONE : Truncation.LONGEST_FIRST)
                                .optStride(Math.max(stride, 0)).optPadding(padding).build();
                                HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file, options)) {
                            List<TokenEncoding> batch = tok.encodeWordsBatch(sentences);
                            int target = padding == Padding.MAX_LENGTH ? max : 0;
                            for (List<Piece> t : truth) {
                                target = padding == Padding.LONGEST ? Math.max(target, Math.min(t.size(), room) + 2)
                                        : target;
                            }
                            for (int s = 0; s < sentences.size(); s++) {
                                String what = sentences.get(s) + " max " + max + " stride " + stride + " " + padding;
                                sameAsPreSplit(hf, sentences.get(s), tok.encodeWords(sentences.get(s)), what);
                                TokenEncoding offsets = whole.encodeWords(sentences.get(s));
                                expect(truth.get(s), offsets, room, stride, target, batch.get(s), what + " in a batch");
                                // alone, LONGEST pads to this sentence's own first window
                                int own = padding == Padding.LONGEST ? Math.min(truth.get(s).size(), room) + 2 : target;
                                expect(truth.get(s), offsets, room, stride, own, tok.encodeWords(sentences.get(s)),
                                        what + " alone");
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Checks an encoding of words alone against the tokenizers library's own encoding of the words
     * as pre-split input (Python's {@code is_split_into_words=True}) under the same settings, those
     * {@code hf} was loaded with: ids, tokens, word ids and attention mask of every window. Offsets
     * differ by design (the library's index into each word, prefine's into the joined text).
     */
    private static void sameAsPreSplit(HuggingFaceTokenizer hf, List<String> words, TokenEncoding got, String what) {
        Encoding want = hf.encode(words.toArray(new String[0]), true, true);
        List<Encoding> wanted = new ArrayList<>();
        wanted.add(want);
        wanted.addAll(List.of(want.getOverflowing()));
        List<TokenEncoding> windows = new ArrayList<>();
        windows.add(got);
        windows.addAll(got.overflowing());
        assertEquals(wanted.size(), windows.size(), what + ": pre-split windows");
        for (int k = 0; k < wanted.size(); k++) {
            Encoding w = wanted.get(k);
            TokenEncoding e = windows.get(k);
            String at = what + " pre-split window " + k;
            assertArrayEquals(w.getTokens(), e.tokens(), at + ": tokens");
            assertArrayEquals(w.getIds(), Arrays.stream(e.ids()).asLongStream().toArray(), at + ": ids");
            assertArrayEquals(w.getWordIds(), Arrays.stream(e.wordIds()).asLongStream().toArray(), at + ": word ids");
            assertArrayEquals(w.getAttentionMask(), Arrays.stream(e.attentionMask()).asLongStream().toArray(),
                    at + ": attention mask");
        }
    }

    /** One token of HF's word-by-word encoding: its id, string and word. */
    private record Piece(int id, String token, int word) {}

    /** HF's word-by-word tokens: each word encoded alone, its special tokens left out. */
    private static List<Piece> hfTokens(SubwordTokenizer whole, List<String> words) {
        List<Piece> out = new ArrayList<>();
        for (int w = 0; w < words.size(); w++) {
            TokenEncoding alone = whole.encode(words.get(w));
            for (int p = 1; p < alone.length() - 1; p++) {
                out.add(new Piece(alone.ids()[p], alone.tokens()[p], w));
            }
        }
        return out;
    }

    /**
     * Checks an encoding and its windows against HF's cut of {@code truth} to {@code room} tokens
     * ({@link Integer#MAX_VALUE} without truncation), padded to {@code padTo}; the offsets of its
     * tokens are those of the same tokens in the untruncated encoding {@code offsets}.
     */
    private static void expect(List<Piece> truth, TokenEncoding offsets, int room, int stride, int padTo,
            TokenEncoding got, String what) {
        int n = truth.size();
        assertEquals(n + 2, offsets.length(), what + ": untruncated length");
        List<int[]> ranges = new ArrayList<>();
        for (int start = 0; ; start += room - stride) {
            int stop = (int) Math.min((long) start + room, n);
            ranges.add(new int[] {start, stop});
            if (stop == n) {
                break;
            }
        }
        List<TokenEncoding> windows = new ArrayList<>();
        windows.add(got);
        windows.addAll(got.overflowing());
        assertEquals(ranges.size(), windows.size(), what + ": windows");
        for (int k = 0; k < ranges.size(); k++) {
            int from = ranges.get(k)[0];
            int kept = ranges.get(k)[1] - from;
            int len = Math.max(kept + 2, padTo);
            TokenEncoding e = windows.get(k);
            String at = what + " window " + k;
            int[] ids = new int[len];
            String[] tokens = new String[len];
            int[] wordIds = new int[len];
            int[] mask = new int[len];
            int[] seq = new int[len];
            int[] starts = new int[len];
            int[] ends = new int[len];
            for (int p = 0; p < len; p++) {
                int c = p - 1;
                boolean content = c >= 0 && c < kept;
                Piece piece = content ? truth.get(from + c) : null;
                ids[p] = content ? piece.id() : p == 0 ? 0 : p == kept + 1 ? 2 : 1;
                tokens[p] = content ? piece.token() : p == 0 ? "<s>" : p == kept + 1 ? "</s>" : "<pad>";
                wordIds[p] = content ? piece.word() : -1;
                mask[p] = p <= kept + 1 ? 1 : 0;
                seq[p] = content ? 0 : -1;
                starts[p] = content ? offsets.starts()[from + c + 1] : 0;
                ends[p] = content ? offsets.ends()[from + c + 1] : 0;
            }
            assertArrayEquals(tokens, e.tokens(), at + ": tokens");
            assertArrayEquals(ids, e.ids(), at + ": ids");
            assertArrayEquals(wordIds, e.wordIds(), at + ": word ids");
            assertArrayEquals(mask, e.attentionMask(), at + ": attention mask");
            assertArrayEquals(new int[len], e.typeIds(), at + ": type ids");
            assertArrayEquals(seq, e.sequenceIds(), at + ": sequence ids");
            assertArrayEquals(starts, e.starts(), at + ": starts");
            assertArrayEquals(ends, e.ends(), at + ": ends");
            if (k > 0) {
                assertEquals(List.of(), e.overflowing(), at + ": a window has no windows");
            }
        }
    }

    /** The fixture with U+0001 removed before NFKC, as a real XLM-R charsmap removes control characters. */
    private Path emptyingControlCharacters(Path fixture) throws IOException {
        JsonObject root = JsonParser.parseString(Files.readString(fixture)).getAsJsonObject();
        JsonObject pattern = new JsonObject();
        pattern.addProperty("String", "\u0001");
        JsonObject remove = new JsonObject();
        remove.addProperty("type", "Replace");
        remove.add("pattern", pattern);
        remove.addProperty("content", "");
        JsonArray steps = new JsonArray();
        steps.add(remove);
        steps.add(root.get("normalizer"));
        JsonObject sequence = new JsonObject();
        sequence.addProperty("type", "Sequence");
        sequence.add("normalizers", steps);
        root.add("normalizer", sequence);
        Path file = dir.resolve("emptying.json");
        Files.writeString(file, root.toString());
        return file;
    }
}
