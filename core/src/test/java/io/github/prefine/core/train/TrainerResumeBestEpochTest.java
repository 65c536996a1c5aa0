package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.internal.TensorArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The best epoch across a resume: a run whose validation loss rises after its first epoch
 * (the validation labels of {@link TrainerStoppingChild#RISING} are flipped) runs out of patience
 * after its third epoch, and is stopped right after that epoch's checkpoint, before its final one.
 * The checkpoint's weights are the third epoch's; the resumed trainer trains nothing, puts back the
 * first epoch's weights from the checkpoint's copy of the best weights, and ends as the
 * uninterrupted run: the same result and, bit for bit, the same weights, which differ from the
 * last epoch's.
 */
class TrainerResumeBestEpochTest {

    /** The final weights' bytes, and the result's best epoch, epochs and flags in one line. */
    private record Outcome(String result, byte[] weights, byte[] lastEpochWeights) {}

    private static Outcome run(Path dir, int stopAfter, Path tmp, String name) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = TrainerTest.model(root, TrainerStoppingChild.TASKS, 4)) {
            Path last = tmp.resolve(name + "-last.ndlist");
            Trainer.Builder b = Trainer.builder().setModel(model).setData(TrainerStoppingChild.RISING).optBatchSize(16)
                    .optLearningRate(1e-2).optPatience(2).optMaxEpochs(6).optSeed(3)
                    .addListener(new TrainingListener() {
                        @Override
                        public void onEpoch(EpochReport r) {
                            // the weights the epoch ended with, before any restore
                            try {
                                TensorArchive.write(last, MultiHeadModel.arrays(model.parameters()));
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }

                        @Override
                        public void onCheckpoint(Path at, int epochs) {
                            if (epochs == stopAfter) {
                                throw new IllegalStateException("stopped after the checkpoint of epoch " + epochs);
                            }
                        }
                    });
            if (dir != null) {
                b.optCheckpointDir(dir);
            }
            try (Trainer t = b.build()) {
                if (stopAfter > 0) {
                    assertThrows(IllegalStateException.class, t::fit);
                    return null;
                }
                FitResult r = t.fit();
                List<Double> averages = r.epochs().stream().map(EpochReport::averageValidationLoss).toList();
                Path file = tmp.resolve(name + ".ndlist");
                TensorArchive.write(file, MultiHeadModel.arrays(model.parameters()));
                return new Outcome("best " + r.bestEpoch() + ", stopped early " + r.stoppedEarly() + ", steps "
                        + r.globalSteps() + ", averages " + averages, Files.readAllBytes(file),
                        Files.exists(last) ? Files.readAllBytes(last) : null);
            }
        }
    }

    @Test
    void aRunStoppedAfterTheEpochWherePatienceRanOutResumesToTheBestEpochsWeights(@TempDir Path tmp)
            throws Exception {
        Outcome whole = run(null, 0, tmp, "whole");
        assertTrue(whole.result().startsWith("best 0, stopped early true, steps 12, averages ["), whole.result());
        assertFalse(java.util.Arrays.equals(whole.weights(), whole.lastEpochWeights()),
                "the best epoch's weights must differ from the last epoch's for this test to tell them apart");
        Path dir = tmp.resolve("checkpoints");
        run(dir, 3, tmp, "stopped");
        Path latest = TrainerSettingsResumeTest.published(dir);
        assertEquals("ckpt-epoch-000003", latest.getFileName().toString(), "no final checkpoint was written");
        Outcome resumed = run(dir, 0, tmp, "resumed");
        assertEquals(whole.result(), resumed.result());
        assertArrayEquals(whole.weights(), resumed.weights(), "the first epoch's weights, restored");
    }
}
