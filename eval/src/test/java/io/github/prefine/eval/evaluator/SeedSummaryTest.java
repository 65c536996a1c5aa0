package io.github.prefine.eval.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
