package io.github.prefine.core.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskEmbeddingTest {
    /**
     * An infinite value has no direction: its cosine with anything is inf/inf = NaN, and a NaN
     * score sorts above every number in a best-first ranking, so a source whose embedding
     * overflowed (or whose stored file was damaged) was recommended first.
     */
    @Test
    void anInfiniteValueIsRefusedLikeANaN() {
        for (float bad : new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new TaskEmbedding("a", EmbeddingMethod.TEXT_EMB, "h", "s", new float[] {1, bad}, 1, 0));
            assertEquals("embedding of a (textemb): value 1 is " + bad + ", expected a finite number", e.getMessage());
        }
    }

    /** With finite values the ranking stays as the closed-form cosines say: (1, 0) before (0, 1). */
    @Test
    void finiteValuesRankByTheirCosine() {
        TransferRecommender rec = TransferRecommender.builder().setMethods(Set.of(EmbeddingMethod.TEXT_EMB))
                .addSource(source("far", 0, 1)).addSource(source("near", 1, 0)).build();
        TransferRanking r = rec.rank("t", Map.of(EmbeddingMethod.TEXT_EMB, emb("t", 1, 0.5f)));
        assertEquals(List.of("near", "far"), r.tasks().stream().map(TransferRanking.ScoredTask::task).toList());
        // cos((1, 0.5), (1, 0)) = 1 / sqrt(1.25)
        assertEquals(1 / Math.sqrt(1.25), r.tasks().get(0).score(), 1e-7);
    }

    /** The recommender refuses a mix of encoders; the public cosine of two embeddings does too. */
    @Test
    void theCosineOfEmbeddingsOfTwoEncodersIsRefused() {
        TaskEmbedding a = emb("a", 1, 0);
        TaskEmbedding b = new TaskEmbedding("b", EmbeddingMethod.TEXT_EMB, "g", "s", new float[] {1, 0}, 1, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.cosine(b));
        assertEquals("cosine: a is of encoder h, b of encoder g; embeddings of two encoders do not compare",
                e.getMessage());
        assertEquals(1, a.cosine(emb("c", 2, 0)), 1e-12);
    }

    @Test
    void theCosineOfTwoDimensionsNamesBothTasks() {
        // RankingMetrics' message named two lengths but neither task
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> emb("a", 1, 0).cosine(emb("b", 1, 0, 0)));
        assertEquals("cosine: a has dimension 2, b has dimension 3; expected embeddings of one encoder's hidden size",
                e.getMessage());
    }

    @Test
    void aSecondsValueTheStoreCannotWriteIsRefusedNamingTheTask() {
        // JSON has no NaN: EmbeddingStore.put failed in Gson after writing the values, naming no task
        for (double seconds : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TaskEmbedding("a",
                    EmbeddingMethod.TEXT_EMB, "h", "s", new float[] {1}, 1, seconds));
            assertEquals("embedding of a (textemb): seconds is " + seconds + ", expected a finite number >= 0",
                    e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TaskEmbedding("a",
                EmbeddingMethod.TEXT_EMB, "h", "s", new float[] {1}, -1, 0));
        assertEquals("embedding of a (textemb): numExamples is -1, expected a count >= 0", e.getMessage());
    }

    private static TaskEmbedding emb(String task, float... v) {
        return new TaskEmbedding(task, EmbeddingMethod.TEXT_EMB, "h", "s", v, 1, 0);
    }

    private static TransferSource source(String task, float... v) {
        return new TransferSource(task, "SL", 1, Map.of(EmbeddingMethod.TEXT_EMB, emb(task, v)));
    }
}
