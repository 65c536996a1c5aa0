package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.SquadReader;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.QaFeatures;
import io.github.prefine.core.pipeline.WordTokenizer;
import io.github.prefine.core.testing.TestFiles;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.metrics.MetricType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A QA evaluation question without gold answers (as SQuAD 2.0's unanswerable ones) is left out of
 * the score, as classification and multiple choice leave out their unlabelled examples, instead of
 * failing the scoring after the whole training; the featurizer's report counts it as unlabelled.
 */
class UnlabelledScoringTest {
    private static final FeatureSettings SETTINGS = new FeatureSettings(16, 16, 4, 0, 0, 1L);

    @TempDir
    Path dir;

    private SubwordTokenizer tokenizer() throws IOException {
        return SubwordTokenizer.builder().setTokenizerPath(WordTokenizer.write(dir.resolve("tok.json"),
                List.of("a", "b", "c", "d", "where", "what", "good", "bad", "nice"))).build();
    }

    private static String question(String id, String question, String answer, int start) {
        return "{\"id\":\"" + id + "\",\"question\":\"" + question + "\",\"answers\":["
                + (answer == null ? "" : "{\"text\":\"" + answer + "\",\"answer_start\":" + start + "}") + "]}";
    }

    @Test
    void qaLeavesAQuestionWithoutAnswersOutOfTheScore() throws IOException {
        String context = "a b c d";
        String train = "{\"data\":[{\"paragraphs\":[{\"context\":\"" + context + "\",\"qas\":["
                + question("t0", "where", "b", 2) + "," + question("t1", "what", "c", 4) + "," + question("t2", "where", "d", 6)
                + "]}]}]}";
        // q1 has no answers (as SQuAD 2.0's unanswerable questions): it cannot be scored by the v1.1 rules
        String validation = "{\"data\":[{\"paragraphs\":[{\"context\":\"" + context + "\",\"qas\":["
                + question("q0", "where", "b", 2) + "," + question("q1", "what", null, 0) + "]}]}]}";
        TestFiles.write(dir, "qa/train.json", train);
        TestFiles.write(dir, "qa/dev.json", validation);
        Task t = Task.builder().setName("qa-toy").setGroup(TaskGroup.QA).setFormat(TaskFormat.QA)
                .setMetric(MetricType.SQUAD_EM).setSource(TaskSource.builder()
                        .add(Split.TRAIN, "qa/train.json", new SquadReader())
                        .add(Split.VALIDATION, "qa/dev.json", new SquadReader()).build()).build();
        FeaturizedTask f;
        try (SubwordTokenizer tok = tokenizer()) {
            f = FeaturizedTask.featurize(t.load(dir, Leniency.STRICT), tok, SETTINGS);
        }
        QaFeatures v = (QaFeatures) f.features().get(Split.VALIDATION);
        assertEquals(2, v.size());
        assertEquals(1L, v.report().counters().get("unlabelled examples"));
        // both windows: [CLS] question [SEP] a b c d [SEP]; each points at "b", the context's second token
        List<float[]> logits = new ArrayList<>();
        for (int r = 0; r < v.size(); r++) {
            float[] lg = new float[2 * v.tokens().length(r)];
            int b = v.contextStart(r) + 1;
            lg[2 * b] = 9f;
            lg[2 * b + 1] = 9f;
            logits.add(lg);
        }
        // q0 exactly right; q1 left out: EM 100 over 1 question (counting it would need a gold answer)
        assertEquals(100.0, f.score(Split.VALIDATION, logits, 2).percent(), 1e-9);
        assertEquals(1, f.score(Split.VALIDATION, logits, 2).count());
    }
}
