package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.model.TestHeads;
import io.github.prefine.core.model.TinyEncoder;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.ParameterManagers;
import io.github.prefine.heads.HeadFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainerTest {
    static final TestHeads.Kind[] THREE = {TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE, TestHeads.Kind.SPAN};

    static MultiHeadModel model(NDManager root, SyntheticTasks tasks, int initSeed, TaskHead... override) {
        Engine.getInstance().setRandomSeed(initSeed);
        MultiHeadModel.Builder b = MultiHeadModel.builder().setManager(root)
                .setEncoder(new TinyEncoder(SyntheticTasks.VOCAB, 16).init(root), 16);
        for (int t = 0; t < tasks.numTasks(); t++) {
            b.addHead(tasks.name(t), t < override.length ? override[t] : tasks.head(t));
        }
        return b.build();
    }

    @Test
    void preFinetuningOnThreeFormatsLowersEveryTasksValidationLoss() throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(21, 64, 32, THREE);
        List<StepReport> steps = new ArrayList<>();
        List<EpochReport> reports = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = model(root, tasks, 1);
                Trainer trainer = Trainer.builder().setModel(model).setData(tasks).optBatchSize(16)
                        .optLearningRate(1e-2).optMaxEpochs(5).optLogEvery(6)
                        .addListener(new TrainingListener() {
                            @Override
                            public void onSteps(StepReport r) {
                                steps.add(r);
                            }

                            @Override
                            public void onEpoch(EpochReport r) {
                                reports.add(r);
                            }
                        }).build()) {
            double[] before = trainer.validationLosses();
            FitResult r = trainer.fit();
            double[] after = trainer.validationLosses();
            for (int t = 0; t < 3; t++) {
                assertTrue(after[t] < 0.98 * before[t], "task " + t + ": " + before[t] + " -> " + after[t]);
            }
            // the model holds the best epoch's weights
            assertArrayEquals(r.bestValidationLosses().stream().mapToDouble(Double::doubleValue).toArray(), after, 1e-6);
            assertEquals(reports, r.epochs());
            int epochs = r.epochs().size();
            assertEquals(epochs * 2, steps.size(), "12 steps per epoch, reported at 6 and 12");
            assertEquals(12, steps.get(1).stepInEpoch());
            assertEquals(192, reports.get(0).trainExamples());
            assertEquals(epochs * 12L, r.globalSteps());
        }
    }

    /** Two tasks of each format: the production heads of a kind run stacked. */
    static final TestHeads.Kind[] SIX = {TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE, TestHeads.Kind.SPAN,
        TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE, TestHeads.Kind.SPAN};

    @Test
    void preFinetuningWithStackedHeadsLowersEveryTasksValidationLoss() throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(22, 48, 24, SIX);
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = model(root, tasks, 2);
                Trainer trainer = Trainer.builder().setModel(model).setData(tasks).optBatchSize(16)
                        .optLearningRate(1e-2).optMaxEpochs(5).build()) {
            double[] before = trainer.validationLosses();
            trainer.fit();
            double[] after = trainer.validationLosses();
            for (int t = 0; t < SIX.length; t++) {
                assertTrue(after[t] < 0.98 * before[t], "task " + t + ": " + before[t] + " -> " + after[t]);
            }
        }
    }

    @Test
    void aStepOfStackedHeadsLeavesTheAbsentTasksHeadsUntouched() throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(23, 12, 4, SIX);
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = model(root, tasks, 5);
                Trainer trainer = Trainer.builder().setModel(model).setData(tasks).optLearningRate(1e-2).build()) {
            float[][] before = new float[SIX.length][];
            for (int t = 0; t < SIX.length; t++) {
                before[t] = model.headParameters(t).get(0).parameter().getArray().toFloatArray();
            }
            // tasks 0 and 3, both token tasks: their heads stack; the four others are absent
            trainer.trainStep(new SampledBatch(new int[] {0, 3, 0, 3}, new int[] {0, 1, 2, 3}), 0);
            for (int t = 0; t < SIX.length; t++) {
                float[] now = model.headParameters(t).get(0).parameter().getArray().toFloatArray();
                if (t == 0 || t == 3) {
                    assertTrue(!java.util.Arrays.equals(before[t], now), "present task " + t + " trained");
                } else {
                    assertArrayEquals(before[t], now, 0f, "absent task " + t);
                }
            }
        }
    }

    private static float[][] fitAndRead(SyntheticTasks tasks, long trainerSeed) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = model(root, tasks, 8);
                Trainer trainer = Trainer.builder().setModel(model).setData(tasks).optBatchSize(8)
                        .optLearningRate(1e-2).optMaxEpochs(2).optSeed(trainerSeed).build()) {
            trainer.fit();
            List<NamedParameter> ps = model.parameters();
            float[][] out = new float[ps.size()][];
            for (int i = 0; i < ps.size(); i++) {
                out[i] = ps.get(i).parameter().getArray().toFloatArray();
            }
            return out;
        }
    }

    @Test
    void sameSeedGivesBitIdenticalWeightsAndAnotherSeedDoesNot() throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(27, 24, 8, THREE);
        float[][] a = fitAndRead(tasks, 11);
        float[][] b = fitAndRead(tasks, 11);
        float[][] c = fitAndRead(tasks, 12);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], "parameter " + i);
        }
        assertTrue(!java.util.Arrays.deepEquals(a, c), "another sampling seed must change the weights");
    }

    @Test
    void aFreshThreadTrainsToTheSameWeights() throws Exception {
        // PyTorch starts every thread recording gradients; DJL turns that off only where the engine loads
        SyntheticTasks tasks = new SyntheticTasks(27, 24, 8, THREE);
        float[][] here = fitAndRead(tasks, 11);
        java.util.concurrent.atomic.AtomicReference<Object> there = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                there.set(fitAndRead(tasks, 11));
            } catch (Throwable e) {
                there.set(e);
            }
        });
        t.start();
        t.join();
        if (there.get() instanceof Throwable e) {
            throw new AssertionError("training in a new thread failed", e);
        }
        float[][] other = (float[][]) there.get();
        for (int i = 0; i < here.length; i++) {
            assertArrayEquals(here[i], other[i], "parameter " + i);
        }
    }

    @Test
    void stopsWhenTheAverageValidationLossDoesNotImproveForPatienceEpochs() throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(22, 32, 8, THREE);
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = model(root, tasks, 2);
                // a zero learning rate keeps the loss constant: epoch 0 is the best, 1..3 do not improve
                Trainer trainer = Trainer.builder().setModel(model).setData(tasks).optBatchSize(32)
                        .optLearningRate(0).optMaxEpochs(10).optPatience(3).build()) {
            FitResult r = trainer.fit();
            assertEquals(4, r.epochs().size());
            assertTrue(r.stoppedEarly());
            assertEquals(0, r.bestEpoch());
        }
    }

    @Test
    void aFixedScheduleHorizonDoesNotMoveWithTheEpochCap() throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(22, 32, 8, THREE);
        try (NDManager root = NDManager.newBaseManager(); MultiHeadModel model = model(root, tasks, 2)) {
            long[] totals = new long[3];
            int[] caps = {3, 12, 12};
            int[] horizons = {5, 5, 0};
            for (int i = 0; i < 3; i++) {
                try (Trainer t = Trainer.builder().setModel(model).setData(tasks).optBatchSize(32).optLearningRate(1e-3)
                        .optMaxEpochs(caps[i]).optScheduleEpochs(horizons[i]).build()) {
                    totals[i] = t.schedule().totalSteps();
                }
            }
            // 3 tasks x 32 examples in batches of 32: 3 batches per epoch
            assertEquals(5 * 3, totals[0]);
            assertEquals(5 * 3, totals[1]);
            assertEquals(12 * 3, totals[2], "0 keeps the decay to the cap");
        }
    }

    @Test
    void gradientAccumulationGivesTheSameUpdateAsOneBigBatch() throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(23, 24, 4, THREE);
        SampledBatch batch = new SampledBatch(new int[] {0, 2, 1, 1, 0, 2, 2, 0, 1, 0, 1, 2},
                new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        float[][][] results = new float[2][][];
        for (int k = 0; k < 2; k++) {
            try (NDManager root = NDManager.newBaseManager();
                    // dropout-free heads: one batch and five micro-batches must draw the same (no) masks
                    MultiHeadModel model = model(root, tasks, 3, tasks.testHead(0), tasks.testHead(1), tasks.testHead(2));
                    // eps 1e-4 keeps parameters whose true gradient is 0 (the span bias: a softmax over
                    // positions ignores it) from being driven by rounding noise, which Adam would
                    // normalise into full-size steps in a random direction
                    Trainer trainer = Trainer.builder().setModel(model).setData(tasks).optLearningRate(1e-2)
                            .optOptimizer(AdamW.builder().optEpsilon(1e-4f))
                            .optGradientAccumulation(k == 0 ? 1 : 5).build()) {
                trainer.trainStep(batch, 0);
                trainer.trainStep(batch, 0);
                List<NamedParameter> ps = model.parameters();
                results[k] = new float[ps.size()][];
                for (int i = 0; i < ps.size(); i++) {
                    results[k][i] = ps.get(i).parameter().getArray().toFloatArray();
                }
            }
        }
        for (int i = 0; i < results[0].length; i++) {
            assertArrayEquals(results[0][i], results[1][i], 2e-6f, "parameter " + i);
        }
    }

    @Test
    void dataParallelOverTwoReplicasEqualsAccumulationOverTheSameParts() throws Exception {
        // task 2 (span) only in the second half: its head gets gradient from the replica alone
        dataParallelEqualsAccumulation(new SyntheticTasks(26, 24, 4, THREE),
                new SampledBatch(new int[] {0, 1, 0, 1, 0, 2, 2, 0, 2, 1}, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    }

    @Test
    void dataParallelWithStackedHeadsEqualsAccumulationOverTheSameParts() throws Exception {
        // first half: token heads 0 and 3 stack, sequence 1 alone; second half: spans 2 and 5 stack
        dataParallelEqualsAccumulation(new SyntheticTasks(27, 24, 4, SIX),
                new SampledBatch(new int[] {0, 3, 1, 0, 3, 2, 5, 4, 2, 5}, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    }

    private static void dataParallelEqualsAccumulation(SyntheticTasks tasks, SampledBatch batch) throws Exception {
        float[][][] results = new float[2][][];
        for (int k = 0; k < 2; k++) {
            try (NDManager root = NDManager.newBaseManager();
                    MultiHeadModel model = model(root, tasks, 6)) {
                Trainer.Builder b = Trainer.builder().setModel(model).setData(tasks).optLearningRate(1e-2)
                        .optOptimizer(AdamW.builder().optEpsilon(1e-4f));
                if (k == 0) {
                    b.optGradientAccumulation(2);
                } else {
                    b.optDevices(List.of(root.getDevice(), root.getDevice()));
                }
                try (Trainer trainer = b.build()) {
                    trainer.trainStep(batch, 0);
                    trainer.trainStep(batch, 0);
                    List<NamedParameter> ps = model.parameters();
                    results[k] = new float[ps.size()][];
                    for (int i = 0; i < ps.size(); i++) {
                        results[k][i] = ps.get(i).parameter().getArray().toFloatArray();
                    }
                    if (k == 1) {
                        List<float[]> replica = trainer.replicaValues(1);
                        for (int i = 0; i < ps.size(); i++) {
                            assertArrayEquals(results[k][i], replica.get(i), "replica of parameter " + i);
                        }
                    }
                }
            }
        }
        for (int i = 0; i < results[0].length; i++) {
            assertArrayEquals(results[0][i], results[1][i], 1e-6f, "parameter " + i);
        }
    }

    @Test
    void predictionsInSeveralBatchesEqualThoseOfOneBatch() throws Exception {
        // the batches' reads trail their forwards by one batch; every example must still get its own logits
        SyntheticTasks tasks = new SyntheticTasks(21, 16, 10, THREE);
        try (NDManager root = NDManager.newBaseManager(); MultiHeadModel model = model(root, tasks, 3)) {
            for (int t = 0; t < 3; t++) {
                List<float[]> whole = predictions(model, tasks, 128, t);
                List<float[]> inThrees = predictions(model, tasks, 3, t);
                assertEquals(10, whole.size());
                assertEquals(10, inThrees.size());
                for (int i = 0; i < whole.size(); i++) {
                    // batches pad to their own longest example; the positions both hold must agree
                    int n = Math.min(whole.get(i).length, inThrees.get(i).length);
                    assertArrayEquals(java.util.Arrays.copyOf(whole.get(i), n), java.util.Arrays.copyOf(inThrees.get(i), n),
                            1e-6f, "task " + t + " example " + i);
                }
                assertTrue(!java.util.Arrays.equals(whole.get(0), whole.get(1)), "examples differ");
            }
        }
    }

    private static List<float[]> predictions(MultiHeadModel model, SyntheticTasks tasks, int evalBatchSize, int task)
            throws Exception {
        try (Trainer trainer = Trainer.builder().setModel(model).setData(tasks).optEvalBatchSize(evalBatchSize).build()) {
            return trainer.predict(task, Split.VALIDATION).logits();
        }
    }

    /*
     * Counts arrays instead of cap(): DJL's getGradient wraps the gradient in a new handle
     * attached to the parameter's (model) manager, which a capped manager refuses; the optimiser
     * moves that wrapper to its step manager at once, so counts stay flat.
     */
    @Test
    void trainingStepsLeaveNoArraysBehind() throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(24, 24, 4, THREE);
        SampledBatch all = new SampledBatch(new int[] {0, 1, 2}, new int[] {0, 1, 2});
        for (int replicas = 1; replicas <= 2; replicas++) {
            try (NDManager root = NDManager.newBaseManager();
                    MultiHeadModel model = model(root, tasks, 4);
                    Trainer trainer = Trainer.builder().setModel(model).setData(tasks)
                            .optDevices(replicas == 1 ? List.of() : List.of(root.getDevice(), root.getDevice())).build()) {
                trainer.trainStep(all, 0);
                int count = root.getManagedArrays().size();
                trainer.trainStep(all, 0);
                trainer.trainStep(new SampledBatch(new int[] {1, 1}, new int[] {3, 4}), 0);
                trainer.validationLosses();
                trainer.predict(2, Split.VALIDATION);
                // the loss watch keeps each step's loss until the next logging point reads it
                // (LossWatchTest shows the read frees them): two steps more than at the count
                assertEquals(count + 2, root.getManagedArrays().size(), replicas + " replica(s)");
            }
        }
    }

    /**
     * A step whose batch holds two tasks of each kind runs their heads as stacks, which concatenate
     * the heads' weights every forward: the concatenations, like every other intermediate, must go
     * with the step, not stay in the parameters' manager, which lives for the whole run. After the
     * trainer's steps (one replica and two) that manager holds the very arrays it held before. The
     * trainer reads the parameters through views made for each step, so the concatenations joined
     * the step's manager even before HeadStack moved them; {@code StackedHeadsTest} shows a step
     * through the model's own parameters, where they did not.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = HeadFamily.class, names = {"BERT", "ROBERTA"})
    void stepsOfStackedHeadsLeaveTheParametersManagerWithTheSameArrays(HeadFamily family) throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(24, 24, 4, SIX);
        SampledBatch all = new SampledBatch(new int[] {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5},
                new int[] {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1});
        for (int replicas = 1; replicas <= 2; replicas++) {
            // RoBERTa's sequence head stacks two layers (dense, out_proj), BERT's one
            TaskHead[] heads = new TaskHead[SIX.length];
            for (int t = 0; t < SIX.length; t++) {
                heads[t] = SIX[t] == TestHeads.Kind.SEQUENCE ? TaskFormat.SINGLE_TEXT.newHead(2, family, t) : tasks.head(t);
            }
            try (NDManager root = NDManager.newBaseManager();
                    MultiHeadModel model = model(root, tasks, 4, heads);
                    Trainer trainer = Trainer.builder().setModel(model).setData(tasks)
                            .optDevices(replicas == 1 ? List.of() : List.of(root.getDevice(), root.getDevice())).build()) {
                trainer.trainStep(all, 0);
                Set<NDArray> before = ParameterManagers.arrays(model);
                trainer.trainStep(all, 0);
                trainer.trainStep(new SampledBatch(new int[] {1, 4, 0, 3, 2, 5}, new int[] {2, 3, 2, 3, 2, 3}), 0);
                Set<NDArray> after = ParameterManagers.arrays(model);
                assertEquals(List.of(), ParameterManagers.added(before, after),
                        family + ", " + replicas + " replica(s): arrays the steps left");
                assertEquals(before, after, family + ", " + replicas + " replica(s)");
            }
        }
    }

    /** Plays fixed batches: two of task 0 alone, then one mixing tasks 0 and 1. */
    private static final class Scripted implements BatchSampler {
        private final List<SampledBatch> plan;

        Scripted(List<SampledBatch> plan) {
            this.plan = plan;
        }

        @Override
        public int batchesPerEpoch() {
            return plan.size();
        }

        @Override
        public List<SampledBatch> nextEpoch() {
            return plan;
        }

        @Override
        public byte[] saveState() {
            return new byte[0];
        }

        @Override
        public void restoreState(byte[] state) {}
    }

    @Test
    void nonFiniteLossStopsTheRunNamingTheStepAndItsTasks() throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(25, 16, 4, TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE);
        int positive = -1;
        for (int i = 0; i < 16 && positive < 0; i++) {
            if (tasks.assemble(Split.TRAIN, new int[] {1}, new int[] {i}).slices().get(0).labels()[0] == 1) {
                positive = i;
            }
        }
        List<SampledBatch> plan = List.of(
                new SampledBatch(new int[] {0, 0}, new int[] {0, 1}),
                new SampledBatch(new int[] {0}, new int[] {2}),
                new SampledBatch(new int[] {1, 0}, new int[] {positive, 3}),
                new SampledBatch(new int[] {0}, new int[] {4}));
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = model(root, tasks, 5, tasks.head(0), TestHeads.poisonedSequence(2, 1));
                Trainer trainer = Trainer.builder().setModel(model).setData(tasks).optSampler(new Scripted(plan))
                        .optLogEvery(100).build()) {
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class, trainer::fit);
            assertEquals(2, e.step());
            assertEquals(List.of("token", "sequence"), e.tasks());
            assertTrue(e.getMessage().startsWith("training step 2 (epoch 0): loss must be finite"), e.getMessage());
        }
    }

    @Test
    void aLoggingIntervalPastHalfTheIntRangeStillNamesTheFirstBadStepsTasks() throws Exception {
        // the steps remembered for naming were twice logEvery, which overflowed to a negative count
        // and fell back to 64: a bad step 70 steps before the epoch's read lost its epoch and tasks
        SyntheticTasks tasks = new SyntheticTasks(25, 16, 4, TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE);
        int positive = -1;
        for (int i = 0; i < 16 && positive < 0; i++) {
            if (tasks.assemble(Split.TRAIN, new int[] {1}, new int[] {i}).slices().get(0).labels()[0] == 1) {
                positive = i;
            }
        }
        List<SampledBatch> plan = new ArrayList<>();
        plan.add(new SampledBatch(new int[] {1, 0}, new int[] {positive, 3}));
        for (int i = 0; i < 70; i++) {
            plan.add(new SampledBatch(new int[] {0}, new int[] {i % 16}));
        }
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = model(root, tasks, 5, tasks.head(0), TestHeads.poisonedSequence(2, 1));
                Trainer trainer = Trainer.builder().setModel(model).setData(tasks).optSampler(new Scripted(plan))
                        .optLogEvery(Integer.MAX_VALUE).build()) {
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class, trainer::fit);
            assertEquals(0, e.step());
            // in the tasks' order, as the step's batch holds them
            assertEquals(List.of("token", "sequence"), e.tasks());
            assertTrue(e.getMessage().startsWith("training step 0 (epoch 0): loss must be finite"), e.getMessage());
        }
    }

    @Test
    void rejectsDataWhoseTasksAreNotTheModelsHeadsInOrder() throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(3, 4, 2, TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE);
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel swapped = MultiHeadModel.builder().setManager(root)
                        .setEncoder(new TinyEncoder(SyntheticTasks.VOCAB, 16).init(root), 16)
                        .addHead("sequence", tasks.head(1)).addHead("token", tasks.head(0)).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Trainer.builder().setModel(swapped).setData(tasks).build());
            assertEquals("trainer: data has tasks [token, sequence] but the model has heads [sequence, token];"
                    + " build both from the same tasks in the same order (MultiHeadModel.Builder.addTasks and"
                    + " FeatureBatchSource.of over one TaskSet)", e.getMessage());
        }
    }
}
