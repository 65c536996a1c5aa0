package io.github.prefine.core.data;

import io.github.prefine.core.data.internal.ColumnTable;
import io.github.prefine.core.data.internal.TextTemplates;
import java.util.List;

/**
 * The settings the column-file reader builders (TSV, CSV) add to {@link TextReaderBuilder}: a
 * header row, or the column names of a header-less file. Mutable and single-threaded.
 *
 * @param <B> the concrete builder, which every setter returns
 */
abstract sealed class ColumnReaderBuilder<B extends ColumnReaderBuilder<B>> extends TextReaderBuilder<B>
        permits TsvClassificationReader.Builder, CsvClassificationReader.Builder {
    private boolean header = true;
    private List<String> columnNames = List.of();

    ColumnReaderBuilder() {}

    /**
     * Declares a header-less file and names its columns.
     *
     * @param names the column names in order; default: the file has a header row
     * @return this builder
     */
    public final B optColumnNames(List<String> names) {
        this.columnNames = List.copyOf(names);
        this.header = false;
        return self();
    }

    /**
     * Parses the templates and checks them against the column names of a header-less file.
     *
     * @throws IllegalStateException if the first text is missing
     * @throws IllegalArgumentException if a template names a column a header-less file lacks
     */
    final ColumnTable.Layout layout() {
        TextTemplates templates = templates();
        if (!header) {
            for (String n : templates.fields()) {
                if (!columnNames.contains(n)) {
                    throw new IllegalArgumentException("column '" + n + "' is not among " + columnNames);
                }
            }
        }
        return new ColumnTable.Layout(header, columnNames, templates);
    }
}
