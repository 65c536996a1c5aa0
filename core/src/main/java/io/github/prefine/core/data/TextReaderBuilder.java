package io.github.prefine.core.data;

import io.github.prefine.core.data.internal.TextTemplates;
import java.util.Objects;

/**
 * The settings the classification reader builders share: the first text's template (required),
 * the second text's template and the label's field or column (optional). Mutable and
 * single-threaded.
 *
 * @param <B> the concrete builder, which every setter returns
 */
abstract sealed class TextReaderBuilder<B extends TextReaderBuilder<B>>
        permits JsonlClassificationReader.Builder, ColumnReaderBuilder {
    private String textA;
    private String textB;
    private String label;

    TextReaderBuilder() {}

    /** Returns this builder as its concrete type. */
    abstract B self();

    /**
     * Sets the template of the first (or only) text, for example {@code "{premise}"}.
     *
     * @param template required
     * @return this builder
     */
    public final B setTextA(String template) {
        this.textA = Objects.requireNonNull(template, "template");
        return self();
    }

    /**
     * Sets the template of the second text of a pair, for example {@code "{hypothesis}"}.
     *
     * @param template default none (single-text task)
     * @return this builder
     */
    public final B optTextB(String template) {
        this.textB = template;
        return self();
    }

    /**
     * Sets the field (JSON lines) or column (TSV, CSV) that holds the label.
     *
     * @param field default none (unlabelled file)
     * @return this builder
     */
    public final B optLabel(String field) {
        this.label = field;
        return self();
    }

    /**
     * Parses the templates.
     *
     * @throws IllegalStateException if the first text is missing
     */
    final TextTemplates templates() {
        return TextTemplates.of(textA, textB, label);
    }
}
