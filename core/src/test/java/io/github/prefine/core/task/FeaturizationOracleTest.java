package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End-to-end featurization audit on the real datasets of {@code ../shared/data}, against their own
 * gold annotations (see {@link FeaturizationOracle}), with the real BERT uncased WordPiece of
 * all-MiniLM-L6-v2 (lower-casing and accent stripping) and the XLM-R fixture tokenizer (NFKC,
 * Metaspace, Unigram). QA runs with the paper's windows (384, stride 128) and short ones (64,
 * stride 16) that split contexts into many windows.
 *
 * <p>By default each split is sampled to {@value #QA_SAMPLE} QA questions, {@value #SL_SAMPLE}
 * sentences and {@value #CLS_SAMPLE} classification examples (seed 7), so that the class stays
 * under a minute on two cores; {@code -Dprefine.oracle.full=true} runs every example and prints the
 * figures that {@code docs/data.md} quotes.
 */
class FeaturizationOracleTest {
    static final int QA_SAMPLE = 200;
    static final int SL_SAMPLE = 300;
    static final int CLS_SAMPLE = 300;
    private static final long SEED = 7L;
    private static final boolean FULL = Boolean.getBoolean("prefine.oracle.full");
    private static final List<String> TOKENIZERS = FeaturizationOracle.TOKENIZERS;

    /** BERT's and XLM-R's tokenizers, loaded once for every case. */
    private static SubwordTokenizer bert;
    private static SubwordTokenizer xlmr;

    @BeforeAll
    static void loadTokenizers() throws IOException {
        bert = SubwordTokenizer.builder().setTokenizerPath(SharedFixtures.require(TOKENIZERS.get(0))).build();
        xlmr = SubwordTokenizer.builder().setTokenizerPath(SharedFixtures.require(TOKENIZERS.get(1))).build();
    }

    @AfterAll
    static void closeTokenizers() {
        if (bert != null) {
            bert.close();
        }
        if (xlmr != null) {
            xlmr.close();
        }
    }

    private static List<Task> available(Path data, TaskGroup group) {
        return FeaturizationOracle.available(data, group);
    }

    private static List<Example> sample(List<Example> examples, int n) {
        return FeaturizationOracle.sample(examples, FULL ? 0 : n, SEED);
    }

    private static int count(Map<String, Integer> causes, String key) {
        return causes.getOrDefault(key, 0);
    }

    private static void checkQa(FeaturizationOracle.QaResult r, boolean bert, boolean paperWindows) {
        System.out.println(r);
        r.samples.forEach(x -> System.out.println("     " + x));
        for (String defect : List.of("no window and not reported", "target outside the context",
                "windows disagree on the span", "exact span but EM 0")) {
            assertFalse(r.causes.containsKey(defect), r.name + ": " + defect + " " + r.samples);
        }
        assertEquals(100.0, r.emExact(), 1e-9, r.name + ": exact token spans give the gold text");
        assertFalse(r.decodeCauses.containsKey("decoder returned another span"), r.name + " " + r.samples);
        int skipped = count(r.causes, "skipped by the featurizer");
        assertEquals(r.labelled, r.placed + skipped + count(r.causes, "answer in no single window"),
                r.name + ": every labelled question is placed or counted");
        assertEquals(skipped, r.report.skippedCount(), r.name + ": skips are reported");
        Long noWindow = r.report.counters().get("answer in no single window");
        assertEquals(count(r.causes, "answer in no single window"), noWindow == null ? 0 : noWindow.intValue(), r.name);
        if (bert) {
            // WordPiece splits at spaces and punctuation: only a gold span cutting a word, or a symbol
            // (not punctuation to BERT) glued to it, can fall inside a token
            for (String c : r.causes.keySet()) {
                assertTrue(!c.startsWith("boundary") || c.endsWith("gold cuts a word") || c.contains("symbol glued"),
                        r.name + ": " + c + " " + r.samples);
            }
            if (paperWindows) {
                assertEquals(r.labelled, r.placed, r.name + ": 384-token windows place every answer");
            }
        }
    }

    @Test
    void qaGoldSpansComeBackThroughOffsetsAndDecoding() throws IOException {
        Path data = SharedFixtures.require("data");
        FeatureSettings paper = FeatureSettings.paper();
        FeatureSettings shortWindows = new FeatureSettings(128, 64, 16, 0, 0, 1L);
        for (Task t : available(data, TaskGroup.QA)) {
            TaskData d = FeaturizationOracle.readOnceForBoth(t, data);
            d.reports().forEach((k, v) -> System.out.println("read " + t.name() + " " + k + ": records "
                    + v.records() + ", examples " + v.examples() + ", skipped " + v.skipped() + ", repaired "
                    + v.repaired()));
            for (Map.Entry<Split, List<Example>> e : d.splits().entrySet()) {
                List<Example> ex = sample(e.getValue(), QA_SAMPLE);
                for (SubwordTokenizer tok : List.of(bert, xlmr)) {
                    for (FeatureSettings s : List.of(paper, shortWindows)) {
                        String name = t.name() + "/" + e.getKey().name().toLowerCase(java.util.Locale.ROOT) + " "
                                + (tok == bert ? "bert" : "xlmr") + " " + s.qaMaxLength() + "/" + s.qaStride();
                        checkQa(FeaturizationOracle.qa(name, ex, tok, s), tok == bert, s == paper);
                    }
                }
            }
        }
    }

    /**
     * XQuAD's other languages are not in the shared data: every word of hand-written sentences in
     * its scripts (and Greek, Vietnamese, emoji, ligatures) is asked as an answer.
     */
    @Test
    void qaGoldSpansInOtherScripts() throws IOException {
        String[] contexts = {
            "Beyoncé Giselle Knowles-Carter est née à Houston, au Texas. Elle a grandi à Houston.",
            "北京 是 中华人民共和国 的 首都 ， 位于 华北平原 。",
            "القاهرة هي عاصمة جمهورية مصر العربية وأكبر مدنها.",
            "नई दिल्ली भारत की राजधानी है और यह दिल्ली में स्थित है।",
            "กรุงเทพมหานคร เป็น เมืองหลวง ของ ประเทศไทย",
            "Москва\u0301 — столица России, город федерального значения.",
            "The 😀 emoji and 𝔘𝔫𝔦 letters sit beside ﬁnal ligatures, ½ fractions and Ⅻ numerals.",
            "Zürich (Züri) liegt am Zürichsee; die Straße heißt Bahnhofstraße.",
            "Ελληνικά: η Αθήνα είναι η πρωτεύουσα της Ελλάδας.",
            "Tiếng Việt: Hà Nội là thủ đô của Việt Nam.",
        };
        List<Example> ex = new ArrayList<>();
        Pattern word = Pattern.compile("[\\p{L}\\p{M}\\p{N}\\p{So}\\p{Cs}]+");
        for (int c = 0; c < contexts.length; c++) {
            Matcher m = word.matcher(contexts[c]);
            for (int k = 0; m.find(); k++) {
                ex.add(new QaExample("c" + c + "w" + k, "which word?", contexts[c],
                        List.of(new GoldAnswer(m.group(), m.start()))));
            }
        }
        for (FeatureSettings s : List.of(FeatureSettings.paper(), new FeatureSettings(128, 16, 4, 0, 0, 1L))) {
            FeaturizationOracle.QaResult r = FeaturizationOracle.qa("scripts bert " + s.qaMaxLength(), ex, bert, s);
            checkQa(r, true, s.qaMaxLength() == 384);
            assertEquals(r.placed, r.exact, "whole words: every token span is exact");
        }
        checkQa(FeaturizationOracle.qa("scripts xlmr 384", ex, xlmr, FeatureSettings.paper()), false, true);
    }

    @Test
    void slGoldTagsComeBackThroughFirstSubTokens() throws IOException {
        Path data = SharedFixtures.require("data");
        int emptied = 0;
        FeatureSettings paper = FeatureSettings.paper();
        for (Task t : available(data, TaskGroup.SL)) {
            TaskData d = FeaturizationOracle.readOnceForBoth(t, data);
            for (Map.Entry<Split, List<Example>> e : d.splits().entrySet()) {
                List<Example> ex = sample(e.getValue(), SL_SAMPLE);
                for (SubwordTokenizer tok : List.of(bert, xlmr)) {
                    String name = t.name() + "/" + e.getKey().name().toLowerCase(java.util.Locale.ROOT) + " "
                            + (tok == bert ? "bert" : "xlmr");
                    FeaturizationOracle.SlResult r = FeaturizationOracle.sl(name, ex, d.labels(), tok, paper);
                    System.out.println(r);
                    r.samples.forEach(x -> System.out.println("     " + x));
                    assertEquals(r.sentences, r.checked + r.truncated + r.skipped, name);
                    assertEquals(r.skipped, r.report.skippedCount(), name + ": skips are reported");
                    assertTrue(r.truncated <= r.report.truncated(), name + ": truncations are reported");
                    // the one cause left: a tokenless word at an entity's end cannot be told from one after it
                    assertTrue(Set.of("word without sub-tokens ends an entity").containsAll(r.causes.keySet()),
                            name + " " + r.samples);
                    assertTrue(r.checked - r.intact <= 1, name + " " + r.samples);
                }
                emptied += emptiedWords(t, e.getKey(), e.getValue(), d.labels(), bert);
            }
        }
        assertTrue(emptied >= 10, "the shared SL data holds sentences with words BERT empties, found " + emptied);
    }

    /**
     * Checks, unsampled, every sentence of a split holding a word that BERT's normalizer empties
     * (format and control characters, combining marks, U+FFFD): re3d's "Prime Minister U+200E
     * Haider" and snips' "perfection U+FFFD…" among them.
     *
     * @return how many sentences were checked
     */
    private static int emptiedWords(Task t, Split split, List<Example> all, List<String> labels, SubwordTokenizer bert)
            throws IOException {
        List<Example> ex = new ArrayList<>();
        for (Example x : all) {
            if (((io.github.prefine.core.data.TokenExample) x).tokens().stream().anyMatch(FeaturizationOracle::emptiedByBert)) {
                ex.add(x);
            }
        }
        if (ex.isEmpty()) {
            return 0;
        }
        String name = t.name() + "/" + split.name().toLowerCase(java.util.Locale.ROOT) + " emptied words";
        FeaturizationOracle.SlResult r = FeaturizationOracle.sl(name, ex, labels, bert, FeatureSettings.paper());
        System.out.println(r);
        r.samples.forEach(x -> System.out.println("     " + x));
        assertTrue(Set.of("word without sub-tokens ends an entity").containsAll(r.causes.keySet()), name + " " + r.samples);
        return ex.size();
    }

    @Test
    void classificationLabelIdsNameTheGoldLabels() throws IOException {
        Path data = SharedFixtures.require("data");
        FeatureSettings paper = FeatureSettings.paper();
        SubwordTokenizer tok = bert;
        for (Task t : available(data, TaskGroup.C)) {
            TaskData d = t.load(data, Leniency.LENIENT);
            for (Map.Entry<Split, List<Example>> e : d.splits().entrySet()) {
                List<Example> ex = sample(e.getValue(), CLS_SAMPLE);
                String name = t.name() + "/" + e.getKey().name().toLowerCase(java.util.Locale.ROOT);
                FeaturizationOracle.ClsResult r = FeaturizationOracle.classification(t, name, ex, d.labels(), tok, paper);
                System.out.println(r);
                assertTrue(r.causes.isEmpty(), name + " " + r.samples);
                assertEquals(r.skipped, r.report.skippedCount(), name + ": skips are reported");
                if (r.skipped == 0 && r.labelled > 0) {
                    assertEquals(100.0, r.score.percent(), 1e-9, name);
                }
            }
        }
    }
}
