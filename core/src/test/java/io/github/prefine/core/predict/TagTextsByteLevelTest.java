package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.model.TaskSlice;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TaskPredictor#tagTexts} under a byte-level BPE tokenizer saved as RoBERTa's are ({@code
 * add_prefix_space} false): HF's token-classification pipeline encodes the raw text it is given
 * as written, so the first word has no "Ġ" and a full stop glued to the word before has none
 * either, where pre-split words are each encoded after a space. The truth is the Rust tokenizer
 * called on the raw string (its ids and its own word ids), and the model's logits on those ids;
 * a token-classification checkpoint of HF relabelled {@code roberta}, with a byte-level {@code
 * tokenizer.json} written here (one piece per byte character, and "'t").
 */
class TagTextsByteLevelTest {
    /** Texts whose byte-level pre-tokens are the words tagTexts splits, so HF's word ids name them. */
    private static final List<String> TEXTS = List.of("John lives in Paris.", "Mary wrote it.", "Ok.",
            "Alice met Bob in Rome, then left.");

    @TempDir
    Path tmp;

    @Test
    void rawTextIsEncodedAsWrittenAndEachWordTaggedFromItsFirstToken() throws Exception {
        Path dir = robertaTokenFolder();
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.loadHuggingFace(dir, m);
                HuggingFaceTokenizer rust = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"),
                        Map.of("padding", "false", "truncation", "false"))) {
            TaskPredictor ner = model.predictor("token-classification");
            List<String> labels = ner.task().labels();
            List<TextTagPrediction> got = ner.tagTexts(TEXTS);
            for (int x = 0; x < TEXTS.size(); x++) {
                Encoding want = rust.encode(TEXTS.get(x));
                long[] ids = want.getIds();
                long[] hfWords = want.getWordIds();
                assertNotEquals("\u0120", want.getTokens()[1], "the first word's first token is not a space");
                float[] logits = logits(model.model(), ids);
                int width = logits.length / ids.length;
                List<String> tags = new ArrayList<>();
                for (int t = 0; t < ids.length; t++) {
                    if (hfWords[t] >= 0 && (t == 0 || hfWords[t - 1] != hfWords[t])) {
                        tags.add(labels.get(argmax(logits, t * width, width)));
                    }
                }
                List<String> words = got.get(x).words().stream().map(TextTagPrediction.Word::text).toList();
                assertEquals(tags.size(), words.size(), "words of " + TEXTS.get(x) + ": " + words);
                assertEquals(tags, got.get(x).prediction().tags(), TEXTS.get(x));
            }
        }
    }

    /**
     * Words the byte-level split does not see (the "'" and "t" of "don't", which it reads as
     * "don" and "'t") keep their offsets into the text: a token goes to the first word it
     * overlaps, a space or line break of its own ("Ġ", "Ċ") to none, and "t" gets no token.
     * Counted by hand; the ids are the Rust tokenizer's on the raw string.
     */
    @Test
    void tokensGoToTheWordsTheirOffsetsOverlap() throws Exception {
        Path file = Files.writeString(tmp.resolve("tokenizer.json"), byteLevel());
        // d0 o1 n2 '3 t4 _5 _6 g7 o8 \n9 n10 o11 w12 .13
        String text = "don't  go\nnow.";
        int[] bounds = {0, 3, 3, 4, 4, 5, 7, 9, 10, 13, 13, 14};
        try (SubwordTokenizer t = SubwordTokenizer.builder().setTokenizerPath(file).build();
                HuggingFaceTokenizer rust = HuggingFaceTokenizer.newInstance(file,
                        Map.of("padding", "false", "truncation", "false"))) {
            TokenEncoding e = t.encodeTextWordsBatch(List.of(text), List.<int[]>of(bounds)).get(0);
            assertArrayEquals(rust.encode(text).getIds(), Arrays.stream(e.ids()).asLongStream().toArray());
            // <s> d o n 't Ġ Ġ g o Ċ n o w . </s>: the lone "Ġ" trimmed to an empty span at 6, the "Ġ" of " go"
            // to one at 7, "go"'s start
            assertArrayEquals(new String[] {"<s>", "d", "o", "n", "'t", "\u0120", "\u0120", "g", "o", "\u010A", "n", "o",
                "w", ".", "</s>"}, e.tokens());
            assertArrayEquals(new int[] {-1, 0, 0, 0, 1, -1, 3, 3, 3, -1, 4, 4, 4, 5, -1}, e.wordIds());
        }
    }

    /** The model's logits for one row of ids, {@code [seqLen, labels]} row-major. */
    private static float[] logits(MultiHeadModel model, long[] ids) {
        int n = ids.length;
        long[] mask = new long[n];
        Arrays.fill(mask, 1);
        TaskSlice slice = new TaskSlice(0, new int[] {0}, new int[] {0}, new int[n], new long[] {1, n});
        try (NDManager bm = model.getManager().newSubManager()) {
            return model.forward(bm, new MultiTaskBatch(1, n, ids, mask, null, List.of(slice)), false)
                    .logits().get(0).toFloatArray();
        }
    }

    private static int argmax(float[] a, int from, int width) {
        int best = 0;
        for (int k = 1; k < width; k++) {
            if (a[from + k] > a[from + best]) {
                best = k;
            }
        }
        return best;
    }

    /** HF's XLM-R token classifier relabelled {@code roberta}, with {@link #byteLevel()} as its tokenizer. */
    private Path robertaTokenFolder() throws Exception {
        Path hf = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/token-classification");
        Path dir = Files.createDirectories(tmp.resolve("roberta-token"));
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(hf.resolve(f), dir.resolve(f));
        }
        Files.writeString(dir.resolve("tokenizer.json"), byteLevel());
        HfTokenizerAlignmentTest.relabelAsRoberta(dir, "RobertaForTokenClassification");
        return dir;
    }

    /**
     * A byte-level BPE {@code tokenizer.json} as RoBERTa's, {@code add_prefix_space} false, with
     * one merge, "' t": {@link HfTokenizerAlignmentTest#byteLevel(boolean, boolean, List, List)}'s
     * pieces, then "Ċ" (a line feed), ",", "'" and "'t".
     */
    private static String byteLevel() {
        return HfTokenizerAlignmentTest.byteLevel(false, true, List.of("\u010A", ",", "'", "'t"), List.of("' t"));
    }
}
