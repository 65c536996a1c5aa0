package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.TsvClassificationReader;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.pipeline.WordTokenizer;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.metrics.MetricType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task that reaches featurization without training examples says why, naming its train file:
 * {@code Task.load} reads the splits whose files exist (docs/data-layout.md), so a misspelt or
 * absent train file surfaces only here, where the message said "no training examples" alone.
 */
class NoTrainingExamplesTest {
    private static final TsvClassificationReader TSV =
            TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build();

    private static Task task(String train) {
        return Task.builder().setName("my-sentiment").setGroup(TaskGroup.C).setFormat(TaskFormat.SINGLE_TEXT)
                .setMetric(MetricType.ACCURACY).setSource(TaskSource.builder()
                        .add(Split.TRAIN, train, TSV).add(Split.VALIDATION, "mine/dev.tsv", TSV).build())
                .build();
    }

    @Test
    void anAbsentOrEmptyTrainFileIsNamedWhenFeaturizationRefusesTheTask(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("mine"));
        Files.writeString(root.resolve("mine/dev.tsv"), "sentence\tlabel\na b\t1\nb a\t0\n");
        Files.writeString(root.resolve("mine/empty.tsv"), "sentence\tlabel\na b\n");
        try (SubwordTokenizer tokenizer = SubwordTokenizer.builder()
                .setTokenizerPath(WordTokenizer.write(root.resolve("tokenizer.json"), List.of("a", "b"))).build()) {
            // train.tsv misspelt: the load reads the validation file only, as documented
            TaskData absent = task("mine/trian.tsv").load(root, Leniency.STRICT);
            assertEquals(List.of(Split.VALIDATION), List.copyOf(absent.splits().keySet()));
            UnfeaturizableTaskException e = assertThrows(UnfeaturizableTaskException.class,
                    () -> FeaturizedTask.featurize(absent, tokenizer, FeatureSettings.paper()));
            assertEquals("task my-sentiment: no training examples: its train file mine/trian.tsv was not read, as it"
                    + " is not under the data root (Task.load reads the splits whose files exist; Task.availability"
                    + " lists the paths it looked for)", e.getMessage());
            // a train file that is there but whose one row a lenient read skips
            TaskData empty = task("mine/empty.tsv").load(root, Leniency.LENIENT);
            e = assertThrows(UnfeaturizableTaskException.class,
                    () -> FeaturizedTask.featurize(empty, tokenizer, FeatureSettings.paper()));
            assertEquals("task my-sentiment: no training examples: its train file mine/empty.tsv gave none (its"
                    + " ReadReport in TaskData.reports() counts what was read and skipped)", e.getMessage());
        }
    }
}
