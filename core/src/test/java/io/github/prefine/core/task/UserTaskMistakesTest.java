package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.data.CsvClassificationReader;
import io.github.prefine.core.data.Leniency;
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
 * Mistakes a user defining a task from their own CSV file makes, as docs/data-layout.md's "Your own
 * datasets" leads them: each is refused with what went wrong and what to call, where before the
 * name was refused only by the model after every file was read and featurized, and a file read
 * without its label column was said to show "a single label".
 */
class UserTaskMistakesTest {
    private static final CsvClassificationReader LABELLED =
            CsvClassificationReader.builder().setTextA("{text}").optLabel("label").build();

    private static Task.Builder task(String name, CsvClassificationReader reader) {
        return Task.builder().setName(name).setGroup(TaskGroup.C).setFormat(TaskFormat.SINGLE_TEXT)
                .setMetric(MetricType.ACCURACY).setSource(TaskSource.builder()
                        .add(Split.TRAIN, "mine/train.csv", reader).add(Split.VALIDATION, "mine/dev.csv", reader).build());
    }

    private static Path files(Path root) throws Exception {
        Files.createDirectories(root.resolve("mine"));
        Files.writeString(root.resolve("mine/train.csv"), "text,label\na b,pos\nb a,neg\na a,pos\n");
        Files.writeString(root.resolve("mine/dev.csv"), "text,label\nb b,neg\na b,pos\n");
        return WordTokenizer.write(root.resolve("tokenizer.json"), List.of("a", "b"));
    }

    @Test
    void aNameWithASlashIsRefusedWhenTheTaskIsBuilt() {
        // MultiHeadModel keys the head's parameters by the name and refuses '/', but only at build(),
        // after Task.load had read and TaskSet.featurize had featurized every file
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> task("mine/sentiment", LABELLED).build());
        assertEquals("mine/sentiment: a task name must not contain '/' (it keys the task's head parameters),"
                + " found 'mine/sentiment'", e.getMessage());
        assertEquals("mine-sentiment", task("mine-sentiment", LABELLED).build().name());
    }

    @Test
    void aNameWithAControlCharacterIsRefusedWhenTheTaskOrGroupIsBuilt() {
        // the grid names each training run after its setting's groups and its target task, and the
        // trainer refuses a run name with a control character (it starts each log line): a tab read
        // from a file into the name stopped the grid only after featurizing, or after pre-finetuning
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> task("mine\tsentiment", LABELLED).build());
        assertEquals("mine\tsentiment: a task name must be one line of text (the grid's run names and log lines"
                + " hold it), found control character U+0009 at index 4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TaskGroup.of("MINE\n"));
        assertEquals("group name must be one line of text (the grid's run names and log lines hold it), found control"
                + " character U+000A at index 4 of 'MINE\n'", e.getMessage());
        // letters of any script are text, not control characters
        assertEquals("情感-négation", task("情感-négation", LABELLED).build().name());
        assertEquals("ÉMOTION", TaskGroup.of("ÉMOTION").name());
    }

    @Test
    void aFileReadWithoutItsLabelColumnIsNamedAsUnlabelled(@TempDir Path root) throws Exception {
        Path tokenizerJson = files(root);
        // optLabel left out: the reader reads every row as unlabelled, so nothing is learned
        CsvClassificationReader unlabelled = CsvClassificationReader.builder().setTextA("{text}").build();
        TaskData data = task("mine", unlabelled).build().load(root, Leniency.STRICT);
        try (SubwordTokenizer tokenizer = SubwordTokenizer.builder().setTokenizerPath(tokenizerJson).build()) {
            UnfeaturizableTaskException e = assertThrows(UnfeaturizableTaskException.class,
                    () -> FeaturizedTask.featurize(data, tokenizer, FeatureSettings.paper()));
            assertEquals("task mine: its label set [] has fewer than 2 classes, and a head needs at least 2 (none of"
                    + " its 3 training examples has a label: was its reader built without optLabel?)", e.getMessage());
            // declared labels are not the training data's fault
            TaskData declared = task("mine", LABELLED).optLabels(List.of("pos")).build().load(root, Leniency.LENIENT);
            e = assertThrows(UnfeaturizableTaskException.class,
                    () -> FeaturizedTask.featurize(declared, tokenizer, FeatureSettings.paper()));
            assertEquals("task mine: its label set [pos] has fewer than 2 classes, and a head needs at least 2 (the"
                    + " set declared with Task.Builder.optLabels)", e.getMessage());
        }
    }

    @Test
    void aSourceWithoutATrainFileSaysSo(@TempDir Path root) throws Exception {
        Path tokenizerJson = files(root);
        Task noTrain = Task.builder().setName("mine").setGroup(TaskGroup.C).setFormat(TaskFormat.SINGLE_TEXT)
                .setMetric(MetricType.ACCURACY).setSource(TaskSource.builder()
                        .add(Split.VALIDATION, "mine/dev.csv", LABELLED).build()).build();
        TaskData data = noTrain.load(root, Leniency.STRICT);
        try (SubwordTokenizer tokenizer = SubwordTokenizer.builder().setTokenizerPath(tokenizerJson).build()) {
            UnfeaturizableTaskException e = assertThrows(UnfeaturizableTaskException.class,
                    () -> FeaturizedTask.featurize(data, tokenizer, FeatureSettings.paper()));
            assertEquals("task mine: no training examples: its TaskSource names no train file (add one with"
                    + " TaskSource.Builder.add(Split.TRAIN, path, reader), or a one-file dataset with optHoldOut)",
                    e.getMessage());
        }
    }

    /**
     * A one-file dataset ({@code optHoldOut}) has no train file among its splits: its empty training
     * split names the hold-out file, not a missing train file and the optHoldOut it already uses.
     */
    @Test
    void aHoldOutWhoseFileIsAbsentNamesThatFile(@TempDir Path root) throws Exception {
        Path tokenizerJson = files(root);
        // the hold-out file is misspelt; the test file is there, so the load goes on
        Task heldOut = Task.builder().setName("mine").setGroup(TaskGroup.C).setFormat(TaskFormat.SINGLE_TEXT)
                .setMetric(MetricType.ACCURACY).setSource(TaskSource.builder()
                        .optHoldOut("mine/all.csv", LABELLED, 13L, TaskSource.BY_ID)
                        .add(Split.TEST, "mine/dev.csv", LABELLED).build()).build();
        TaskData data = heldOut.load(root, Leniency.STRICT);
        try (SubwordTokenizer tokenizer = SubwordTokenizer.builder().setTokenizerPath(tokenizerJson).build()) {
            UnfeaturizableTaskException e = assertThrows(UnfeaturizableTaskException.class,
                    () -> FeaturizedTask.featurize(data, tokenizer, FeatureSettings.paper()));
            assertEquals("task mine: no training examples: its hold-out file mine/all.csv (train and validation) was"
                    + " not read, as it is not under the data root (Task.load reads the splits whose files exist;"
                    + " Task.availability lists the paths it looked for)", e.getMessage());
        }
    }
}
