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
 * A gold answer with no text to find, empty or only whitespace (in-memory data: the file readers
 * refuse an empty one), is skipped whatever the tokenizer, as the featurizer documents. The
 * fixtures' reference pair gives XLM-R's "▁visited" the offsets [10, 18) of " visited", space
 * included, and BERT's "visited" [11, 18): before, the XLM-R featurization trained the space at
 * 10 as the answer " visited" and the space at 18 as its lone "▁" [18, 19), and under both tokenizers an empty answer at 12 as the word
 * "visited" around it, where BERT skipped the space. Ground truth: the reference offsets, by hand.
 */
class QaBlankAnswerTest {
    private static final String CONTEXT = "John Smith visited Paris in May and then went to Berlin.";

    @Test
    void anAnswerWithNoTextIsSkippedWhateverTheTokenizerCovers() throws IOException {
        for (String family : List.of("xlm-roberta", "bert")) {
            try (SubwordTokenizer tok = Fixtures.tokenizer(family)) {
                for (boolean fast : new boolean[] {true, false}) {
                    String what = family + ", fast path " + fast;
                    QaFeatures f = QaFeaturizer.builder().setTokenizer(tok).optFastPath(fast).build().featurize(List.of(
                            new QaExample("space", "Who?", CONTEXT, List.of(new GoldAnswer(" ", 10))),
                            new QaExample("lone", "Who?", CONTEXT, List.of(new GoldAnswer(" ", 18))),
                            new QaExample("empty", "Who?", CONTEXT, List.of(new GoldAnswer("", 12))),
                            new QaExample("paris", "Who?", CONTEXT, List.of(new GoldAnswer("Paris", 19)))));
                    assertEquals(List.of("space", "lone", "empty"), f.report().skippedIds(), what);
                    assertEquals(Map.of("answer text maps to no context token", 3), f.report().skipped(), what);
                    assertEquals(1, f.size(), what);
                    assertEquals(3, f.exampleIndex(0), what);
                    assertEquals("Paris", CONTEXT.substring(f.charStart(0, f.startPosition(0)),
                            f.charEnd(0, f.endPosition(0))), what);
                }
            }
        }
    }
}
