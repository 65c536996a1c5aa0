package io.github.prefine.core.transfer;

import java.util.Locale;

/**
 * How a task is embedded (Vu et al., EMNLP 2020, <a
 * href="https://aclanthology.org/2020.emnlp-main.635/">Exploring and Predicting Transferability
 * across NLP Tasks</a>).
 *
 * <p>Immutable and thread-safe.
 */
public enum EmbeddingMethod {
    /**
     * TextEmb: the mean over the task's encoder rows of the encoder's mean-pooled last hidden
     * states. It describes what the task's text looks like to the encoder, not what the task asks.
     */
    TEXT_EMB,
    /**
     * TaskEmb: the diagonal of the empirical Fisher information of the encoder's last-layer
     * outputs under the task's loss, after a task head was briefly trained on the frozen encoder.
     * It describes which output features the task's loss is sensitive to.
     */
    TASK_EMB;

    /**
     * Returns the command-line name: {@code textemb} or {@code taskemb}.
     *
     * @return the lower-case name without underscore
     */
    public String cliName() {
        return name().replace("_", "").toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a command-line name.
     *
     * @param name {@code textemb} or {@code taskemb}, any case
     * @return the method
     * @throws IllegalArgumentException if the name is neither
     */
    public static EmbeddingMethod parse(String name) {
        for (EmbeddingMethod m : values()) {
            if (m.cliName().equalsIgnoreCase(name.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("embedding method must be textemb or taskemb, found '" + name + "'");
    }
}
