package io.github.prefine.core.data;

import com.google.gson.JsonObject;
import io.github.prefine.core.data.internal.Defects;
import io.github.prefine.core.data.internal.Json;
import io.github.prefine.core.data.internal.JsonLines;
import io.github.prefine.core.data.internal.TextFiles;
import io.github.prefine.core.data.internal.TextTemplates;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads SuperGLUE-style JSON lines (one object per non-blank line) into {@link TextExample}s.
 *
 * <p>Texts come from templates over the object's fields: CB uses {@code "{premise}"} and {@code
 * "{hypothesis}"}, BoolQ {@code "{question}"} and {@code "{passage}"}, WiC {@code "{word}:
 * {sentence1}"} and {@code "{sentence2}"} (see {@code docs/data-layout.md}). The label field may
 * be a string, number or boolean; booleans become {@code true}/{@code false}. A missing label field
 * means an unlabelled example only when no label field is configured; an empty or whitespace-only
 * label is a defect of its line ({@link #EMPTY_LABEL}).
 *
 * <p>Ids are {@code file:line}. Immutable and thread-safe.
 */
public final class JsonlClassificationReader implements DatasetReader<TextExample> {
    private static final Logger LOG = LoggerFactory.getLogger(JsonlClassificationReader.class);

    /** Skip reason: a line that is not a JSON object of the expected shape. */
    public static final String MALFORMED_LINE = JsonLines.MALFORMED_LINE;
    /**
     * Skip reason: a line whose label field is empty or only whitespace, with a label configured;
     * a file without labels is read with no label configured.
     */
    public static final String EMPTY_LABEL = Defects.EMPTY_LABEL;
    /** Skip reason: a line that is not valid UTF-8. */
    public static final String INVALID_UTF8 = Defects.INVALID_UTF8;
    /** Skip reason: a file without any line. */
    public static final String EMPTY_FILE = Defects.EMPTY_FILE;

    private final TextTemplates templates;

    private JsonlClassificationReader(TextTemplates templates) {
        this.templates = templates;
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Class<TextExample> exampleType() {
        return TextExample.class;
    }

    @Override
    public ReadResult<TextExample> read(Path file, Leniency leniency, LongConsumer bytesRead) throws IOException {
        String name = TextFiles.shortName(file);
        ReadReport.Builder report = new ReadReport.Builder(name);
        List<TextExample> out = new ArrayList<>();
        int records = JsonLines.forEachObject(
                file, leniency, report, bytesRead, (o, at, line) -> parse(name, o, at, line, leniency, report, out));
        Defects.requireRecords(records, leniency, report, name, "", "at least one JSON line", "an empty file");
        ReadReport r = report.records(records).examples(out.size()).build();
        Defects.warnSkips(LOG, r, "line");
        return new ReadResult<>(out, r);
    }

    private void parse(String name, JsonObject o, Json.At at, int line, Leniency leniency, ReadReport.Builder report,
            List<TextExample> out) throws MalformedDatasetException {
        Map<String, String> values = new HashMap<>();
        for (String f : templates.textFields()) {
            values.put(f, at.scalar(o, f, "$"));
        }
        String gold = templates.label() == null ? null : at.scalar(o, templates.label(), "$");
        String blank = gold == null ? null : Defects.emptyLabel(gold, "an empty string");
        if (blank != null) {
            // a class task's line without its class is broken, not of a class ""
            Defects.skip(leniency, report, EMPTY_LABEL,
                    at.error("$." + templates.label(), "a label " + Defects.NO_LABELS_HINT, blank));
            return;
        }
        out.add(templates.example(name + ":" + line, values, gold));
    }

    /**
     * Returns a reader of SuperGLUE CB and RTE: {@code premise}, {@code hypothesis}, {@code label}.
     *
     * @return the reader
     */
    public static JsonlClassificationReader premiseHypothesis() {
        return builder().setTextA("{premise}").optTextB("{hypothesis}").optLabel("label").build();
    }

    /**
     * Returns a reader of SuperGLUE BoolQ: {@code question}, {@code passage}, boolean {@code label}.
     *
     * @return the reader
     */
    public static JsonlClassificationReader boolq() {
        return builder().setTextA("{question}").optTextB("{passage}").optLabel("label").build();
    }

    /**
     * Returns a reader of SuperGLUE WiC: text A {@code "{word}: {sentence1}"}, text B {@code
     * "{sentence2}"}, boolean {@code label}.
     *
     * @return the reader
     */
    public static JsonlClassificationReader wic() {
        return builder().setTextA(WicReader.TEXT_A).optTextB(WicReader.TEXT_B).optLabel("label").build();
    }

    /**
     * Builder for {@link JsonlClassificationReader}: the text templates and label field (see
     * {@code setTextA}, {@code optTextB}, {@code optLabel}). Mutable and single-threaded.
     */
    public static final class Builder extends TextReaderBuilder<Builder> {
        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * Builds the reader.
         *
         * @return the reader
         * @throws IllegalStateException if the first text is missing
         */
        public JsonlClassificationReader build() {
            return new JsonlClassificationReader(templates());
        }
    }
}
