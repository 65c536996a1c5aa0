package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.TokenClassificationFeatures;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.evaluator.Evaluator;
import io.github.prefine.eval.metrics.MetricType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A word whose every character the BERT normalizer removes (U+200E, U+FFFD) gets no sub-token,
 * so no logit predicts it. Found on re3d's "Iraqi Prime Minister U+200E Haider al - Abadi", all
 * one Person entity: predicted {@code O}, the mark cut the entity in two, and even the gold labels
 * fed back as logits scored span F1 0 on that sentence. Ground truth: the gold tags, which the
 * training labels sent back through the task's scoring must reproduce.
 */
class TokenlessWordScoringTest {
    private static final List<String> LABELS = List.of("O", "B-PER", "I-PER");

    private static double oracleF1(List<Example> examples) throws IOException {
        try (SubwordTokenizer tok = SubwordTokenizer.builder()
                .setTokenizerPath(SharedFixtures.require("fixtures/hf-reference/bert/tokenizer.json")).build()) {
            TokenClassification format = new TokenClassification();
            TokenClassificationFeatures f = (TokenClassificationFeatures) format.featurize(examples, LABELS, tok,
                    FeatureSettings.paper(), "t");
            List<float[]> logits = new ArrayList<>();
            for (int r = 0; r < f.size(); r++) {
                float[] lg = new float[f.tokens().length(r) * LABELS.size()];
                for (int p = 0; p < f.tokens().length(r); p++) {
                    if (f.isFirstSubToken(r, p)) {
                        lg[p * LABELS.size() + f.label(r, p)] = 5f;
                    }
                }
                logits.add(lg);
            }
            return format.score(f, examples, LABELS, logits, LABELS.size(),
                    Evaluator.builder().setMetric(MetricType.SPAN_F1).build()).fraction();
        }
    }

    private static Example ex(String id, List<String> words, List<String> tags) {
        return new TokenExample(id, words, tags);
    }

    @Test
    void aTokenlessWordInsideAnEntityKeepsTheEntityWhole() throws IOException {
        assertEquals(1.0, oracleF1(List.of(
                ex("mark", List.of("prime", "minister", "\u200E", "\u200E", "haider"),
                        List.of("B-PER", "I-PER", "I-PER", "I-PER", "I-PER")),
                ex("fffd", List.of("john", "\uFFFD", "smith", "said"), List.of("B-PER", "I-PER", "I-PER", "O")))), 1e-12);
    }

    @Test
    void aTokenlessWordOutsideAnEntityStaysOutside() throws IOException {
        // between two entities, after one, before one: O, as tagged
        assertEquals(1.0, oracleF1(List.of(
                ex("between", List.of("john", "\u200E", "smith"), List.of("B-PER", "O", "B-PER")),
                ex("after", List.of("john", "\u200E", "said"), List.of("B-PER", "O", "O")),
                ex("before", List.of("said", "\u200E", "john"), List.of("O", "O", "B-PER")))), 1e-12);
    }
}
