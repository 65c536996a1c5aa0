package io.github.prefine.core.model;

import ai.djl.nn.Parameter;
import java.util.Objects;

/**
 * A model parameter under its stable checkpoint key.
 *
 * <p>Immutable, but the {@code Parameter} it names is DJL's and mutable: it is used by one thread
 * at a time, as the model that owns it.
 *
 * @param key {@code encoder.<block path>} or {@code heads.<task name>.<block path>}; stable across
 *     runs of the same architecture
 * @param parameter the DJL parameter, whose array the model's manager owns
 */
public record NamedParameter(String key, Parameter parameter) {
    /**
     * Checks the fields.
     *
     * @param key {@code encoder.<block path>} or {@code heads.<task name>.<block path>}; stable across
     *     runs of the same architecture
     * @param parameter the DJL parameter, whose array the model's manager owns
     */
    public NamedParameter {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(parameter, "parameter");
    }
}
