package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.features.QaFeaturizer;
import io.github.prefine.core.features.QaFeatures;
import io.github.prefine.core.features.TokenClassificationFeaturizer;
import io.github.prefine.core.features.TokenClassificationFeatures;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import io.github.prefine.core.tokenize.Truncation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Labels and predictions against HF's example scripts, followed literally on the fixture
 * tokenizers' own encodings: {@code run_ner.py}'s {@code tokenize_and_align_labels} and the
 * predictions its {@code compute_metrics} keeps, and {@code utils_qa.py}'s {@code
 * postprocess_qa_predictions} (SQuAD v1.1: n-best 20, at most 30 tokens) over every window.
 */
class HfExampleScriptScoringTest {
    private static final List<String> TAGS = List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC");

    private static SubwordTokenizer tokenizer(String family) throws IOException {
        return SubwordTokenizer.builder()
                .setTokenizerPath(SharedFixtures.require("fixtures/hf-reference/" + family + "/tokenizer.json")).build();
    }

    /**
     * Sentences with words of many pieces, words the BERT normalizer empties (U+200B, U+200E,
     * U+FFFD, a lone combining mark) and lengths that truncate: every position's label is the
     * script's (the first sub-token's tag, -100 on special tokens and later sub-tokens, with
     * {@code label_all_tokens} the word's tag, {@code I-} for {@code B-}), and every word the
     * script scores (a position labelled other than -100 that starts its word) gets the arg-max
     * tag of that position. The words it leaves out, cut or without sub-tokens, prefine scores too.
     */
    @Test
    void tagLabelsAndPredictionsAreRunNers() throws IOException {
        List<List<String>> sentences = List.of(
                List.of("John", "Smith", "visited", "Paris", "."),
                List.of("Prime", "Minister", "\u200e", "Haider", "spoke"),
                List.of("\u200b", "Eiffel-Tower", "stands", "in", "Paris", ",", "France", "\u0301"),
                List.of("unbelievably", "long", "words", "make", "many", "pieces", "here", "really", "truly"),
                List.of("x"), List.of("\ufffd", "a"));
        Random rnd = new Random(3);
        for (String family : List.of("bert", "xlm-roberta")) {
            try (SubwordTokenizer tok = tokenizer(family)) {
                for (int max : new int[] {6, 9, 12, 128}) {
                    for (boolean all : new boolean[] {false, true}) {
                        for (boolean fast : new boolean[] {true, false}) {
                            String what = family + ", max " + max + ", label all " + all + ", fast path " + fast;
                            List<Example> examples = new ArrayList<>();
                            List<TokenExample> sl = new ArrayList<>();
                            for (int i = 0; i < sentences.size(); i++) {
                                List<String> tags = new ArrayList<>();
                                for (int w = 0; w < sentences.get(i).size(); w++) {
                                    tags.add(TAGS.get(rnd.nextInt(TAGS.size())));
                                }
                                TokenExample te = new TokenExample("s" + i, sentences.get(i), tags);
                                examples.add(te);
                                sl.add(te);
                            }
                            TokenClassificationFeatures f = TokenClassificationFeaturizer.builder().setTokenizer(tok)
                                    .setLabels(TAGS).optMaxLength(max).optLabelAllSubTokens(all).optFastPath(fast).build()
                                    .featurize(sl);
                            assertEquals(sentences.size(), f.size(), what);
                            List<float[]> logits = new ArrayList<>();
                            List<int[]> scored = new ArrayList<>();
                            try (SubwordTokenizer hf = tok.toBuilder().optMaxLength(max)
                                    .optTruncation(Truncation.LONGEST_FIRST).build()) {
                                for (int r = 0; r < f.size(); r++) {
                                    TokenExample te = sl.get(f.exampleIndex(r));
                                    TokenEncoding e = hf.encodeWords(te.tokens());
                                    assertEquals(e.length(), f.tokens().length(r), what + ", row " + r);
                                    float[] lg = new float[e.length() * TAGS.size()];
                                    for (int k = 0; k < lg.length; k++) {
                                        lg[k] = rnd.nextFloat();
                                    }
                                    logits.add(lg);
                                    scored.add(alignLabels(e.wordIds(), te.tags(), all, f, r, e, what + ", row " + r));
                                }
                            }
                            List<List<String>> pred = ((TokenClassification) TaskFormat.TOKEN)
                                    .predictedTags(f, examples, TAGS, logits, TAGS.size());
                            for (int r = 0; r < f.size(); r++) {
                                int[] wordAt = scored.get(r);
                                for (int p = 0; p < wordAt.length; p++) {
                                    if (wordAt[p] >= 0) {
                                        assertEquals(TAGS.get(argmax(logits.get(r), p)), pred.get(f.exampleIndex(r)).get(wordAt[p]),
                                                what + ", row " + r + ", word " + wordAt[p]);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code tokenize_and_align_labels} for one row, checked against the featurizer's labels and
     * ids; returns, per position, the word {@code compute_metrics} scores there, else -1.
     */
    private static int[] alignLabels(int[] wordIds, List<String> tags, boolean all, TokenClassificationFeatures f,
            int r, TokenEncoding e, String what) {
        int[] scoredWord = new int[wordIds.length];
        Integer previous = null;
        for (int p = 0; p < wordIds.length; p++) {
            Integer word = wordIds[p] < 0 ? null : wordIds[p];
            int label;
            if (word == null) {
                label = -100;
            } else if (!word.equals(previous)) {
                label = TAGS.indexOf(tags.get(word));
            } else {
                label = all ? bToI(TAGS.indexOf(tags.get(word))) : -100;
            }
            boolean starts = word != null && !word.equals(previous);
            previous = word;
            assertEquals(e.ids()[p], f.tokens().id(r, p), what + ": id at " + p);
            assertEquals(label, f.label(r, p), what + ": label at " + p);
            scoredWord[p] = label != -100 && starts ? word : -1;
        }
        return scoredWord;
    }

    private static int bToI(int id) {
        String tag = TAGS.get(id);
        return tag.startsWith("B-") && TAGS.contains("I-" + tag.substring(2)) ? TAGS.indexOf("I-" + tag.substring(2)) : id;
    }

    private static int argmax(float[] lg, int p) {
        int best = 0;
        for (int c = 1; c < TAGS.size(); c++) {
            if (lg[p * TAGS.size() + c] > lg[p * TAGS.size() + best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * Random logits over every window of a context that three window settings cut into 1 to 48
     * windows: the answer is the text of {@code postprocess_qa_predictions}' best span, its top 20
     * starts and ends per window (over the unpadded row), context tokens only, end not before start,
     * at most 30 tokens, scored by start + end logit across windows, sliced from the context by the
     * tokenizer's offsets.
     */
    @Test
    void qaAnswersAreUtilsQas() throws IOException {
        String context = "The Eiffel-Tower (built 1889) stands in Paris, France; it's 330m tall. "
                + "John Smith visited Paris in May and then went to Berlin.";
        Random rnd = new Random(11);
        for (String family : List.of("bert", "xlm-roberta")) {
            try (SubwordTokenizer tok = tokenizer(family)) {
                for (int[] ws : new int[][] {{20, 4}, {32, 8}, {384, 128}}) {
                    String what = family + " " + ws[0] + "/" + ws[1];
                    List<Example> examples = List.of(new QaExample("q", "who went?", context,
                            List.of(new GoldAnswer("Paris", context.indexOf("Paris")))));
                    QaFeatures f = QaFeaturizer.builder().setTokenizer(tok).optMaxLength(ws[0]).optStride(ws[1]).build()
                            .featurize(List.of((QaExample) examples.get(0)));
                    List<TokenEncoding> windows = new ArrayList<>();
                    try (SubwordTokenizer hf = tok.toBuilder().optMaxLength(ws[0]).optTruncation(Truncation.ONLY_SECOND)
                            .optStride(ws[1]).build()) {
                        TokenEncoding first = hf.encodePair("who went?", context);
                        windows.add(first);
                        windows.addAll(first.overflowing());
                    }
                    assertEquals(windows.size(), f.size(), what + ": windows");
                    for (int trial = 0; trial < 300; trial++) {
                        List<float[]> logits = new ArrayList<>();
                        double best = Double.NEGATIVE_INFINITY;
                        String expected = null;
                        for (TokenEncoding e : windows) {
                            int n = e.length();
                            float[] lg = new float[2 * n];
                            for (int k = 0; k < lg.length; k++) {
                                lg[k] = (float) rnd.nextGaussian() * 3;
                            }
                            logits.add(lg);
                            for (int s : top20(lg, 0, n)) {
                                for (int t : top20(lg, 1, n)) {
                                    boolean valid = e.sequenceIds()[s] == 1 && e.sequenceIds()[t] == 1 && t >= s && t - s + 1 <= 30;
                                    if (valid && lg[2 * s] + lg[2 * t + 1] > best) {
                                        best = lg[2 * s] + lg[2 * t + 1];
                                        expected = context.substring(e.starts()[s], e.ends()[t]);
                                    }
                                }
                            }
                        }
                        String got = ((ExtractiveQa) TaskFormat.QA).answers(f, examples, logits).get(0).text();
                        assertEquals(expected, got, what + ", trial " + trial);
                    }
                }
            }
        }
    }

    /** Positions of the 20 largest of the interleaved logits {@code lg[2 * p + side]}, largest first. */
    private static int[] top20(float[] lg, int side, int n) {
        return java.util.stream.IntStream.range(0, n).boxed()
                .sorted((a, b) -> Float.compare(lg[2 * b + side], lg[2 * a + side]))
                .limit(20).mapToInt(Integer::intValue).toArray();
    }
}
