package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.testing.CapturedLogs;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A sweep called directly with real training: a rate so high that the weights overflow (1e300, as
 * the grid's divergence tests use) throws {@link NonFiniteLossException} from its fit, which
 * aborted the whole sweep; it now loses, named in the result and the log, and the sweep goes on to
 * the rate that trains. Only a grid where every rate diverges throws, naming each reason.
 */
class LearningRateSweepTrainingTest {
    private static final SyntheticTasks TASKS = new SyntheticTasks(31, 24, 8, TrainerTest.THREE);

    private static FitResult fit(double lr) throws java.io.IOException {
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = TrainerTest.model(root, TASKS, 3);
                Trainer t = Trainer.builder().setModel(model).setData(TASKS).optBatchSize(8).optLearningRate(lr)
                        .optMaxEpochs(1).optSeed(5).build()) {
            return t.fit();
        }
    }

    @Test
    void aDivergedRateLosesAndTheSweepGoesOn() throws Exception {
        Map<Double, FitResult> fits = new HashMap<>();
        LearningRateSweep.SweepResult[] r = new LearningRateSweep.SweepResult[1];
        String logs = CapturedLogs.of(() -> r[0] = LearningRateSweep.byValidationLoss(List.of(1e300, 1e-2), lr -> {
            FitResult f = fit(lr);
            fits.put(lr, f);
            return f;
        }));
        assertEquals(1e-2, r[0].bestLearningRate());
        assertEquals(List.of(1e-2), List.copyOf(fits.keySet()), "the diverged fit returned nothing");
        assertTrue(Double.isNaN(r[0].scores().get(0)), r[0].scores().toString());
        assertEquals(fits.get(1e-2).bestAverageValidationLoss(), r[0].scores().get(1));
        assertTrue(Double.isFinite(r[0].scores().get(1)), r[0].scores().toString());
        assertEquals(1, r[0].divergences().size(), r[0].divergences().toString());
        LearningRateSweep.Divergence d = r[0].divergences().get(0);
        assertEquals(1e300, d.learningRate());
        assertTrue(d.reason().startsWith("training step "), d.reason());
        assertTrue(logs.lines().anyMatch(l -> l.contains("WARN") && l.contains("learning rate 1.0E300 diverged")
                && l.contains(d.reason())), logs);
    }

    @Test
    void aGridWhereEveryRateDivergesThrowsNamingEachReason() {
        SweepDivergedException e = assertThrows(SweepDivergedException.class,
                () -> LearningRateSweep.byValidationLoss(List.of(1e300, 1e299), LearningRateSweepTrainingTest::fit));
        assertEquals(List.of(1e300, 1e299), e.learningRates());
        assertTrue(e.getMessage().contains("; diverged: learning rate 1.0E300: training step ")
                && e.getMessage().contains("; learning rate 1.0E299: training step ")
                && e.getMessage().endsWith("; try lower rates"), e.getMessage());
    }
}
