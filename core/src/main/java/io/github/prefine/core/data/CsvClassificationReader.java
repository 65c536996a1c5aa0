package io.github.prefine.core.data;

import io.github.prefine.core.data.internal.BlankLines;
import io.github.prefine.core.data.internal.ColumnTable;
import io.github.prefine.core.data.internal.Csv;
import io.github.prefine.core.data.internal.Defects;
import io.github.prefine.core.data.internal.DocumentReader;
import io.github.prefine.core.data.internal.TextFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads comma-separated (CSV, RFC 4180) classification files into {@link TextExample}s: the
 * files a spreadsheet, pandas' {@code to_csv} or Python's {@code csv} module write. Files separated
 * by another character (the semicolon of spreadsheets in locales with a decimal comma, TAB, |) are
 * read with {@link Builder#optDelimiter}.
 *
 * <p>A field in double quotes may hold the delimiter, line breaks and doubled quotes ({@code ""} for one
 * {@code "}); a quote inside an unquoted field is kept as it is. Lines end with LF, CRLF or a lone
 * CR (old Mac exports), and a line break inside quotes stays in the field as written. Blank lines
 * are passed over, as Python's {@code csv.DictReader} passes over the empty records {@code
 * csv.reader} returns for them, and counted in the report as {@link #BLANK_LINE_PASSED_OVER}
 * (cleaned, not skipped: no row is lost) and in the log. Records come out as Python's {@code
 * csv.reader} reads them. With a header (the
 * default) fields are named by the header row; without one by {@link Builder#optColumnNames}. Every
 * record must have as many fields as the header. Texts and label are filled from templates such as
 * {@code "{review}"}, as {@link TsvClassificationReader} fills them; a byte-order mark at the file
 * start (Excel's "CSV UTF-8") is removed and counted, as is one opening a later record (files joined
 * with {@code cat}, {@link ReadReport#BOM_AT_LINE_START}), and so is Excel's delimiter line, a bare
 * {@code sep=;} first line naming this reader's delimiter ({@link #SEP_LINE_PASSED_OVER}; one naming
 * another delimiter is refused with the delimiter to set).
 *
 * <p>Defects of a record (a wrong field count, text after a closing quote, a quote left open at the
 * end of the file) are thrown strictly and skipped and counted leniently, located at the line
 * where the record starts. A header row with a quoting defect or without a wanted column fails the
 * read in both modes, and so do bytes that are not UTF-8: a record may span lines, and a file in
 * another encoding (Excel's plain "CSV" is Windows-1252) would lose every row with an accent; save
 * it as UTF-8. So does a record longer than {@code -Dprefine.maxLineBytes} (64 MiB by default, in
 * UTF-8 bytes without its closing line end), at its first line, before it is held: a quote left
 * open would otherwise hold the rest of the file in one field.
 *
 * <p>Ids are {@code file:line} of the record's first line. Immutable and thread-safe.
 */
public final class CsvClassificationReader implements DatasetReader<TextExample> {
    private static final Logger LOG = LoggerFactory.getLogger(CsvClassificationReader.class);

    /** Skip reason: a record with another number of fields than the header. */
    public static final String WRONG_FIELD_COUNT = ColumnTable.WRONG_FIELD_COUNT;
    /**
     * Skip reason: a row whose label field is empty or only whitespace, with a label configured;
     * a file without labels is read with no label configured.
     */
    public static final String EMPTY_LABEL = Defects.EMPTY_LABEL;
    /** Skip reason: a record whose quotes do not follow RFC 4180 (text after a closing quote, a quote left open). */
    public static final String MALFORMED_QUOTING = "malformed quoting";
    /** Skip reason: a file without any record. */
    public static final String EMPTY_FILE = Defects.EMPTY_FILE;
    /**
     * Cleaning kind ({@link ReadReport#cleaned}): a blank line passed over, before, between or
     * after the records, {@link ReadReport#BLANK_LINE_PASSED_OVER} as every reader counts it;
     * {@code TsvClassificationReader} counts one between rows as a defect instead, as a TSV row is
     * one line.
     */
    public static final String BLANK_LINE_PASSED_OVER = ReadReport.BLANK_LINE_PASSED_OVER;
    /**
     * Cleaning kind ({@link ReadReport#cleaned}): Excel's delimiter line, a bare {@code sep=;}
     * (this reader's delimiter after {@code sep=}) as the file's first line, passed over.
     */
    public static final String SEP_LINE_PASSED_OVER = "Excel sep= line passed over";

    private final ColumnTable.Layout layout;
    private final char delimiter;

    private CsvClassificationReader(ColumnTable.Layout layout, char delimiter) {
        this.layout = layout;
        this.delimiter = delimiter;
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
        ColumnTable table = new ColumnTable(name, leniency, report, layout, Csv.describe(delimiter) + "-separated");
        try (DocumentReader doc = TextFiles.document(file, report, bytesRead)) {
            Csv csv = new Csv(doc, name, delimiter).refuseRecordsOver(doc.cap());
            try {
                records(csv, doc, table, report, name);
                passedOver(name, csv, report);
            } catch (MalformedDatasetException e) {
                if (!doc.failed() && name.endsWith(".gz")) {
                    // a damaged stream outranks it: its text is wrong from the damage on
                    doc.drain();
                }
                throw e;
            }
        }
        return table.result(LOG);
    }

    /**
     * Counts the blank lines passed over, and says so once, with where the first ones were, and
     * the byte-order marks removed from the records' starts ({@link ReadReport#BOM_AT_LINE_START});
     * the SubjQA reader, which reads CSV too, counts its own here.
     */
    static void passedOver(String name, Csv csv, ReadReport.Builder report) {
        if (csv.marks() > 0) {
            report.clean(ReadReport.BOM_AT_LINE_START, csv.marks());
        }
        BlankLines.report(LOG, report, name, ", as Python's csv.reader does", csv.blankLines(), csv.firstBlankLines());
    }

    /** Reads the header, if any, and every record after it. */
    private void records(Csv csv, DocumentReader doc, ColumnTable table, ReadReport.Builder report, String name)
            throws IOException {
        // a header that does not parse fails in both modes: the row after it is no header
        Csv.Row row = layout.header() ? csv.next() : next(csv, doc, table);
        if (row != null && isSepLine(row, name)) {
            report.clean(SEP_LINE_PASSED_OVER, 1);
            row = layout.header() ? csv.next() : next(csv, doc, table);
        }
        if (row == null) {
            return;
        }
        if (layout.header()) {
            List<String> names = row.fields();
            table.columns(names, Integer.toString(row.line()), foundColumns(names));
            row = next(csv, doc, table);
        } else {
            table.columns(layout.columnNames(), "", "columns " + layout.columnNames());
        }
        for (; row != null; row = next(csv, doc, table)) {
            table.row(row.line(), row.fields());
        }
    }

    /**
     * Tells Excel's delimiter line, a bare {@code sep=X} as the file's first line, which Excel reads
     * as the delimiter and does not show: under this reader's delimiter it splits into {@code
     * "sep="} and an empty field, and it is passed over. A bare {@code sep=} naming another
     * delimiter is one field here and refused in both modes, naming the delimiter to set; a quoted
     * {@code "sep=;"} is one field holding the delimiter, which Excel takes for a cell, and so is
     * read as a header or a record.
     */
    private boolean isSepLine(Csv.Row row, String file) throws MalformedDatasetException {
        List<String> f = row.fields();
        if (row.line() != 1) {
            return false;
        }
        if (f.size() == 2 && f.get(0).equals("sep=") && f.get(1).isEmpty()) {
            return true;
        }
        if (f.size() == 1 && f.get(0).length() == 5 && f.get(0).startsWith("sep=") && f.get(0).charAt(4) != delimiter) {
            char named = f.get(0).charAt(4);
            if (named == '"' || named == '\r' || named == '\n') {
                return false;
            }
            // a TAB written as \t: raw, it reads as blank space in the message
            String set = shown(named);
            throw new MalformedDatasetException(file, "1", "a header row or Excel's delimiter line 'sep="
                    + shown(delimiter) + "'", "Excel's delimiter line 'sep=" + set + "': the file is "
                    + Csv.describe(named) + "-separated; set optDelimiter('" + set + "')");
        }
        return false;
    }

    /** The next record that reads; a record with malformed quoting is skipped leniently. */
    private static String shown(char delimiter) {
        return delimiter == '\t' ? "\\t" : String.valueOf(delimiter);
    }

    private static Csv.Row next(Csv csv, DocumentReader doc, ColumnTable table) throws IOException {
        while (true) {
            try {
                return csv.next();
            } catch (MalformedDatasetException e) {
                if (doc.failed() || csv.overCap()) {
                    // not UTF-8, a damaged gzip stream, or a record over the cap: no record to skip
                    throw e;
                }
                table.skip(MALFORMED_QUOTING, e);
            }
        }
    }

    /**
     * What a header row without the wanted column holds; a header of one column that holds a
     * likely delimiter (comma, semicolon, TAB, |) other than this reader's is said to be split by
     * the wrong one, since a semicolon-separated export (spreadsheets in locales with a decimal
     * comma) or a TSV file meets a comma reader there first.
     */
    private String foundColumns(List<String> names) {
        if (names.size() == 1) {
            String only = names.get(0);
            for (char likely : new char[] {';', ',', '\t', '|'}) {
                if (likely != delimiter && only.indexOf(likely) >= 0) {
                    String tsv = likely == '\t' ? ", or read a TAB-separated file with TsvClassificationReader" : "";
                    return "one column '" + only + "' (no " + Csv.describe(delimiter) + " in the header but a "
                            + Csv.describe(likely) + ": the file may be " + Csv.describe(likely)
                            + "-separated; set optDelimiter('" + shown(likely) + "')"
                            + tsv + ")";
                }
            }
        }
        return "columns " + names;
    }

    /**
     * Builder for {@link CsvClassificationReader}: the text templates and label column (see
     * {@code setTextA}, {@code optTextB}, {@code optLabel}) and, for header-less files, the
     * column names. Mutable and single-threaded.
     */
    public static final class Builder extends ColumnReaderBuilder<Builder> {
        private char delimiter = ',';

        private Builder() {}

        /**
         * Sets the character that separates fields, as the {@code delimiter} of Python's {@code
         * csv.reader}: {@code ';'} for the "CSV" of spreadsheets in locales with a decimal comma,
         * {@code '\t'} or {@code '|'} for other tools' exports. Quoting works as with commas.
         *
         * @param delimiter the field separator; default {@code ','}
         * @return this builder
         * @throws IllegalArgumentException if it is a double quote, CR or LF
         */
        public Builder optDelimiter(char delimiter) {
            Csv.checkDelimiter(delimiter);
            this.delimiter = delimiter;
            return this;
        }

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
        public CsvClassificationReader build() {
            return new CsvClassificationReader(layout(), delimiter);
        }
    }
}
