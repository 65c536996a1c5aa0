package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.transfer.EmbeddingMethod;
import io.github.prefine.core.transfer.TransferRanking;
import io.github.prefine.eval.report.ResultSet;
import io.github.prefine.eval.report.RunRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code recommend --against}'s agreement table where a measure is undefined for a target: every
 * setting measured the same on it, so Spearman's rho and NDCG@3 have nothing to rank.
 */
class RecommendAgreementTest {

    private static TransferRanking ranking(String target) {
        // SL ranked above C: predicted transfer Only-SL 0.9 > SL+C 0.5 > Only-C 0.1 (equal sizes)
        return new TransferRanking(target, EnumSet.of(EmbeddingMethod.TEXT_EMB),
                List.of(new TransferRanking.ScoredTask("s1", "SL", 100, 0.9, Map.of()),
                        new TransferRanking.ScoredTask("c1", "C", 100, 0.1, Map.of())),
                List.of(new TransferRanking.ScoredGroup("SL", 0.9, List.of("s1"), 100),
                        new TransferRanking.ScoredGroup("C", 0.1, List.of("c1"), 100)));
    }

    @Test
    void anUndefinedMeasureIsADashAndTheAverageSaysHowManyTargetsItCovers() {
        ResultSet results = new ResultSet(List.of(
                // t1: measured in the predicted order, so rho 1 and NDCG@3 1 (worked by hand)
                new RunRecord("Only-SL", "t1", "SL", 1, 80), new RunRecord("Only-C", "t1", "SL", 1, 60),
                new RunRecord("SL+C", "t1", "SL", 1, 70),
                // t2: every setting the same, nothing to rank
                new RunRecord("Only-SL", "t2", "SL", 1, 50), new RunRecord("Only-C", "t2", "SL", 1, 50),
                new RunRecord("SL+C", "t2", "SL", 1, 50)), List.of());
        StringWriter s = new StringWriter();
        try (PrintWriter o = new PrintWriter(s)) {
            RecommendCommand.printAgreement(o, List.of(ranking("t1"), ranking("t2")), results);
        }
        String out = s.toString();
        assertFalse(out.contains("NaN"), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s*t2\\s+3\\s+-\\s+SL\\s+yes\\s+-\\s+-")), out);
        // the averages of rho and NDCG@3 are t1's alone, and the table says so rather than "(2)" alone
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s*average \\(2\\)\\s+1\\.000\\s+100%\\s+1\\.000\\s+1\\.000")), out);
        // t1 in the predicted order: every pair concordant, Kendall's tau 1
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s*t1\\s+3\\s+1\\.000\\s+SL\\s+yes\\s+1\\.000\\s+1\\.000")), out);
        assertTrue(out.contains("spearman, kendall and ndcg@3 average 1 of the 2 targets"), out);
    }

    /**
     * Kendall's tau over a target's settings: predicted Only-SL 0.9, SL+C 0.5, Only-C 0.1; measured
     * 70, 80, 60 (Only-SL measured best of the groups run alone, as ranked): of the 3 pairs (SL, C) and (SL+C, C) concordant, (SL, SL+C) discordant, tau = 1 / 3
     * (scipy.stats.kendalltau([0.9, 0.5, 0.1], [70, 80, 60]) = 0.3333), printed beside rho (0.5).
     */
    @Test
    void theTablePrintsKendallsTau() {
        ResultSet results = new ResultSet(List.of(new RunRecord("Only-SL", "t1", "SL", 1, 70),
                new RunRecord("Only-C", "t1", "SL", 1, 60), new RunRecord("SL+C", "t1", "SL", 1, 80)), List.of());
        StringWriter s = new StringWriter();
        try (PrintWriter o = new PrintWriter(s)) {
            RecommendCommand.printAgreement(o, List.of(ranking("t1")), results);
        }
        String out = s.toString();
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s*target\\s+settings\\s+spearman\\s+top group\\s+best\\s+ndcg@3"
                + "\\s+kendall")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s*t1\\s+3\\s+0\\.500\\s+SL\\s+yes\\s+\\S+\\s+0\\.333")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s*average \\(1\\)\\s+0\\.500\\s+100%\\s+\\S+\\s+0\\.333")), out);
    }

    /**
     * Only a target with no pre-finetuned run is said to have none: any other refusal of the
     * comparison (here a ranking whose C score is NaN, which Spearman's ranks refuse) was printed as
     * "no pre-finetuned run in the results" and the target dropped from the averages.
     */
    @Test
    void onlyAMissingRunIsReportedAsOneOtherErrorsSayWhatTheyAre() {
        TransferRanking nan = new TransferRanking("t1", EnumSet.of(EmbeddingMethod.TEXT_EMB),
                List.of(new TransferRanking.ScoredTask("s1", "SL", 100, 0.9, Map.of()),
                        new TransferRanking.ScoredTask("c1", "C", 100, Double.NaN, Map.of())),
                List.of(new TransferRanking.ScoredGroup("SL", 0.9, List.of("s1"), 100),
                        new TransferRanking.ScoredGroup("C", Double.NaN, List.of("c1"), 100)));
        ResultSet results = new ResultSet(List.of(new RunRecord("Only-SL", "t1", "SL", 1, 70),
                new RunRecord("Only-C", "t1", "SL", 1, 60), new RunRecord("Baseline", "t2", "SL", 1, 50)), List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RecommendCommand.printAgreement(
                new PrintWriter(new StringWriter()), List.of(nan), results));
        assertEquals("--against: target t1: ranks: value 1 is NaN", e.getMessage());
        // a target with a baseline run alone has nothing to compare: said so, and the table goes on
        StringWriter s = new StringWriter();
        try (PrintWriter o = new PrintWriter(s)) {
            RecommendCommand.printAgreement(o, List.of(ranking("t2"), ranking("t3")), results);
        }
        assertTrue(s.toString().lines().anyMatch(l -> l.matches("\\s*t2\\s+no pre-finetuned run in the results")), s.toString());
        assertTrue(s.toString().lines().anyMatch(l -> l.matches("\\s*t3\\s+no pre-finetuned run in the results")), s.toString());
    }
}
