package io.github.prefine.core.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.task.ExtractiveQa;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.evaluator.EvaluationResult;
import io.github.prefine.eval.evaluator.Evaluator;
import io.github.prefine.eval.metrics.MetricType;
import java.io.IOException;
import java.util.ArrayList;
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

    /**
     * The target is the first gold answer with text; an example is skipped only where none has any.
     * HF's {@code run_qa.py} trains {@code answers[0]} whatever it holds (a blank one gives a span at
     * its offset); prefine trains the first answer left with text after Python's {@code strip()}.
     * The reference pair "Who visited Paris? ||| ..." gives, by hand from the fixtures' offsets:
     * BERT "visited" [11, 18) at 9 and "paris" [19, 24) at 10; XLM-R "▁visited" [10, 18) at 26, its
     * lone "▁" [18, 19) at 27 and "P" [19, 20) to "s" [23, 24) at 28 to 32.
     */
    @Test
    void theFirstAnswerWithTextIsTheTargetAndOnlyAllBlankAnswersAreSkipped() throws IOException {
        Map<String, int[][]> expected = Map.of(
                "bert", new int[][] {{10, 10}, {9, 10}},
                "xlm-roberta", new int[][] {{28, 32}, {26, 32}});
        for (String family : List.of("xlm-roberta", "bert")) {
            try (SubwordTokenizer tok = Fixtures.tokenizer(family)) {
                for (boolean fast : new boolean[] {true, false}) {
                    String what = family + ", fast path " + fast;
                    QaFeatures f = QaFeaturizer.builder().setTokenizer(tok).optFastPath(fast).build()
                            .featurize(blankFirstExamples());
                    assertEquals(List.of("allBlank"), f.report().skippedIds(), what);
                    assertEquals(2, f.size(), what);
                    for (int r = 0; r < 2; r++) {
                        assertEquals(r, f.exampleIndex(r), what);
                        assertArrayEquals(expected.get(family)[r],
                                new int[] {f.startPosition(r), f.endPosition(r)}, what + ", row " + r);
                    }
                }
            }
        }
    }

    /**
     * Scoring leaves out no question for its blank answers: a validation question whose first
     * answer is blank is answered and matched against its other answers, and one whose answers are
     * all blank, skipped by the featurizer, counts as unanswered (0). Logits one-hot on the hand-worked
     * BERT positions above ("paris" at 10; "visited paris" 9 to 10): exact match 2 of 3.
     */
    @Test
    void aBlankFirstAnswerIsScoredAgainstTheOthersAndAnAllBlankQuestionAsUnanswered() throws IOException {
        List<Example> examples = new ArrayList<>(blankFirstExamples());
        try (SubwordTokenizer tok = Fixtures.tokenizer("bert")) {
            ExtractiveQa qa = new ExtractiveQa();
            QaFeatures f = (QaFeatures) qa.featurize(examples, List.of(), tok, FeatureSettings.paper(), "blank");
            int[][] spans = {{10, 10}, {9, 10}};
            List<float[]> logits = new ArrayList<>();
            for (int r = 0; r < f.size(); r++) {
                float[] lg = new float[2 * f.tokens().length(r)];
                lg[2 * spans[r][0]] = 10f;
                lg[2 * spans[r][1] + 1] = 10f;
                logits.add(lg);
            }
            EvaluationResult em = qa.score(f, examples, List.of(), logits, 2,
                    Evaluator.builder().setMetric(MetricType.SQUAD_EM).build());
            assertEquals(3, em.count());
            assertEquals(200.0 / 3, em.percent(), 1e-9);
        }
    }

    private static List<QaExample> blankFirstExamples() {
        String q = "Who visited Paris?";
        return List.of(
                new QaExample("spaceFirst", q, CONTEXT, List.of(new GoldAnswer(" ", 18), new GoldAnswer("Paris", 19))),
                new QaExample("emptyFirst", q, CONTEXT, List.of(new GoldAnswer("", 12), new GoldAnswer(" ", 10),
                        new GoldAnswer("visited Paris", 11))),
                new QaExample("allBlank", q, CONTEXT, List.of(new GoldAnswer(" ", 10), new GoldAnswer("", 12))));
    }
}
