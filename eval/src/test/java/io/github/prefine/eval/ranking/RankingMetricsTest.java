package io.github.prefine.eval.ranking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RankingMetricsTest {

    @Test
    void cosineMatchesHandWorkedValues() {
        assertEquals(1 / Math.sqrt(2), RankingMetrics.cosine(new float[] {1, 0}, new float[] {1, 1}), 1e-12);
        assertEquals(-1, RankingMetrics.cosine(new float[] {1, 2, 3}, new float[] {-2, -4, -6}), 1e-12);
        assertEquals(0, RankingMetrics.cosine(new float[] {0, 0}, new float[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.cosine(new float[] {1}, new float[] {1, 2}));
    }

    /**
     * The cosine of a vector holding an infinity or a NaN is NaN (inf/inf), not a number in [-1, 1]
     * as documented; a caller sorting by it put that item first. Refused, naming the vector and value.
     */
    @Test
    void cosineRefusesNonFiniteValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.cosine(new float[] {1, 0}, new float[] {1, Float.POSITIVE_INFINITY}));
        assertEquals("cosine: b[1] must be finite, found Infinity", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.cosine(new float[] {Float.NaN, 0}, new float[] {1, 1}));
        assertEquals("cosine: a[0] must be finite, found NaN", e.getMessage());
    }

    /** An infinite gain makes DCG and its ideal both infinite, and their ratio NaN. */
    @Test
    void ndcgRefusesAnInfiniteGain() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.ndcgAtK(new double[] {2, 1}, new double[] {Double.POSITIVE_INFINITY, 0}, 2));
        assertEquals("ndcg: gain 0 must be finite and non-negative, found Infinity", e.getMessage());
    }

    @Test
    void tiesShareTheirAverageRank() {
        assertArrayEquals(new double[] {2, 3.5, 3.5, 1}, RankingMetrics.ranks(new double[] {10, 20, 20, 5}));
    }

    @Test
    void spearmanMatchesScipyDocumentationExample() {
        // scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) -> 0.8207826816681233
        assertEquals(0.8207826816681233,
                RankingMetrics.spearman(new double[] {1, 2, 3, 4, 5}, new double[] {5, 6, 7, 8, 7}), 1e-12);
        assertEquals(-1, RankingMetrics.spearman(new double[] {1, 2, 3}, new double[] {9, 4, 1}), 1e-12);
        assertTrue(Double.isNaN(RankingMetrics.spearman(new double[] {1, 2, 3}, new double[] {4, 4, 4})));
    }

    @Test
    void spearmanWithTiesOnBothSidesIsPearsonOfTheAverageRanks() {
        // ranks (1.5, 1.5, 3, 4) and (1, 2.5, 2.5, 4), both of mean 2.5:
        // sxy = 1.5 + 0 + 0 + 2.25 = 3.75, sxx = syy = 4.5, rho = 3.75 / 4.5
        assertEquals(3.75 / 4.5, RankingMetrics.spearman(new double[] {1, 1, 2, 3}, new double[] {1, 2, 2, 3}), 1e-12);
        // -0.0 and 0.0 are one value
        assertArrayEquals(new double[] {1.5, 1.5, 3}, RankingMetrics.ranks(new double[] {0.0, -0.0, 1}));
    }

    @Test
    void ndcgMatchesHandWorkedValues() {
        // order by predicted: items 0, 1, 2 with gains 0, 1, 2
        // dcg = 0 + 1/log2(3) + 2/2; ideal = 2 + 1/log2(3) + 0
        double l3 = Math.log(3) / Math.log(2);
        double expected = (1 / l3 + 1) / (2 + 1 / l3);
        assertEquals(expected, RankingMetrics.ndcgAtK(new double[] {3, 2, 1}, new double[] {0, 1, 2}, 3), 1e-12);
        assertEquals(0, RankingMetrics.ndcgAtK(new double[] {3, 2, 1}, new double[] {0, 1, 2}, 1), 1e-12);
        assertEquals(1, RankingMetrics.ndcgAtK(new double[] {1, 2, 3}, new double[] {0, 1, 2}, 2), 1e-12);
        assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.ndcgAtK(new double[] {1, 2}, new double[] {-1, 0}, 2));
    }

    /**
     * A NaN predicted score has no place in a ranking: sorted as the highest it would put its item
     * first and give a score that looks measured ({1, NaN} over gains {0, 1} gave 1.0).
     */
    @Test
    void aNaNPredictedScoreIsRefusedNamingTheItem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.ndcgAtK(new double[] {1, Double.NaN}, new double[] {0, 1}, 2));
        assertEquals("ndcg: predicted score 1 must be a number, found NaN", e.getMessage());
    }

    /**
     * Items the prediction ties are in no order of its making: each shares the positions of its
     * tie, gaining the mean gain of the tie at each of them (McSherry and Najork's tie-aware DCG,
     * scikit-learn's default). Breaking the tie by index scored the same prediction over the same
     * gains by the order the items were listed in (0.67 or 0.81 below), and a constant prediction
     * 1 when they were listed best first.
     */
    @Test
    void ndcgSharesTheGainOfTiedPredictionsAcrossTheirPositions() {
        double l3 = Math.log(3) / Math.log(2);
        // predicted ties items 0 and 1 at the top: mean gain 1 at positions 1 and 2, then gain 1 at 3
        double expected = (1 + 1 / l3 + 1 / 2.0) / (2 + 1 / l3);
        assertEquals(expected, RankingMetrics.ndcgAtK(new double[] {1, 1, 0}, new double[] {0, 2, 1}, 3), 1e-12);
        assertEquals(expected, RankingMetrics.ndcgAtK(new double[] {1, 1, 0}, new double[] {2, 0, 1}, 3), 1e-12);
        // a tie cut by k: mean gain 1 at the one position that counts, of an ideal 3
        assertEquals(1 / 3.0, RankingMetrics.ndcgAtK(new double[] {5, 5, 5}, new double[] {3, 0, 0}, 1), 1e-12);
        assertEquals(1 / 3.0, RankingMetrics.ndcgAtK(new double[] {5, 5, 5}, new double[] {0, 0, 3}, 1), 1e-12);
        // a tie below the cut changes nothing: item 2 alone first gains 3 of an ideal 3
        assertEquals(1, RankingMetrics.ndcgAtK(new double[] {0, 0, 9}, new double[] {1, 0, 3}, 1), 1e-12);
    }

    /**
     * Every gain zero: the ideal DCG is 0. scikit-learn's {@code ndcg_score([[0, 0, 0]], [[.3, .2, .1]])}
     * is 0.0 (an all-irrelevant sample scores 0, {@code _ndcg_sample_scores}), and averaged with
     * {@code [[1, 2, 3]], [[1, 2, 3]]} (1.0) gives 0.5; here it was 1, which lifts an average.
     */
    @Test
    void ndcgOfAllZeroGainsIsZeroAsScikitLearnScoresIt() {
        assertEquals(0.0, RankingMetrics.ndcgAtK(new double[] {0.3, 0.2, 0.1}, new double[] {0, 0, 0}, 3));
        assertEquals(0.0, RankingMetrics.ndcgAtK(new double[] {1, 2}, new double[] {0, 0}, 2));
        double mean = (RankingMetrics.ndcgAtK(new double[] {0.3, 0.2, 0.1}, new double[] {0, 0, 0}, 3)
                + RankingMetrics.ndcgAtK(new double[] {1, 2, 3}, new double[] {1, 2, 3}, 3)) / 2;
        assertEquals(0.5, mean, 1e-15);
    }

    /**
     * Kendall's tau-b with ties on either side, checked against {@code scipy.stats.kendalltau} (its
     * default, variant 'b') and worked by hand where small.
     */
    @Test
    void kendallTauMatchesScipyTauB() {
        // 10 pairs, x untied, y ties one pair (items 2 and 4): 8 concordant, 1 discordant,
        // 7 / sqrt(10 * 9); scipy: 0.7378647873726218
        assertEquals(0.7378647873726218,
                RankingMetrics.kendallTau(new double[] {1, 2, 3, 4, 5}, new double[] {5, 6, 7, 8, 7}), 1e-15);
        assertEquals(7 / Math.sqrt(90),
                RankingMetrics.kendallTau(new double[] {1, 2, 3, 4, 5}, new double[] {5, 6, 7, 8, 7}), 1e-15);
        // 6 pairs, one tied in x, one in y: 4 concordant, 0 discordant, 4 / sqrt(5 * 5); scipy 0.7999999999999999
        assertEquals(0.8, RankingMetrics.kendallTau(new double[] {1, 1, 2, 3}, new double[] {1, 2, 2, 3}), 1e-15);
        assertEquals(-1, RankingMetrics.kendallTau(new double[] {1, 2, 3}, new double[] {9, 4, 1}), 1e-15);
        // scipy: 0.0 (ties on both sides, concordant and discordant pairs balance)
        assertEquals(0.0, RankingMetrics.kendallTau(new double[] {3, 1, 2, 2, 5, 4}, new double[] {1, 1, 2, 3, 3, 0}),
                1e-15);
        // -0.0 ties 0.0 as in numpy; scipy: 0.816496580927726
        assertEquals(0.816496580927726, RankingMetrics.kendallTau(new double[] {0.0, -0.0, 1}, new double[] {1, 2, 3}),
                1e-15);
        // a constant side: scipy answers nan
        assertTrue(Double.isNaN(RankingMetrics.kendallTau(new double[] {1, 2, 3}, new double[] {4, 4, 4})));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.kendallTau(new double[] {1}, new double[] {1}));
        assertEquals("kendall: needs two arrays of the same length >= 2, found 1 and 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.kendallTau(new double[] {1, Double.NaN}, new double[] {1, 2}));
        assertEquals("kendall: x[1] is NaN", e.getMessage());
    }

    @Test
    void orderBreaksTiesByIndex() {
        assertArrayEquals(new int[] {1, 0, 2}, RankingMetrics.order(new double[] {2, 5, 2}));
    }

    @Test
    void edgeCasesOfTheArguments() {
        // 3-4-5 triangle: cos = 3/5
        assertEquals(0.6, RankingMetrics.cosine(new float[] {1, 0}, new float[] {3, 4}), 1e-12);
        // two items are enough for a rank correlation
        assertEquals(-1, RankingMetrics.spearman(new double[] {1, 2}, new double[] {4, 3}), 1e-12);
        assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.spearman(new double[] {1}, new double[] {1}));
        assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.ndcgAtK(new double[] {1, 2}, new double[] {0, 1}, 0));
    }
}
