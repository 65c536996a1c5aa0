package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.github.prefine.core.model.TestHeads;
import io.github.prefine.core.model.TinyEncoder;
import io.github.prefine.core.task.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetFinetuningTest {
    /** Accuracy of argmax over two classes against the synthetic sequence labels. */
    private static ToDoubleFunction<TaskPredictions> accuracy(SyntheticTasks tasks) {
        return p -> {
            int right = 0;
            for (int i = 0; i < p.exampleIndices().length; i++) {
                float[] l = p.logits().get(i);
                int gold = tasks.assemble(p.split(), new int[] {0}, new int[] {p.exampleIndices()[i]}).slices().get(0).labels()[0];
                right += (l[1] > l[0] ? 1 : 0) == gold ? 1 : 0;
            }
            return (double) right / p.exampleIndices().length;
        };
    }

    @Test
    void runsEverySeedReproduciblyWithAFreshHeadEachTime() throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(41, 32, 16, TestHeads.Kind.SEQUENCE);
        TargetFinetuning.EncoderFactory encoder = m -> {
            // stands for loading the same pre-finetuned folder each time
            Engine.getInstance().setRandomSeed(77);
            TinyEncoder e = new TinyEncoder(SyntheticTasks.VOCAB, 16).init(m);
            return e;
        };
        TargetFinetuning.Builder b = TargetFinetuning.builder().setEncoder(encoder, 16).setHead(seed -> TestHeads.sequence(2))
                .setData(tasks).setMetric(accuracy(tasks))
                .optTrainer(t -> t.optBatchSize(16).optLearningRate(1e-2).optMaxEpochs(2).optPatience(1));
        try (NDManager root = NDManager.newBaseManager()) {
            TargetFinetuning runner = b.optSeeds(List.of(1L, 2L)).build();
            List<TargetFinetuning.SeedResult> r = new ArrayList<>(runner.run(root));
            r.add(runner.runSeed(root, 1L)); // seed 1 again, after seed 2 moved the engine's state
            assertEquals(3, r.size());
            assertEquals(16, r.get(0).predictions().logits().size());
            double[] m = TargetFinetuning.metrics(r);
            for (double x : m) {
                assertTrue(x >= 0 && x <= 1);
            }
            assertEquals(m[0], m[2]);
            for (int i = 0; i < 16; i++) {
                assertArrayEquals(r.get(0).predictions().logits().get(i), r.get(2).predictions().logits().get(i));
            }
            assertNotEquals(r.get(0).fit().epochs(), r.get(1).fit().epochs(), "seeds 1 and 2 must differ");
        }
    }

    @Test
    void aCheckpointFolderInTheTrainerSettingsIsRefusedForTheRootThatGivesEachSeedItsOwn(@TempDir Path tmp)
            throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(41, 16, 8, TestHeads.Kind.SEQUENCE);
        TargetFinetuning.Builder b = TargetFinetuning.builder()
                .setEncoder(m -> new TinyEncoder(SyntheticTasks.VOCAB, 16).init(m), 16)
                .setHead(seed -> TestHeads.sequence(2)).setData(tasks).setMetric(accuracy(tasks))
                .optSeeds(List.of(1L, 2L)).optTrainer(t -> t.optBatchSize(16).optMaxEpochs(1)
                        .optCheckpointDir(tmp.resolve("shared")));
        // every seed's run checkpointed into that one folder, where the second refused the first's checkpoint
        TargetFinetuning shared = b.build();
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> shared.run(manager));
            assertTrue(e.getMessage().contains("optCheckpointRoot"), e.getMessage());
        }
        assertTrue(!Files.exists(tmp.resolve("shared")), "refused before the first seed trained or wrote anything");
        // beside the root too, where the root's seed folder replaced it without a word: nothing written in either
        TargetFinetuning beside = b.optCheckpointRoot(tmp.resolve("beside")).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> beside.run(manager));
            assertTrue(e.getMessage().contains("optCheckpointRoot"), e.getMessage());
        }
        assertTrue(!Files.exists(tmp.resolve("shared")) && !Files.exists(tmp.resolve("beside")),
                "refused beside the root before anything was written");
        // the root gives each seed a folder of its own
        Path root = tmp.resolve("root");
        try (NDManager manager = NDManager.newBaseManager()) {
            b.optTrainer(t -> t.optBatchSize(16).optMaxEpochs(1)).optCheckpointRoot(root).build().run(manager);
        }
        assertTrue(Files.exists(root.resolve("seed-1").resolve("LATEST")) && Files.exists(root.resolve("seed-2")
                .resolve("LATEST")), "a checkpoint folder per seed");
    }

    @Test
    void refusesASeedGivenTwice() {
        SyntheticTasks tasks = new SyntheticTasks(41, 32, 16, TestHeads.Kind.SEQUENCE);
        TargetFinetuning.Builder b = TargetFinetuning.builder()
                .setEncoder(m -> new TinyEncoder(SyntheticTasks.VOCAB, 16).init(m), 16)
                .setHead(seed -> TestHeads.sequence(2)).setData(tasks).setMetric(accuracy(tasks))
                .optSeeds(List.of(1L, 2L, 1L));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains("seeds must be distinct, found [1, 2, 1]"), e.getMessage());
    }

    @Test
    void runSeedSelectsOnValidationAndReportsTheEvaluationSplit() throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(43, 32, 16, TestHeads.Kind.SEQUENCE);
        TargetFinetuning.EncoderFactory encoder = m -> {
            Engine.getInstance().setRandomSeed(78);
            return new TinyEncoder(SyntheticTasks.VOCAB, 16).init(m);
        };
        TargetFinetuning.Builder b = TargetFinetuning.builder().setEncoder(encoder, 16).setHead(seed -> TestHeads.sequence(2))
                .setData(tasks).setMetric(accuracy(tasks))
                .optTrainer(t -> t.optBatchSize(16).optLearningRate(1e-2).optMaxEpochs(2).optPatience(1));
        try (NDManager root = NDManager.newBaseManager()) {
            TargetFinetuning.SeedResult onTest = b.optEvaluationSplit(Split.TEST).build().runSeed(root, 3);
            TargetFinetuning.SeedResult onValidation = b.optEvaluationSplit(Split.VALIDATION).build().runSeed(root, 3);
            assertEquals(Split.TEST, onTest.predictions().split());
            assertEquals(Split.VALIDATION, onValidation.predictions().split());
            // the same seed trains the same model: its validation score does not depend on the reported split
            assertEquals(onValidation.metric(), onTest.validationMetric());
            assertEquals(onValidation.metric(), onValidation.validationMetric());
            assertEquals(accuracy(tasks).applyAsDouble(onTest.predictions()), onTest.metric());
        }
    }

    @Test
    void aMetricThatGivesNoNumberIsRefusedNamingTheSeedAndSplit() throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(43, 32, 16, TestHeads.Kind.SEQUENCE);
        // a user's F1 over a class the split never predicts: 0 true positives of 0, as Java divides it
        ToDoubleFunction<TaskPredictions> zeroByZero = p -> {
            int tp = 0;
            int predicted = 0;
            return (double) tp / predicted;
        };
        TargetFinetuning.Builder b = TargetFinetuning.builder()
                .setEncoder(m -> new TinyEncoder(SyntheticTasks.VOCAB, 16).init(m), 16)
                .setHead(seed -> TestHeads.sequence(2)).setData(tasks).setMetric(zeroByZero)
                .optTrainer(t -> t.optBatchSize(16).optLearningRate(1e-2).optMaxEpochs(1));
        try (NDManager root = NDManager.newBaseManager()) {
            // a NaN seed score poisoned the mean over seeds and every comparison of learning rates
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.build().runSeed(root, 3));
            assertEquals("target finetuning: seed 3: the metric gave NaN on the VALIDATION split; setMetric must give a"
                    + " finite score (higher is better), which the summary over seeds and the choice of learning rate"
                    + " compare", e.getMessage());
        }
    }
}
