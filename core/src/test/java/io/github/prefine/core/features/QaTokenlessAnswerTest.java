package io.github.prefine.core.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A first gold answer with text that no context token covers (a lone U+200B, a format character
 * that BERT's normalizer removes, as HF's {@code BertNormalizer} cleans "other" characters) skipped
 * the whole question, though a later answer maps to tokens: the target is the first answer that
 * covers a context token, and each answer passed over is counted. Ground truth: the answer text
 * "Paris" by hand, decoded back from the target.
 */
class QaTokenlessAnswerTest {
    /** "Paris" at 19, a U+200B after it at 24. */
    private static final String CONTEXT = "John Smith visited Paris\u200B in May.";

    @Test
    void aLaterAnswerIsTheTargetWhenTheFirstCoversNoToken() throws IOException {
        try (SubwordTokenizer tok = Fixtures.tokenizer("bert")) {
            for (boolean fast : new boolean[] {true, false}) {
                String what = "fast path " + fast;
                QaFeatures f = QaFeaturizer.builder().setTokenizer(tok).optFastPath(fast).build().featurize(List.of(
                        new QaExample("later", "Where?", CONTEXT,
                                List.of(new GoldAnswer("\u200B", 24), new GoldAnswer(" ", 18), new GoldAnswer("Paris", 19))),
                        new QaExample("none", "Where?", CONTEXT, List.of(new GoldAnswer("\u200B", 24)))));
                assertEquals(List.of("none"), f.report().skippedIds(), what);
                assertEquals(Map.of("answer text maps to no context token", 1), f.report().skipped(), what);
                assertEquals(1, f.size(), what);
                assertEquals(0, f.exampleIndex(0), what);
                assertEquals("Paris", CONTEXT.substring(f.charStart(0, f.startPosition(0)),
                        f.charEnd(0, f.endPosition(0))), what);
                // the U+200B and the blank answer before "Paris"
                assertEquals(2L, f.report().counters().get(QaFeaturizer.ANSWERS_PASSED_OVER), what);
            }
        }
    }
}
