package io.github.prefine.core.data.internal;

import io.github.prefine.core.data.TextExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The first-text template, optional second-text template and optional label field of a
 * classification reader, and how they make a {@link TextExample}. Not API.
 *
 * @param textA the first text's template
 * @param textB the second text's template, or null for single-text tasks
 * @param label the label's field (or column), or null for unlabelled files
 */
public record TextTemplates(Template textA, Template textB, String label) {

    /**
     * Parses the templates a reader builder was given.
     *
     * @param textA the first text's pattern; required
     * @param textB the second text's pattern, or null
     * @param label the label field, or null
     * @return the templates
     * @throws IllegalStateException if {@code textA} is null
     * @throws IllegalArgumentException if a pattern names no field
     */
    public static TextTemplates of(String textA, String textB, String label) {
        if (textA == null) {
            throw new IllegalStateException("setTextA is required");
        }
        return new TextTemplates(Template.of(textA), textB == null ? null : Template.of(textB), label);
    }

    /**
     * Returns the fields the text templates name, first text's then second's.
     *
     * @return the field names, possibly repeated
     */
    public List<String> textFields() {
        List<String> fields = new ArrayList<>(textA.fields());
        if (textB != null) {
            fields.addAll(textB.fields());
        }
        return fields;
    }

    /**
     * Returns the text fields followed by the label field, if any: every field a record must have.
     *
     * @return the field names, possibly repeated
     */
    public List<String> fields() {
        List<String> fields = textFields();
        if (label != null) {
            fields.add(label);
        }
        return fields;
    }

    /**
     * Fills the templates.
     *
     * @param id the example id
     * @param values a value for every text field
     * @param gold the label value, or null
     * @return the example
     */
    public TextExample example(String id, Map<String, String> values, String gold) {
        return new TextExample(id, textA.fill(values), textB == null ? null : textB.fill(values), gold);
    }
}
