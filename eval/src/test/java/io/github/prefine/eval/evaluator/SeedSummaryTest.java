package io.github.prefine.eval.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.eval.metrics.MetricType;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Mean and std over seeds from the array a finetuning's per-seed metrics come in. */
class SeedSummaryTest {
    @Test
    void anArrayOfSeedScoresAggregatesAsTheListDoes() {
        // 80, 90, 100: mean 90; sample std sqrt(200 / 2) = 10; population std sqrt(200 / 3)
        double[] scores = {80, 90, 100};
        SeedSummary sample = SeedSummary.of(scores, StdKind.SAMPLE);
        assertEquals(90, sample.mean(), 1e-12);
        assertEquals(10, sample.std(), 1e-12);
        assertEquals(3, sample.n());
        assertEquals(Math.sqrt(200.0 / 3), SeedSummary.of(scores, StdKind.POPULATION).std(), 1e-12);
        assertEquals(SeedSummary.of(List.of(80.0, 90.0, 100.0), StdKind.SAMPLE), sample);
        assertEquals(80, scores[0]);
        assertThrows(IllegalArgumentException.class, () -> SeedSummary.of(new double[0], StdKind.SAMPLE));
    }

    /**
     * Seed means and stds agree with NumPy to the last bit, so a Table 1 cell printed to one decimal
     * reads as a NumPy or pandas recomputation of the same runs prints it. Expected values are
     * {@code repr(float(np.mean(v)))} and {@code np.std(v, ddof=1)} / {@code np.std(v)} (NumPy 2.4).
     */
    @Test
    void meanAndStdAreNumpysToTheLastBit() {
        // the decimal mean is 72.45 exactly; np.mean gives the double nearest it (printed 72.5 by
        // '%.1f'), a mean with a correction term gives the one below (printed 72.4)
        SeedSummary tie = SeedSummary.of(new double[] {65.6, 68.6, 84.8, 70.8}, StdKind.SAMPLE);
        assertEquals(72.45, tie.mean());
        assertEquals(8.504704580407248, tie.std());
        assertEquals(7.365290218314552, SeedSummary.of(new double[] {65.6, 68.6, 84.8, 70.8}, StdKind.POPULATION).std());
        // np.std(ddof=1) gives 17.05 exactly here (printed 17.1 by '%.1f')
        SeedSummary spread = SeedSummary.of(new double[] {93.7, 56.2, 69.3, 87.1}, StdKind.SAMPLE);
        assertEquals(76.57499999999999, spread.mean());
        assertEquals(17.05, spread.std());
    }

    @Test
    void oneSeedHasNoSampleStdAsNumpyAndTableOneSay() {
        // np.std([71.5], ddof=1) is nan (with a RuntimeWarning), np.std([71.5]) is 0.0; Table 1 shows
        // such a cell's mean only, so a summary of it must not claim std 0
        SeedSummary one = SeedSummary.of(new double[] {71.5}, StdKind.SAMPLE);
        assertEquals(71.5, one.mean());
        assertEquals(1, one.n());
        assertTrue(Double.isNaN(one.std()), "std " + one.std());
        assertFalse(one.hasStd());
        assertTrue(Double.isNaN(SeedSummary.of(List.of(71.5), StdKind.SAMPLE).std()));
        SeedSummary population = SeedSummary.of(new double[] {71.5}, StdKind.POPULATION);
        assertEquals(0.0, population.std());
        assertTrue(population.hasStd());
        assertTrue(SeedSummary.of(new double[] {71.5, 71.5}, StdKind.SAMPLE).hasStd());
        // the evaluator's aggregate of one run, as a one-seed finetuning gives it
        SeedSummary aggregated = Evaluator.builder().setMetric(MetricType.ACCURACY).build()
                .aggregate(List.of(new EvaluationResult(MetricType.ACCURACY, 71.5, 200)));
        assertFalse(aggregated.hasStd());
        // a hand-made summary cannot claim what the kind and count rule out
        assertThrows(IllegalArgumentException.class, () -> new SeedSummary(71.5, 0.0, 1, StdKind.SAMPLE));
        assertThrows(IllegalArgumentException.class, () -> new SeedSummary(71.5, Double.NaN, 2, StdKind.SAMPLE));
        assertThrows(IllegalArgumentException.class, () -> new SeedSummary(71.5, Double.NaN, 1, StdKind.POPULATION));
    }

    /** The refusal counts its runs as "1 run" and "2 runs", where it said "run(s)". */
    @Test
    void theRefusalCountsOneRunInTheSingular() {
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> new SeedSummary(71.5, 0.0, 1, StdKind.SAMPLE));
        assertEquals("a seed summary of 1 run with " + StdKind.SAMPLE + " std needs std NaN (undefined for one run),"
                + " found 0.0", one.getMessage());
        IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
                () -> new SeedSummary(71.5, Double.NaN, 2, StdKind.SAMPLE));
        assertEquals("a seed summary of 2 runs with " + StdKind.SAMPLE + " std needs a number for std, found NaN",
                two.getMessage());
    }
}
