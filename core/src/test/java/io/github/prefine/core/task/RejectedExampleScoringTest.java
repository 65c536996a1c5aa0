package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.data.ChoiceExample;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.JsonlClassificationReader;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.features.ChoiceFeaturizer;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.pipeline.WordTokenizer;
import io.github.prefine.core.testing.TestFiles;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.evaluator.Evaluator;
import io.github.prefine.eval.metrics.MetricType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An evaluation example the tokenizer rejects (here a JSONL text with a cut emoji, "\ud83d") is
 * skipped by the featurizer; like QA (unanswered) and token classification (all O), it must count
 * as wrong, not vanish from the score. Hand-computed: 2 right of 3 = 66.67% accuracy.
 */
class RejectedExampleScoringTest {
    private static final FeatureSettings SETTINGS = new FeatureSettings(16, 16, 4, 0, 0, 1L);

    @TempDir
    Path dir;

    private SubwordTokenizer tokenizer() throws IOException {
        return SubwordTokenizer.builder().setTokenizerPath(WordTokenizer.write(dir.resolve("tok.json"),
                List.of("good", "bad", "fine", "awful", "nice", "so", "a", "b"))).build();
    }

    @Test
    void classificationCountsARejectedTestExampleAsWrong() throws IOException {
        JsonlClassificationReader jsonl = JsonlClassificationReader.builder().setTextA("{sentence}").optLabel("label")
                .build();
        TestFiles.write(dir, "c/train.jsonl", "{\"sentence\":\"good\",\"label\":\"pos\"}\n"
                + "{\"sentence\":\"bad\",\"label\":\"neg\"}\n{\"sentence\":\"fine\",\"label\":\"pos\"}\n");
        TestFiles.write(dir, "c/test.jsonl", "{\"sentence\":\"nice\",\"label\":\"pos\"}\n"
                + "{\"sentence\":\"so \\ud83d good\",\"label\":\"pos\"}\n{\"sentence\":\"awful\",\"label\":\"neg\"}\n");
        Task t = Task.builder().setName("toy").setGroup(TaskGroup.C).setFormat(TaskFormat.SINGLE_TEXT)
                .setMetric(MetricType.ACCURACY).setSource(TaskSource.builder().add(Split.TRAIN, "c/train.jsonl", jsonl)
                        .add(Split.TEST, "c/test.jsonl", jsonl).build()).build();
        FeaturizedTask f;
        try (SubwordTokenizer tok = tokenizer()) {
            f = FeaturizedTask.featurize(t.load(dir, Leniency.STRICT), tok, SETTINGS);
        }
        assertEquals(List.of("neg", "pos"), f.labels());
        assertEquals(1, f.features().get(Split.TEST).report().skippedCount());
        assertEquals(2, f.features().get(Split.TEST).size());
        // both kept examples predicted right (nice -> pos, awful -> neg); the rejected one is wrong
        List<float[]> logits = List.of(new float[] {0f, 5f}, new float[] {5f, 0f});
        assertEquals(200.0 / 3.0, f.score(Split.TEST, logits, 2).percent(), 1e-9);
    }

    @Test
    void multipleChoiceCountsARejectedExampleAsWrong() throws IOException {
        List<Example> exs = List.of(
                new ChoiceExample("c0", "good", "", List.of("a", "b"), 0),
                new ChoiceExample("c1", "so \ud83d good", "", List.of("a", "b"), 1),
                new ChoiceExample("c2", "bad", "", List.of("a", "b"), 1));
        try (SubwordTokenizer tok = tokenizer()) {
            Features feats = TaskFormat.CHOICE.featurize(exs, List.of(), tok, SETTINGS, "copa-toy");
            assertEquals(2, feats.size());
            List<float[]> logits = List.of(new float[] {5f, 0f}, new float[] {0f, 5f});
            double acc = TaskFormat.CHOICE.score(feats, exs, List.of(), logits, 2,
                    Evaluator.builder().setMetric(MetricType.ACCURACY).build()).percent();
            assertEquals(200.0 / 3.0, acc, 1e-9);
        }
    }
}
