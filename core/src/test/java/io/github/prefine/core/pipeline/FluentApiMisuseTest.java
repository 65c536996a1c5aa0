package io.github.prefine.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.GroupCombination;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskRegistry;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.train.FeatureBatchSource;
import io.github.prefine.core.train.HeterogeneousBatchSampler;
import io.github.prefine.core.train.Trainer;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.sampling.HeterogeneousSampler;
import io.github.prefine.sampling.TaskSize;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fluent API misused as a library user misuses it: null, an example of another format, an
 * absent split, an index out of range. Each is refused at the call that receives it, with a message
 * naming the argument and what was expected, not with a bare {@code NullPointerException}, a
 * {@code ClassCastException} or an empty result. The fixture BERT and in-memory tasks.
 */
class FluentApiMisuseTest {
    static Path encoderDir;
    static TaskSet tasks;
    static Task classifier;
    static List<TextExample> texts;

    @BeforeAll
    static void featurize() throws Exception {
        encoderDir = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        classifier = InMemoryTasks.task("pairs", TaskGroup.C, TaskFormat.TEXT_PAIR, MetricType.ACCURACY, List.of("no", "yes"));
        texts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            texts.add(new TextExample("p" + i, "the cat", "a dog", i % 2 == 0 ? "yes" : "no"));
        }
        try (SubwordTokenizer tokenizer = SubwordTokenizer.builder()
                .setTokenizerPath(encoderDir.resolve(EncoderCheckpoint.TOKENIZER_FILE)).build()) {
            tasks = TaskSet.featurize(List.of(InMemoryTasks.data(classifier, texts, texts.subList(0, 4), List.of())),
                    tokenizer, FeatureSettings.paper().withLengths(64, 64, 16));
        }
    }

    private static void assertNamed(RuntimeException e, String... words) {
        for (String w : words) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(w), "message lacks '" + w + "': " + e.getMessage());
        }
    }

    @Test
    void predictingASplitTheDataLacksIsRefusedNotAnEmptyResult() throws Exception {
        // the in-memory task has no test split: predict gave no logits and width -1, which a caller
        // averaging or scoring them met later as an empty list
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = MultiHeadModel.builder().setManager(manager)
                        .setEncoder(EncoderCheckpoint.load(encoderDir, manager).encoder()).addTasks(tasks).optHeadSeed(1)
                        .build();
                Trainer trainer = Trainer.builder().setModel(model).setData(FeatureBatchSource.of(tasks)).optBatchSize(4)
                        .optMaxEpochs(1).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> trainer.predict(0, Split.TEST));
            assertEquals("trainer: task pairs has no TEST units to predict (the data's TEST split is absent or empty);"
                    + " predict a split it has units of", e.getMessage());
            // the validation split it has: one logits entry per unit, two labels wide
            assertEquals(4, trainer.predict(0, Split.VALIDATION).logits().size());
            assertEquals(2, trainer.predict(0, Split.VALIDATION).width());
            // a head index out of range names the range and the model's tasks, as predict does
            IndexOutOfBoundsException head = assertThrows(IndexOutOfBoundsException.class, () -> model.head(1));
            assertEquals("model: task 1 is out of range [0, 1) of [pairs]", head.getMessage());
            IndexOutOfBoundsException params = assertThrows(IndexOutOfBoundsException.class,
                    () -> model.headParameters(-1));
            assertEquals("model: task -1 is out of range [0, 1) of [pairs]", params.getMessage());
            IndexOutOfBoundsException active = assertThrows(IndexOutOfBoundsException.class,
                    () -> model.activeParameters(new int[] {0, 3}));
            assertEquals("model: task 3 is out of range [0, 1) of [pairs]", active.getMessage());
            NullPointerException none = assertThrows(NullPointerException.class, () -> model.activeParameters(null));
            assertEquals("tasks", none.getMessage());
        }
    }

    @Test
    void aSamplerOverOtherTasksIsRefusedAtBuild() throws Exception {
        // sizes that fit the data, names of tasks the model does not have: its batches were drawn
        // as if they were the data's task 0
        HeterogeneousSampler other = HeterogeneousSampler.builder().setTaskSizes(new TaskSize("ner", 8)).setBatchSize(4)
                .build();
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = MultiHeadModel.builder().setManager(manager)
                        .setEncoder(EncoderCheckpoint.load(encoderDir, manager).encoder()).addTasks(tasks).optHeadSeed(1)
                        .build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder()
                    .setModel(model).setData(FeatureBatchSource.of(tasks))
                    .optSampler(new HeterogeneousBatchSampler(other)).build());
            assertEquals("trainer: the sampler draws from tasks [ner], but the data's tasks are [pairs]; build it over"
                    + " the data's tasks, in the model's task order (HeterogeneousBatchSampler.of(tasks, settings))",
                    e.getMessage());
            // a task named task0 by its user is a name like any other: it was taken for the unnamed
            // tasks of setTaskSizes(int...), and its batches drawn as the data's pairs
            HeterogeneousSampler task0 = HeterogeneousSampler.builder().setTaskSizes(new TaskSize("task0", 8))
                    .setBatchSize(4).build();
            e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder()
                    .setModel(model).setData(FeatureBatchSource.of(tasks))
                    .optSampler(new HeterogeneousBatchSampler(task0)).build());
            assertEquals("trainer: the sampler draws from tasks [task0], but the data's tasks are [pairs]; build it over"
                    + " the data's tasks, in the model's task order (HeterogeneousBatchSampler.of(tasks, settings))",
                    e.getMessage());
            Trainer.builder().setModel(model).setData(FeatureBatchSource.of(tasks))
                    .optSampler(new HeterogeneousBatchSampler(HeterogeneousSampler.builder().setTaskSizes(8)
                            .setBatchSize(4).build())).build().close();
            // named as the data's tasks, or not named at all, it builds
            HeterogeneousSampler named = HeterogeneousSampler.builder().setTaskSizes(new TaskSize("pairs", 8))
                    .setBatchSize(4).build();
            Trainer.builder().setModel(model).setData(FeatureBatchSource.of(tasks))
                    .optSampler(new HeterogeneousBatchSampler(named)).build().close();
            Trainer.builder().setModel(model).setData(FeatureBatchSource.of(tasks))
                    .optSampler(HeterogeneousBatchSampler.of(tasks, HeterogeneousSampler.builder().setBatchSize(4)))
                    .build().close();
        }
    }

    @Test
    void aTargetFinetuningThatCouldNotScoreIsRefusedBeforeItTrains() throws Exception {
        // both were found only once the first seed had trained, when its predictions were scored
        IllegalArgumentException train = assertThrows(IllegalArgumentException.class,
                () -> TaskFinetuning.builder(encoderDir, tasks.get(0)).optEvaluationSplit(Split.TRAIN).build());
        assertEquals("target finetuning: optEvaluationSplit must be VALIDATION or TEST, found TRAIN: a score of the"
                + " examples trained on selects nothing", train.getMessage());
        IllegalArgumentException test = assertThrows(IllegalArgumentException.class,
                () -> TaskFinetuning.builder(encoderDir, tasks.get(0)).optEvaluationSplit(Split.TEST).build());
        assertEquals("target finetuning: optEvaluationSplit(TEST): task pairs has no TEST units to score; give it that"
                + " split, or score VALIDATION", test.getMessage());
        assertEquals("encoderFolder", assertThrows(NullPointerException.class,
                () -> TaskFinetuning.builder(null, tasks.get(0))).getMessage());
        assertEquals("seeds", assertThrows(NullPointerException.class,
                () -> TaskFinetuning.builder(encoderDir, tasks.get(0)).optSeeds(null)).getMessage());
        assertEquals("seeds[1]", assertThrows(NullPointerException.class,
                () -> TaskFinetuning.builder(encoderDir, tasks.get(0)).optSeeds(Arrays.asList(1L, null))).getMessage());
        assertEquals("manager", assertThrows(NullPointerException.class,
                () -> TaskFinetuning.builder(encoderDir, tasks.get(0)).build().run(null)).getMessage());
    }

    @Test
    void logitsOfAnotherWidthAreRefusedNotScored() {
        // 4 validation pairs, 2 labels: a width of 1 scored 50 % reading one logit of two, a width
        // of 3 failed with the label list's IndexOutOfBoundsException
        FeaturizedTask pairs = tasks.get(0);
        assertEquals(4, pairs.features().get(Split.VALIDATION).size());
        for (int width : new int[] {-1, 0, 1, 3}) {
            float[] row = new float[Math.max(width, 1)];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> pairs.score(Split.VALIDATION, java.util.Collections.nCopies(4, row), width), "width " + width);
            assertEquals("scorer: task pairs: logits must be 2 wide, as its head predicts text-pair labels, found width "
                    + width, e.getMessage());
        }
        IllegalArgumentException shortRow = assertThrows(IllegalArgumentException.class,
                () -> pairs.score(Split.VALIDATION, java.util.Collections.nCopies(4, new float[] {1f}), 2));
        assertEquals("scorer: task pairs: logits entry 0 holds 1 values, not a positive multiple of the width 2",
                shortRow.getMessage());
        NullPointerException nullRow = assertThrows(NullPointerException.class,
                () -> pairs.score(Split.VALIDATION, Arrays.asList(new float[2], null, new float[2], new float[2]), 2));
        assertEquals("scorer: task pairs: logits entry 1 is null", nullRow.getMessage());
        assertEquals("split", assertThrows(NullPointerException.class,
                () -> pairs.score(null, List.of(), 2)).getMessage());
        assertEquals("logits", assertThrows(NullPointerException.class,
                () -> pairs.score(Split.VALIDATION, null, 2)).getMessage());
        // hand-computed: label 1 ("yes") wins in every row; the 4 validation pairs are yes, no, yes, no
        assertEquals(50.0, pairs.score(Split.VALIDATION, java.util.Collections.nCopies(4, new float[] {0f, 1f}), 2)
                .percent());
    }

    @Test
    void nullArgumentsAreNamedAtTheCall() {
        assertEquals("encoder", assertThrows(NullPointerException.class,
                () -> MultiHeadModel.builder().setEncoder((TransformerEncoder) null)).getMessage());
        assertEquals("encoder", assertThrows(NullPointerException.class,
                () -> MultiHeadModel.builder().setEncoder(null, 32)).getMessage());
        assertEquals("tasks", assertThrows(NullPointerException.class,
                () -> TaskRegistry.builder().registerAll(null)).getMessage());
        TaskRegistry registry = TaskRegistry.builder().register(classifier).build();
        assertEquals("name", assertThrows(NullPointerException.class, () -> registry.task(null)).getMessage());
        assertEquals("name", assertThrows(NullPointerException.class, () -> registry.find(null)).getMessage());
        assertEquals("combination", assertThrows(NullPointerException.class,
                () -> registry.tasks((GroupCombination) null)).getMessage());
        assertEquals("groups", assertThrows(NullPointerException.class,
                () -> TaskRegistry.combinations(null)).getMessage());
        assertEquals("dataRoot", assertThrows(NullPointerException.class, () -> registry.availability(null)).getMessage());
        assertEquals("dataRoot", assertThrows(NullPointerException.class, () -> registry.available(null)).getMessage());
        assertEquals("trainer", assertThrows(NullPointerException.class,
                () -> TaskScorer.score((Trainer) null, tasks.get(0), Split.VALIDATION)).getMessage());
        assertEquals("task", assertThrows(NullPointerException.class,
                () -> TaskScorer.score(null, Split.VALIDATION, null)).getMessage());
        assertEquals("trainer", assertThrows(NullPointerException.class,
                () -> TaskScorer.scoreAll(null, tasks)).getMessage());
        assertEquals("labels[1]", assertThrows(NullPointerException.class,
                () -> Task.builder().optLabels(Arrays.asList("no", null))).getMessage());
        assertEquals("labels[0]", assertThrows(NullPointerException.class, () -> InMemoryTasks.task("t", TaskGroup.C,
                TaskFormat.SINGLE_TEXT, MetricType.ACCURACY, Arrays.asList((String) null))).getMessage());
        assertEquals("devices[1]", assertThrows(NullPointerException.class,
                () -> Trainer.builder().optDevices(Arrays.asList(ai.djl.Device.cpu(), null))).getMessage());
    }

    @Test
    void taskSetAndBatchIndicesAreCheckedWhereTheyAreGiven() {
        // a units array shorter than the tasks' was padded with unit 0, without a word
        FeatureBatchSource source = FeatureBatchSource.of(tasks);
        IllegalArgumentException shorter = assertThrows(IllegalArgumentException.class,
                () -> source.assemble(Split.TRAIN, new int[] {0, 0}, new int[] {1}));
        assertEquals("batch: one task index per unit, found 2 task indices and 1 units", shorter.getMessage());
        // past the split's 8 training units: an ArrayIndexOutOfBoundsException inside the features
        IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
                () -> source.assemble(Split.TRAIN, new int[] {0}, new int[] {8}));
        assertEquals("batch: entry 0: unit 8 of task pairs is out of range [0, 8) of its TRAIN split", past.getMessage());
        IllegalArgumentException task = assertThrows(IllegalArgumentException.class,
                () -> source.assemble(Split.TRAIN, new int[] {1}, new int[] {0}));
        assertEquals("batch: entry 0: task 1 is out of range [0, 1) of [pairs]", task.getMessage());
        assertEquals("units", assertThrows(NullPointerException.class,
                () -> source.assemble(Split.TRAIN, new int[] {0}, null)).getMessage());
        assertEquals(1, source.assemble(Split.TRAIN, new int[] {0}, new int[] {7}).slices().size());
        // the task set: sizes of no split were zeros, as of an absent one
        assertEquals("split", assertThrows(NullPointerException.class, () -> tasks.sizes(null)).getMessage());
        assertEquals("name", assertThrows(NullPointerException.class, () -> tasks.indexOf(null)).getMessage());
        assertEquals("task set: task -1 is out of range [0, 1) of [pairs]",
                assertThrows(IndexOutOfBoundsException.class, () -> tasks.get(-1)).getMessage());
    }

    @Test
    void inMemoryDataIsCheckedWhereItIsGiven() {
        // a tagger's sentence given to a pair classifier: a ClassCastException from deep in label learning
        List<Example> mixed = new ArrayList<>(texts);
        mixed.add(new TokenExample("s0", List.of("the", "cat"), List.of("O", "O")));
        Task learning = InMemoryTasks.task("learns", TaskGroup.C, TaskFormat.TEXT_PAIR, MetricType.ACCURACY, List.of());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> InMemoryTasks.data(learning, mixed, texts, List.of()));
        assertEquals("task learns: TRAIN example 8 (s0) is a TokenExample, format SequenceClassification[pair=true]"
                + " needs TextExample", type.getMessage());
        IllegalArgumentException validation = assertThrows(IllegalArgumentException.class,
                () -> InMemoryTasks.data(classifier, texts, mixed, List.of()));
        assertNamed(validation, "task pairs: VALIDATION example 8 (s0) is a TokenExample");
        NullPointerException element = assertThrows(NullPointerException.class,
                () -> InMemoryTasks.data(classifier, texts, Arrays.asList(texts.get(0), null), List.of()));
        assertEquals("task pairs: VALIDATION example 1 is null", element.getMessage());
        assertEquals("task", assertThrows(NullPointerException.class,
                () -> InMemoryTasks.data(null, texts, texts, List.of())).getMessage());
        assertEquals("train", assertThrows(NullPointerException.class,
                () -> InMemoryTasks.data(classifier, null, texts, List.of())).getMessage());
        assertEquals("validation", assertThrows(NullPointerException.class,
                () -> InMemoryTasks.data(classifier, texts, null, List.of())).getMessage());
        assertEquals("test", assertThrows(NullPointerException.class,
                () -> InMemoryTasks.data(classifier, texts, texts, null)).getMessage());
    }
}
