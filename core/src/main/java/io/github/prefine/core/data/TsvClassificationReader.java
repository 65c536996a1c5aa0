package io.github.prefine.core.data;

import io.github.prefine.core.data.internal.BlankLines;
import io.github.prefine.core.data.internal.ColumnTable;
import io.github.prefine.core.data.internal.Defects;
import io.github.prefine.core.data.internal.LineReader;
import io.github.prefine.core.data.internal.TextFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;
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
 * and counted, and so is every one opening a line (files joined with {@code cat}, {@link
 * ReadReport#BOM_AT_LINE_START}). Blank lines at the end of the file are no rows, passed over and
 * counted as {@link ReadReport#BLANK_LINE_PASSED_OVER} as the CSV reader counts its own; a blank line before a row is a
 * defect ({@link #BLANK_LINE}), thrown strictly and skipped and counted leniently, never an example
 * of empty text: GLUE files hold none, and Python's {@code csv.DictReader} and pandas drop them.
 *
 * <p>Ids are {@code file:line}. Immutable and thread-safe.
 */
public final class TsvClassificationReader implements DatasetReader<TextExample> {
    private static final Logger LOG = LoggerFactory.getLogger(TsvClassificationReader.class);

    /** Skip reason: a row with another number of fields than the header. */
    public static final String WRONG_FIELD_COUNT = ColumnTable.WRONG_FIELD_COUNT;
    /**
     * Skip reason: a row whose label field is empty or only whitespace, with a label configured;
     * a file without labels is read with no label configured.
     */
    public static final String EMPTY_LABEL = Defects.EMPTY_LABEL;
    /** Skip reason: a blank line between rows (blank lines at the end are no rows). */
    public static final String BLANK_LINE = ColumnTable.BLANK_LINE;
    /** Skip reason: a row that is not valid UTF-8. */
    public static final String INVALID_UTF8 = Defects.INVALID_UTF8;
    /** Skip reason: a file without any row. */
    public static final String EMPTY_FILE = Defects.EMPTY_FILE;

    private final ColumnTable.Layout layout;

    private TsvClassificationReader(ColumnTable.Layout layout) {
        this.layout = layout;
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
     * What a header row without the wanted column holds; a header of one column with a comma is
     * said to have no TAB, since a comma-separated file meets this reader there first.
     */
    private static String foundColumns(List<String> names) {
        if (names.size() == 1 && names.get(0).contains(",")) {
            return "one column '" + names.get(0) + "' (no TAB in the header: columns are TAB-separated;"
                    + " a comma-separated file is read by CsvClassificationReader)";
        }
        return "columns " + names;
    }

    @Override
    public ReadResult<TextExample> read(Path file, Leniency leniency, LongConsumer bytesRead) throws IOException {
        String name = TextFiles.shortName(file);
        ReadReport.Builder report = new ReadReport.Builder(name);
        ColumnTable table = new ColumnTable(name, leniency, report, layout, "tab-separated");
        try (LineReader lines = TextFiles.lines(file, leniency, report, bytesRead)) {
            try {
                TextFiles.Line line = next(lines, report);
                // blank lines at the end (or all of a file of blank lines) hold no row, as in CSV
                List<Integer> blanks = new ArrayList<>();
                if (layout.header()) {
                    line = skipBlank(line, lines, blanks, report);
                    if (line == null) {
                        passedOver(name, blanks, report);
                        return table.result(LOG);
                    }
                    if (line.text() == null || !blanks.isEmpty()) {
                        throw new MalformedDatasetException(name, "1", "a header row",
                                line.text() == null ? "an unreadable line" : "an empty line");
                    }
                    List<String> names = List.of(line.text().split("\t", -1));
                    table.columns(names, "1", foundColumns(names));
                    line = next(lines, report);
                } else {
                    table.columns(layout.columnNames(), "", "columns " + layout.columnNames());
                }
                while ((line = skipBlank(line, lines, blanks, report)) != null) {
                    // a blank line before a row is a defect, not a row of one empty field
                    for (int b : blanks) {
                        table.blankLine(b);
                    }
                    TextFiles.Line next = next(lines, report);
                    if (line.text() == null) {
                        table.skip(Defects.invalidUtf8(line));
                    } else {
                        table.row(line.number(), Arrays.asList(line.text().split("\t", -1)));
                    }
                    line = next;
                }
                passedOver(name, blanks, report);
            } catch (MalformedDatasetException e) {
                throw lines.outranking(e);
            }
        }
        return table.result(LOG);
    }

    /** Counts the blank lines at the end of the file, which hold no row, as passed over. */
    private static void passedOver(String name, List<Integer> blanks, ReadReport.Builder report) {
        BlankLines.report(LOG, report, name, "", blanks.size(), blanks.subList(0, Math.min(blanks.size(), BlankLines.FIRST)));
    }

    /** The next line without the byte-order marks opening it (files joined with {@code cat}), counted. */
    private static TextFiles.Line next(LineReader lines, ReadReport.Builder report) throws IOException {
        return TextFiles.withoutLeadingMarks(lines.next(), report);
    }

    /**
     * Skips blank lines from {@code line} on, noting their numbers in {@code blanks} (cleared
     * first).
     *
     * @return the first line that is not blank, or null at the end of the file
     */
    private static TextFiles.Line skipBlank(TextFiles.Line line, LineReader lines, List<Integer> blanks,
            ReadReport.Builder report) throws IOException {
        blanks.clear();
        for (; line != null && line.text() != null && line.text().isEmpty(); line = next(lines, report)) {
            blanks.add(line.number());
        }
        return line;
    }

    /**
     * Builder for {@link TsvClassificationReader}: the text templates and label column (see
     * {@code setTextA}, {@code optTextB}, {@code optLabel}) and, for header-less files, the
     * column names. Mutable and single-threaded.
     */
    public static final class Builder extends ColumnReaderBuilder<Builder> {
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
         * @throws IllegalArgumentException if a template names a column a header-less file lacks
         */
        public TsvClassificationReader build() {
            return new TsvClassificationReader(layout());
        }
    }
}
