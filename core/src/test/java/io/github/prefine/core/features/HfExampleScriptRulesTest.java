package io.github.prefine.core.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import io.github.prefine.core.tokenize.Truncation;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The featurizers against the rules of HF's example scripts, followed literally on the fixture
 * tokenizers' own encodings: {@code run_qa.py}'s {@code prepare_train_features} for QA targets,
 * and the fast tokenizer's {@code longest_first} pair truncation that {@code run_glue.py} uses,
 * worked out by hand.
 */
class HfExampleScriptRulesTest {
    private static final String[] CONTEXTS = {"John Smith visited Paris in May and then went to Berlin.",
        "The Eiffel-Tower (built 1889) stands in Paris, France; it's 330m tall."};

    /**
     * Every answer of up to 25 characters that neither starts nor ends on a space, mid-token ones
     * included, in every window of four window/stride settings: the target is the one {@code
     * run_qa.py} computes from the offsets of the tokenizer's own overflowing windows, except where
     * the answer starts in the window's last context token. There the script's start loop, which
     * stops only at the end of the row, walks on over the closing {@code [SEP]}'s (0, 0) offset
     * (and padding's) and puts the start past the end; prefine's search stays in the context and
     * targets that token.
     */
    @Test
    void qaTargetsAreRunQasExceptWhereItsStartSearchLeavesTheContext() throws IOException {
        for (String family : List.of("bert", "xlm-roberta")) {
            try (SubwordTokenizer tok = Fixtures.tokenizer(family)) {
                int endBefore = 0;
                for (int[] ws : new int[][] {{20, 4}, {24, 6}, {30, 10}, {384, 128}}) {
                    for (String context : CONTEXTS) {
                        endBefore += check(tok, family + " " + ws[0] + "/" + ws[1], context, ws[0], ws[1]);
                    }
                }
                // only XLM-R's Metaspace gives the context's first character to two tokens
                assertEquals(family.equals("bert"), endBefore == 0, family + ": answers whose script end precedes the start");
            }
        }
    }

    private static int check(SubwordTokenizer tok, String what, String context, int max, int stride) throws IOException {
        List<QaExample> examples = new ArrayList<>();
        for (int a = 0; a < context.length(); a++) {
            for (int b = a + 1; b <= Math.min(context.length(), a + 25); b++) {
                if (context.charAt(a) != ' ' && context.charAt(b - 1) != ' ') {
                    examples.add(new QaExample(a + "-" + b, "who went?", context,
                            List.of(new GoldAnswer(context.substring(a, b), a))));
                }
            }
        }
        QaFeatures f = QaFeaturizer.builder().setTokenizer(tok).optMaxLength(max).optStride(stride).build()
                .featurize(examples);
        List<TokenEncoding> windows = new ArrayList<>();
        try (SubwordTokenizer v = ChunkEncoder.variant(tok, max, Truncation.ONLY_SECOND, stride)) {
            TokenEncoding first = v.encodePair("who went?", context);
            windows.add(first);
            windows.addAll(first.overflowing());
        }
        assertEquals(examples.size() * windows.size(), f.size(), what + ": windows");
        int walkedOff = 0;
        int endBefore = 0;
        for (int r = 0; r < f.size(); r++) {
            TokenEncoding w = windows.get(r % windows.size());
            GoldAnswer g = examples.get(f.exampleIndex(r)).answers().get(0);
            int[] hf = runQaTarget(w, g.start(), g.end());
            String at = what + ", answer '" + g.text() + "' at " + g.start() + ", window " + r % windows.size();
            int lastContext = w.unpaddedLength() - 2;
            if (hf[0] == lastContext + 1 && hf[1] == lastContext) {
                // the script's start walked past the context: from its last token on to [SEP]
                assertEquals(lastContext, f.startPosition(r), at + ": start");
                assertEquals(lastContext, f.endPosition(r), at + ": end");
                walkedOff++;
            } else if (hf[1] < hf[0]) {
                // the script's end stopped on a token before the start sharing its offsets (XLM-R's
                // lone "▁" at the context's start): the start token alone is the answer's end
                assertEquals(w.starts()[hf[0]], w.starts()[hf[1]], at + ": offsets shared");
                assertEquals(hf[0], f.startPosition(r), at + ": start");
                assertEquals(hf[0], f.endPosition(r), at + ": end not before the start");
                endBefore++;
            } else {
                assertEquals(hf[0], f.startPosition(r), at + ": start");
                assertEquals(hf[1], f.endPosition(r), at + ": end");
            }
            for (int p = 0; p < w.length(); p++) {
                assertEquals(w.ids()[p], f.tokens().id(r, p), at + ": id at " + p);
            }
        }
        assertTrue(walkedOff > 0, what + ": some answer starts in a window's last context token");
        return endBefore;
    }

    /** {@code prepare_train_features}'s search, as written: (0, 0) offsets on special tokens. */
    private static int[] runQaTarget(TokenEncoding e, int startChar, int endChar) {
        int n = e.length();
        int[] seq = e.sequenceIds();
        int[] s = new int[n];
        int[] t = new int[n];
        for (int p = 0; p < n; p++) {
            s[p] = seq[p] < 0 ? 0 : e.starts()[p];
            t[p] = seq[p] < 0 ? 0 : e.ends()[p];
        }
        int start = 0;
        while (seq[start] != 1) {
            start++;
        }
        int end = n - 1;
        while (seq[end] != 1) {
            end--;
        }
        if (!(s[start] <= startChar && t[end] >= endChar)) {
            return new int[] {0, 0};
        }
        while (start < n && s[start] <= startChar) {
            start++;
        }
        while (t[end] >= endChar) {
            end--;
        }
        return new int[] {start - 1, end + 1};
    }

    /**
     * A sentence pair as {@code run_glue.py} encodes it: the fixtures' reference encoding
     * ({@code [CLS] A [SEP] B [SEP]} with type ids 1 on B for BERT, {@code <s> A </s></s> B </s>}
     * with type ids 0 for XLM-R), and, truncated, the fast tokenizer's {@code longest_first} split,
     * by hand: with room r for both texts, the shorter keeps min(its length, r / 2) tokens and the
     * longer the rest. Question "Who visited Paris?" has 5 BERT and 12 XLM-R tokens, the context
     * 17 and 40.
     */
    @Test
    void pairsAreLaidOutAndTruncatedAsTheFastTokenizerDoes() throws IOException {
        // family, max length, tokens kept of A, of B
        Object[][] cases = {{"bert", 10, 3, 4}, {"bert", 16, 5, 8}, {"bert", 20, 5, 12}, {"bert", 128, 5, 17},
            {"xlm-roberta", 10, 3, 3}, {"xlm-roberta", 16, 6, 6}, {"xlm-roberta", 20, 8, 8}, {"xlm-roberta", 128, 12, 40}};
        for (Object[] c : cases) {
            String family = (String) c[0];
            int max = (Integer) c[1];
            int keepA = (Integer) c[2];
            int keepB = (Integer) c[3];
            JsonObject ref = JsonParser.parseString(Files.readString(
                    SharedFixtures.require("fixtures/hf-reference/" + family + "/reference.json"))).getAsJsonObject()
                    .getAsJsonArray("cases").get(4).getAsJsonObject();
            int[] refIds = ints(ref.getAsJsonArray("ids"));
            int[] refTypes = ints(ref.getAsJsonArray("type_ids"));
            boolean bert = family.equals("bert");
            // reference layout: A spans [1, 1 + 5) (BERT) or [1, 1 + 12) (XLM-R), then 1 or 2 separators
            int lenA = bert ? 5 : 12;
            int middle = bert ? 1 : 2;
            int[] expected = concat(Arrays.copyOfRange(refIds, 0, 1 + keepA),
                    Arrays.copyOfRange(refIds, 1 + lenA, 1 + lenA + middle),
                    Arrays.copyOfRange(refIds, 1 + lenA + middle, 1 + lenA + middle + keepB),
                    new int[] {refIds[refIds.length - 1]});
            try (SubwordTokenizer tok = Fixtures.tokenizer(family)) {
                ClassificationFeatures f = ClassificationFeaturizer.builder().setTokenizer(tok).setLabels(List.of("a"))
                        .optMaxLength(max).build().featurize(List.of(new TextExample("p", "Who visited Paris?",
                                "John Smith visited Paris in May and then went to Berlin.", "a")));
                String what = family + " at " + max;
                assertEquals(expected.length, f.tokens().length(0), what + ": length");
                for (int p = 0; p < expected.length; p++) {
                    assertEquals(expected[p], f.tokens().id(0, p), what + ": id at " + p);
                }
                int secondStart = 1 + keepA + middle;
                assertEquals(bert ? secondStart : expected.length, f.tokens().secondStart(0), what + ": type 1 from");
                assertEquals(bert ? 1 : 0, refTypes[1 + lenA + middle], family + ": reference type of B");
                assertEquals(max < 128 ? 1 : 0, f.report().truncated(), what + ": truncated");
            }
        }
    }

    private static int[] ints(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    private static int[] concat(int[]... parts) {
        int[] out = new int[0];
        for (int[] p : parts) {
            int at = out.length;
            out = Arrays.copyOf(out, at + p.length);
            System.arraycopy(p, 0, out, at, p.length);
        }
        return out;
    }
}
