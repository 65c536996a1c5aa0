package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
    /** Feeds scores and returns after how many epochs the rule says stop (or -1). */
    private static int stopsAfter(int patience, double... scores) {
        EarlyStopping es = new EarlyStopping(patience);
        for (int i = 0; i < scores.length; i++) {
            es.observe(scores[i]);
            if (es.shouldStop()) {
                return i + 1;
            }
        }
        return -1;
    }

    @Test
    void stopsAfterPatienceEpochsWithoutStrictImprovement() {
        // best at epoch 1; epochs 2, 3, 4 do not beat 4.0 (equal does not count)
        assertEquals(5, stopsAfter(3, 5.0, 4.0, 4.5, 4.0, 4.1, 3.0));
        // an improvement resets the count
        assertEquals(8, stopsAfter(3, 5.0, 4.0, 4.5, 4.2, 3.9, 4.0, 4.0, 4.0));
        assertEquals(-1, stopsAfter(3, 5.0, 4.0, 4.5, 4.2, 3.9, 4.0));
        assertEquals(2, stopsAfter(1, 1.0, 1.0));
    }

    @Test
    void nanNeverImproves() {
        assertEquals(3, stopsAfter(3, Double.NaN, Double.NaN, Double.NaN));
        EarlyStopping es = new EarlyStopping(2);
        es.observe(Double.NaN);
        assertTrue(es.observe(7.0));
        assertEquals(1, es.bestEpoch());
    }

    @Test
    void replayRestoresTheSameState() {
        List<Double> h = List.of(3.0, 2.0, 2.5, 2.2);
        EarlyStopping a = EarlyStopping.replay(3, h);
        assertEquals(1, a.bestEpoch());
        assertEquals(2, a.epochsSinceBest());
        assertFalse(a.shouldStop());
        a.observe(2.1);
        assertTrue(a.shouldStop());
    }

    @Test
    void observeTellsWhetherTheEpochIsTheNewBest() {
        EarlyStopping es = new EarlyStopping(3);
        assertEquals(Double.POSITIVE_INFINITY, es.bestScore());
        assertTrue(es.observe(5.0));
        assertFalse(es.observe(5.0), "equal is no improvement");
        assertFalse(es.observe(6.0));
        assertTrue(es.observe(4.0));
        assertFalse(es.observe(Double.NaN));
        assertEquals(4.0, es.bestScore());
        assertEquals(3, es.bestEpoch());
        assertEquals(List.of(5.0, 5.0, 6.0, 4.0, Double.NaN), es.history());
    }

    @Test
    void patienceMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(0));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(-1));
        assertEquals(3, new EarlyStopping(3).patience());
        assertEquals(3, EarlyStopping.replay(3, List.of(1.0)).patience());
    }
}
