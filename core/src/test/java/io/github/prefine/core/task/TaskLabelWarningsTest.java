package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.TsvClassificationReader;
import io.github.prefine.core.testing.CapturedLogs;
import io.github.prefine.core.testing.TestFiles;
import io.github.prefine.eval.metrics.MetricType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lenient load's label warnings count one example as one: a test split with a single label the
 * training data never showed, and a declared label set a single row falls outside.
 */
class TaskLabelWarningsTest {
    private static final TsvClassificationReader TSV =
            TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build();

    @TempDir
    Path dir;

    private Task.Builder task() {
        return Task.builder().setName("toy").setGroup(TaskGroup.C).setFormat(TaskFormat.SINGLE_TEXT)
                .setMetric(MetricType.ACCURACY).setSource(TaskSource.builder().add(Split.TRAIN, "c/train.tsv", TSV)
                        .add(Split.TEST, "c/test.tsv", TSV).build());
    }

    @Test
    void oneUnseenEvaluationLabelIsOneExample() throws Exception {
        TestFiles.write(dir, "c/train.tsv", "sentence\tlabel\ngood\tpos\nbad\tneg\n");
        TestFiles.write(dir, "c/test.tsv", "sentence\tlabel\nnice\tpos\nodd\tmaybe\n");
        String logs = CapturedLogs.of(() -> task().build().load(dir, Leniency.LENIENT));
        assertTrue(logs.contains("task toy: 1 evaluation example has labels the training data never showed"), logs);
    }

    @Test
    void oneRowOutsideDeclaredLabelsIsOneExample() throws Exception {
        TestFiles.write(dir, "c/train.tsv", "sentence\tlabel\ngood\tpos\nbad\tneg\nodd\tmaybe\n");
        TestFiles.write(dir, "c/test.tsv", "sentence\tlabel\nnice\tpos\n");
        String logs = CapturedLogs.of(() -> task().optLabels(List.of("neg", "pos")).build().load(dir,
                Leniency.LENIENT));
        assertTrue(logs.contains("task toy: skipped 1 example with labels outside [neg, pos]"), logs);
    }
}
