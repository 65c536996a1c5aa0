package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.core.task.Split;
import io.github.prefine.sampling.HeterogeneousSampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's lifecycle and its ties to the model and the sampler, as a library user meets them:
 * the fixture BERT encoder and the two in-memory tasks of {@link TrainerContractTest} (a tagger
 * with 12 training sentences, a pair classifier with 10).
 */
class TrainerLifecycleTest {
    @BeforeAll
    static void featurize() throws Exception {
        TrainerContractTest.featurize();
    }

    private static Trainer.Builder trainer(MultiHeadModel model) {
        return Trainer.builder().setModel(model).setData(FeatureBatchSource.of(TrainerContractTest.tasks)).optBatchSize(4)
                .optLearningRate(1e-2).optMaxEpochs(1);
    }

    private static float[] firstEncoderWeight(MultiHeadModel model) {
        return model.encoderParameters().get(0).parameter().getArray().toFloatArray();
    }

    @Test
    void aSecondOpenTrainerOnOneModelIsRefusedUntilTheFirstCloses() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = TrainerContractTest.model(manager)) {
            int parameters = model.getManager().getManagedArrays().size();
            try (Trainer first = trainer(model).build()) {
                // the second took the parameters from the first: the first's fit then changed
                // nothing the model reads, and a copy of every parameter stayed after both closed
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainer(model).build());
                assertTrue(e.getMessage().contains("still held by another open Trainer"), e.getMessage());
                float[] before = firstEncoderWeight(model);
                first.fit();
                assertFalse(Arrays.equals(before, firstEncoderWeight(model)), "the first trainer trains the model");
            }
            assertEquals(parameters, model.getManager().getManagedArrays().size());
            // once the first is closed, the model trains again
            try (Trainer second = trainer(model).build()) {
                float[] before = firstEncoderWeight(model);
                second.fit();
                assertFalse(Arrays.equals(before, firstEncoderWeight(model)));
            }
            assertEquals(parameters, model.getManager().getManagedArrays().size());
        }
    }

    @Test
    void closingTheModelFirstLeavesTheTrainerClosableAndRefusingWork() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            MultiHeadModel model = TrainerContractTest.model(manager);
            Trainer trainer = trainer(model).build();
            model.close();
            // fit failed inside DJL ("NDManager has been closed already") and close() threw
            // "Native resource has been released already" while copying the parameters back
            IllegalStateException e = assertThrows(IllegalStateException.class, trainer::fit);
            assertTrue(e.getMessage().startsWith("trainer: its model is closed"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> trainer.predict(0, Split.VALIDATION));
            trainer.close();
            trainer.close();
            // a closed model cannot be given to a new trainer either
            IllegalStateException build = assertThrows(IllegalStateException.class, () -> trainer(model).build());
            assertEquals("trainer: the model is closed (or the manager given to its builder is)", build.getMessage());
        }
        // the same when the manager under the model is closed instead of the model
        NDManager manager = NDManager.newBaseManager();
        MultiHeadModel model = TrainerContractTest.model(manager);
        Trainer trainer = trainer(model).build();
        manager.close();
        assertThrows(IllegalStateException.class, trainer::fit);
        trainer.close();
        model.close();
    }

    @Test
    void aSamplerOverOtherTaskSizesIsRefusedAtBuild() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = TrainerContractTest.model(manager)) {
            int parameters = model.getManager().getManagedArrays().size();
            // the data has 12 and 10 training units; these failed in the first step with an
            // ArrayIndexOutOfBoundsException from TrainingStep or TokenRows
            for (int[] sizes : List.of(new int[] {12, 10, 5}, new int[] {100, 100}, new int[] {10, 12})) {
                HeterogeneousBatchSampler sampler = new HeterogeneousBatchSampler(
                        HeterogeneousSampler.builder().setTaskSizes(sizes).setBatchSize(4).build());
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> trainer(model).optSampler(sampler).build());
                assertTrue(e.getMessage().contains(Arrays.toString(sizes)) && e.getMessage().contains("[12, 10]"),
                        e.getMessage());
            }
            assertEquals(parameters, model.getManager().getManagedArrays().size());
            // a sampler over the data's sizes (or fewer units of each task) trains
            try (Trainer t = trainer(model).optSampler(new HeterogeneousBatchSampler(HeterogeneousSampler.builder()
                    .setTaskSizes(12, 8).setBatchSize(4).build())).build()) {
                assertEquals(1, t.fit().epochs().size());
            }
        }
    }

    @Test
    void aSamplerThatATrainerHasDrivenIsRefusedByTheNextTrainer() throws Exception {
        HeterogeneousSampler settings = HeterogeneousSampler.builder().setTaskSizes(12, 10).setBatchSize(4).optSeed(3).build();
        HeterogeneousBatchSampler used = new HeterogeneousBatchSampler(settings);
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = TrainerContractTest.model(manager)) {
            try (Trainer t = trainer(model).optSampler(used).build()) {
                t.fit();
            }
            // fit() left it after its epoch: a second trainer (the next seed of a loop) would draw the
            // batches of epoch 2 where a fresh sampler of the same settings draws epoch 1's
            assertFalse(Arrays.equals(new HeterogeneousBatchSampler(settings).saveState(), used.saveState()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> trainer(model).optSampler(used).build());
            assertEquals("trainer: the sampler given with optSampler was advanced by another trainer's fit(), so this"
                    + " trainer would start from a later epoch's batches than its seed gives; give each trainer a"
                    + " sampler of its own", e.getMessage());
            // a sampler that no fit() has drawn from may go to another trainer
            HeterogeneousBatchSampler unused = new HeterogeneousBatchSampler(settings);
            trainer(model).optSampler(unused).build().close();
            try (Trainer t = trainer(model).optSampler(unused).build()) {
                assertEquals(1, t.fit().epochs().size());
            }
        }
    }

    @Test
    void aRunResumedFromItsFinalCheckpointReportsItsRestoredEpochsThoughItTrainsNone(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        List<String> heard = new java.util.ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onResume(int epochsDone) {
                heard.add("resume " + epochsDone);
            }

            @Override
            public void onSteps(StepReport r) {
                heard.add("steps");
            }
        };
        try (NDManager manager = NDManager.newBaseManager(); MultiHeadModel model = TrainerContractTest.model(manager)) {
            // a fresh run restores nothing and says so by silence
            try (Trainer t = trainer(model).optMaxEpochs(2).optCheckpointDir(run).addListener(listener).build()) {
                assertEquals(2, t.fit().epochs().size());
            }
            assertTrue(heard.stream().noneMatch(h -> h.startsWith("resume")), heard.toString());
            heard.clear();
            // killed after the final checkpoint (during the caller's prediction or save): the restart
            // trains no epoch, gives no step report, and tells of the 2 epochs restored
            try (Trainer t = trainer(model).optMaxEpochs(2).optCheckpointDir(run).addListener(listener).build()) {
                t.fit();
            }
            assertEquals(List.of("resume 2"), heard);
        }
    }

    @Test
    void aFitWhoseCheckpointCannotBeRestoredLeavesItsSamplerToTheNextTrainer(@TempDir Path tmp) throws Exception {
        HeterogeneousSampler settings = HeterogeneousSampler.builder().setTaskSizes(12, 10).setBatchSize(4).optSeed(3).build();
        HeterogeneousBatchSampler shared = new HeterogeneousBatchSampler(settings);
        Path run = tmp.resolve("run");
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel writer = TrainerContractTest.model(manager);
                MultiHeadModel model = TrainerContractTest.model(manager);
                MultiHeadModel fresh = TrainerContractTest.model(manager)) {
            // a run's checkpoint whose state.json was cut short, as by a full disk outside the store
            try (Trainer t = trainer(writer).optCheckpointDir(run).build()) {
                t.fit();
            }
            Path state = run.resolve(Files.readString(run.resolve("LATEST")).trim()).resolve("state.json");
            String whole = Files.readString(state);
            String cut = whole.substring(0, whole.length() / 2);
            Files.writeString(state, cut);
            long lastLine = cut.lines().count();
            float[] before = firstEncoderWeight(model);
            try (Trainer failing = trainer(model).optSampler(shared).optCheckpointDir(run).optMaxEpochs(2).build()) {
                IOException e = assertThrows(IOException.class, failing::fit);
                // the file, the line where its text broke off, and what to do
                assertTrue(e.getMessage().startsWith(state + ": expected a training state (JSON), found '")
                        && e.getMessage().contains("' at line " + lastLine + " column ")
                        && e.getMessage().endsWith("; this checkpoint cannot be resumed, and nothing was restored:"
                                + " empty the checkpoint folder " + state.getParent().getParent() + ", or give the"
                                + " trainer another one, to start the run afresh"), e.getMessage());
            }
            // nothing was drawn or restored: the sampler and the model are as they were built
            assertArrayEquals(new HeterogeneousBatchSampler(settings).saveState(), shared.saveState());
            assertArrayEquals(before, firstEncoderWeight(model));
            // without the damaged checkpoint, a new trainer takes the same sampler (it was refused as
            // "advanced by another trainer's fit()") and trains as a fresh sampler of its seed does
            try (Stream<Path> files = Files.walk(run)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
            FitResult retried;
            try (Trainer retry = trainer(model).optSampler(shared).optCheckpointDir(run).optMaxEpochs(2).build()) {
                retried = retry.fit();
            }
            HeterogeneousBatchSampler own = new HeterogeneousBatchSampler(settings);
            FitResult expected;
            try (Trainer t = trainer(fresh).optSampler(own).optMaxEpochs(2).build()) {
                expected = t.fit();
            }
            assertEquals(2, retried.epochs().size());
            for (int e = 0; e < 2; e++) {
                // Double.equals: bit for bit
                assertEquals(expected.epochs().get(e).validationLosses(), retried.epochs().get(e).validationLosses());
            }
            assertArrayEquals(firstEncoderWeight(fresh), firstEncoderWeight(model));
            assertArrayEquals(own.saveState(), shared.saveState());
        }
    }

    @Test
    void aSecondTrainerOverAModelAnotherTrainerHoldsIsRefusedInTheUsersTerms() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = TrainerContractTest.model(manager);
                Trainer first = trainer(model).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainer(model).build());
            assertEquals("trainer: the model with heads [tags, pairs] is still held by another open Trainer (or"
                    + " TrainingStep), which trains its parameters in place; close that trainer first (close(), or"
                    + " the end of its try-with-resources block), then build this one", e.getMessage());
            // the message named the first parameter's key, which the user never gave
            for (NamedParameter p : model.parameters()) {
                assertFalse(e.getMessage().contains(p.key()), p.key());
            }
            // the same from a training step built over the model
            IllegalStateException s = assertThrows(IllegalStateException.class,
                    () -> TrainingStep.builder().setModel(model).setData(FeatureBatchSource.of(TrainerContractTest.tasks))
                            .build());
            assertTrue(s.getMessage().startsWith("training step: the model with heads [tags, pairs] is still held by"
                    + " another open Trainer"), s.getMessage());
        }
    }

    @Test
    void aSamplerGivenToTwoTrainersBeforeEitherFitIsRefusedByTheSecondFit() throws Exception {
        HeterogeneousSampler settings = HeterogeneousSampler.builder().setTaskSizes(12, 10).setBatchSize(4).optSeed(3).build();
        HeterogeneousBatchSampler shared = new HeterogeneousBatchSampler(settings);
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel a = TrainerContractTest.model(manager);
                MultiHeadModel b = TrainerContractTest.model(manager);
                // both built while no fit() had drawn from it, as in a loop that builds its trainers first
                Trainer first = trainer(a).optSampler(shared).build();
                Trainer second = trainer(b).optSampler(shared).build()) {
            first.fit();
            float[] before = firstEncoderWeight(b);
            // the second would train on epoch 2's batches where its seed gives epoch 1's
            IllegalStateException e = assertThrows(IllegalStateException.class, second::fit);
            assertEquals("trainer: the sampler given with optSampler was advanced by another trainer's fit(), so this"
                    + " trainer would start from a later epoch's batches than its seed gives; give each trainer a"
                    + " sampler of its own", e.getMessage());
            assertTrue(Arrays.equals(before, firstEncoderWeight(b)), "refused before any step");
        }
    }

    /** A sampler that declares {@code declared} batches an epoch and plans {@code plan} every epoch. */
    private static BatchSampler planning(int declared, SampledBatch... plan) {
        return new BatchSampler() {
            @Override
            public int batchesPerEpoch() {
                return declared;
            }

            @Override
            public List<SampledBatch> nextEpoch() {
                return List.of(plan);
            }

            @Override
            public byte[] saveState() {
                return new byte[0];
            }

            @Override
            public void restoreState(byte[] state) {}
        };
    }

    @Test
    void anotherSamplersOutOfRangeDrawIsNamedBeforeAnyStep() throws Exception {
        BatchSampler outOfRange = planning(2, new SampledBatch(new int[] {0, 1}, new int[] {0, 1}),
                new SampledBatch(new int[] {0, 1}, new int[] {3, 10}));
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = TrainerContractTest.model(manager);
                Trainer trainer = trainer(model).optSampler(outOfRange).build()) {
            float[] before = firstEncoderWeight(model);
            IllegalStateException e = assertThrows(IllegalStateException.class, trainer::fit);
            assertEquals("trainer: the sampler's batch 1 of epoch 0 draws training unit 10 of task pairs, which has 10;"
                    + " build the sampler over the data's task sizes [12, 10]", e.getMessage());
            // refused before the first batch trained
            assertTrue(Arrays.equals(before, firstEncoderWeight(model)));
        }
    }

    /**
     * A sampler's {@code batchesPerEpoch()} sizes the learning-rate schedule (HF's
     * {@code num_training_steps}: epochs times the batches of an epoch), so an epoch planned with
     * more batches ran its last ones at a rate already decayed to 0, and one with fewer never
     * reached the end of the decay, without a word.
     */
    @Test
    void aSamplerThatPlansAnotherNumberOfBatchesThanItDeclaresIsNamedBeforeAnyStep() throws Exception {
        BatchSampler miscounted = planning(1, new SampledBatch(new int[] {0, 1}, new int[] {0, 1}),
                new SampledBatch(new int[] {0, 1}, new int[] {2, 3}));
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = TrainerContractTest.model(manager);
                Trainer trainer = trainer(model).optSampler(miscounted).build()) {
            float[] before = firstEncoderWeight(model);
            IllegalStateException e = assertThrows(IllegalStateException.class, trainer::fit);
            assertEquals("trainer: the sampler planned 2 batches for epoch 0, but its batchesPerEpoch() is 1, which"
                    + " sized the learning-rate schedule; a sampler must plan batchesPerEpoch() batches every epoch",
                    e.getMessage());
            assertTrue(Arrays.equals(before, firstEncoderWeight(model)));
        }
    }

    @Test
    void aClosedTrainerSaysToBuildANewOne() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = TrainerContractTest.model(manager)) {
            Trainer trainer = trainer(model).build();
            trainer.close();
            // "trainer: already closed" said nothing of what to do
            String expected = "trainer: this trainer is closed, which freed its optimiser state; build a new trainer"
                    + " over the model (with the same checkpoint folder to continue a run)";
            assertEquals(expected, assertThrows(IllegalStateException.class, trainer::fit).getMessage());
            assertEquals(expected, assertThrows(IllegalStateException.class, trainer::validationLosses).getMessage());
            // once closed, the model trains under a new trainer, as the message says
            try (Trainer next = trainer(model).build()) {
                assertEquals(1, next.fit().epochs().size());
            }
        }
    }

    @Test
    void theBuilderNamesTheSettersItRefuses() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = TrainerContractTest.model(manager)) {
            // "setModel and setData are required" did not say which was missing
            IllegalArgumentException noData = assertThrows(IllegalArgumentException.class,
                    () -> Trainer.builder().setModel(model).build());
            assertEquals("trainer: setData was not called; build() needs setModel and setData", noData.getMessage());
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> Trainer.builder().build());
            assertEquals("trainer: setModel and setData were not called; build() needs setModel and setData",
                    none.getMessage());
            // "batch sizes must be positive, found 4 and 0" did not say which was which
            IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                    () -> trainer(model).optEvalBatchSize(0).build());
            assertEquals("trainer: optBatchSize and optEvalBatchSize must be positive, found 4 and 0",
                    batch.getMessage());
        }
    }

    @Test
    void predictNamesATaskOutOfRangeAndOptDevicesNamesANull() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = TrainerContractTest.model(manager);
                Trainer trainer = trainer(model).build()) {
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                    () -> trainer.predict(2, Split.VALIDATION));
            assertEquals("trainer: task 2 is out of range [0, 2) of [tags, pairs]", e.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> trainer.predict(-1, Split.VALIDATION));
        }
        NullPointerException npe = assertThrows(NullPointerException.class, () -> Trainer.builder().optDevices(null));
        assertEquals("devices", npe.getMessage());
    }

    @Test
    void theDefaultsAreThoseTheBuilderDocuments() throws Exception {
        // optLearningRate: default 5e-5; optBatchSize: 128, so the 22 training units make one batch;
        // optMaxEpochs: 20, the linear decay's horizon (optScheduleEpochs 0 means maxEpochs);
        // optWarmupSteps: 0; optPrecision: FLOAT32 (no loss scaler)
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = TrainerContractTest.model(manager);
                Trainer trainer = Trainer.builder().setModel(model).setData(FeatureBatchSource.of(TrainerContractTest.tasks))
                        .build()) {
            assertEquals(new LinearSchedule(5e-5, 0, 20), trainer.schedule());
            assertTrue(trainer.lossScaler().isEmpty());
        }
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = TrainerContractTest.model(manager);
                Trainer trainer = Trainer.builder().setModel(model).setData(FeatureBatchSource.of(TrainerContractTest.tasks))
                        .optBatchSize(4).optLinearDecay(false).build()) {
            // 6 batches of 4 an epoch; without decay the rate stays at its peak
            assertEquals(new LinearSchedule(5e-5, 0, Long.MAX_VALUE), trainer.schedule());
        }
    }
}
