package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.internal.TensorArchive;
import io.github.prefine.core.testing.CapturedLogs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint folder whose run has finished holds the best epoch's weights, not the last
 * epoch's, so that run cannot be continued. A trainer whose epoch cap or patience would train on
 * from where it finished is refused, naming the folder, the recorded and requested values and
 * what to do, rather than handing back the finished run's result as if trained as asked; one
 * that would have stopped there too reads the finished run back.
 */
class TrainerFinishedResumeTest {
    private static final SyntheticTasks TASKS = new SyntheticTasks(43, 24, 8, TrainerTest.THREE);

    /** The decay horizon is fixed, so that the cap alone differs between the runs. */
    private static Trainer.Builder builder(MultiHeadModel model, Path dir, int maxEpochs, int patience,
            int scheduleEpochs) {
        return Trainer.builder().setModel(model).setData(TASKS).optBatchSize(8).optLearningRate(1e-2)
                .optMaxEpochs(maxEpochs).optPatience(patience).optScheduleEpochs(scheduleEpochs).optSeed(5)
                .optCheckpointDir(dir);
    }

    private static FitResult fit(Path dir, int maxEpochs, int patience, int scheduleEpochs) throws IOException {
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = TrainerTest.model(root, TASKS, 3);
                Trainer t = builder(model, dir, maxEpochs, patience, scheduleEpochs).build()) {
            return t.fit();
        }
    }

    /** Tries a trainer on the folder; returns its refusal, and checks the model kept its own weights. */
    private static IOException refused(Path dir, int maxEpochs, int patience, int scheduleEpochs, Path tmp)
            throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = TrainerTest.model(root, TASKS, 3);
                Trainer t = builder(model, dir, maxEpochs, patience, scheduleEpochs).build()) {
            Path before = tmp.resolve("before.ndlist");
            Path after = tmp.resolve("after.ndlist");
            TensorArchive.write(before, MultiHeadModel.arrays(model.parameters()));
            IOException e = assertThrows(IOException.class, t::fit);
            TensorArchive.write(after, MultiHeadModel.arrays(model.parameters()));
            assertArrayEquals(Files.readAllBytes(before), Files.readAllBytes(after),
                    "a refused resume leaves the model's own weights");
            return e;
        }
    }

    @Test
    void aRunFinishedAtItsCapIsNotExtendedByALargerCap(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("ckpt");
        FitResult done = fit(dir, 2, 5, 4);
        assertEquals(2, done.epochs().size());
        assertFalse(done.stoppedEarly());

        // the fit() returned the 2-epoch result for a cap of 4, with an INFO line only
        String m = refused(dir, 4, 5, 4, tmp).getMessage();
        assertTrue(m.startsWith(TrainerSettingsResumeTest.published(dir) + ": "), m);
        assertTrue(m.contains("finished after 2 epochs at its epoch cap (maxEpochs 2)"), m);
        assertTrue(m.contains("this trainer would train on (maxEpochs 4, patience 5)"), m);
        assertTrue(m.contains("the best epoch's weights"), m);
        assertTrue(m.contains("another checkpoint folder"), m);

        // the recorded cap, or a lower one, reads the finished run back
        assertEquals(done.epochs(), fit(dir, 2, 5, 4).epochs());
        assertEquals(done.epochs(), fit(dir, 1, 5, 4).epochs());
    }

    @Test
    void aRunStoppedByPatienceIsNotExtendedByALargerPatience(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("ckpt");
        // the rate decays to 0 over the first epoch, so the second leaves the weights and the
        // validation loss as they were: no improvement, and patience 1 stops the run there
        FitResult done = fit(dir, 4, 1, 1);
        assertEquals(2, done.epochs().size());
        assertTrue(done.stoppedEarly());
        assertEquals(done.epochs().get(0).averageValidationLoss(), done.epochs().get(1).averageValidationLoss());

        String m = refused(dir, 4, 3, 1, tmp).getMessage();
        assertTrue(m.startsWith(TrainerSettingsResumeTest.published(dir) + ": "), m);
        assertTrue(m.contains("finished after 2 epochs when patience ran out (patience 1)"), m);
        assertTrue(m.contains("this trainer would train on (maxEpochs 4, patience 3)"), m);

        // the recorded patience reads it back; so does a larger patience whose cap is reached already
        assertEquals(done.epochs(), fit(dir, 4, 1, 1).epochs());
        assertEquals(done.epochs(), fit(dir, 2, 3, 1).epochs());
    }

    /**
     * A finished run read back with another evaluation batch size, on another device and engine,
     * and from a checkpoint older than the optimiser's settings warned that "the run continues, but
     * its validation losses can differ": nothing trains or evaluates again, and the recorded epochs
     * come back as written. It says only (INFO) that the run had finished.
     */
    @Test
    void aFinishedRunReadBackUnderOtherRoundingSaysNothingOfContinuing(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("ckpt");
        FitResult done = fit(dir, 2, 5, 4);
        Path at = TrainerSettingsResumeTest.published(dir);
        Path state = at.resolve("state.json");
        JsonObject json = JsonParser.parseString(Files.readString(state, StandardCharsets.UTF_8)).getAsJsonObject();
        JsonObject manifest = json.getAsJsonObject("manifest");
        manifest.addProperty("device", "gpu(3)");
        manifest.addProperty("engine", "PyTorch 9.9.9");
        manifest.remove("optimizer.weightDecay");
        Files.writeString(state, json.toString(), StandardCharsets.UTF_8);

        FitResult[] back = new FitResult[1];
        String logs = CapturedLogs.of(() -> {
            try (NDManager root = NDManager.newBaseManager();
                    MultiHeadModel model = TrainerTest.model(root, TASKS, 3);
                    Trainer t = builder(model, dir, 2, 5, 4).optEvalBatchSize(3).build()) {
                back[0] = t.fit();
            }
        });
        assertEquals(done.epochs(), back[0].epochs(), "the recorded epochs, not evaluated again");
        // the tests log WARN and above: the INFO line that the run had finished is all it says
        assertTrue(logs.lines().noneMatch(l -> l.contains("WARN") && l.contains(at.toString())), logs);
        assertTrue(logs.lines().noneMatch(l -> l.contains("continues") || l.contains("evalBatchSize")
                || l.contains("resumed on") || l.contains("could not be checked")), logs);
    }
}
