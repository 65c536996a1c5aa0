package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.core.model.TestHeads;
import io.github.prefine.core.precision.LossScaler;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.testing.TestFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mixed-precision training on CPU with a small random BERT: it learns like float32, an overflowed
 * step is skipped exactly, and checkpoints stay float32.
 */
class MixedPrecisionTrainingTest {


    private static MultiHeadModel model(NDManager root, SyntheticTasks tasks) {
        // dropout-free heads, as the encoder here: the float32 and mixed runs must see the same noise-free steps
        return tasks.model(root, 0f, tasks::testHead);
    }

    private static double lastLoss(Precision precision) throws Exception {
        Engine.getInstance().setRandomSeed(11);
        // 2 tasks x 100 examples at batch 4: 50 optimiser steps in the single epoch
        SyntheticTasks tasks = new SyntheticTasks(5, 100, 8, TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE);
        List<StepReport> reports = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = model(root, tasks);
                Trainer trainer = Trainer.builder().setModel(model).setData(tasks).optBatchSize(4).optMaxEpochs(1)
                        .optLearningRate(1e-3).optLinearDecay(false).optLogEvery(10).optPrecision(precision)
                        .addListener(new TrainingListener() {
                            @Override
                            public void onSteps(StepReport r) {
                                reports.add(r);
                            }
                        }).build()) {
            Map<ai.djl.nn.Parameter, float[]> projections = new java.util.IdentityHashMap<>();
            for (ai.djl.nn.Parameter p : model.halfPrecisionParameters()) {
                projections.put(p, p.getArray().toFloatArray());
            }
            trainer.fit();
            assertEquals(50, reports.get(reports.size() - 1).globalStep());
            // the 16-bit copies must pass gradients back to their float32 masters
            assertEquals(8, projections.size());
            projections.forEach((p, before) -> assertFalse(java.util.Arrays.equals(before, p.getArray().toFloatArray()),
                    precision + ": projection " + p.getName() + " never moved"));
            for (NamedParameter p : model.parameters()) {
                assertEquals(DataType.FLOAT32, p.parameter().getArray().getDataType(), "checkpointed " + p.key());
            }
            for (NDArray a : MultiHeadModel.arrays(model.parameters()).values()) {
                assertEquals(DataType.FLOAT32, a.getDataType());
            }
            if (precision == Precision.FP16_MIXED) {
                // at most a few early steps overflow at 2^16 (as with torch); never a run of them
                float scale = trainer.lossScaler().orElseThrow().readScale();
                assertTrue(scale >= 65536f / 8 && scale <= 65536f, "loss scale after 50 steps: " + scale);
            } else {
                // bfloat16 has float32's range: no loss scaling
                assertTrue(trainer.lossScaler().isEmpty(), precision + " made a loss scaler");
            }
        }
        double first = reports.get(0).meanLoss();
        double last = reports.get(reports.size() - 1).meanLoss();
        assertTrue(last < 0.8 * first, precision + " did not learn: " + first + " -> " + last);
        return last;
    }

    /** The float32 run both mixed precisions are compared with, trained once (seeded, so the same each time). */
    private static Double float32Loss;

    private static synchronized double float32LastLoss() throws Exception {
        if (float32Loss == null) {
            float32Loss = lastLoss(Precision.FLOAT32);
        }
        return float32Loss;
    }

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"FP16_MIXED", "BF16_MIXED"})
    void fiftyMixedStepsReachTheFloat32LossWithinFivePercent(Precision precision) throws Exception {
        double fp32 = float32LastLoss();
        double mixed = lastLoss(precision);
        assertTrue(Math.abs(mixed - fp32) <= 0.05 * fp32, "float32 " + fp32 + " vs " + precision + " " + mixed);
        System.out.printf("50 steps: float32 loss %.4f, %s %.4f%n", fp32, precision.optionName(), mixed);
    }

    /** A trainer's validation logits of task 0 and its validation losses, before any step. */
    private static float[][] evaluate(Precision precision, SyntheticTasks tasks, double[] losses) throws Exception {
        Engine.getInstance().setRandomSeed(11);
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = model(root, tasks);
                Trainer trainer = Trainer.builder().setModel(model).setData(tasks).optBatchSize(4).optEvalBatchSize(3)
                        .optPrecision(precision).build()) {
            double[] v = trainer.validationLosses();
            System.arraycopy(v, 0, losses, 0, v.length);
            return trainer.predict(0, io.github.prefine.core.task.Split.VALIDATION).logits().toArray(new float[0][]);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"FP16_MIXED", "BF16_MIXED"})
    void evaluationRunsInTheTrainingPrecision(Precision precision) throws Exception {
        // 8 validation examples at evaluation batch 3: three batches read one cast
        SyntheticTasks tasks = new SyntheticTasks(5, 12, 8, TestHeads.Kind.SEQUENCE, TestHeads.Kind.TOKEN);
        double[] fp32Losses = new double[2];
        double[] mixedLosses = new double[2];
        float[][] fp32 = evaluate(Precision.FLOAT32, tasks, fp32Losses);
        float[][] mixed = evaluate(precision, tasks, mixedLosses);
        assertEquals(8, mixed.length);
        double largest = 0;
        double worst = 0;
        for (int i = 0; i < fp32.length; i++) {
            for (int j = 0; j < fp32[i].length; j++) {
                largest = Math.max(largest, Math.abs(fp32[i][j]));
                worst = Math.max(worst, Math.abs(fp32[i][j] - mixed[i][j]));
            }
        }
        // bfloat16 keeps 8 significant bits, float16 11: the 16-bit forward is near float32, not equal to it
        double bound = precision == Precision.BF16_MIXED ? 3e-2 : 4e-3;
        assertTrue(worst > 0, precision + ": the evaluation forward gave float32's logits bit for bit");
        assertTrue(worst <= bound * largest, precision + ": logits off by " + worst + ", largest " + largest);
        // the token task's fresh head is near uniform (loss ln 3), so only closeness is asked of losses
        for (int t = 0; t < 2; t++) {
            assertEquals(fp32Losses[t], mixedLosses[t], bound * fp32Losses[t], precision + ": task " + t + " loss");
        }
        System.out.printf("evaluation under %s: logits within %.2e of float32 (largest %.3f)%n",
                precision.optionName(), worst, largest);
    }

    /*
     * Per epoch a trainer validates, snapshots the best weights and checkpoints; per trial of a
     * learning-rate sweep it makes a new step buffer, moments, loss scaler and rate table. None of
     * it may stay in the model's manager: the counts after epoch 2 and after each closed trainer
     * equal those after epoch 1 and before the first.
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void epochsAndTrainersLeaveTheModelsManagerAsTheyFoundIt(Precision precision, @TempDir Path tmp) throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(5, 16, 4, TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE, TestHeads.Kind.SPAN,
                TestHeads.Kind.CHOICE);
        try (NDManager root = NDManager.newBaseManager(); MultiHeadModel model = model(root, tasks)) {
            int before = root.getManagedArrays().size();
            for (int trial = 0; trial < 2; trial++) {
                List<Integer> perEpoch = new ArrayList<>();
                try (Trainer trainer = Trainer.builder().setModel(model).setData(tasks).optBatchSize(8).optMaxEpochs(2)
                        .optPatience(5).optLearningRate(1e-3 * (trial + 1)).optPrecision(precision)
                        .optCheckpointDir(tmp.resolve(precision + "-" + trial)).addListener(new TrainingListener() {
                            @Override
                            public void onEpoch(EpochReport r) {
                                perEpoch.add(root.getManagedArrays().size());
                            }
                        }).build()) {
                    trainer.fit();
                    trainer.predict(3, Split.VALIDATION);
                }
                assertEquals(2, perEpoch.size());
                assertEquals(perEpoch.get(0), perEpoch.get(1), precision + " trial " + trial + ": arrays after epochs 1 and 2");
                assertEquals(before, root.getManagedArrays().size(), precision + ": left by trainer " + trial);
            }
        }
    }

    private static Trainer scaledTrainer(MultiHeadModel model, SyntheticTasks tasks, Path ckpt) throws Exception {
        return Trainer.builder().setModel(model).setData(tasks).optBatchSize(4).optMaxEpochs(1).optLearningRate(1e-3)
                .optPrecision(Precision.FP16_MIXED).optCheckpointDir(ckpt)
                .optLossScaler(LossScaler.builder().optInitialScale(256f).optGrowthInterval(3)).build();
    }

    @Test
    void aResumedMixedRunContinuesWithTheCheckpointedScaleAndGrowthCount(@TempDir Path tmp) throws Exception {
        Engine.getInstance().setRandomSeed(11);
        // 2 tasks x 22 examples at batch 4: 11 steps; growth every 3 clean steps, so 256 grows
        SyntheticTasks tasks = new SyntheticTasks(5, 22, 8, TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE);
        Path ckpt = tmp.resolve("ckpt");
        float scale;
        int tracker;
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = model(root, tasks);
                Trainer trainer = scaledTrainer(model, tasks, ckpt)) {
            trainer.fit();
            scale = trainer.lossScaler().orElseThrow().readScale();
            tracker = trainer.lossScaler().orElseThrow().readGrowthTracker();
        }
        assertTrue(scale != 256f, "the scale must have changed during the run to make this test meaningful");
        String state;
        try (var files = Files.walk(ckpt)) {
            Path f = files.filter(x -> x.getFileName().toString().equals("state.json")).findFirst().orElseThrow();
            state = Files.readString(f);
        }
        assertTrue(state.contains("\"lossScale\""), "state.json keeps the scale:\n" + state);
        // a new trainer on the same folder restores the finished checkpoint instead of starting afresh
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = model(root, tasks);
                Trainer trainer = scaledTrainer(model, tasks, ckpt)) {
            assertEquals(256f, trainer.lossScaler().orElseThrow().readScale(), "fresh trainer starts at the initial scale");
            trainer.fit();
            assertEquals(Float.floatToIntBits(scale), Float.floatToIntBits(trainer.lossScaler().orElseThrow().readScale()),
                    "resumed scale");
            assertEquals(tracker, trainer.lossScaler().orElseThrow().readGrowthTracker(), "resumed growth tracker");
        }
    }

    /** A listener that ends a run with "killed" after the checkpoint of epoch {@code kill} (none for kill <= 0). */
    static TrainingListener killAfter(int kill) {
        return new TrainingListener() {
            @Override
            public void onCheckpoint(Path dir, int epochs) {
                if (epochs == kill) {
                    throw new IllegalStateException("killed");
                }
            }
        };
    }

    /** A scaled run's final weights and its scaler's end state as "scale/tracker, skipped". */
    private record Scaled(float[][] weights, String scaler) {}

    /**
     * A fp16-mixed run of 2 epochs of 11 steps under the given scaler settings; {@code kill} > 0
     * ends it after that epoch's checkpoint.
     */
    private static Scaled scaledRun(SyntheticTasks tasks, Path ckpt, LossScaler.Builder scaler, int kill)
            throws Exception {
        Engine.getInstance().setRandomSeed(11);
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = model(root, tasks);
                Trainer trainer = Trainer.builder().setModel(model).setData(tasks).optBatchSize(4).optMaxEpochs(2)
                        .optPatience(5).optLearningRate(1e-3).optPrecision(Precision.FP16_MIXED).optCheckpointDir(ckpt)
                        .optLossScaler(scaler).addListener(killAfter(kill)).build()) {
            trainer.fit();
            LossScaler s = trainer.lossScaler().orElseThrow();
            return new Scaled(snapshot(MultiHeadModel.arrays(model.parameters())),
                    s.readScale() + "/" + s.readGrowthTracker() + ", " + trainer.trainingStep().skippedSteps());
        }
    }

    /**
     * As {@link #scaledRun} under growth interval 3 from 256, returning the scaler's end state as
     * "scale/tracker, skipped".
     */
    private static String scalerRun(SyntheticTasks tasks, Path ckpt, int kill) throws Exception {
        return scaledRun(tasks, ckpt, scaler(256f, 3, 2f, 0.5f), kill).scaler();
    }

    /** The tasks of the scaled runs: 2 tasks x 22 examples at batch 4, 11 steps an epoch. */
    private static SyntheticTasks scaledTasks() {
        return new SyntheticTasks(5, 22, 8, TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE);
    }

    /*
     * Three cases resume or compare with the same seeded scaled runs under growth interval 3 from
     * 256: the run killed after epoch 1 and the whole run are made once for the class, and a case
     * edits its own copy of the killed run's checkpoint folder.
     */
    @TempDir
    static Path shared;
    private static Path scaledKilled;
    private static Scaled scaledWhole;

    /** A copy at {@code ckpt} of the checkpoints of the scaled run killed after epoch 1. */
    private static synchronized Path scaledKilledAfterEpoch1(Path ckpt) throws Exception {
        if (scaledKilled == null) {
            Path at = shared.resolve("scaled-killed");
            IllegalStateException killed = assertThrows(IllegalStateException.class,
                    () -> scalerRun(scaledTasks(), at, 1));
            assertEquals("killed", killed.getMessage());
            scaledKilled = at;
        }
        return TestFolders.copy(scaledKilled, ckpt);
    }

    /** The scaled run of 2 epochs, uninterrupted. */
    private static synchronized Scaled scaledWhole() throws Exception {
        if (scaledWhole == null) {
            scaledWhole = scaledRun(scaledTasks(), shared.resolve("scaled-whole"), scaler(256f, 3, 2f, 0.5f), -1);
        }
        return scaledWhole;
    }

    /**
     * The growth tracker is an int32 on the device, as torch's (a float32 before 2026-12-07), and
     * reaches a checkpoint only as the number in state.json, which both write as an integer: a
     * checkpoint in the older form resumes mid-streak to the whole run's scale and tracker. By
     * hand: 11 clean steps an epoch, growth every 3 from 256; the checkpoint after epoch 1 holds
     * 256 * 2^3 = 2048 with 2 steps counted, and 22 steps end at 256 * 2^7 = 32768 with 1 counted.
     * A resume that lost the count would end at 16384/2.
     */
    @Test
    void aCheckpointTakenMidStreakResumesToTheWholeRunsScaleAndTracker(@TempDir Path tmp) throws Exception {
        SyntheticTasks tasks = scaledTasks();
        assertEquals("32768.0/1, 0", scaledWhole().scaler());
        Path ckpt = scaledKilledAfterEpoch1(tmp.resolve("killed"));
        Path state = TrainerSettingsResumeTest.published(ckpt).resolve("state.json");
        com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(Files.readString(state))
                .getAsJsonObject();
        assertEquals(2048f, json.get("lossScale").getAsFloat(), json.toString());
        // the older version's form: Math.round of its float32 counter, written as an integer
        json.add("lossScaleGrowthTracker", new com.google.gson.JsonPrimitive(Math.round(2f)));
        Files.writeString(state, json.toString());
        assertTrue(Files.readString(state).contains("\"lossScaleGrowthTracker\":2,"), Files.readString(state));
        assertEquals("32768.0/1, 0", scalerRun(tasks, ckpt, -1));
    }

    /**
     * torch's kernel grows only where the incremented tracker equals the interval, so a tracker at
     * or above it (a hand-edited state.json) would never grow again there while the fallback grew
     * at once: such a checkpoint is refused, naming the file and the range, not clamped.
     */
    @Test
    void aCheckpointWhoseGrowthTrackerIsNotBelowTheIntervalIsRefused(@TempDir Path tmp) throws Exception {
        SyntheticTasks tasks = scaledTasks();
        Path ckpt = scaledKilledAfterEpoch1(tmp.resolve("killed"));
        Path state = TrainerSettingsResumeTest.published(ckpt).resolve("state.json");
        com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(Files.readString(state))
                .getAsJsonObject();
        json.add("lossScaleGrowthTracker", new com.google.gson.JsonPrimitive(3));
        Files.writeString(state, json.toString());
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> scalerRun(tasks, ckpt, -1));
        assertTrue(e.getMessage().startsWith(state + ": ") && e.getMessage().contains(
                "loss scaler: growth tracker must lie in [0, 3), found 3"), e.getMessage());
    }

    private static LossScaler.Builder scaler(float initial, int interval, float growth, float backoff) {
        return LossScaler.builder().optInitialScale(initial).optGrowthInterval(interval).optGrowthFactor(growth)
                .optBackoffFactor(backoff);
    }

    /**
     * The growth factor, backoff factor and growth interval decide the scale's course after a
     * checkpoint as the optimiser's settings decide the weights' (torch's GradScaler keeps all
     * three in its state_dict): a resume under others is refused naming each, where it went on
     * under them without a word. The initial scale is not checked, as the resume restores the
     * scale itself: a run resumed under another one ends as the whole run. A checkpoint written
     * before these settings were recorded resumes, with a warning naming them.
     */
    @Test
    void aResumeUnderOtherLossScalerSettingsIsRefusedNamingEachDifference(@TempDir Path tmp) throws Exception {
        // 2 tasks x 22 examples at batch 4: 11 steps an epoch; growth every 3 clean steps, so 256 grows
        SyntheticTasks tasks = scaledTasks();
        Path ckpt = scaledKilledAfterEpoch1(tmp.resolve("ckpt"));
        record Case(LossScaler.Builder scaler, String difference) {}
        for (Case c : List.of(new Case(scaler(256f, 5, 2f, 0.5f), "lossScaler.growthInterval: recorded 3, requested 5"),
                new Case(scaler(256f, 3, 4f, 0.5f), "lossScaler.growthFactor: recorded 2.0, requested 4.0"),
                new Case(scaler(256f, 3, 2f, 0.25f), "lossScaler.backoffFactor: recorded 0.5, requested 0.25"))) {
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> scaledRun(tasks, ckpt, c.scaler(), -1),
                    c.difference());
            assertTrue(e.getMessage().contains("checkpoint written under other settings than this run's")
                    && e.getMessage().contains(c.difference()), e.getMessage());
        }
        float[][] whole = scaledWhole().weights();
        // the checkpoint of the code before this change: its manifest without the scaler's settings
        Path at = TrainerSettingsResumeTest.published(ckpt);
        Path state = at.resolve("state.json");
        com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(Files.readString(state))
                .getAsJsonObject();
        com.google.gson.JsonObject manifest = json.getAsJsonObject("manifest");
        assertEquals("3", manifest.get("lossScaler.growthInterval").getAsString(), manifest.toString());
        List.copyOf(manifest.keySet()).stream().filter(k -> k.startsWith("lossScaler.")).forEach(manifest::remove);
        Files.writeString(state, json.toString());
        float[][][] resumed = new float[1][][];
        String logs = io.github.prefine.core.testing.CapturedLogs.of(
                () -> resumed[0] = scaledRun(tasks, ckpt, scaler(1024f, 3, 2f, 0.5f), -1).weights());
        assertTrue(logs.lines().anyMatch(l -> l.contains("WARN") && l.contains("could not be checked")
                && l.contains("lossScaler.growthInterval=3") && l.contains("lossScaler.growthFactor=2.0")), logs);
        assertArrayEquals(whole, resumed[0], "resumed under another initial scale");
    }

    /** One mixed step as the Trainer runs it; {@code poison} puts +inf into one gradient entry. */
    private static void mixedStep(NDManager root, TrainingStep step, int[] ex, boolean poison) {
        step.inspectGradients(poison ? g -> g.set(new NDIndex("5"), Float.POSITIVE_INFINITY) : null);
        try (NDManager sm = root.newSubManager()) {
            step.run(sm, new SampledBatch(new int[ex.length], ex), 1e-2);
        }
    }

    private static float[][] snapshot(Map<String, NDArray> arrays) {
        List<float[]> out = new ArrayList<>();
        for (NDArray a : arrays.values()) {
            out.add(a.toFloatArray());
        }
        return out.toArray(new float[0][]);
    }

    private static float[][] moments(NDManager root, AdamW opt) {
        try (NDManager views = root.newSubManager()) {
            return snapshot(opt.momentArrays(views));
        }
    }

    @Test
    void anInjectedOverflowSkipsExactlyThatStepAndHalvesTheScale() {
        SyntheticTasks tasks = new SyntheticTasks(5, 16, 2, TestHeads.Kind.TOKEN);
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = model(root, tasks);
                TrainingStep step = TrainingStep.builder().setModel(model).setData(tasks)
                        .optPrecision(Precision.FP16_MIXED).optOptimizer(AdamW.builder().optWeightDecay(0.01))
                        .optLossScaler(LossScaler.builder().optGrowthInterval(2)).build()) {
            AdamW opt = step.optimizer();
            LossScaler scaler = step.scaler();
            List<NamedParameter> all = model.parameters();
            String key = all.get(0).key();
            mixedStep(root, step, new int[] {0, 1, 2}, false);
            assertEquals(65536f, scaler.readScale());
            assertEquals(1, opt.stepCount(key));

            float[][] weights = snapshot(MultiHeadModel.arrays(all));
            float[][] moments = moments(root, opt);
            mixedStep(root, step, new int[] {3, 4, 5}, true);
            assertArrayEquals(weights, snapshot(MultiHeadModel.arrays(all)), "weights moved on a skipped step");
            assertArrayEquals(moments, moments(root, opt), "moments moved on a skipped step");
            assertEquals(1, opt.stepCount(key), "a skipped step must not count");
            assertEquals(1, step.skippedSteps(), "the skipped step is counted");
            assertEquals(32768f, scaler.readScale(), "overflow halves the scale");
            assertEquals(0, scaler.readGrowthTracker());

            // the next clean steps train again, and two of them double the scale (interval 2)
            mixedStep(root, step, new int[] {6, 7, 8}, false);
            assertFalse(java.util.Arrays.deepEquals(weights, snapshot(MultiHeadModel.arrays(all))), "clean step must move");
            assertEquals(2, opt.stepCount(key));
            mixedStep(root, step, new int[] {9, 10, 11}, false);
            assertEquals(65536f, scaler.readScale());
            assertEquals(1, step.skippedSteps());
            assertEquals(3, opt.stepCount(key));
        }
    }

    /** Poisons the gradient of the trainer's steps {@code from} to {@code to} (global step numbers). */
    private static void poison(Trainer trainer, long from, long to) {
        trainer.trainingStep().inspectGradients(g -> {
            long s = trainer.globalStep();
            if (s >= from && s <= to) {
                g.set(new NDIndex("5"), Float.POSITIVE_INFINITY);
            }
        });
    }

    @Test
    void aSkippedStepDoesNotAdvanceTheSchedule() throws Exception {
        // the schedule's step k is the k-th update, as in HF, whose trainer does not step its scheduler
        // when the scaler skipped the optimiser: with warm-up the first real update has rate 0
        SyntheticTasks tasks = new SyntheticTasks(5, 16, 2, TestHeads.Kind.TOKEN);
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = model(root, tasks);
                Trainer trainer = Trainer.builder().setModel(model).setData(tasks).optBatchSize(4).optMaxEpochs(1)
                        .optLearningRate(1e-2).optWarmupSteps(3).optPrecision(Precision.FP16_MIXED).build()) {
            List<NamedParameter> all = model.parameters();
            float[][] before = snapshot(MultiHeadModel.arrays(all));
            poison(trainer, 0, 1);
            trainer.trainStep(new SampledBatch(new int[3], new int[] {0, 1, 2}), 0);
            trainer.trainStep(new SampledBatch(new int[3], new int[] {3, 4, 5}), 0);
            assertEquals(2, trainer.trainingStep().skippedSteps());
            trainer.trainStep(new SampledBatch(new int[3], new int[] {6, 7, 8}), 0);
            assertArrayEquals(before, snapshot(MultiHeadModel.arrays(all)), "the first update's rate is lr(0) = 0");
            trainer.trainStep(new SampledBatch(new int[3], new int[] {9, 10, 11}), 0);
            assertFalse(java.util.Arrays.deepEquals(before, snapshot(MultiHeadModel.arrays(all))),
                    "the second update's rate is lr(1) > 0");
            assertEquals(2, trainer.optimizer().stepCount(all.get(0).key()));
        }
    }

    /** A fp16-mixed run of 2 epochs of 40 steps with steps from..to poisoned; kill > 0 ends it after that checkpoint. */
    static Outcome poisonedRun(Path ckpt, long from, long to, int kill) throws Exception {
        Engine.getInstance().setRandomSeed(11);
        SyntheticTasks tasks = new SyntheticTasks(5, 40, 4, TestHeads.Kind.SEQUENCE);
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = model(root, tasks);
                Trainer trainer = Trainer.builder().setModel(model).setData(tasks).optBatchSize(1).optMaxEpochs(2)
                        .optPatience(5).optLearningRate(1e-3).optWarmupSteps(50).optPrecision(Precision.FP16_MIXED)
                        .optCheckpointDir(ckpt).addListener(killAfter(kill)).build()) {
            poison(trainer, from, to);
            FitResult fit;
            try {
                fit = trainer.fit();
            } catch (NonFiniteLossException e) {
                return new Outcome("diverged", new float[0][], List.of(), -1);
            }
            return new Outcome("finished", snapshot(MultiHeadModel.arrays(model.parameters())),
                    fit.epochs().stream().map(EpochReport::averageValidationLoss).toList(), fit.skippedSteps());
        }
    }

    /**
     * How a run ended, its final weights (the best epoch's), each epoch's average validation loss
     * (also of the epochs after the best), and the steps it skipped (-1 for a diverged run).
     */
    record Outcome(String end, float[][] weights, List<Double> scores, long skipped) {}

    /**
     * The checkpoints of the poisoned run of steps 30 to 44 killed after epoch 1, made once for the
     * two cases that resume it (the run is seeded: each would write the same).
     */
    private static Path poisonedKilled;

    /** A copy at {@code ckpt} of the run with steps {@code from..to} poisoned, killed after epoch 1. */
    private static Path poisonedKilledAfterEpoch1(Path ckpt, long from, long to) throws Exception {
        synchronized (MixedPrecisionTrainingTest.class) {
            if (from == 30 && to == 44 && poisonedKilled != null) {
                return TestFolders.copy(poisonedKilled, ckpt);
            }
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> poisonedRun(ckpt, from, to, 1));
        assertEquals("killed", e.getMessage());
        synchronized (MixedPrecisionTrainingTest.class) {
            if (from == 30 && to == 44 && poisonedKilled == null) {
                poisonedKilled = TestFolders.copy(ckpt, shared.resolve("poisoned-killed"));
            }
        }
        return ckpt;
    }

    @Test
    void aRunResumedAcrossSkippedStepsEndsAsTheWholeRun(@TempDir Path tmp) throws Exception {
        // 40 steps an epoch, the checkpoint after step 39: skipped steps on both sides of it
        for (long[] bad : new long[][] {{30, 44}, {20, 69}}) {
            String name = bad[0] + "-" + bad[1];
            Outcome whole = poisonedRun(tmp.resolve("whole-" + name), bad[0], bad[1], -1);
            Path ckpt = poisonedKilledAfterEpoch1(tmp.resolve("killed-" + name), bad[0], bad[1]);
            Outcome resumed = poisonedRun(ckpt, bad[0], bad[1], -1);
            // 15 skipped steps: the update count and the schedule resume where they were;
            // 50 in a row declare the run diverged, also when the checkpoint falls inside them
            assertEquals(bad[1] - bad[0] + 1 >= LossWatch.OVERFLOW_LIMIT ? "diverged" : "finished", whole.end(), name);
            assertEquals(whole.end(), resumed.end(), name);
            // the final weights are the best epoch's, the first's here: the second epoch shows in its loss
            assertEquals(whole.scores(), resumed.scores(), name);
            assertArrayEquals(whole.weights(), resumed.weights(), name);
        }
    }

    /**
     * A fp16-mixed checkpoint's counts hold its relations with skipped steps: after one epoch of 40
     * steps with steps 30 to 44 poisoned (30 to 39 in this epoch), globalStep 40, skippedSteps 10,
     * and the encoder's and the one head's counts 30 (its task is in every batch). A state.json edited so that they disagree
     * (fewer skipped steps than the counts show, or a head updated more often than the encoder) is
     * refused naming the file and the relation, where it resumed the schedule at another update.
     */
    @Test
    void aCheckpointWhoseCountsDisagreeWithItsSkippedStepsIsRefused(@TempDir Path tmp) throws Exception {
        record Case(String name, java.util.function.Consumer<com.google.gson.JsonObject> edit, String expected) {}
        List<Case> cases = List.of(
                new Case("skipped", j -> j.addProperty("skippedSteps", 3),
                        "the encoder's step count (stepCounts) is 30, expected globalStep - skippedSteps = 40 - 3 = 37"),
                new Case("head", j -> {
                    com.google.gson.JsonObject counts = j.getAsJsonObject("stepCounts");
                    counts.keySet().stream().filter(k -> k.startsWith("heads.")).forEach(k -> counts.addProperty(k, 38));
                }, "is 38, expected at most globalStep - skippedSteps = 40 - 10 = 30 (a head is updated only"));
        for (Case c : cases) {
            Path ckpt = poisonedKilledAfterEpoch1(tmp.resolve(c.name()), 30, 44);
            Path file = TrainerSettingsResumeTest.published(ckpt).resolve("state.json");
            com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(
                    Files.readString(file, java.nio.charset.StandardCharsets.UTF_8)).getAsJsonObject();
            assertEquals(40, json.get("globalStep").getAsLong());
            assertEquals(10, json.get("skippedSteps").getAsLong());
            com.google.gson.JsonObject counts = json.getAsJsonObject("stepCounts");
            assertTrue(!counts.keySet().isEmpty() && counts.keySet().stream().allMatch(k -> counts.get(k).getAsLong() == 30),
                    counts.toString());
            c.edit().accept(json);
            Files.writeString(file, json.toString(), java.nio.charset.StandardCharsets.UTF_8);
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> poisonedRun(ckpt, 30, 44, -1));
            assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains(c.expected())
                    && e.getMessage().contains("cannot be resumed, and nothing was restored"), e.getMessage());
        }
    }
    @Test
    void fp16MixedRefusesAtBuildAnEncoderWeightItsFloat16CopyWouldMakeInfinite() throws Exception {
        // each step casts the float32 weights to float16, whose largest finite value is 65504:
        // PyTorch rounds magnitudes from 65520 on to infinity, those below to 65504
        SyntheticTasks tasks = new SyntheticTasks(5, 16, 2, TestHeads.Kind.TOKEN);
        try (NDManager root = NDManager.newBaseManager(); MultiHeadModel model = model(root, tasks)) {
            NamedParameter cast = model.encoderParameters().stream()
                    .filter(p -> model.halfPrecisionParameters().contains(p.parameter())).findFirst().orElseThrow();
            NDArray w = cast.parameter().getArray();
            w.set(new NDIndex(0), -70000f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingStep.builder()
                    .setModel(model).setData(tasks).optPrecision(Precision.FP16_MIXED).build());
            assertEquals("training step: FP16_MIXED casts the encoder's projections to float16 each step, and " + cast.key()
                    + " (values up to 70000.0 in magnitude) would become infinite there, beyond float16's largest finite"
                    + " value 65504: every step would overflow and be skipped; train in FLOAT32 or BF16_MIXED (bfloat16"
                    + " has float32's range)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder().setModel(model).setData(tasks)
                    .optPrecision(Precision.FP16_MIXED).build());
            assertTrue(e.getMessage().startsWith("trainer: FP16_MIXED casts"), e.getMessage());
            // float32 and bfloat16 hold it
            TrainingStep.builder().setModel(model).setData(tasks).optPrecision(Precision.BF16_MIXED).build().close();
            TrainingStep.builder().setModel(model).setData(tasks).build().close();
            // 65519 rounds to 65504, finite (a closed step gave the parameter an array of its own again)
            cast.parameter().getArray().set(new NDIndex(0), 65519f);
            TrainingStep.builder().setModel(model).setData(tasks).optPrecision(Precision.FP16_MIXED).build().close();
        }
    }
}
