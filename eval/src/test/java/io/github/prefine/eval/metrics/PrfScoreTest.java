package io.github.prefine.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PrfScoreTest {

    @Test
    void eachRatioMustBeAFraction() {
        assertThrows(IllegalArgumentException.class, () -> new PrfScore(1.5, 0.5, 0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new PrfScore(0.5, -0.1, 0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new PrfScore(0.5, 0.5, Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new PrfScore(0.5, 0.5, 0.5, -1));
        assertEquals(1.0, new PrfScore(1.0, 1.0, 1.0, 0).f1());
    }

    @Test
    void seqevalAndScikitLearnAgreeOnCountsUpToRounding() {
        // tp 1, pred 3, gold 2: p 1/3, r 1/2, f1 2pr/(p+r) = 2tp/(pred+gold) = 2/5
        PrfScore seqeval = PrfScore.fromCountsSeqeval(1, 3, 2);
        PrfScore sklearn = PrfScore.fromCountsSklearn(1, 3, 2);
        assertEquals(1.0 / 3, seqeval.precision());
        assertEquals(0.5, sklearn.recall());
        assertEquals(0.4, seqeval.f1(), 1e-15);
        assertEquals(0.4, sklearn.f1());
        assertEquals(2, sklearn.support());
        // nothing predicted, nothing gold: every ratio is 0 (zero_division default)
        assertEquals(new PrfScore(0, 0, 0, 0), PrfScore.fromCountsSklearn(0, 0, 0));
    }
}
