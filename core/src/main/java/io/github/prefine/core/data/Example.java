package io.github.prefine.core.data;

/**
 * One supervised example as read from a dataset file, before tokenization.
 *
 * <p>The family is closed: each task format has exactly one example type.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface Example permits TextExample, TokenExample, QaExample, ChoiceExample {
    /**
     * Returns an identifier unique within its split (a QA question id, or the file and line).
     *
     * @return the id
     */
    String id();
}
