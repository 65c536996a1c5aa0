package io.github.prefine.core.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of {@link TokenClassificationFeaturizer} over random sentences, tags and maximum
 * lengths, on both fixture tokenizers and both featurization paths. The independent check is the
 * tokenizer's untruncated encoding of the pre-split words (HF's {@code is_split_into_words}, which
 * the tokenizer parity tests tie to Hugging Face), cut as HF's truncation cuts a single sequence:
 * the first {@code maxLength - special tokens} of its tokens, and HF's {@code run_ner.py} labelling
 * (a word's first sub-token carries its tag, the rest -100, or with {@code label_all_tokens} the
 * tag with {@code B-} turned to {@code I-}).
 */
class TokenClassificationFeaturizerProperties extends FixtureTokenizerProperties {
    private static final String[] FAMILIES = PropertyText.FAMILIES;
    /** Special tokens around a single sequence in both templates: [CLS] … [SEP], <s> … </s>. */
    private static final int SINGLE_ADDED = 2;
    private static final List<String> LABELS = List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-MISC");
    /** HF's b_to_i_label for LABELS: B-MISC has no I-MISC and keeps its own id. */
    private static final int[] CONTINUATION = {0, 2, 2, 4, 4, 5};
    private static final int IGNORE = -100;

    @Provide
    Arbitrary<TokenExample> sentences() {
        Arbitrary<String> tag = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, Arbitraries.of(LABELS)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just("B-ORG")));
        return PropertyText.word().list().ofMinSize(1).ofMaxSize(20).flatMap(words -> tag.list().ofSize(words.size())
                .map(tags -> new TokenExample("s", words, tags)));
    }

    /**
     * A truncated sentence holding a word that starts with {@code ▁} once normalized ("¨" under
     * XLM-R's NFKC): the joined space's lone token is left out, as HF never makes it, and HF then
     * truncates, so the row still holds {@code maxLength} tokens; the sentence path cut first and
     * left the row one token short (a CI run's seed found it).
     */
    @Example
    void aTruncatedSentenceWithAWordStartingWithTheSpaceMarkKeepsItsFullLength() throws IOException {
        firstSubTokensCarryTheTagsOfTheWordsThatFit(
                List.of(new TokenExample("s", List.of("loan", "\u00a8"), List.of("O", "O"))),
                List.of(FAMILIES).indexOf("xlm-roberta"), 4, true, true);
    }

    @Property(tries = 250)
    void firstSubTokensCarryTheTagsOfTheWordsThatFit(
            @ForAll @Size(min = 1, max = 4) List<@net.jqwik.api.From("sentences") TokenExample> sentences,
            @ForAll @IntRange(min = 0, max = 1) int family,
            @ForAll @IntRange(min = 4, max = 40) int maxLength,
            @ForAll boolean fastPath,
            @ForAll boolean labelAll) throws IOException {
        SubwordTokenizer tok = tokenizers[family];
        List<TokenExample> examples = new ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) {
            TokenExample s = sentences.get(i);
            examples.add(new TokenExample("s" + i, s.tokens(), s.tags()));
        }
        TokenClassificationFeatures f = TokenClassificationFeaturizer.builder().setTokenizer(tok).setLabels(LABELS)
                .optMaxLength(maxLength).optFastPath(fastPath).optLabelAllSubTokens(labelAll)
                .optBatchSize(1 + maxLength % 3).build().featurize(examples);
        String where = FAMILIES[family] + " max " + maxLength + " fast " + fastPath + " labelAll " + labelAll;
        assertEquals(examples.size(), f.size(), where + ": one row per sentence");
        long cut = 0;
        long outside = 0;
        int truncated = 0;
        for (int r = 0; r < examples.size(); r++) {
            TokenExample ex = examples.get(r);
            String at = where + " sentence " + ex.tokens() + " tags " + ex.tags();
            assertEquals(r, f.exampleIndex(r), at);
            // the counter names the input's words with a tag outside the list, cut ones too
            outside += ex.tags().stream().filter(t -> !LABELS.contains(t)).count();
            TokenEncoding whole = tok.encodeWords(ex.tokens());
            int[] seq = whole.sequenceIds();
            List<Integer> ids = new ArrayList<>();
            List<Integer> words = new ArrayList<>();
            for (int p = 0; p < whole.unpaddedLength(); p++) {
                if (seq[p] == 0) {
                    ids.add(whole.ids()[p]);
                    words.add(whole.wordIds()[p]);
                }
            }
            int budget = maxLength - SINGLE_ADDED;
            int kept = Math.min(budget, ids.size());
            boolean isCut = kept < ids.size();
            truncated += isCut ? 1 : 0;
            int len = f.tokens().length(r);
            assertEquals(kept + SINGLE_ADDED, len, at + ": row length");
            int[] rowIds = new int[kept];
            for (int p = 0; p < kept; p++) {
                rowIds[p] = f.tokens().id(r, 1 + p);
            }
            assertArrayEquals(ids.subList(0, kept).stream().mapToInt(Integer::intValue).toArray(), rowIds,
                    at + ": the first " + kept + " tokens of the untruncated encoding");
            assertEquals(IGNORE, f.label(r, 0), at + ": special token");
            assertEquals(IGNORE, f.label(r, len - 1), at + ": special token");
            List<Integer> firstWords = new ArrayList<>();
            int prev = -1;
            for (int p = 0; p < kept; p++) {
                int w = words.get(p);
                int tag = LABELS.indexOf(ex.tags().get(w));
                boolean first = w != prev;
                prev = w;
                assertEquals(first, f.isFirstSubToken(r, 1 + p), at + ": first sub-token flag at " + (1 + p));
                int expected = first ? (tag < 0 ? IGNORE : tag)
                        : labelAll && tag >= 0 ? CONTINUATION[tag] : IGNORE;
                assertEquals(expected, f.label(r, 1 + p), at + ": label at " + (1 + p) + " (word " + w + ")");
                if (first) {
                    firstWords.add(w);
                }
            }
            // decoding predictions equal to the gold labels gives each kept word its tag back
            int[] decoded = f.firstTokenWords(r);
            assertEquals(firstWords, Arrays.stream(decoded).boxed().toList(), at + ": first sub-token words");
            // words cut: those whose first sub-token lies past the kept tokens, plus the words
            // without any sub-token after the last kept word (nothing marks where they would be)
            boolean[] fits = new boolean[ex.tokens().size()];
            for (int p = 0; p < kept; p++) {
                fits[words.get(p)] = true;
            }
            if (isCut) {
                int lastKept = words.get(kept - 1);
                int expectedCut = 0;
                for (int w = lastKept + 1; w < ex.tokens().size(); w++) {
                    expectedCut++;
                }
                for (int w = 0; w <= lastKept; w++) {
                    assertTrue(fits[w] || !words.contains(w), at + ": word " + w + " before the cut lost its first sub-token");
                }
                assertEquals(lastKept + 1, f.firstCutWord(r), at + ": first cut word");
                cut += expectedCut;
            } else {
                assertEquals(-1, f.firstCutWord(r), at + ": first cut word of a whole sentence");
            }
        }
        FeatureReport report = f.report();
        assertEquals(truncated, report.truncated(), where + ": truncated");
        assertEquals(cut, report.counters().getOrDefault(TokenClassificationFeaturizer.WORDS_CUT, 0L), where + ": words cut");
        assertEquals(outside, report.counters().getOrDefault(TokenClassificationFeaturizer.TAG_OUTSIDE_LIST, 0L),
                where + ": tags outside the list");
    }
}
