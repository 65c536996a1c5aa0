package io.github.prefine.core.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An answer given with a no-break space around it (U+00A0, U+202F, as French typography puts
 * before ":" or "?"), which the readers keep as SQuAD gives it. The featurizer's rule is the
 * answer less its leading and trailing whitespace, and a no-break space is whitespace to Python's
 * {@code str.strip()}, to Unicode (White_Space) and to both fixture tokenizers (BERT drops it as
 * whitespace, XLM-R's NFKC makes it a space that Metaspace puts at the start of the next word's
 * token), though not to Java's {@code Character.isWhitespace}. Ground truth: the answer's words
 * alone, "Paris".
 */
class QaAnswerSpaceTest {
    @Test
    void noBreakSpacesAroundAnAnswerStayOutOfItsTarget() throws IOException {
        for (String family : List.of("bert", "xlm-roberta")) {
            try (SubwordTokenizer tok = Fixtures.tokenizer(family)) {
                for (boolean fast : new boolean[] {true, false}) {
                    for (char space : new char[] {'\u00a0', '\u202f'}) {
                        String context = "John Smith visited" + space + "Paris" + space + "in May.";
                        int at = context.indexOf("Paris");
                        QaFeaturizer qa = QaFeaturizer.builder().setTokenizer(tok).optFastPath(fast).build();
                        QaFeatures f = qa.featurize(List.of(
                                new QaExample("trail", "where?", context, List.of(new GoldAnswer("Paris" + space, at))),
                                new QaExample("lead", "where?", context, List.of(new GoldAnswer(space + "Paris", at - 1)))));
                        String what = family + ", fast path " + fast + ", U+" + Integer.toHexString(space);
                        assertEquals(2, f.size(), what);
                        for (int r = 0; r < 2; r++) {
                            String text = context.substring(f.charStart(r, f.startPosition(r)), f.charEnd(r, f.endPosition(r)));
                            assertEquals("Paris", text, what + ", row " + r);
                        }
                        assertNull(f.report().counters().get("answer boundary inside a token"), what);
                    }
                }
            }
        }
    }
}
