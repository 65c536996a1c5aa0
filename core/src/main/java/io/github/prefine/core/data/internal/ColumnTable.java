package io.github.prefine.core.data.internal;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.MalformedDatasetException;
import io.github.prefine.core.data.ReadReport;
import io.github.prefine.core.data.ReadResult;
import io.github.prefine.core.data.TextExample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The rows of a column file (TSV, CSV) made into text examples, whatever splits the file into
 * rows: the columns are named by the header row or the reader's builder, every template's column
 * must be among them, and a row with another number of fields is skipped as {@link
 * #WRONG_FIELD_COUNT}, one whose label field is empty or only whitespace as {@link
 * Defects#EMPTY_LABEL}. Ids are {@code file:line} of the row's first line. Not API. Not
 * thread-safe.
 */
public final class ColumnTable {
    /** Skip reason: a row with another number of fields than the header. */
    public static final String WRONG_FIELD_COUNT = "wrong field count";
    /** Skip reason: a blank line before a row, where a row was expected. */
    public static final String BLANK_LINE = "blank line";

    /**
     * What a column-file reader was built with.
     *
     * @param header whether the file's first row names its columns
     * @param columnNames the column names of a header-less file; empty with a header
     * @param templates the texts and label to fill
     */
    public record Layout(boolean header, List<String> columnNames, TextTemplates templates) {
        /**
         * Copies the names.
         *
         * @param header whether the file's first row names its columns
         * @param columnNames the column names of a header-less file; empty with a header
         * @param templates the texts and label to fill
         */
        public Layout {
            columnNames = List.copyOf(columnNames);
        }
    }

    private final String file;
    private final Leniency leniency;
    private final ReadReport.Builder report;
    private final TextTemplates templates;
    private final String separated;
    private final List<TextExample> examples = new ArrayList<>();
    // one instance per distinct label: a file of 400k rows holds a handful of them
    private final Map<String, String> labels = new HashMap<>();
    private List<String> names = List.of();
    private String headerAt = "";
    private int rows;

    /**
     * Starts an empty table.
     *
     * @param file short file name for ids and messages
     * @param leniency strict throws on a defective row; lenient skips and counts it
     * @param report receives the skips
     * @param layout the header or column names, and the texts and label to fill
     * @param separated how fields are separated, for messages, for example {@code "tab-separated"}
     */
    public ColumnTable(
            String file, Leniency leniency, ReadReport.Builder report, Layout layout, String separated) {
        this.file = file;
        this.leniency = leniency;
        this.report = report;
        this.templates = layout.templates();
        this.separated = separated;
    }

    /**
     * Names the columns and checks that every column the templates name is among them.
     *
     * @param names the column names in order
     * @param location {@code "1"} for a header row, empty for names the builder gave
     * @param found what a header lacking a wanted column holds, for the message
     * @throws MalformedDatasetException if a wanted column is missing, in every mode: no row can
     *     make an example then
     */
    public void columns(List<String> names, String location, String found) throws MalformedDatasetException {
        for (String n : templates.fields()) {
            if (!names.contains(n)) {
                throw new MalformedDatasetException(file, location, "a column named '" + n + "'", found);
            }
            requireOnce(file, location, names, n);
        }
        this.names = List.copyOf(names);
        this.headerAt = location;
    }

    /**
     * Refuses a header that names a wanted column more than once: which of its fields a reader
     * takes differs between tools (Python's {@code csv.DictReader} keeps the last, pandas renames
     * the later ones), so no choice is safe.
     *
     * @param file short file name
     * @param location {@code "1"} for a header row, empty for names the builder gave
     * @param names the column names in order
     * @param wanted a column the reader reads
     * @throws MalformedDatasetException if {@code names} holds {@code wanted} more than once
     */
    public static void requireOnce(String file, String location, List<String> names, String wanted)
            throws MalformedDatasetException {
        List<String> at = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            if (names.get(c).equals(wanted)) {
                at.add(Integer.toString(c + 1));
            }
        }
        if (at.size() > 1) {
            String columns = String.join(", ", at.subList(0, at.size() - 1)) + " and " + at.get(at.size() - 1);
            throw new MalformedDatasetException(file, location, "a column named '" + wanted + "' once",
                    "it in columns " + columns + " of " + names);
        }
    }

    /**
     * Makes a row into an example, or skips it when its field count differs from the names' or its
     * label field is empty or only whitespace.
     *
     * @param line the 1-based line where the row starts
     * @param fields its fields
     * @throws MalformedDatasetException on a wrong field count or an empty label, in strict mode
     */
    public void row(int line, List<String> fields) throws MalformedDatasetException {
        rows++;
        if (fields.size() != names.size()) {
            Defects.found(leniency, WRONG_FIELD_COUNT, file, line, names.size() + " " + separated + " fields " + names,
                    String.valueOf(fields.size())).skip(report);
            return;
        }
        Map<String, String> values = new HashMap<>();
        for (int c = 0; c < fields.size(); c++) {
            values.putIfAbsent(names.get(c), fields.get(c));
        }
        String gold = null;
        if (templates.label() != null) {
            String blank = Defects.emptyLabel(values.get(templates.label()), "an empty field");
            if (blank != null) {
                // a class task's row without its class is broken, not of a class ""
                Defects.found(leniency, Defects.EMPTY_LABEL, file, line, "a label in column '" + templates.label()
                        + "' " + Defects.NO_LABELS_HINT, blank).skip(report);
                return;
            }
            gold = labels.computeIfAbsent(values.get(templates.label()), k -> k);
        }
        examples.add(templates.example(file + ":" + line, values, gold));
    }

    /**
     * Applies the leniency to a blank line where a row was expected: no row, though one empty
     * field would fit a one-column layout, so that it never becomes an example of empty text.
     *
     * @param line the blank line's 1-based number
     * @throws MalformedDatasetException located at the line, in strict mode
     */
    public void blankLine(int line) throws MalformedDatasetException {
        rows++;
        Defects.found(leniency, BLANK_LINE, file, line, names.size() + " " + separated + " fields " + names,
                "a blank line").skip(report);
    }

    /**
     * Counts a row dropped for a defect found before its fields could be read.
     *
     * @param defect the defect's reason and located message
     */
    public void skip(Defects.Found defect) {
        rows++;
        defect.skip(report);
    }

    /**
     * Applies the leniency to a row whose fields could not be read.
     *
     * @param reason the skip reason
     * @param defect the located error
     * @throws MalformedDatasetException {@code defect}, in strict mode
     */
    public void skip(String reason, MalformedDatasetException defect) throws MalformedDatasetException {
        rows++;
        Defects.skip(leniency, report, reason, defect);
    }

    /**
     * Finishes the read: a file without rows is a defect, and skips are logged once.
     *
     * @param log the reader's logger
     * @return the examples and the report
     * @throws MalformedDatasetException if there was no row, in strict mode
     */
    public ReadResult<TextExample> result(Logger log) throws MalformedDatasetException {
        // a header-only file is not empty: say what it holds, located at the header
        Defects.requireRecords(rows, leniency, report, file, headerAt, "at least one row",
                headerAt.isEmpty() ? "an empty file" : "only the header row");
        ReadReport r = report.records(rows).examples(examples.size()).build();
        Defects.warnSkips(log, r, "row");
        return new ReadResult<>(examples, r);
    }
}
