package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LearningRateSweepTest {
    @Test
    void keepsLowestLossOrHighestMetricAndSkipsNaN() throws Exception {
        Map<Double, Double> loss = Map.of(1e-5, 0.9, 3e-5, Double.NaN, 1e-4, 0.4, 3e-4, 0.5, 1e-3, 0.4);
        List<Double> tried = new ArrayList<>();
        LearningRateSweep.SweepResult r = LearningRateSweep.run(Trainer.defaultLearningRates(), lr -> {
            tried.add(lr);
            return loss.get(lr);
        }, false);
        assertEquals(Trainer.defaultLearningRates(), tried);
        assertEquals(1e-4, r.bestLearningRate(), "ties go to the earlier rate");
        assertEquals(1e-5, LearningRateSweep.run(Trainer.defaultLearningRates(), loss::get, true).bestLearningRate());
    }

    @Test
    void rejectsEmptyGridsAndAllNaN() {
        assertThrows(IllegalArgumentException.class, () -> LearningRateSweep.run(List.of(), lr -> 1, true));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSweep.run(List.of(0.0), lr -> 1, true));
        SweepDivergedException e = assertThrows(SweepDivergedException.class,
                () -> LearningRateSweep.run(List.of(1e-3, 1e-2), lr -> Double.NaN, true));
        assertEquals(List.of(1e-3, 1e-2), e.learningRates());
    }

    @Test
    void anIllegalStateInATrialIsNotReportedAsDivergence() {
        IllegalStateException bug = new IllegalStateException("trainer: already closed");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LearningRateSweep.run(List.of(1e-3),
                lr -> {
                    throw bug;
                }, true));
        assertSame(bug, e);
    }

    @Test
    void byValidationLossUsesTheBestEpochsAverage() throws Exception {
        LearningRateSweep.SweepResult r = LearningRateSweep.byValidationLoss(List.of(1e-3, 1e-2),
                lr -> new FitResult(List.of(), 0, lr == 1e-2 ? 0.1 : 0.2, false, 0, lr));
        assertEquals(1e-2, r.bestLearningRate());
        assertEquals(List.of(0.2, 0.1), r.scores());
    }

    @Test
    void aSweepWithoutAnyFiniteScoreHasNoWinner() throws Exception {
        // "@throws IllegalStateException if no trial produced a finite score": a pre-finetuning trial
        // without a finite epoch reports FitResult's bestAverageValidationLoss of +infinity
        assertThrows(IllegalStateException.class, () -> LearningRateSweep.byValidationLoss(List.of(1e-3, 1e-2),
                lr -> new FitResult(List.of(), -1, Double.POSITIVE_INFINITY, false, 0, lr)));
        assertThrows(IllegalStateException.class,
                () -> LearningRateSweep.run(List.of(1e-3, 1e-2), lr -> Double.NEGATIVE_INFINITY, true));
        // an infinite trial never wins over a finite one, whichever the direction
        assertEquals(1e-2, LearningRateSweep.run(List.of(1e-3, 1e-2),
                lr -> lr == 1e-3 ? Double.NEGATIVE_INFINITY : 0.5, false).bestLearningRate());
    }

    @Test
    void aTieOfMetricsAlsoGoesToTheEarlierRate() throws Exception {
        // "ties go to the earlier rate" holds for higher-is-better metrics as for losses
        LearningRateSweep.SweepResult r = LearningRateSweep.run(List.of(1e-4, 1e-3, 1e-2),
                lr -> lr == 1e-4 ? 0.5 : 0.8, true);
        assertEquals(1e-3, r.bestLearningRate());
        assertEquals(List.of(0.5, 0.8, 0.8), r.scores());
    }
}
