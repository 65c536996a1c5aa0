package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.QaFeatures;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import io.github.prefine.eval.metrics.SquadMetrics;
import io.github.prefine.eval.qa.QaAnswer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The text a predicted QA span decodes to, against Hugging Face's {@code run_qa.py}, which slices
 * the context from the start offset of the start token to the end offset of the end token. The
 * offsets are the Rust tokenizers library's own ({@link SubwordTokenizer#encode}), the same that
 * HF's {@code offset_mapping} holds. Logits are one-hot on the featurizer's training target, so
 * the span is the gold answer's tokens, read back through {@link ExtractiveQa#answers}.
 *
 * <p>Found by review: a control or format character right after the answer's last word (U+0001,
 * a soft hyphen, U+200B) was decoded into the answer, scoring exact match 0 where HF scores 1.
 * Combining marks the normalizer strips stay with their letter (a documented difference).
 */
class QaAnswerOffsetsTest {
    private static final List<String> TOKENIZERS = List.of(
            "models/all-MiniLM-L6-v2/tokenizer.json", "fixtures/hf-reference/bert/tokenizer.json");

    private static SubwordTokenizer tokenizer(String path) throws IOException {
        return SubwordTokenizer.builder().setTokenizerPath(SharedFixtures.require(path)).build();
    }

    /** Decodes each example's training target through the prediction path. */
    private static List<QaAnswer> decodeTargets(SubwordTokenizer tok, List<Example> examples) throws IOException {
        ExtractiveQa qa = new ExtractiveQa();
        QaFeatures f = (QaFeatures) qa.featurize(examples, List.of(), tok, FeatureSettings.paper(), "offsets");
        return qa.answers(f, examples, oneHotOnTargets(f));
    }

    /** Logits one-hot on each window's training target, start and end interleaved. */
    static List<float[]> oneHotOnTargets(QaFeatures f) {
        List<float[]> logits = new ArrayList<>();
        for (int r = 0; r < f.size(); r++) {
            float[] lg = new float[2 * f.tokens().length(r)];
            lg[2 * f.startPosition(r)] = 10f;
            lg[2 * f.endPosition(r) + 1] = 10f;
            logits.add(lg);
        }
        return logits;
    }

    /** HF's slice: start of the first token overlapping the word to end of the last one, raw offsets. */
    private static String hfSlice(SubwordTokenizer tok, String context, int from, int to) {
        TokenEncoding e = tok.encode(context);
        int s = -1;
        int t = -1;
        for (int p = 0; p < e.length(); p++) {
            if (e.wordIds()[p] >= 0 && e.starts()[p] < to && e.ends()[p] > from) {
                s = s < 0 ? e.starts()[p] : s;
                t = e.ends()[p];
            }
        }
        return context.substring(s, t);
    }

    /** What one case checks: HF's own slice of the gold span and prefine's decoded answer. */
    private interface CaseCheck {
        void check(String where, String gold, String hf, String decoded);
    }

    /** Asks each case's gold answer on every tokenizer and checks its two texts. */
    private static void eachCase(String[][] cases, CaseCheck check) throws IOException {
        for (String path : TOKENIZERS) {
            try (SubwordTokenizer tok = tokenizer(path)) {
                List<Example> examples = new ArrayList<>();
                for (String[] c : cases) {
                    examples.add(new QaExample("c" + examples.size(), "which?", c[0],
                            List.of(new GoldAnswer(c[1], c[0].indexOf(c[1])))));
                }
                List<QaAnswer> answers = decodeTargets(tok, examples);
                for (int i = 0; i < cases.length; i++) {
                    String context = cases[i][0];
                    String gold = cases[i][1];
                    int at = context.indexOf(gold);
                    check.check(path + ": " + escaped(context), gold, hfSlice(tok, context, at, at + gold.length()),
                            answers.get(i).text());
                }
            }
        }
    }

    @Test
    void aControlOrFormatCharacterAfterTheAnswerStaysOutOfItsText() throws IOException {
        // context, gold answer: the character right after the answer's last word, or inside it
        String[][] cases = {
            {"Paris\u0001 is big.", "Paris"},
            {"We met in Paris\u0001, then left.", "Paris"},
            {"Paris\u00AD is big.", "Paris"},
            {"the Pa\u00ADris hotel", "Pa\u00ADris"},
            {"the Pa\u00ADris\u00AD hotel", "Pa\u00ADris"},
            {"Paris\u200B is big.", "Paris"},
            {"Paris\u200E is big.", "Paris"},
            {"Paris\uFFFD is big.", "Paris"},
            {"John Smith\u0001 visited Paris.", "John Smith"},
        };
        eachCase(cases, (where, gold, hf, decoded) -> {
            assertEquals(escaped(gold), escaped(hf), where + " (HF's own slice)");
            assertEquals(escaped(gold), escaped(decoded), where);
            assertTrue(SquadMetrics.exactMatch(decoded, gold), where);
        });
    }

    /**
     * A combining mark that accent stripping removes belongs to no token, so HF's slice of a span
     * ending on its word loses it ("Москва" for "Москва́", "ह" for "है"); prefine keeps a letter's
     * marks with it. Ground truth: the gold words, and HF's slice one mark shorter.
     */
    @Test
    void aCombiningMarkTheNormalizerStripsStaysWithItsLetterUnlikeHf() throws IOException {
        String[][] cases = {
            {"Москва\u0301 — столица России.", "Москва\u0301"},
            {"राजधानी है और", "है"},
            {"a cafe\u0301 here", "cafe\u0301"},
            {"a cafe\u0301\u0001 here", "cafe\u0301"},
        };
        eachCase(cases, (where, gold, hf, decoded) -> {
            assertEquals(escaped(gold.substring(0, gold.length() - 1)), escaped(hf), where + " (HF's own slice loses the mark)");
            assertEquals(escaped(gold), escaped(decoded), where);
        });
    }

    private static String escaped(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> b.append(cp < 0x20 || cp > 0x7E ? String.format(java.util.Locale.ROOT, "U+%04X", cp) : String.valueOf((char) cp)));
        return b.toString();
    }
}
