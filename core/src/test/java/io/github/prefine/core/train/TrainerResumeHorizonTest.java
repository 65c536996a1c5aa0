package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.internal.TensorArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Following the refusal's advice: a run of 2 epochs (its decay to the cap's end), stopped after its
 * first checkpoint and resumed under a cap of 3 with {@code optScheduleEpochs(2)}, as the refusal
 * of the cap alone names, ends bit for bit as the uninterrupted run under that cap and horizon; and
 * its third epoch trains at rate 0 (its weights, so its validation loss, are the second epoch's),
 * which the refusal says, as a user raising the cap to train on would otherwise learn it only so.
 */
class TrainerResumeHorizonTest {
    private static final SyntheticTasks TASKS = new SyntheticTasks(31, 24, 8, TrainerTest.THREE);

    /** The result in one line, each epoch's average validation loss, and the final weights' bytes. */
    private record Outcome(String result, List<Double> losses, byte[] weights) {}

    /** Trains to the end, or throws out of the first checkpoint where {@code stop}, as a kill would. */
    private static Outcome run(Path dir, boolean stop, Path tmp, String name, UnaryOperator<Trainer.Builder> change)
            throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = TrainerTest.model(root, TASKS, 4)) {
            Trainer.Builder b = Trainer.builder().setModel(model).setData(TASKS).optBatchSize(8).optLearningRate(1e-2)
                    .optMaxEpochs(2).optPatience(10).optSeed(5);
            if (dir != null) {
                b.optCheckpointDir(dir);
            }
            if (stop) {
                b.addListener(MixedPrecisionTrainingTest.killAfter(1));
            }
            try (Trainer t = change.apply(b).build()) {
                if (stop) {
                    assertThrows(IllegalStateException.class, t::fit);
                    return null;
                }
                FitResult r = t.fit();
                Path file = tmp.resolve(name + ".ndlist");
                TensorArchive.write(file, MultiHeadModel.arrays(model.parameters()));
                List<Double> losses = r.epochs().stream().map(EpochReport::averageValidationLoss).toList();
                return new Outcome("best " + r.bestEpoch() + ", steps " + r.globalSteps() + ", stopped early "
                        + r.stoppedEarly(), losses, Files.readAllBytes(file));
            }
        }
    }

    @Test
    void followingTheAdviceResumesAsTheUninterruptedRunUnderThatHorizon(@TempDir Path tmp) throws Exception {
        Outcome whole = run(null, false, tmp, "whole", b -> b.optMaxEpochs(3).optScheduleEpochs(2));
        Path dir = tmp.resolve("ckpt");
        run(dir, true, tmp, "stopped", b -> b);
        IOException e = assertThrows(IOException.class, () -> run(dir, false, tmp, "refused", b -> b.optMaxEpochs(3)));
        assertTrue(e.getMessage().contains("optScheduleEpochs(2) keeps the recorded decay under the new cap, where"
                + " epochs after epoch 2 train at rate 0"), e.getMessage());
        Outcome resumed = run(dir, false, tmp, "resumed", b -> b.optMaxEpochs(3).optScheduleEpochs(2));
        assertEquals(whole.result(), resumed.result());
        assertEquals(whole.losses(), resumed.losses(), "validation losses");
        assertArrayEquals(whole.weights(), resumed.weights(), "final weights");
        // rate 0 after step 2 * 3: the third epoch leaves the weights, and so the validation loss, as they were
        assertEquals(whole.losses().get(1), whole.losses().get(2), "validation losses " + whole.losses());
        // under a lower cap the recorded decay is cut short, not run past: no word of rate 0
        Path longer = tmp.resolve("longer");
        run(longer, true, tmp, "longer", b -> b.optMaxEpochs(3));
        IOException lower = assertThrows(IOException.class, () -> run(longer, false, tmp, "lower", b -> b));
        assertTrue(lower.getMessage().contains("optScheduleEpochs(3) keeps the recorded decay under the new cap)"),
                lower.getMessage());
    }
}
