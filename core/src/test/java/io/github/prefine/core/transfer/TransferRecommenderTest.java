package io.github.prefine.core.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.eval.report.RunRecord;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Rankings of hand-made embeddings whose cosines are known in closed form. */
class TransferRecommenderTest {

    private static TaskEmbedding emb(String task, EmbeddingMethod m, float... v) {
        return new TaskEmbedding(task, m, "h", "s", v, 1, 0);
    }

    private static TransferSource source(String task, String group, long size, float... text) {
        return new TransferSource(task, group, size, Map.of(EmbeddingMethod.TEXT_EMB, emb(task, EmbeddingMethod.TEXT_EMB, text)));
    }

    // target (1, 0); cosines: a (1,0) -> 1, b (0,1) -> 0, c (1,1) -> 1/sqrt2, d (-1,0) -> -1
    private static TransferRecommender recommender() {
        return TransferRecommender.builder().setMethods(Set.of(EmbeddingMethod.TEXT_EMB))
                .addSource(source("a", "SL", 100, 1, 0))
                .addSource(source("b", "SL", 300, 0, 1))
                .addSource(source("c", "C", 50, 1, 1))
                .addSource(source("d", "QA", 10, -1, 0))
                .build();
    }

    private static TransferRanking rankTarget() {
        return recommender().rank("t", Map.of(EmbeddingMethod.TEXT_EMB, emb("t", EmbeddingMethod.TEXT_EMB, 1, 0)));
    }

    @Test
    void groupsAverageTheirTasksWeightedBySize() {
        TransferRanking r = rankTarget();
        assertEquals(List.of("a", "c", "b", "d"), r.tasks().stream().map(TransferRanking.ScoredTask::task).toList());
        // SL = (100 * 1 + 300 * 0) / 400 = 0.25; C = 0.7071; QA = -1
        assertEquals(List.of("C", "SL", "QA"), r.groups().stream().map(TransferRanking.ScoredGroup::group).toList());
        assertEquals(0.25, r.groups().get(1).score(), 1e-12);
        assertEquals(1 / Math.sqrt(2), r.topGroup().score(), 1e-12);
        // SL+C = (100 + 50 / sqrt2) / 450
        assertEquals((100 + 50 / Math.sqrt(2)) / 450, r.score(List.of("SL", "C")), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> r.score(List.of("XX")));
    }

    /**
     * A group named twice is one group of the combination: SL, C, SL scores as SL+C, (100 + 50 /
     * sqrt2) / 450 = 0.3008, not with SL's 400 units twice, (200 + 50 / sqrt2) / 850 = 0.2769.
     */
    @Test
    void aGroupNamedTwiceCountsOnce() {
        TransferRanking r = rankTarget();
        assertEquals((100 + 50 / Math.sqrt(2)) / 450, r.score(List.of("SL", "C", "SL")), 1e-12);
        assertEquals(0.25, r.score(List.of("SL", "SL")), 1e-12);
    }

    @Test
    void aCombinationOfNoGroupIsRefusedNotScoredNaN() {
        // 0 / 0 came back as NaN, which a best-first sort puts first and Spearman refuses far from here
        TransferRanking r = rankTarget();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.score(List.of()));
        assertTrue(e.getMessage().contains("ranking of t") && e.getMessage().contains("no group"), e.getMessage());
    }

    @Test
    void bothMethodsAverageZScoredCosines() {
        // TaskEmb cosines with target (0, 1): x (0, 1) -> 1, y (1, 0) -> 0; TextEmb: x -> 0, y -> 1 scaled
        TransferSource x = new TransferSource("x", "SL", 1, Map.of(
                EmbeddingMethod.TEXT_EMB, emb("x", EmbeddingMethod.TEXT_EMB, 0, 1),
                EmbeddingMethod.TASK_EMB, emb("x", EmbeddingMethod.TASK_EMB, 0, 1)));
        TransferSource y = new TransferSource("y", "C", 1, Map.of(
                EmbeddingMethod.TEXT_EMB, emb("y", EmbeddingMethod.TEXT_EMB, 1, 1),
                EmbeddingMethod.TASK_EMB, emb("y", EmbeddingMethod.TASK_EMB, 1, 0)));
        TransferRecommender rec = TransferRecommender.builder()
                .setMethods(Set.of(EmbeddingMethod.TEXT_EMB, EmbeddingMethod.TASK_EMB)).addSource(x).addSource(y).build();
        TransferRanking r = rec.rank("t", Map.of(EmbeddingMethod.TEXT_EMB, emb("t", EmbeddingMethod.TEXT_EMB, 1, 0),
                EmbeddingMethod.TASK_EMB, emb("t", EmbeddingMethod.TASK_EMB, 0, 1)));
        // text cosines 0 and 0.707 -> z -1, +1; task cosines 1 and 0 -> z +1, -1: both sum to 0
        assertEquals(0, r.tasks().get(0).score(), 1e-12);
        assertEquals(0, r.tasks().get(1).score(), 1e-12);
        assertEquals(1.0, r.tasks().stream().filter(t -> t.task().equals("x")).findFirst().orElseThrow()
                .cosines().get(EmbeddingMethod.TASK_EMB), 1e-12);
    }

    /**
     * Sources whose TextEmb vectors are multiples of one another, (1, 2, 3), 3 (1, 2, 3) and
     * 7 (1, 2, 3), have one cosine with any target, but the double arithmetic gives target (1, 1, 1)
     * 0.9258200997725515, 0.9258200997725514 and 0.9258200997725515: a spread of 5e-17. z-scored,
     * that rounding became z = (0.71, -1.41, 0.71), as large as a real ranking, and outvoted TaskEmb,
     * which ranks b first (cosines 0.5, 0.9, 0.1 -> z = (0, 1.22, -1.22)): a came first. A method whose
     * cosines spread by less than float32 embeddings can resolve ranks nothing; its z-scores are 0.
     */
    @Test
    void aMethodWhoseCosinesDifferOnlyByRoundingDoesNotVote() {
        float[] unit = {1, 2, 3};
        int[] scale = {1, 3, 7};
        float[][] task = {{0.5f, (float) Math.sqrt(0.75)}, {0.9f, (float) Math.sqrt(1 - 0.81)},
            {0.1f, (float) Math.sqrt(0.99)}};
        TransferRecommender.Builder b = TransferRecommender.builder()
                .setMethods(Set.of(EmbeddingMethod.TEXT_EMB, EmbeddingMethod.TASK_EMB));
        String[] names = {"a", "b", "c"};
        for (int i = 0; i < 3; i++) {
            float[] v = {unit[0] * scale[i], unit[1] * scale[i], unit[2] * scale[i]};
            b.addSource(new TransferSource(names[i], "G" + i, 1, Map.of(
                    EmbeddingMethod.TEXT_EMB, emb(names[i], EmbeddingMethod.TEXT_EMB, v),
                    EmbeddingMethod.TASK_EMB, emb(names[i], EmbeddingMethod.TASK_EMB, task[i]))));
        }
        TransferRanking r = b.build().rank("t", Map.of(EmbeddingMethod.TEXT_EMB, emb("t", EmbeddingMethod.TEXT_EMB, 1, 1, 1),
                EmbeddingMethod.TASK_EMB, emb("t", EmbeddingMethod.TASK_EMB, 1, 0)));
        assertEquals(List.of("b", "a", "c"), r.tasks().stream().map(TransferRanking.ScoredTask::task).toList());
        // TaskEmb's z-scores alone, halved: (0.9 - 0.5) / sd, sd = sqrt(0.32 / 3)
        assertEquals(0.4 / Math.sqrt(0.32 / 3) / 2, r.tasks().get(0).score(), 1e-6);
        assertEquals(0, r.tasks().get(1).score(), 1e-6);
    }

    @Test
    void centringSubtractsTheSourcesMean() {
        // sources (3, 1) and (1, 3): mean (2, 2); centred (1, -1) and (-1, 1); target (3, 2) -> (1, 0)
        TransferRecommender rec = TransferRecommender.builder().setMethods(Set.of(EmbeddingMethod.TEXT_EMB))
                .optCentered(true).addSource(source("p", "SL", 1, 3, 1)).addSource(source("q", "C", 1, 1, 3)).build();
        TransferRanking r = rec.rank("t", Map.of(EmbeddingMethod.TEXT_EMB, emb("t", EmbeddingMethod.TEXT_EMB, 3, 2)));
        assertEquals("p", r.tasks().get(0).task());
        assertEquals(1 / Math.sqrt(2), r.tasks().get(0).score(), 1e-6);
        assertEquals(-1 / Math.sqrt(2), r.tasks().get(1).score(), 1e-6);
        assertTrue(rec.centered());
    }

    /**
     * Embeddings of two encoders live in two spaces: a cosine between them (both MiniLM-sized, say)
     * is a number that means nothing, and it was ranked like any other.
     */
    @Test
    void embeddingsOfAnotherEncoderAreRefusedNamingBothHashes() {
        TaskEmbedding other = new TaskEmbedding("t", EmbeddingMethod.TEXT_EMB, "g", "s", new float[] {1, 0}, 1, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> recommender().rank("t", Map.of(EmbeddingMethod.TEXT_EMB, other)));
        assertEquals("target t: its textemb embedding is of encoder g, the sources' of encoder h; embed them all"
                + " with one encoder", e.getMessage());
        TransferSource z = new TransferSource("z", "C", 1, Map.of(EmbeddingMethod.TEXT_EMB,
                new TaskEmbedding("z", EmbeddingMethod.TEXT_EMB, "g", "s", new float[] {0, 1}, 1, 0)));
        e = assertThrows(IllegalArgumentException.class, () -> TransferRecommender.builder()
                .setMethods(Set.of(EmbeddingMethod.TEXT_EMB)).addSource(source("a", "SL", 1, 1, 0)).addSource(z).build());
        assertEquals("recommender: the textemb embedding of source z is of encoder g, that of a of encoder h; embed"
                + " them all with one encoder", e.getMessage());
    }

    @Test
    void rejectsSourcesWithoutTheMethodInUse() {
        assertThrows(IllegalArgumentException.class, () -> TransferRecommender.builder()
                .setMethods(Set.of(EmbeddingMethod.TASK_EMB)).addSource(source("a", "SL", 1, 1, 0)).build());
    }

    @Test
    void agreementComparesPredictedAndMeasuredSettings() {
        TransferRanking r = rankTarget(); // predicted: C 0.707, SL 0.25, QA -1, SL+C 0.3008
        List<RunRecord> runs = List.of(
                new RunRecord("Baseline", "t", "C", 1, 99),
                new RunRecord("SL", "t", "C", 1, 80), new RunRecord("SL", "t", "C", 2, 82),
                new RunRecord("Only-C", "t", "C", 1, 90),
                new RunRecord("QA", "t", "C", 1, 70),
                new RunRecord("SL+C", "t", "C", 1, 85),
                new RunRecord("X+C", "t", "C", 1, 60),
                new RunRecord("C", "other", "C", 1, 10));
        TransferAgreement a = TransferAgreement.of(r, runs);
        assertEquals(List.of("SL", "Only-C", "QA", "SL+C"), a.settings());
        assertEquals(81, a.measured()[0], 1e-12);
        assertEquals(1, a.skippedSettings());
        // predicted order C, SL+C, SL, QA equals the measured order 90, 85, 81, 70
        assertEquals(1, a.spearman(), 1e-12);
        assertEquals(1, a.ndcgAt3(), 1e-12);
        assertEquals("C", a.bestGroup());
        assertTrue(a.topIsBest());
        double[] avg = TransferAgreement.averages(List.of(a));
        assertEquals(1, avg[0], 1e-12);
        assertEquals(1, avg[1], 1e-12);
    }

    /**
     * A seed logged twice (a result log appended to again, two copies concatenated) is one run: it
     * was averaged in twice, so C's seeds 1 (80, twice) and 2 (70) measured (80 + 80 + 70) / 3 =
     * 76.7 and outranked SL's 76, which its two seeds' mean, 75, does not.
     */
    @Test
    void aSeedLoggedTwiceCountsOnceInItsSettingsMean() {
        TransferRanking r = rankTarget(); // predicted: C 0.707 above SL 0.25
        List<RunRecord> runs = List.of(
                new RunRecord("Only-C", "t", "C", 1, 80), new RunRecord("Only-C", "t", "C", 2, 70),
                new RunRecord("Only-C", "t", "C", 1, 80),
                new RunRecord("Only-SL", "t", "C", 1, 76), new RunRecord("Only-SL", "t", "C", 2, 76));
        TransferAgreement a = TransferAgreement.of(r, runs);
        assertEquals(List.of("Only-C", "Only-SL"), a.settings());
        assertArrayEquals(new double[] {75, 76}, a.measured(), 1e-12);
        assertEquals("SL", a.bestGroup());
        assertEquals(-1, a.spearman(), 1e-12);
        // a seed run under two precisions: its runs averaged into one value, then the seeds (72 and 78)
        TransferAgreement b = TransferAgreement.of(r, List.of(
                new RunRecord("Only-C", "t", "C", 1, 70, "fp32"), new RunRecord("Only-C", "t", "C", 1, 74, "fp16-mixed"),
                new RunRecord("Only-C", "t", "C", 2, 78), new RunRecord("Only-SL", "t", "C", 1, 70)));
        assertEquals(75, b.measured()[0], 1e-12);
    }

    /**
     * Kendall's tau-b beside Spearman's rho, over the same settings. Predicted C 0.707, SL 0.25,
     * QA -1; measured SL 90, C 80, QA 70: of the 3 pairs, (C, QA) and (SL, QA) concordant, (C, SL)
     * discordant, so tau = (2 - 1) / 3 (scipy.stats.kendalltau([0.707, 0.25, -1], [80, 90, 70]) =
     * 0.3333333333333333).
     */
    @Test
    void agreementReportsKendallsTauBesideSpearman() {
        TransferRanking r = rankTarget();
        TransferAgreement a = TransferAgreement.of(r, List.of(new RunRecord("SL", "t", "C", 1, 90),
                new RunRecord("C", "t", "C", 1, 80), new RunRecord("QA", "t", "C", 1, 70)));
        assertEquals(1 / 3.0, a.kendallTau(), 1e-15);
        assertTrue(Double.isNaN(TransferAgreement.of(r, List.of(new RunRecord("SL", "t", "C", 1, 90))).kendallTau()));
        TransferAgreement tied = TransferAgreement.of(r, List.of(new RunRecord("SL", "t", "C", 1, 90),
                new RunRecord("C", "t", "C", 1, 90)));
        assertTrue(Double.isNaN(tied.kendallTau()));
        // the mean over targets skips the undefined one, as rho's does
        assertEquals(1 / 3.0, TransferAgreement.averages(List.of(a, tied))[3], 1e-15);
    }

    @Test
    void agreementWithAWrongTopGroup() {
        TransferRanking r = rankTarget();
        List<RunRecord> runs = List.of(new RunRecord("SL", "t", "C", 1, 90), new RunRecord("C", "t", "C", 1, 80),
                new RunRecord("QA", "t", "C", 1, 70));
        TransferAgreement a = TransferAgreement.of(r, runs);
        assertFalse(a.topIsBest());
        // predicted ranks C > SL > QA; measured SL > C > QA: rho = 1 - 6 * 2 / (3 * 8) = 0.5
        assertEquals(0.5, a.spearman(), 1e-12);
        // gains SL 20, C 10, QA 0; predicted order C, SL, QA: dcg = 10 + 20 / log2(3); ideal = 20 + 10 / log2(3)
        double l3 = Math.log(3) / Math.log(2);
        assertEquals((10 + 20 / l3) / (20 + 10 / l3), a.ndcgAt3(), 1e-12);
        assertNull(TransferAgreement.of(r, List.of(new RunRecord("SL+C", "t", "C", 1, 1))).bestGroup());
    }

    /**
     * Two single groups measuring the same best value are both best: a ranking whose top group is
     * one of them predicted the best group. The first one seen in the log was taken as the best,
     * so the same runs written in another order turned a hit into a miss.
     */
    @Test
    void aTopGroupTiedForTheBestMeasuredValueIsTheBest() {
        TransferRanking r = rankTarget(); // top group C
        List<RunRecord> slFirst = List.of(new RunRecord("Only-SL", "t", "C", 1, 80),
                new RunRecord("Only-C", "t", "C", 1, 80), new RunRecord("Only-QA", "t", "C", 1, 70));
        List<RunRecord> cFirst = List.of(slFirst.get(1), slFirst.get(0), slFirst.get(2));
        for (List<RunRecord> runs : List.of(slFirst, cFirst)) {
            TransferAgreement a = TransferAgreement.of(r, runs);
            assertEquals("C", a.bestGroup(), runs.toString());
            assertTrue(a.topIsBest(), runs.toString());
        }
        // a tie the top group is not part of stays a miss, naming the first tied group seen
        TransferAgreement miss = TransferAgreement.of(r, List.of(new RunRecord("Only-SL", "t", "C", 1, 80),
                new RunRecord("Only-QA", "t", "C", 1, 80), new RunRecord("Only-C", "t", "C", 1, 70)));
        assertEquals("SL", miss.bestGroup());
        assertFalse(miss.topIsBest());
    }

    /**
     * A grid that did not run the ranking's top group alone cannot say whether it was best: "top =
     * best" then asks, as rho and NDCG do, about the settings that were run, whether the
     * best-ranked of the groups run alone measured best. It compared the unmeasured top group with
     * the measured best and counted a miss.
     */
    @Test
    void topIsBestComparesTheGroupsThatWereRunAlone() {
        TransferRanking r = rankTarget(); // C 0.707, SL 0.25, QA -1
        TransferAgreement noC = TransferAgreement.of(r, List.of(new RunRecord("Only-SL", "t", "C", 1, 90),
                new RunRecord("Only-QA", "t", "C", 1, 70), new RunRecord("SL+C", "t", "C", 1, 95)));
        assertEquals("SL", noC.topGroup());
        assertEquals("SL", noC.bestGroup());
        assertTrue(noC.topIsBest());
        TransferAgreement qaBest = TransferAgreement.of(r, List.of(new RunRecord("Only-SL", "t", "C", 1, 60),
                new RunRecord("Only-QA", "t", "C", 1, 70)));
        assertEquals("SL", qaBest.topGroup());
        assertFalse(qaBest.topIsBest());
        // no group run alone: the ranking's own top, and nothing to count
        TransferAgreement none = TransferAgreement.of(r, List.of(new RunRecord("SL+C", "t", "C", 1, 95)));
        assertEquals("C", none.topGroup());
        assertNull(none.bestGroup());
    }

    /**
     * NDCG divides by the ideal order's DCG, which is 0 when every setting measured the same (one
     * setting alone, or a tie): undefined, as Spearman's rho is there, and left out of the average
     * as docs/recommend.md says. Counted as 1, such a target lifted the average NDCG with a
     * "perfect" ranking of nothing.
     */
    @Test
    void aTargetWithNothingToOrderHasNoNdcgAndLeavesTheAverageAlone() {
        TransferRanking r = rankTarget();
        TransferAgreement alone = TransferAgreement.of(r, List.of(new RunRecord("SL", "t", "C", 1, 90)));
        TransferAgreement tied = TransferAgreement.of(r, List.of(new RunRecord("SL", "t", "C", 1, 80),
                new RunRecord("C", "t", "C", 1, 80)));
        TransferAgreement ranked = TransferAgreement.of(r, List.of(new RunRecord("SL", "t", "C", 1, 90),
                new RunRecord("C", "t", "C", 1, 80), new RunRecord("QA", "t", "C", 1, 70)));

        assertTrue(Double.isNaN(alone.ndcgAt3()));
        assertTrue(Double.isNaN(tied.ndcgAt3()));
        double l3 = Math.log(3) / Math.log(2);
        assertEquals((10 + 20 / l3) / (20 + 10 / l3), TransferAgreement.averages(List.of(alone, tied, ranked))[2], 1e-12);
    }

    /**
     * Setting names are read as the grid writes them: a partial setting ({@code --allow-partial})
     * names the groups it lacked data for after its groups, and is scored on the groups it was
     * pre-finetuned on; split at every '+', "SL+QA+C (no QA data)" gave a group "C (no QA data)",
     * with no source task, so the setting was skipped. A group named "Only-X" combined with C is
     * "Only-X+C", which was read as X and C. Ground truth: the closed-form group scores above.
     */
    @Test
    void settingNamesAreReadAsTheGridWritesThem() {
        assertEquals(List.of("SL", "QA", "C"), TransferAgreement.groupsOf("SL+QA+C (no QA data)"));
        assertEquals(List.of("Only-X", "C"), TransferAgreement.groupsOf("Only-X+C"));
        assertEquals(List.of("SL (v2)", "QA"), TransferAgreement.groupsOf("SL (v2)+QA (no QA data)"));
        assertEquals(List.of("SL"), TransferAgreement.groupsOf("Only-SL"));

        // no QA source, as where the data root lacks QA's data: scored on SL and C, not skipped
        TransferRanking noQa = TransferRecommender.builder().setMethods(Set.of(EmbeddingMethod.TEXT_EMB))
                .addSource(source("a", "SL", 100, 1, 0)).addSource(source("b", "SL", 300, 0, 1))
                .addSource(source("c", "C", 50, 1, 1)).build()
                .rank("t", Map.of(EmbeddingMethod.TEXT_EMB, emb("t", EmbeddingMethod.TEXT_EMB, 1, 0)));
        for (TransferRanking r : List.of(noQa, rankTarget())) {
            TransferAgreement a = TransferAgreement.of(r, List.of(new RunRecord("Only-SL", "t", "C", 1, 60),
                    new RunRecord("SL+QA+C (no QA data)", "t", "C", 1, 70), new RunRecord("Only-C", "t", "C", 1, 80)));
            assertEquals(List.of("Only-SL", "SL+QA+C (no QA data)", "Only-C"), a.settings());
            assertEquals(0, a.skippedSettings());
            // SL+C = (100 + 50 / sqrt2) / 450, whether or not the ranking knows QA
            assertEquals((100 + 50 / Math.sqrt(2)) / 450, a.predicted()[1], 1e-12);
            assertEquals(1, a.spearman(), 1e-12);
        }

        TransferRanking onlyX = TransferRecommender.builder().setMethods(Set.of(EmbeddingMethod.TEXT_EMB))
                .addSource(source("x", "Only-X", 100, 1, 0)).addSource(source("c", "C", 100, 0, 1)).build()
                .rank("t", Map.of(EmbeddingMethod.TEXT_EMB, emb("t", EmbeddingMethod.TEXT_EMB, 1, 0)));
        TransferAgreement a = TransferAgreement.of(onlyX, List.of(new RunRecord("Only-Only-X", "t", "C", 1, 90),
                new RunRecord("Only-X+C", "t", "C", 1, 80), new RunRecord("Only-C", "t", "C", 1, 70)));
        assertEquals(0, a.skippedSettings());
        // cosines 1 and 0: Only-X 1, Only-X+C (100 + 0) / 200 = 0.5, C 0
        assertArrayEquals(new double[] {1, 0.5, 0}, a.predicted(), 1e-12);
        assertEquals("Only-X", a.bestGroup());
        assertTrue(a.topIsBest());
    }

    /**
     * An agreement is immutable as its Javadoc says: changing the arrays its accessors return, or
     * those it was made from, changes neither it nor its hash, so it stays found in a set.
     */
    @Test
    void anAgreementsArraysCannotBeChangedThroughItsAccessors() {
        double[] predicted = {0.9, 0.5};
        double[] measured = {80, 70};
        TransferAgreement a = new TransferAgreement("t", List.of("Only-SL", "Only-C"), predicted, measured, 1, "SL",
                "SL", 1, 0);
        Set<TransferAgreement> kept = new java.util.HashSet<>(Set.of(a));
        predicted[0] = -1;
        a.predicted()[0] = -2;
        a.measured()[1] = -3;
        assertArrayEquals(new double[] {0.9, 0.5}, a.predicted(), 0);
        assertArrayEquals(new double[] {80, 70}, a.measured(), 0);
        assertTrue(kept.contains(a));
    }
}
