package io.github.prefine.core.transfer;

/**
 * Told how far the computation of one task embedding has come, so a caller can draw progress
 * with an ETA. Called at the start of each phase with 0 done (so a caller's clock times the first
 * batch too), then after each batch, in batch order, on the thread that asked for the embedding
 * (never on one of {@link TaskEmbedder.Builder#optThreads}' worker threads); values are host
 * counters, so reporting never waits for the device.
 */
@FunctionalInterface
public interface EmbeddingListener {
    /** A listener that ignores everything. */
    EmbeddingListener NONE = (task, phase, done, total) -> { };

    /**
     * Reports progress.
     *
     * @param task the task being embedded
     * @param phase what is running: {@code "textemb"}, {@code "taskemb encode"}, {@code
     *     "taskemb head"} or {@code "taskemb fisher"}
     * @param done units finished in this phase: encoder rows for {@code textemb}, examples for
     *     {@code taskemb encode}, Adam steps for {@code taskemb head}, batches for {@code taskemb fisher}
     * @param total units of this phase
     */
    void onProgress(String task, String phase, long done, long total);
}
