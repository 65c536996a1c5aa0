package io.github.prefine.core.transfer;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A pre-finetuning task as a candidate source: its group, its size and its embeddings.
 * Immutable.
 *
 * @param task the task's name
 * @param group its group's name, e.g. {@code SL}
 * @param size its training examples (units), the weight proportional sampling gives it in a
 *     heterogeneous batch
 * @param embeddings its embeddings by method
 */
public record TransferSource(String task, String group, long size, Map<EmbeddingMethod, TaskEmbedding> embeddings) {
    /**
     * Checks the values and copies the map.
     *
     * @param task the task's name
     * @param group its group's name, e.g. {@code SL}
     * @param size its training examples (units), the weight proportional sampling gives it in a
     *     heterogeneous batch
     * @param embeddings its embeddings by method
     */
    public TransferSource {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(group, "group");
        if (size <= 0) {
            throw new IllegalArgumentException("source " + task + ": size must be positive, found " + size);
        }
        EnumMap<EmbeddingMethod, TaskEmbedding> m = new EnumMap<>(EmbeddingMethod.class);
        m.putAll(embeddings);
        embeddings = Collections.unmodifiableMap(m);
    }
}
