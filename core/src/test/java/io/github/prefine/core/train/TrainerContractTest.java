package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.precision.LossScaler;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.sampling.HeterogeneousSampler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer as a library user meets it, through the README's calls only: the fixture BERT
 * encoder and its tokenizer, two in-memory tasks (a tagger and a pair classifier).
 */
class TrainerContractTest {
    static Path encoderDir;
    static TaskSet tasks;

    @BeforeAll
    static void featurize() throws Exception {
        encoderDir = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        Task tagger = InMemoryTasks.task("tags", TaskGroup.SL, TaskFormat.TOKEN, MetricType.SPAN_F1,
                List.of("O", "B-X", "I-X"));
        List<TokenExample> sentences = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            sentences.add(new TokenExample("s" + i, List.of("the", "cat", "sat", "on"), List.of("O", "B-X", "I-X", "O")));
        }
        Task pairs = InMemoryTasks.task("pairs", TaskGroup.C, TaskFormat.TEXT_PAIR, MetricType.ACCURACY,
                List.of("no", "yes"));
        List<TextExample> texts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            texts.add(new TextExample("p" + i, "the cat", "a dog", i % 2 == 0 ? "yes" : "no"));
        }
        List<TaskData> data = List.of(InMemoryTasks.data(tagger, sentences, sentences.subList(0, 4), List.of()),
                InMemoryTasks.data(pairs, texts, texts.subList(0, 4), List.of()));
        try (SubwordTokenizer tokenizer = SubwordTokenizer.builder()
                .setTokenizerPath(encoderDir.resolve(EncoderCheckpoint.TOKENIZER_FILE)).build()) {
            tasks = TaskSet.featurize(data, tokenizer, FeatureSettings.paper());
        }
    }

    static MultiHeadModel model(NDManager manager) throws Exception {
        return MultiHeadModel.builder().setManager(manager).setEncoder(EncoderCheckpoint.load(encoderDir, manager).encoder())
                .addTasks(tasks).optHeadSeed(1).build();
    }

    @Test
    void aLossScalerIsRefusedUnderAPrecisionThatScalesNoLoss() throws Exception {
        // only FP16_MIXED scales the loss: under FLOAT32 or BF16_MIXED the scaler's settings were ignored
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = model(manager)) {
            for (Precision p : List.of(Precision.FLOAT32, Precision.BF16_MIXED)) {
                IllegalArgumentException trainer = assertThrows(IllegalArgumentException.class, () -> Trainer.builder()
                        .setModel(model).setData(FeatureBatchSource.of(tasks)).optPrecision(p)
                        .optLossScaler(LossScaler.builder().optInitialScale(256f)).build());
                assertEquals("trainer: a loss scaler applies to FP16_MIXED only, found precision " + p, trainer.getMessage());
                IllegalArgumentException step = assertThrows(IllegalArgumentException.class, () -> TrainingStep.builder()
                        .setModel(model).setData(FeatureBatchSource.of(tasks)).optPrecision(p)
                        .optLossScaler(LossScaler.builder().optInitialScale(256f)).build());
                assertEquals("training step: a loss scaler applies to FP16_MIXED only, found precision " + p,
                        step.getMessage());
            }
        }
    }

    @Test
    void aSecondFitIsRefusedAndLeavesTheWeights() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = model(manager);
                Trainer trainer = Trainer.builder().setModel(model).setData(FeatureBatchSource.of(tasks)).optBatchSize(4)
                        .optLearningRate(3e-3).optMaxEpochs(2).build()) {
            FitResult first = trainer.fit();
            assertEquals(2, first.epochs().size());
            float[] before = model.encoderParameters().get(0).parameter().getArray().toFloatArray();
            // "call fit() once per trainer": a second call would train on past the schedule's end
            // and report its epochs from 0 again
            IllegalStateException e = assertThrows(IllegalStateException.class, trainer::fit);
            assertTrue(e.getMessage().contains("fit"), e.getMessage());
            assertEquals(Arrays.toString(before),
                    Arrays.toString(model.encoderParameters().get(0).parameter().getArray().toFloatArray()));
        }
    }

    /** The tasks' features with the splits that {@code absent} names reported empty. */
    private static BatchSource without(java.util.function.BiPredicate<Integer, Split> absent) {
        return new ResizedSource(FeatureBatchSource.of(tasks), (task, split, n) -> absent.test(task, split) ? 0 : n);
    }

    @Test
    void aTaskWithoutTrainingExamplesIsNamedWhenTheDefaultSamplerCannotDrawFromIt() throws Exception {
        // BatchSource.size: "0 if the split is absent"; here the pair task's training split
        BatchSource noPairTraining = without((task, split) -> task == 1 && split == Split.TRAIN);
        BatchSource noTraining = without((task, split) -> split == Split.TRAIN);
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = model(manager)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Trainer.builder().setModel(model).setData(noPairTraining).build());
            assertTrue(e.getMessage().startsWith("trainer: ") && e.getMessage().contains("pairs"), e.getMessage());
            // no task with any: "no task has training examples" named neither the tasks nor what to give
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                    () -> Trainer.builder().setModel(model).setData(noTraining).build());
            assertEquals("trainer: no task of [tags, pairs] has training examples; give at least one task"
                    + " training examples", none.getMessage());
        }
    }

    @Test
    void dataWithoutAnyValidationExampleIsRefusedNotCutToPatienceEpochs() throws Exception {
        // BatchSource.size: "0 if the split is absent"; here every task's validation split
        BatchSource noValidation = without((task, split) -> split == Split.VALIDATION);
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = model(manager)) {
            // the class contract: stop when the average validation loss has not improved for patience
            // epochs, then restore the best epoch; without any validation loss every epoch scored NaN,
            // and a run of up to 8 epochs stopped after 2, "stopped early" with best epoch -1
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Trainer.builder().setModel(model).setData(noValidation).optBatchSize(4).optMaxEpochs(8)
                            .optPatience(2).build());
            assertEquals("trainer: no task of [tags, pairs] has validation examples; early stopping and the"
                    + " best-epoch restore need the average validation loss; give at least one task validation"
                    + " examples (its validation file, or SeededSplit.of to split its training examples)",
                    e.getMessage());
        }
    }

    @Test
    void warmUpIsHonouredOrRefusedNeverShortened() throws Exception {
        // 12 + 10 training examples at batch 4: 6 steps an epoch, so one epoch decays over 6 steps
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = model(manager)) {
            try (Trainer trainer = Trainer.builder().setModel(model).setData(FeatureBatchSource.of(tasks)).optBatchSize(4)
                    .optMaxEpochs(1).optLearningRate(1e-2).optWarmupSteps(6).build()) {
                assertEquals(new LinearSchedule(1e-2, 6, 6), trainer.schedule());
            }
            // 100 warm-up steps cannot fit in 6 (LinearSchedule: warmupSteps <= totalSteps); silently
            // warming up over 6 instead would reach the peak 16 times sooner than asked
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Trainer.builder().setModel(model).setData(FeatureBatchSource.of(tasks)).optBatchSize(4)
                            .optMaxEpochs(1).optLearningRate(1e-2).optWarmupSteps(100).build());
            assertTrue(e.getMessage().contains("warmupSteps 100") && e.getMessage().contains("6"), e.getMessage());
        }
    }

    @Test
    void predictRefusesANullSplitInsteadOfPredictingNothing() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = model(manager);
                Trainer trainer = Trainer.builder().setModel(model).setData(FeatureBatchSource.of(tasks)).build()) {
            assertEquals(4, trainer.predict(0, Split.VALIDATION).logits().size());
            assertThrows(NullPointerException.class, () -> trainer.predict(0, null));
        }
    }

    /** The settings of a run of 2 epochs that checkpoints into {@code dir}, over {@code model}. */
    private static Trainer.Builder checkpointed(MultiHeadModel model, Path dir) {
        return Trainer.builder().setModel(model).setData(FeatureBatchSource.of(tasks)).optBatchSize(4)
                .optLearningRate(3e-3).optMaxEpochs(2).optCheckpointDir(dir);
    }

    /** A run of 2 epochs with checkpoints, killed after its first checkpoint. */
    private static void killedAfterOneEpoch(Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = model(manager);
                Trainer trainer = checkpointed(model, dir).addListener(new TrainingListener() {
                    @Override
                    public void onCheckpoint(Path at, int epochs) {
                        throw new IllegalStateException("killed");
                    }
                }).build()) {
            assertThrows(IllegalStateException.class, trainer::fit);
        }
    }

    /** Fits a new trainer over a new model in the folder of {@link #killedAfterOneEpoch}, its settings changed. */
    private static FitResult resumed(Path dir, java.util.function.UnaryOperator<Trainer.Builder> change)
            throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = model(manager);
                Trainer trainer = change.apply(checkpointed(model, dir)).build()) {
            return trainer.fit();
        }
    }

    @Test
    void aHigherCapWhoseDecayFollowsItIsRefusedNamingTheHorizonThatResumes(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("ckpt");
        // 2 epochs of 6 batches (22 training units at batch 4): the decay ran to step 12, the cap's end
        killedAfterOneEpoch(dir);
        IOException e = assertThrows(IOException.class, () -> resumed(dir, b -> b.optMaxEpochs(3)));
        assertTrue(e.getMessage().contains("totalSteps=12") && e.getMessage().contains("totalSteps=18"), e.getMessage());
        assertTrue(e.getMessage().contains("its linear decay ran to its epoch cap of 2 epochs, and this trainer's"
                + " to its cap of 3; optScheduleEpochs(2) keeps the recorded decay under the new cap"), e.getMessage());
        // as the message says: the recorded decay under the higher cap resumes, and trains the third epoch
        assertEquals(3, resumed(dir, b -> b.optMaxEpochs(3).optScheduleEpochs(2)).epochs().size());
    }

    @Test
    void aCheckpointIsNotResumedUnderAnotherSchedule(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("ckpt");
        killedAfterOneEpoch(dir);
        // "a run killed at any point and restarted ends with the same weights ... as an uninterrupted
        // one": a restart whose rate decays over 10 epochs instead of 2 cannot keep that promise
        IOException e = assertThrows(IOException.class, () -> resumed(dir, b -> b.optScheduleEpochs(10)));
        assertTrue(e.getMessage().contains("schedule"), e.getMessage());
        // the cap is the same: no word of the horizon that follows it
        assertTrue(!e.getMessage().contains("optScheduleEpochs"), e.getMessage());
        // the same settings resume
        assertEquals(2, resumed(dir, b -> b).epochs().size());
    }

    @Test
    void evaluationPassesReportTheirProgressToListeners() throws Exception {
        // early stopping's validation loss and the scoring predictions are the long passes left
        // without a bar between two epochs; a listener hears each batch, from a start at 0
        List<String> heard = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onEvaluation(EvaluationProgress p) {
                assertTrue(p.elapsedSeconds() >= 0, p.toString());
                heard.add(p.pass() + " " + p.task() + " " + p.split() + " " + p.done() + "/" + p.total());
            }
        };
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = model(manager);
                Trainer trainer = Trainer.builder().setModel(model).setData(FeatureBatchSource.of(tasks)).optBatchSize(4)
                        .optEvalBatchSize(3).optMaxEpochs(1).addListener(listener).build()) {
            trainer.fit();
            // 4 validation sentences of one window each, then 4 pairs: batches of 3 end at 3, 4, 7 and 8
            assertEquals(List.of("VALIDATION_LOSS tags VALIDATION 0/8", "VALIDATION_LOSS tags VALIDATION 3/8",
                    "VALIDATION_LOSS tags VALIDATION 4/8", "VALIDATION_LOSS pairs VALIDATION 7/8",
                    "VALIDATION_LOSS pairs VALIDATION 8/8"), heard);
            heard.clear();
            trainer.predict(1, Split.VALIDATION);
            assertEquals(List.of("PREDICTION pairs VALIDATION 0/4", "PREDICTION pairs VALIDATION 3/4",
                    "PREDICTION pairs VALIDATION 4/4"), heard);
            heard.clear();
            // no test data: refused before any pass, so nothing to report
            assertThrows(IllegalArgumentException.class, () -> trainer.predict(1, Split.TEST));
            assertEquals(List.of(), heard);
        }
    }

    @Test
    void aRefusedBuildLeavesNothingInTheModelsManager() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = model(manager)) {
            int parameters = model.getManager().getManagedArrays().size();
            assertEquals(model.parameters().size(), parameters);
            // the optimiser's and the loss scaler's settings are checked when the trainer builds them;
            // there is no trainer to close afterwards, so nothing may stay behind (a copy of every
            // parameter did, per refused build)
            assertThrows(IllegalArgumentException.class, () -> Trainer.builder().setModel(model)
                    .setData(FeatureBatchSource.of(tasks)).optOptimizer(AdamW.builder().optBeta1(1.5f)).build());
            assertEquals(parameters, model.getManager().getManagedArrays().size());
            assertThrows(IllegalArgumentException.class, () -> Trainer.builder().setModel(model)
                    .setData(FeatureBatchSource.of(tasks)).optPrecision(Precision.FP16_MIXED)
                    .optLossScaler(LossScaler.builder().optInitialScale(-1f)).build());
            assertEquals(parameters, model.getManager().getManagedArrays().size());
            // a replica device that cannot be reached (no GPU here; on a GPU machine, one past the last)
            Device absent = Device.gpu(Engine.getInstance().getGpuCount());
            assertThrows(RuntimeException.class, () -> Trainer.builder().setModel(model)
                    .setData(FeatureBatchSource.of(tasks)).optDevices(List.of(model.getManager().getDevice(), absent))
                    .build());
            assertEquals(parameters, model.getManager().getManagedArrays().size());
            // and the model still trains
            try (Trainer trainer = Trainer.builder().setModel(model).setData(FeatureBatchSource.of(tasks)).optBatchSize(4)
                    .optMaxEpochs(1).build()) {
                trainer.fit();
            }
            assertEquals(parameters, model.getManager().getManagedArrays().size());
        }
    }

    @Test
    void aBatchSizeThatTheGivenSamplerWouldOverrideIsRefused() throws Exception {
        // optBatchSize sizes only the default sampler: beside a sampler of batches of 8, a 32 was dropped without a word
        HeterogeneousSampler.Builder eights = HeterogeneousSampler.builder().setBatchSize(8).optSeed(3);
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = model(manager)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder()
                    .setModel(model).setData(FeatureBatchSource.of(tasks))
                    .optSampler(HeterogeneousBatchSampler.of(tasks, eights.copy())).optBatchSize(32).build());
            assertEquals("trainer: optBatchSize(32) sizes only the default sampler, and the sampler given with"
                    + " optSampler draws batches of 8; leave optBatchSize out, or build the sampler with setBatchSize(32)",
                    e.getMessage());
            // the same size builds, and without optBatchSize the batches are the sampler's: the 12 + 10
            // training units make ceil(22 / 8) = 3 steps an epoch
            Trainer.builder().setModel(model).setData(FeatureBatchSource.of(tasks))
                    .optSampler(HeterogeneousBatchSampler.of(tasks, eights.copy())).optBatchSize(8).build().close();
            try (Trainer trainer = Trainer.builder().setModel(model).setData(FeatureBatchSource.of(tasks))
                    .optSampler(HeterogeneousBatchSampler.of(tasks, eights.copy())).optMaxEpochs(1).build()) {
                assertEquals(3, trainer.fit().globalSteps());
            }
        }
    }
}
