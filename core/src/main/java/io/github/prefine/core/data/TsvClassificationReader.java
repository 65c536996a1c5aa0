package io.github.prefine.core.data;

import io.github.prefine.core.data.internal.Defects;
import io.github.prefine.core.data.internal.LineReader;
import io.github.prefine.core.data.internal.TextFiles;
import io.github.prefine.core.data.internal.TextTemplates;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads GLUE-style TAB-separated files into {@link TextExample}s.
 *
 * <p>Quoting is off (GLUE files are read as {@code csv.QUOTE_NONE}): a field runs from one TAB to
 * the next. With a header (the default) fields are named by the header row; without one (CoLA's
 * train and dev files) they are named by {@link Builder#optColumnNames}. Every row must have as
 * many fields as the header. The first text, optional second text and label are filled from
 * templates such as {@code "{sentence1}"}; a byte-order mark at the file start (MRPC) is removed
 * and counted.
 *
 * <p>Ids are {@code file:line}. Immutable and thread-safe.
 */
public final class TsvClassificationReader implements DatasetReader<TextExample> {
    private static final Logger LOG = LoggerFactory.getLogger(TsvClassificationReader.class);

    /** Skip reason: a row with another number of fields than the header. */
    public static final String WRONG_FIELD_COUNT = "wrong field count";
    /** Skip reason: a row that is not valid UTF-8. */
    public static final String INVALID_UTF8 = Defects.INVALID_UTF8;
    /** Skip reason: a file without any row. */
    public static final String EMPTY_FILE = Defects.EMPTY_FILE;

    private final boolean header;
    private final List<String> columnNames;
    private final TextTemplates templates;

    private TsvClassificationReader(Builder b, TextTemplates templates) {
        this.header = b.header;
        this.columnNames = b.columnNames;
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

    /**
     * What a header without the wanted column holds; a header of one column with a comma is said
     * to have no TAB, since a comma-separated file meets this reader there first.
     */
    private static String foundColumns(List<String> names, boolean header) {
        if (header && names.size() == 1 && names.get(0).contains(",")) {
            return "one column '" + names.get(0) + "' (no TAB in the header: columns are TAB-separated,"
                    + " and a comma-separated file needs a DatasetReader of its own)";
        }
        return "columns " + names;
    }

    @Override
    public ReadResult<TextExample> read(Path file, Leniency leniency) throws IOException {
        String name = TextFiles.shortName(file);
        ReadReport.Builder report = new ReadReport.Builder(name);
        List<TextExample> out = new ArrayList<>();
        int rows = 0;
        try (LineReader lines = TextFiles.lines(file, leniency, report)) {
            try {
                TextFiles.Line line = lines.next();
                List<String> names;
                if (header) {
                    if (line == null || line.text() == null || line.text().isEmpty()) {
                        throw new MalformedDatasetException(name, "1", "a header row", line == null ? "an empty file" : "an unreadable or empty line");
                    }
                    names = List.of(line.text().split("\t", -1));
                    line = lines.next();
                } else {
                    names = columnNames;
                }
                for (String n : templates.fields()) {
                    if (!names.contains(n)) {
                        throw new MalformedDatasetException(name, header ? "1" : "", "a column named '" + n + "'",
                                foundColumns(names, header));
                    }
                }
                // one instance per distinct label: a file of 400k rows holds a handful of them
                Map<String, String> labels = new HashMap<>();
                for (TextFiles.Line next; line != null; line = next) {
                    next = lines.next();
                    if (line.text() != null && line.text().isEmpty() && next == null) {
                        continue;
                    }
                    rows++;
                    if (line.text() == null) {
                        Defects.invalidUtf8(line).skip(report);
                        continue;
                    }
                    String[] f = line.text().split("\t", -1);
                    if (f.length != names.size()) {
                        Defects.found(leniency, WRONG_FIELD_COUNT, name, line.number(),
                                names.size() + " tab-separated fields " + names, String.valueOf(f.length)).skip(report);
                        continue;
                    }
                    Map<String, String> values = new HashMap<>();
                    for (int c = 0; c < f.length; c++) {
                        values.putIfAbsent(names.get(c), f[c]);
                    }
                    String gold = templates.label() == null ? null : labels.computeIfAbsent(values.get(templates.label()), k -> k);
                    out.add(templates.example(name + ":" + line.number(), values, gold));
                }
            } catch (MalformedDatasetException e) {
                throw lines.outranking(e);
            }
        }
        // a header-only file is not empty: say what it holds
        Defects.requireRecords(rows, leniency, report, name, "", "at least one row",
                header ? "only the header row" : "an empty file");
        ReadReport r = report.records(rows).examples(out.size()).build();
        if (r.totalSkipped() > 0) {
            LOG.warn("{}: skipped {} of {} rows: {}", name, r.totalSkipped(), rows, r.skipped());
        }
        return new ReadResult<>(out, r);
    }

    /**
     * Builder for {@link TsvClassificationReader}: the text templates and label column (see
     * {@code setTextA}, {@code optTextB}, {@code optLabel}) and, for header-less files, the
     * column names. Mutable and single-threaded.
     */
    public static final class Builder extends TextReaderBuilder<Builder> {
        private boolean header = true;
        private List<String> columnNames = List.of();

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * Declares a header-less file and names its columns.
         *
         * @param names the column names in order; default: the file has a header row
         * @return this builder
         */
        public Builder optColumnNames(List<String> names) {
            this.columnNames = List.copyOf(names);
            this.header = false;
            return this;
        }

        /**
         * Builds the reader.
         *
         * @return the reader
         * @throws IllegalStateException if the first text is missing
         * @throws IllegalArgumentException if a template names a column a header-less file lacks
         */
        public TsvClassificationReader build() {
            TextTemplates templates = templates();
            if (!header) {
                for (String n : templates.fields()) {
                    if (!columnNames.contains(n)) {
                        throw new IllegalArgumentException("column '" + n + "' is not among " + columnNames);
                    }
                }
            }
            return new TsvClassificationReader(this, templates);
        }
    }
}
