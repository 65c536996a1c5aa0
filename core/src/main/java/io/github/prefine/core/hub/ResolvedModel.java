package io.github.prefine.core.hub;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A model resolved to a local HF folder ({@code config.json}, weights, usually {@code tokenizer.json}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param folder the folder; in the cache, a {@code snapshots/<commit>} folder of symbolic links
 * @param modelId the Hub id, or {@code null} for a plain local folder
 * @param commit the Hub commit hash, or {@code null} for a plain local folder
 * @param origin where the folder came from
 */
public record ResolvedModel(Path folder, String modelId, String commit, Origin origin) {

    /** Where a resolved folder came from. */
    public enum Origin {
        /** A folder given as a path. */
        LOCAL_FOLDER,
        /** A complete snapshot already in the Hugging Face cache; no request was made. */
        CACHE,
        /** Downloaded (at least in part) from the Hub during this resolve. */
        DOWNLOADED
    }

    /**
     * Validates the record.
     *
     * @param folder the folder; in the cache, a {@code snapshots/<commit>} folder of symbolic links
     * @param modelId the Hub id, or {@code null} for a plain local folder
     * @param commit the Hub commit hash, or {@code null} for a plain local folder
     * @param origin where the folder came from
     * @throws NullPointerException if folder or origin is null
     */
    public ResolvedModel {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(origin, "origin");
    }
}
