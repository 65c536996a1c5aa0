package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s*t2\\s+3\\s+-\\s+SL\\s+yes\\s+-")), out);
        // the averages of rho and NDCG@3 are t1's alone, and the table says so rather than "(2)" alone
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s*average \\(2\\)\\s+1\\.000\\s+100%\\s+1\\.000")), out);
        assertTrue(out.contains("spearman and ndcg@3 average 1 of the 2 targets"), out);
    }
}
