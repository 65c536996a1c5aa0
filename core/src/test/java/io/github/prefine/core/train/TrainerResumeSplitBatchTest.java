package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.internal.TensorArchive;
import io.github.prefine.core.task.Split;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose batches are split over two replicas and two micro-batches each, with dropout, weight
 * decay and a task without validation examples (its loss NaN in every epoch's record, left out of
 * the average), stopped after its first checkpoint and resumed by a new trainer over a new model,
 * ends with the uninterrupted run's weights, validation losses, best epoch and step count, bit for
 * bit; and the replica holds the main device's weights after the resume, as after every step.
 * {@code TrainerResumeTest} resumes a single-device run whose tasks all have validation examples.
 */
class TrainerResumeSplitBatchTest {
    private static final SyntheticTasks TASKS = new SyntheticTasks(47, 12, 4, TrainerTest.THREE);
    /** Task 1 has no validation examples. */
    private static final BatchSource DATA = new ResizedSource(TASKS,
            (task, split, n) -> task == 1 && split == Split.VALIDATION ? 0 : n);

    /** What a run ends with: its result lines (losses as raw bits) and its final weights' bytes. */
    private record Outcome(List<String> lines, byte[] weights) {}

    /** Trains to the end, or throws out of the first checkpoint where {@code stop}, as a kill would. */
    private static Outcome run(Path dir, boolean stop, Path tmp) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = TASKS.model(root, 0.1f, TASKS::head)) {
            Trainer.Builder b = Trainer.builder().setModel(model).setData(DATA).optBatchSize(7).optLearningRate(3e-2)
                    .optMaxEpochs(3).optSeed(13).optGradientAccumulation(2)
                    .optDevices(List.of(root.getDevice(), root.getDevice()))
                    .optOptimizer(AdamW.builder().optWeightDecay(0.01));
            if (dir != null) {
                b.optCheckpointDir(dir);
            }
            if (stop) {
                b.addListener(new TrainingListener() {
                    @Override
                    public void onCheckpoint(Path at, int epochs) {
                        throw new IllegalStateException("stopped after epoch " + epochs);
                    }
                });
            }
            try (Trainer t = b.build()) {
                if (stop) {
                    assertThrows(IllegalStateException.class, t::fit);
                    return null;
                }
                FitResult r = t.fit();
                List<String> lines = new ArrayList<>();
                lines.add("best " + r.bestEpoch() + ", steps " + r.globalSteps() + ", stopped early " + r.stoppedEarly());
                for (EpochReport e : r.epochs()) {
                    StringBuilder s = new StringBuilder("epoch " + e.epoch() + ":");
                    for (double v : e.validationLosses()) {
                        s.append(' ').append(Long.toHexString(Double.doubleToRawLongBits(v)));
                    }
                    lines.add(s.append(" average ").append(Double.doubleToRawLongBits(e.averageValidationLoss()))
                            .toString());
                }
                List<float[]> replica = t.replicaValues(1);
                for (int i = 0; i < replica.size(); i++) {
                    assertArrayEquals(model.parameters().get(i).parameter().getArray().toFloatArray(), replica.get(i),
                            "replica of " + model.parameters().get(i).key());
                }
                Path file = Files.createTempFile(tmp, "weights", ".ndlist");
                TensorArchive.write(file, MultiHeadModel.arrays(model.parameters()));
                return new Outcome(lines, Files.readAllBytes(file));
            }
        }
    }

    @Test
    void aRunSplitOverReplicasWithATaskWithoutValidationResumesToTheSameBits(@TempDir Path tmp) throws Exception {
        Outcome whole = run(null, false, tmp);
        Path dir = tmp.resolve("checkpoints");
        run(dir, true, tmp);
        String state = Files.readString(TrainerSettingsResumeTest.published(dir).resolve("state.json"),
                StandardCharsets.UTF_8);
        assertTrue(state.contains("NaN"), "the checkpoint records task 1's validation loss as NaN:\n" + state);
        Outcome resumed = run(dir, false, tmp);
        assertEquals(3, whole.lines().size() - 1, "epochs");
        assertTrue(whole.lines().get(1).contains(" 7ff8000000000000 "), "task 1 has no validation loss: "
                + whole.lines().get(1));
        assertEquals(whole.lines(), resumed.lines(), "best epoch, steps and validation losses");
        assertArrayEquals(whole.weights(), resumed.weights(), "final weights");
    }
}
