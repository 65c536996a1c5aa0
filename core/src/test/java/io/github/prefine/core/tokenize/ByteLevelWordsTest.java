package io.github.prefine.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pre-split words under a byte-level BPE tokenizer saved as RoBERTa's are, {@code add_prefix_space}
 * false. HF's byte-level classes take pre-split words only with {@code add_prefix_space} true
 * ({@code run_ner.py} sets it for RoBERTa), which encodes every word after a space: the first word
 * too gets its "Ġ". A tokenizer written here by hand: the byte-level characters of "abcd" and "Ġ",
 * the one merge "Ġ a", RoBERTa's template, so that HF's tokens are counted by hand from BPE's rule.
 */
class ByteLevelWordsTest {
    private static final String TOKENIZER = """
            {"version":"1.0","truncation":null,"padding":null,
             "added_tokens":[
              {"id":0,"content":"<s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},
              {"id":1,"content":"<pad>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},
              {"id":2,"content":"</s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},
              {"id":3,"content":"<unk>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],
             "normalizer":null,
             "pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true},
             "post_processor":{"type":"RobertaProcessing","sep":["</s>",2],"cls":["<s>",0],"trim_offsets":true,
              "add_prefix_space":false},
             "decoder":{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true},
             "model":{"type":"BPE","dropout":null,"unk_token":"<unk>","continuing_subword_prefix":"","end_of_word_suffix":"",
              "fuse_unk":false,"byte_fallback":false,
              "vocab":{"<s>":0,"<pad>":1,"</s>":2,"<unk>":3,"a":4,"b":5,"c":6,"d":7,"\u0120":8,"\u0120a":9},
              "merges":["\u0120 a"]}}
            """;

    /**
     * "ab" and "cd": HF encodes " ab" and " cd", so "Ġa" (the merge) and "b", then "Ġ", "c" and "d";
     * joined as "ab cd", the first word got "a" and "b". Its offsets index into "ab cd".
     */
    @Test
    void theFirstWordGetsTheSpaceEveryWordGetsAsInHuggingFace(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("tokenizer.json"), TOKENIZER);
        try (SubwordTokenizer t = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            TokenEncoding e = t.encodeWords(List.of("ab", "cd"));
            assertArrayEquals(new String[] {"<s>", "\u0120a", "b", "\u0120", "c", "d", "</s>"}, e.tokens());
            assertArrayEquals(new int[] {0, 9, 5, 8, 6, 7, 2}, e.ids());
            assertArrayEquals(new int[] {-1, 0, 0, 1, 1, 1, -1}, e.wordIds());
            // "Ġa" is the "a" of "ab cd", "b" its "b", "c" and "d" those of "cd"
            assertArrayEquals(new int[] {0, 1, 3, 4}, new int[] {e.starts()[1], e.starts()[2], e.starts()[4], e.starts()[5]});
            assertArrayEquals(new int[] {1, 2, 4, 5}, new int[] {e.ends()[1], e.ends()[2], e.ends()[4], e.ends()[5]});
            // truncated: the same tokens, cut after the first word's
            try (SubwordTokenizer cut = t.toBuilder().optMaxLength(4).build()) {
                assertArrayEquals(new int[] {0, 9, 5, 2}, cut.encodeWords(List.of("ab", "cd")).ids());
            }
        }
    }
    /**
     * A first word that is an added token ("</s>"): HF matches it before pre-tokenizing, so the
     * word has no space before it and no "Ġ" token; "ab" after it gets "Ġa" and "b". Encoded after a
     * space, the space before "</s>" stood alone as a "Ġ" of its own, given to the first word; the
     * same after another word, where RoBERTa's {@code trim_offsets} hid that token from the check.
     */
    @Test
    void aFirstWordThatIsAnAddedTokenGetsNoSpaceTokenAsInHuggingFace(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("tokenizer.json"), TOKENIZER);
        try (SubwordTokenizer t = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            TokenEncoding e = t.encodeWords(List.of("</s>", "ab"));
            assertArrayEquals(new int[] {0, 2, 9, 5, 2}, e.ids());
            assertArrayEquals(new int[] {-1, 0, 1, 1, -1}, e.wordIds());
            // "</s>" is "</s>" of "</s> ab", "Ġa" the "a" of "ab"
            assertArrayEquals(new int[] {0, 5}, new int[] {e.starts()[1], e.starts()[2]});
            assertArrayEquals(new int[] {4, 6}, new int[] {e.ends()[1], e.ends()[2]});
            // after a word, the same: "Ġa", "b", "</s>" (its space's token, trimmed by trim_offsets to
            // an empty span at "</s>", was kept there too)
            assertArrayEquals(new int[] {0, 9, 5, 2, 2}, t.encodeWords(List.of("ab", "</s>")).ids());
            // truncated and padded (the library's tokens re-cut and re-padded): the same tokens, then <pad>
            try (SubwordTokenizer cut = t.toBuilder().optMaxLength(4).build()) {
                assertArrayEquals(new int[] {0, 2, 9, 2}, cut.encodeWords(List.of("</s>", "ab")).ids());
            }
            try (SubwordTokenizer padded = t.toBuilder().optPadding(Padding.MAX_LENGTH).optMaxLength(7).build()) {
                assertArrayEquals(new int[] {0, 2, 9, 5, 2, 1, 1}, padded.encodeWords(List.of("</s>", "ab")).ids());
            }
        }
    }
    /**
     * A word that goes on after an added token ("</s>a", "a</s>a"): HF's byte-level class, given
     * pre-split words with {@code add_prefix_space} true, puts a space before every piece of a word
     * that the added token leaves, so "a" after "</s>" is "Ġa" as every word's first "a" is. Joined
     * and encoded without {@code add_prefix_space}, only the space between words made a "Ġ": the
     * piece after "</s>" got a bare "a". Counted by hand from the one merge "Ġ a", and checked
     * against the library's own pre-split encoding of the file with {@code add_prefix_space} true.
     */
    @Test
    void aPieceAfterAnAddedTokenInsideAWordGetsTheSpaceAsInHuggingFace(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("tokenizer.json"), TOKENIZER);
        Path prefixed = Files.writeString(tmp.resolve("prefixed.json"),
                TOKENIZER.replace("\"add_prefix_space\":false", "\"add_prefix_space\":true"));
        List<List<String>> sentences = List.of(List.of("ab", "</s>a"), List.of("</s>a", "b"), List.of("a</s>a"),
                List.of("ab", "</s>"));
        int[][] ids = {{0, 9, 5, 2, 9, 2}, {0, 2, 9, 8, 5, 2}, {0, 9, 2, 9, 2}, {0, 9, 5, 2, 2}};
        int[][] words = {{-1, 0, 0, 1, 1, -1}, {-1, 0, 0, 1, 1, -1}, {-1, 0, 0, 0, -1}, {-1, 0, 0, 1, -1}};
        try (SubwordTokenizer t = SubwordTokenizer.builder().setTokenizerPath(file).build();
                HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(prefixed,
                        Map.of("padding", "false", "truncation", "false"))) {
            List<TokenEncoding> got = t.encodeWordsBatch(sentences);
            for (int s = 0; s < sentences.size(); s++) {
                Encoding want = hf.encode(sentences.get(s).toArray(new String[0]));
                assertArrayEquals(Arrays.stream(want.getIds()).mapToInt(x -> (int) x).toArray(), ids[s], "hand count " + s);
                assertArrayEquals(ids[s], got.get(s).ids(), "sentence " + s);
                assertArrayEquals(words[s], got.get(s).wordIds(), "sentence " + s);
            }
            // "Ġa" after "</s>": trim_offsets moves its start past the space add_prefix_space put there,
            // leaving it empty at its word's end, 5 in "</s>a" as the library gives it, 8 in "ab </s>a"
            CharSpan alone = hf.encode(new String[] {"ab", "</s>a"}).getCharTokenSpans()[4];
            assertArrayEquals(new int[] {5, 5}, new int[] {alone.getStart(), alone.getEnd()});
            assertArrayEquals(new int[] {8, 8}, new int[] {got.get(0).starts()[4], got.get(0).ends()[4]});
            // cut and padded the same way: the tokens above, then <pad>
            try (SubwordTokenizer cut = t.toBuilder().optMaxLength(5).optPadding(Padding.MAX_LENGTH).build()) {
                assertArrayEquals(new int[] {0, 9, 5, 2, 2}, cut.encodeWords(List.of("ab", "</s>a")).ids());
                assertArrayEquals(new int[] {0, 9, 2, 9, 2}, cut.encodeWords(List.of("a</s>a")).ids());
                assertArrayEquals(new int[] {0, 2, 9, 2, 1}, cut.encodeWords(List.of("</s>a")).ids());
            }
        }
    }

    /**
     * A window that starts on a word's lone space token ("ab", "cd" cut two tokens a window: "Ġa b",
     * "Ġ c", "d"): RoBERTa's {@code trim_offsets} does not move the start of a window's first token
     * past its space, only its end back, leaving it empty at the end of the word before. Given to
     * that word, "Ġ" of "cd" got word 0 where HF's pre-split words give 1. Counted by hand, and
     * checked against the library's own truncated pre-split encoding, under the file as saved
     * ({@code add_prefix_space} false) and under the file with {@code add_prefix_space} true.
     */
    @Test
    void aWindowThatStartsOnAWordsSpaceGivesItToThatWord(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("tokenizer.json"), TOKENIZER);
        Path prefixed = Files.writeString(tmp.resolve("prefixed.json"),
                TOKENIZER.replace("\"add_prefix_space\":false", "\"add_prefix_space\":true"));
        int[][] ids = {{0, 9, 5, 2}, {0, 8, 6, 2}, {0, 7, 2}};
        int[][] words = {{-1, 0, 0, -1}, {-1, 1, 1, -1}, {-1, 1, -1}};
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(prefixed, Map.of("padding", "false",
                "truncation", "true", "maxLength", "4", "modelMaxLength", "4", "withOverflowingTokens", "true"))) {
            Encoding want = hf.encode(new String[] {"ab", "cd"});
            Encoding[] windows = {want, want.getOverflowing()[0], want.getOverflowing()[1]};
            for (int k = 0; k < 3; k++) {
                assertArrayEquals(ids[k], Arrays.stream(windows[k].getIds()).mapToInt(x -> (int) x).toArray(), "hand count " + k);
                assertArrayEquals(words[k], Arrays.stream(windows[k].getWordIds()).mapToInt(x -> (int) x).toArray(),
                        "hand count " + k);
            }
        }
        for (Path f : List.of(file, prefixed)) {
            try (SubwordTokenizer t = SubwordTokenizer.builder().setTokenizerPath(f).optMaxLength(4).build()) {
                TokenEncoding e = t.encodeWords(List.of("ab", "cd"));
                List<TokenEncoding> got = List.of(e, e.overflowing().get(0), e.overflowing().get(1));
                for (int k = 0; k < 3; k++) {
                    assertArrayEquals(ids[k], got.get(k).ids(), f + " window " + k);
                    assertArrayEquals(words[k], got.get(k).wordIds(), f + " window " + k);
                }
            }
        }
    }

    /**
     * The same words under the file with {@code add_prefix_space} true, whose words are encoded
     * once each ({@link SubwordTokenizer#encodeWordPieces}): the piece after "</s>" is "Ġa" of its
     * word, as in the library's encoding of the word alone. RoBERTa's {@code trim_offsets} moved that
     * token's start past its space to the end of "</s>a", where the word after it was taken to begin.
     */
    @Test
    void aWordsPieceAfterAnAddedTokenStaysInItsWord(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("tokenizer.json"),
                TOKENIZER.replace("\"add_prefix_space\":false", "\"add_prefix_space\":true"));
        try (SubwordTokenizer t = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            Pieces p = t.encodeWordPieces(List.of("</s>a", "b", "ab"));
            assertArrayEquals(new int[] {0, 2, 4, 6}, p.rowStart());
            assertArrayEquals(new int[] {2, 9, 8, 5, 9, 5}, p.ids());
            TokenEncoding e = t.encodeWords(List.of("</s>a", "b"));
            assertArrayEquals(new int[] {0, 2, 9, 8, 5, 2}, e.ids());
            assertArrayEquals(new int[] {-1, 0, 0, 1, 1, -1}, e.wordIds());
        }
    }

    /**
     * A file whose {@code padding} section gives {@code pad_type_id} 3: HF pads type ids with it
     * ({@code pad_token_type_id} defaults to the file's), and so does the native tokenizer. The
     * first sentence, whose added first word's space token is dropped, is cut and padded by prefine
     * itself; its padding held type 0 where the second's, padded natively, held 3.
     */
    @Test
    void positionsPaddedByPrefineHoldTheFilesPadTypeId(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("tokenizer.json"), TOKENIZER.replace("\"padding\":null",
                "\"padding\":{\"strategy\":\"BatchLongest\",\"direction\":\"Right\",\"pad_to_multiple_of\":null,"
                        + "\"pad_id\":1,\"pad_type_id\":3,\"pad_token\":\"<pad>\"}"));
        try (SubwordTokenizer t = SubwordTokenizer.builder().setTokenizerPath(file).optPadding(Padding.MAX_LENGTH)
                .optMaxLength(7).build()) {
            List<TokenEncoding> rows = t.encodeWordsBatch(List.of(List.of("</s>", "ab"), List.of("ab")));
            assertArrayEquals(new int[] {0, 2, 9, 5, 2, 1, 1}, rows.get(0).ids());
            assertArrayEquals(new int[] {0, 0, 0, 0, 0, 3, 3}, rows.get(0).typeIds());
            assertArrayEquals(new int[] {0, 9, 5, 2, 1, 1, 1}, rows.get(1).ids());
            assertArrayEquals(new int[] {0, 0, 0, 0, 3, 3, 3}, rows.get(1).typeIds());
        }
    }

    /**
     * A first word whose first byte BPE does not merge with the space ("cd": no merge "Ġ c"): HF
     * encodes " cd" as "Ġ", "c" and "d", so the lone "Ġ" is the word's own token, kept with its word
     * id, unlike the lone "Ġ" before an added token. Counted by hand from the one merge "Ġ a".
     */
    @Test
    void aLoneSpaceTokenOfAFirstWordThatDoesNotMergeIsKeptAsInHuggingFace(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("tokenizer.json"), TOKENIZER);
        try (SubwordTokenizer t = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            TokenEncoding e = t.encodeWords(List.of("cd", "ab"));
            assertArrayEquals(new int[] {0, 8, 6, 7, 9, 5, 2}, e.ids());
            assertArrayEquals(new int[] {-1, 0, 0, 0, 1, 1, -1}, e.wordIds());
            // "c" and "d" are those of "cd ab", "Ġa" its "a"
            assertArrayEquals(new int[] {0, 1, 3}, new int[] {e.starts()[2], e.starts()[3], e.starts()[4]});
            assertArrayEquals(new int[] {1, 2, 4}, new int[] {e.ends()[2], e.ends()[3], e.ends()[4]});
            // cut after "d": the space's token took its room, as in HF
            try (SubwordTokenizer cut = t.toBuilder().optMaxLength(5).build()) {
                assertArrayEquals(new int[] {0, 8, 6, 7, 2}, cut.encodeWords(List.of("cd", "ab")).ids());
            }
        }
    }
}
