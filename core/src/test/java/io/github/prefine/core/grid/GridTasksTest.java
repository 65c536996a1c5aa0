package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TsvClassificationReader;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.ModelFamily;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.pipeline.TaskDataSource;
import io.github.prefine.core.pipeline.WordTokenizer;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskSource;
import io.github.prefine.core.testing.Reachability;
import io.github.prefine.core.testing.TestFiles;
import io.github.prefine.eval.metrics.MetricType;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which failures {@link GridTasks#featurizable} turns into a left-out task, and which it lets
 * through; and what the session's cache of featurized tasks keeps of the examples read.
 */
class GridTasksTest {
    private static final Task TASK = InMemoryTasks.task("c-task", TaskGroup.C, TaskFormat.SINGLE_TEXT,
            MetricType.ACCURACY, List.of("no", "yes"));

    private static GridTasks tasks(Path dir, TaskDataSource data) throws Exception {
        return tasks(dir, data, List.of(TASK));
    }

    private static GridTasks tasks(Path dir, TaskDataSource data, List<Task> targets) throws Exception {
        return tasks(dir, data, targets, FeaturizationListener.NONE);
    }

    private static GridTasks tasks(Path dir, TaskDataSource data, List<Task> targets, FeaturizationListener listener)
            throws Exception {
        Path encoder = Files.createDirectories(dir.resolve("encoder"));
        WordTokenizer.write(encoder.resolve(EncoderCheckpoint.TOKENIZER_FILE), List.of("a", "b", "x"));
        EncoderConfig config = EncoderConfig.builder().setModelType(ModelFamily.BERT).setVocabSize(7).setHiddenSize(8)
                .setNumHiddenLayers(1).setNumAttentionHeads(2).setIntermediateSize(16).build();
        return new GridTasks(encoder, config, data, targets, new FeatureSettings(48, 48, 8, 0, 0, 1L), listener);
    }

    /** A source whose loading fails with the given exception, as a bug in a user's data source would. */
    private static TaskDataSource failingWith(RuntimeException bug) {
        return new TaskDataSource() {
            @Override
            public List<String> missing(Task task) {
                return List.of();
            }

            @Override
            public TaskData load(Task task) {
                throw bug;
            }
        };
    }

    @Test
    void eachSplitFeaturizedOnceIsReportedToTheListenerAndAPrefinetuningTaskHasNoTestSplit(@TempDir Path dir)
            throws Exception {
        List<TextExample> train = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            train.add(new TextExample("t" + i, i % 2 == 0 ? "a x" : "b", null, i % 2 == 0 ? "yes" : "no"));
        }
        TaskData data = InMemoryTasks.data(TASK, train, train.subList(0, 2), train.subList(0, 3));
        List<String> seen = new java.util.ArrayList<>();
        FeaturizationListener listener = p -> seen.add(p.name() + " " + p.done() + "/" + p.total());
        try (GridTasks tasks = tasks(dir, TaskDataSource.inMemory(List.of(data)), List.of(TASK), listener)) {
            tasks.featurized(TASK);
            tasks.featurized(TASK); // the session's cache: no second featurization
        }
        // one batch each (5, 2 and 3 examples are below the default batch of 1024): 0, then the total
        assertEquals(List.of("c-task/train 0/5", "c-task/train 5/5", "c-task/validation 0/2", "c-task/validation 2/2",
                "c-task/test 0/3", "c-task/test 3/3"), seen);
        seen.clear();
        try (GridTasks tasks = tasks(dir, TaskDataSource.inMemory(List.of(data)), List.of(), listener)) {
            tasks.featurized(TASK);
        }
        assertEquals(List.of("c-task/train 0/5", "c-task/train 5/5", "c-task/validation 0/2", "c-task/validation 2/2"),
                seen);
    }

    @Test
    void aBugThrowingIllegalArgumentIsNotReportedAsAnUnfeaturizableTask(@TempDir Path dir) throws Exception {
        IllegalArgumentException bug = new IllegalArgumentException("index 3 out of range for a list of 2");
        try (GridTasks tasks = tasks(dir, failingWith(bug))) {
            // before: the task was left out as "cannot be featurized: index 3 out of range ..." and the run went on
            assertSame(bug, assertThrows(IllegalArgumentException.class, () -> tasks.featurizable(TASK)));
        }
    }

    @Test
    void aTaskTooSmallToHoldOutValidationIsReportedAsUnfeaturizable(@TempDir Path dir) throws Exception {
        // 2 training examples and no validation split: a 4:1 hold-out takes round(2 / 5) = 0 of them
        TaskData tiny = InMemoryTasks.data(TASK, List.of(new TextExample("t0", "a x", null, "yes"),
                new TextExample("t1", "b", null, "no")), List.of(), List.of());
        try (GridTasks tasks = tasks(dir, TaskDataSource.inMemory(List.of(tiny)))) {
            List<String> why = tasks.featurizable(TASK);
            assertEquals(List.of("cannot be featurized: task c-task: no validation split, and its 2 training examples"
                    + " are too few to hold out a fifth (at least 3 are needed)"), why);
            assertEquals(why, tasks.featurizable(TASK), "the reason is remembered");
        }
    }

    @Test
    void theExamplesFeaturizationSkippedBeforeLeavingATaskOutAreInItsDataReport(@TempDir Path dir) throws Exception {
        // every training sentence holds a word with a space, which no encoder input can carry: the
        // task is left out, and the run's data report said "nothing dropped" of its 3 sentences
        Path root = dir.resolve("data");
        TestFiles.write(root, "sl/train.conll", "a b\tB-X\nx\tO\n\nx\tO\nb a\tB-X\n\na x\tO\n\n");
        TestFiles.write(root, "sl/dev.conll", "x\tB-X\n\n");
        io.github.prefine.core.data.ConllReader conll = io.github.prefine.core.data.ConllReader.builder()
                .optSeparator(io.github.prefine.core.data.ConllReader.Separator.TAB).build();
        Task t = Task.builder().setName("tags").setGroup(TaskGroup.SL).setFormat(TaskFormat.TOKEN)
                .setMetric(MetricType.SPAN_F1).setSource(TaskSource.builder().add(Split.TRAIN, "sl/train.conll", conll)
                        .add(Split.VALIDATION, "sl/dev.conll", conll).build()).build();
        try (GridTasks tasks = tasks(dir, TaskDataSource.dataRoot(root, Leniency.LENIENT), List.of(t))) {
            assertEquals(List.of("cannot be featurized: task tags: featurization skipped all 3 training examples"
                    + " {empty word or word holding whitespace=3}"), tasks.featurizable(t));
            DataReport.TaskReads reads = tasks.reads().get("tags");
            assertEquals(3, reads.dropped());
            assertEquals(Map.of("empty word or word holding whitespace", 3),
                    reads.files().get("features/train").skipped());
        }
    }

    @Test
    void aTaskWithRowsBeyondTheEncodersPositionsIsLeftOutBeforeTraining(@TempDir Path dir) throws Exception {
        // BERT positions: max_position_embeddings = 8, so a row of 10 tokens ([CLS] 8 words [SEP]) has
        // no position embedding for its last two; training stopped at the first batch holding it
        assertEquals(List.of("cannot be featurized: task c-task: the train split has featurized rows of up to 10"
                + " tokens, beyond the 8 positions of the encoder; featurize it with FeatureSettings lengths of at most 8"
                + " (FeatureSettings.withLengths)"),
                featurizable(dir, 7, 8, "a x b a x b a x"));
    }

    @Test
    void aTaskWithTokenIdsBeyondTheEncodersVocabularyIsLeftOutBeforeTraining(@TempDir Path dir) throws Exception {
        // the folder's tokenizer gives x the id 6 ([PAD] [UNK] [CLS] [SEP] a b x); its model has 6 rows
        assertEquals(List.of("cannot be featurized: task c-task: the train split has token id 6, beyond the 6-entry"
                + " vocabulary of the encoder; featurize it with the encoder's own tokenizer, the tokenizer.json its model"
                + " was trained with"),
                featurizable(dir, 6, 32, "a x"));
    }

    /** What the grid says of TASK whose rows are "a x" and, for one, {@code oddRow}, on a tiny BERT's folder. */
    private static List<String> featurizable(Path dir, int vocabSize, int positions, String oddRow) throws Exception {
        Path encoder = Files.createDirectories(dir.resolve("encoder"));
        WordTokenizer.write(encoder.resolve(EncoderCheckpoint.TOKENIZER_FILE), List.of("a", "b", "x"));
        EncoderConfig config = EncoderConfig.builder().setModelType(ModelFamily.BERT).setVocabSize(vocabSize)
                .setHiddenSize(8).setNumHiddenLayers(1).setNumAttentionHeads(2).setIntermediateSize(16)
                .optMaxPositionEmbeddings(positions).build();
        List<TextExample> train = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            train.add(new TextExample("t" + i, i == 3 ? oddRow : "a x", null, i % 2 == 0 ? "yes" : "no"));
        }
        TaskData data = InMemoryTasks.data(TASK, train, train.subList(0, 2), List.of());
        try (GridTasks tasks = new GridTasks(encoder, config, TaskDataSource.inMemory(List.of(data)), List.of(TASK),
                new FeatureSettings(48, 48, 8, 0, 0, 1L), FeaturizationListener.NONE)) {
            return tasks.featurizable(TASK);
        }
    }

    /** A task read from {@code <name>/train.tsv} and {@code <name>/dev.tsv} under the data root. */
    private static Task tsvTask(String name) {
        TsvClassificationReader tsv = TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build();
        return Task.builder().setName(name).setGroup(TaskGroup.C).setFormat(TaskFormat.SINGLE_TEXT)
                .setMetric(MetricType.ACCURACY).optLabels(List.of("no", "yes"))
                .setSource(TaskSource.builder().add(Split.TRAIN, name + "/train.tsv", tsv)
                        .add(Split.VALIDATION, name + "/dev.tsv", tsv).build()).build();
    }

    @Test
    void theSessionKeepsATargetsValidationExamplesOnlyAndNoExampleOfAPrefinetuningTask(@TempDir Path dir)
            throws Exception {
        Path root = Files.createDirectories(dir.resolve("data"));
        for (String name : List.of("source", "target")) {
            TestFiles.write(root, name + "/train.tsv", "sentence\tlabel\na x\tyes\nb\tno\nx a\tyes\nb b\tno\n");
            TestFiles.write(root, name + "/dev.tsv", "sentence\tlabel\na\tyes\nb x\tno\n");
        }
        Task source = tsvTask("source");
        Task target = tsvTask("target");
        // the files as the grid reads them, with a weak reference to every example each load gives
        Map<String, Map<Split, List<WeakReference<Example>>>> loaded = new HashMap<>();
        TaskDataSource files = TaskDataSource.dataRoot(root, Leniency.STRICT);
        TaskDataSource recording = new TaskDataSource() {
            @Override
            public List<String> missing(Task task) {
                return files.missing(task);
            }

            @Override
            public TaskData load(Task task) throws IOException {
                TaskData d = files.load(task);
                Map<Split, List<WeakReference<Example>>> refs = new EnumMap<>(Split.class);
                d.splits().forEach((split, examples) -> refs.put(split,
                        examples.stream().map(e -> new WeakReference<>(e)).toList()));
                loaded.put(task.name(), refs);
                return d;
            }
        };
        try (GridTasks tasks = tasks(dir, recording, List.of(target))) {
            FeaturizedTask s = tasks.featurized(source);
            FeaturizedTask t = tasks.featurized(target);
            assertSame(t, tasks.featurized(target), "cached for the session");
            // before: the cache held every example of both tasks for the whole session
            assertEquals(0, Reachability.alive(loaded.get("target").get(Split.TRAIN)), "target training examples");
            assertEquals(0, Reachability.alive(loaded.get("source").get(Split.TRAIN)), "source training examples");
            assertEquals(0, Reachability.alive(loaded.get("source").get(Split.VALIDATION)),
                    "source validation examples");
            assertEquals(2, loaded.get("target").get(Split.VALIDATION).stream().filter(r -> r.get() != null).count());
            // what training reads is all there: both tasks' features, and the target scores (a, b x -> yes, no)
            assertEquals(4, s.features().get(Split.TRAIN).size());
            assertEquals(2, s.features().get(Split.VALIDATION).size());
            assertEquals(4, t.features().get(Split.TRAIN).size());
            List<float[]> logits = List.of(new float[] {0f, 1f}, new float[] {0f, 1f});
            assertEquals(50.0, t.score(Split.VALIDATION, logits, 2).percent(), 1e-9);
        }
    }
}
