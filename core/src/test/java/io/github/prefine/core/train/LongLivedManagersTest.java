package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.core.model.TestHeads;
import io.github.prefine.core.precision.LossScaler;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.LiveArrays;
import io.github.prefine.heads.HeadFamily;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Long-lived managers hold as many arrays after step N as after step 2 of the real training,
 * evaluation and finetuning paths: the model's manager and, under it, the optimiser's moments, the
 * trainer's state and the step managers (all under the run's root manager), and every base manager
 * of the engine. An array a step leaves in one of them is native memory that grows for the whole
 * run, as a head stack's concatenated weights did in the parameters' manager.
 *
 * <p>The engine's count is compared within the second epoch, once the first has made the
 * process-wide constants ({@code EngineScalars}: one 0-d array per device, type and value, such
 * as a batch's example count) that a smaller last batch or the first validation pass adds once.
 */
class LongLivedManagersTest {
    /** Two tasks of each kind that stacks, so that most batches run head stacks; and a choice task. */
    private static final TestHeads.Kind[] KINDS = {TestHeads.Kind.TOKEN, TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE,
            TestHeads.Kind.SEQUENCE, TestHeads.Kind.SPAN, TestHeads.Kind.SPAN, TestHeads.Kind.CHOICE};


    /** A model with the production heads, which stack where a batch holds several of one kind. */
    private static MultiHeadModel model(NDManager root, SyntheticTasks tasks) {
        return tasks.model(root, 0.1f, tasks::head);
    }

    /** Counts the arrays under the run's root and under the engine after every logged step. */
    private static final class Counts implements TrainingListener {
        private final NDManager root;
        private final List<String> steps = new ArrayList<>();
        private final List<LiveArrays> underRoot = new ArrayList<>();
        private final List<LiveArrays> underEngine = new ArrayList<>();
        private final List<Integer> epochs = new ArrayList<>();

        Counts(NDManager root) {
            this.root = root;
        }

        @Override
        public void onSteps(StepReport r) {
            steps.add("epoch " + (r.epoch() + 1) + " step " + r.stepInEpoch());
            underRoot.add(LiveArrays.of(root));
            underEngine.add(LiveArrays.engineWide(root));
        }

        @Override
        public void onEpoch(EpochReport r) {
            epochs.add(root.getManagedArrays().size());
        }

        /**
         * Asserts that the counts under the root after step 2 and after the last step of each
         * epoch, and under the engine after step 2 and the last step of the last epoch, agree.
         */
        void assertSteady(String what) {
            List<Integer> firsts = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                if (steps.get(i).endsWith(" step 1")) {
                    firsts.add(i);
                }
            }
            firsts.add(steps.size());
            assertTrue(firsts.get(0) == 0 && firsts.size() >= 2, what + ": no steps logged: " + steps);
            for (int e = 0; e + 1 < firsts.size(); e++) {
                int second = firsts.get(e) + 1;
                int last = firsts.get(e + 1) - 1;
                assertTrue(last > second, what + ": too few steps in an epoch to compare: " + steps);
                assertEquals(underRoot.get(second).size(), underRoot.get(last).size(), () -> what + ": arrays under the run's"
                        + " root after " + steps.get(second) + " and " + steps.get(last) + "; "
                        + underRoot.get(second).addedBy(underRoot.get(last)));
            }
            int second = firsts.get(firsts.size() - 2) + 1;
            int last = steps.size() - 1;
            assertEquals(underEngine.get(second).size(), underEngine.get(last).size(), () -> what + ": arrays under the"
                    + " engine after " + steps.get(second) + " and " + steps.get(last) + "; "
                    + underEngine.get(second).addedBy(underEngine.get(last)));
            for (int e = 1; e < epochs.size(); e++) {
                assertEquals(epochs.get(0), epochs.get(e), what + ": arrays under the run's root after epochs 1 and "
                        + (e + 1) + " (validation, best weights and checkpoint included)");
            }
        }
    }

    private static Trainer.Builder trainer(MultiHeadModel model, SyntheticTasks tasks, Counts counts) {
        return Trainer.builder().setModel(model).setData(tasks).optBatchSize(8).optLogEvery(1).optPatience(5)
                .optLearningRate(1e-3).addListener(counts);
    }

    /*
     * The model's own forward (the caller's loop, and float32 evaluation) reads the parameters'
     * arrays themselves, not a step's copies: a head stack's concatenated weights went to their
     * manager, the model's, two arrays per stacked layer per forward.
     */
    @Test
    void stackedForwardsAndBackwardsOnTheModelsOwnParametersKeepItsManager() {
        SyntheticTasks tasks = new SyntheticTasks(5, 6, 4, KINDS);
        int[] batchTasks = {0, 1, 2, 3, 4, 5, 6, 0, 2, 4};
        int[] examples = {0, 0, 0, 0, 0, 0, 0, 1, 1, 1};
        try (NDManager root = NDManager.newBaseManager(); MultiHeadModel model = model(root, tasks)) {
            for (NamedParameter p : model.parameters()) {
                p.parameter().getArray().setRequiresGradient(true);
            }
            List<LiveArrays> after = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                boolean training = i % 2 == 0;
                try (NDManager sm = root.newSubManager();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    MultiHeadModel.Output out = model.forward(sm, tasks.assemble(Split.TRAIN, batchTasks, examples),
                            training);
                    if (training) {
                        gc.backward(out.meanLoss());
                    }
                }
                after.add(LiveArrays.of(model.getManager()));
            }
            assertEquals(after.get(1).size(), after.get(3).size(), () -> "arrays in the model's manager after forwards 2"
                    + " and 4; " + after.get(1).addedBy(after.get(3)));
        }
    }

    /*
     * Multi-task steps with stacked heads, two micro-batches per step and the default clipping in
     * each precision; each epoch's validation pass, best-weight snapshot and checkpoint; then
     * predictions and validation losses after the run, and closing the trainer.
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void stackedMultiTaskStepsEvaluationAndCheckpointsKeepTheCounts(Precision precision, @TempDir Path tmp)
            throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(5, 6, 4, KINDS);
        try (NDManager root = NDManager.newBaseManager(); MultiHeadModel model = model(root, tasks)) {
            int before = root.getManagedArrays().size();
            Counts counts = new Counts(root);
            try (Trainer trainer = trainer(model, tasks, counts).optGradientAccumulation(2).optMaxEpochs(2)
                    .optPrecision(precision).optCheckpointDir(tmp.resolve("run")).build()) {
                trainer.fit();
                counts.assertSteady(precision.toString());
                assertEquals(2, counts.epochs.size());
                // the last epoch's passes made every constant these need
                LiveArrays afterFit = LiveArrays.engineWide(root);
                for (int round = 0; round < 2; round++) {
                    for (int t = 0; t < tasks.numTasks(); t++) {
                        trainer.predict(t, Split.VALIDATION);
                    }
                    trainer.validationLosses();
                }
                assertEquals(afterFit.size(), afterFit.now(), () -> precision + ": predictions and validation losses; "
                        + afterFit.added());
            }
            assertEquals(before, root.getManagedArrays().size(), precision + ": left by the trainer");
        }
    }

    /*
     * Two replicas on the host device: the second replica's parameters live for the run in a
     * manager of their own, and its gradients join the first's every step (float32 only: the
     * mixed precisions run on one device).
     */
    @Test
    void stepsOnTwoReplicasKeepTheCounts() throws Exception {
        Precision precision = Precision.FLOAT32;
        SyntheticTasks tasks = new SyntheticTasks(5, 6, 4, KINDS);
        try (NDManager root = NDManager.newBaseManager(); MultiHeadModel model = model(root, tasks)) {
            int before = root.getManagedArrays().size();
            Counts counts = new Counts(root);
            try (Trainer trainer = trainer(model, tasks, counts).optMaxEpochs(2).optPrecision(precision)
                    .optDevices(List.of(root.getDevice(), root.getDevice())).build()) {
                trainer.fit();
                counts.assertSteady(precision + " on two replicas");
            }
            assertEquals(before, root.getManagedArrays().size(), precision + ": left by the trainer");
        }
    }

    /*
     * Float16 steps whose scale overflows every other step (growth after each clean step from
     * 2^20): skipped and clean steps alternate, with the scaler's update, the zeroed gradients and
     * the skipped optimiser step.
     */
    @Test
    void overflowingAndCleanFloat16StepsKeepTheCounts(@TempDir Path tmp) throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(7, 6, 4, KINDS);
        try (NDManager root = NDManager.newBaseManager(); MultiHeadModel model = model(root, tasks)) {
            Counts counts = new Counts(root);
            try (Trainer trainer = trainer(model, tasks, counts).optMaxEpochs(2).optPrecision(Precision.FP16_MIXED)
                    .optLossScaler(LossScaler.builder().optInitialScale(1 << 24).optGrowthInterval(1)).build()) {
                FitResult r = trainer.fit();
                assertTrue(r.skippedSteps() > 2 && r.skippedSteps() < r.globalSteps() - 2,
                        "wanted skipped and clean steps, got " + r.skippedSteps() + " of " + r.globalSteps() + " skipped");
                counts.assertSteady("float16 with overflows");
            }
        }
    }

    /*
     * A learning-rate sweep (a trainer per rate on one model, as the grid runs it), each trial
     * with early stopping at patience 1; the trials after the first leave the counts as they were.
     */
    @Test
    void sweepTrialsWithEarlyStoppingLeaveTheCountsAsTheyWere() throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(9, 6, 4, KINDS);
        try (NDManager root = NDManager.newBaseManager(); MultiHeadModel model = model(root, tasks)) {
            List<LiveArrays> afterTrial = new ArrayList<>();
            LearningRateSweep.byValidationLoss(List.of(1e-2, 3e-2, 1e-1), lr -> {
                FitResult r;
                try (Trainer trainer = Trainer.builder().setModel(model).setData(tasks).optBatchSize(16).optMaxEpochs(2)
                        .optPatience(1).optLearningRate(lr).build()) {
                    r = trainer.fit();
                }
                afterTrial.add(LiveArrays.engineWide(root));
                return r;
            });
            assertEquals(3, afterTrial.size());
            assertEquals(afterTrial.get(1).size(), afterTrial.get(2).size(), () -> "arrays under the engine after trials 2"
                    + " and 3; " + afterTrial.get(1).addedBy(afterTrial.get(2)));
        }
    }

    /*
     * A run stopped after one epoch and resumed from its checkpoint (weights, moments, best
     * weights, sampler and scaler state read back) steps as a fresh one does.
     */
    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"FLOAT32", "FP16_MIXED"})
    void aResumedRunKeepsTheCounts(Precision precision, @TempDir Path tmp) throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(11, 6, 4, KINDS);
        try (NDManager root = NDManager.newBaseManager(); MultiHeadModel model = model(root, tasks)) {
            int before = root.getManagedArrays().size();
            Path ckpt = tmp.resolve("run");
            // stopped by its listener once epoch 1 is checkpointed, as a killed run would be
            try (Trainer first = trainer(model, tasks, new Counts(root)).optMaxEpochs(3).optPrecision(precision)
                    .optCheckpointDir(ckpt).addListener(new TrainingListener() {
                        @Override
                        public void onCheckpoint(Path dir, int epochsDone) {
                            throw new IllegalStateException("stopped after epoch " + epochsDone);
                        }
                    }).build()) {
                IllegalStateException e = assertThrows(IllegalStateException.class, first::fit);
                assertEquals("stopped after epoch 1", e.getMessage());
            }
            assertEquals(before, root.getManagedArrays().size(), precision + ": left by the first trainer");
            Counts counts = new Counts(root);
            try (Trainer resumed = trainer(model, tasks, counts).optMaxEpochs(3).optPrecision(precision)
                    .optCheckpointDir(ckpt).build()) {
                resumed.fit();
                assertTrue(counts.steps.get(0).startsWith("epoch 2 "), "did not resume: " + counts.steps);
                counts.assertSteady(precision + " resumed");
            }
            assertEquals(before, root.getManagedArrays().size(), precision + ": left by the resumed trainer");
        }
    }

    /*
     * Finetuning a target: each seed builds a model with a fresh head under the caller's manager,
     * trains, predicts and closes it; seeds after the first leave the caller's manager and the
     * engine as they were.
     */
    @Test
    void finetuningSeedsWithFreshHeadsLeaveTheCountsAsTheyWere() throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(13, 24, 8, TestHeads.Kind.SEQUENCE);
        TargetFinetuning finetuning = TargetFinetuning.builder().setEncoder(m -> SyntheticTasks.encoder(m, 3, 0.1f), 16)
                .setHead(seed -> TaskFormat.SINGLE_TEXT.newHead(2, HeadFamily.BERT, seed)).setData(tasks)
                .setMetric(p -> p.logits().size())
                .optTrainer(t -> t.optBatchSize(8).optLearningRate(1e-3).optMaxEpochs(2).optPatience(1)).build();
        try (NDManager root = NDManager.newBaseManager()) {
            int before = root.getManagedArrays().size();
            List<LiveArrays> afterSeed = new ArrayList<>();
            for (long seed = 1; seed <= 3; seed++) {
                finetuning.runSeed(root, seed);
                assertEquals(before, root.getManagedArrays().size(), "arrays left in the caller's manager by seed " + seed);
                afterSeed.add(LiveArrays.engineWide(root));
            }
            assertEquals(afterSeed.get(1).size(), afterSeed.get(2).size(), () -> "arrays under the engine after seeds 2"
                    + " and 3; " + afterSeed.get(1).addedBy(afterSeed.get(2)));
        }
    }
}
