package io.github.prefine.core.data.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An input template such as {@code "{word}: {sentence1}"} over named fields. Not API. */
public final class Template {
    private static final Pattern FIELD = Pattern.compile("\\{([^{}]+)}");
    private final String pattern;
    private final List<String> fields;

    private Template(String pattern) {
        this.pattern = pattern;
        List<String> f = new ArrayList<>();
        Matcher m = FIELD.matcher(pattern);
        while (m.find()) {
            f.add(m.group(1));
        }
        if (f.isEmpty()) {
            throw new IllegalArgumentException("template '" + pattern + "' names no {field}");
        }
        this.fields = List.copyOf(f);
    }

    /**
     * Parses a template.
     *
     * @param pattern text with {@code {name}} placeholders
     * @return the template
     */
    public static Template of(String pattern) {
        return new Template(pattern);
    }

    /**
     * Returns the field names in order of appearance.
     *
     * @return the names
     */
    public List<String> fields() {
        return fields;
    }

    /**
     * Fills the template.
     *
     * @param values a value for every field
     * @return the text
     */
    public String fill(Map<String, String> values) {
        Matcher m = FIELD.matcher(pattern);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(values.get(m.group(1))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
