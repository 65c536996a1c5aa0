package io.github.prefine.eval.report;

import java.util.List;
import java.util.Objects;

/**
 * A rectangular report table: a title, column headers, and labelled rows of cells.
 *
 * <p>Immutable and thread-safe.
 *
 * @param title the table's title
 * @param corner the header of the row-label column
 * @param columns column headers
 * @param rows rows, each with one cell per column
 */
public record Table(String title, String corner, List<String> columns, List<Row> rows) {

    /**
     * Validates that every row has one cell per column and copies the lists.
     *
     * @param title see the record description
     * @param corner see the record description
     * @param columns see the record description
     * @param rows see the record description
     */
    public Table {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(corner, "corner");
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        for (Row r : rows) {
            if (r.cells().size() != columns.size()) {
                throw new IllegalArgumentException("row \"" + r.label() + "\" must have " + columns.size()
                        + " cells, found " + r.cells().size());
            }
        }
    }

    /**
     * Finds a cell by row label and column header.
     *
     * @param row the row label
     * @param column the column header
     * @return the cell
     * @throws IllegalArgumentException if either is absent
     */
    public Cell cell(String row, String column) {
        int c = columns.indexOf(column);
        if (c < 0) {
            throw new IllegalArgumentException("no column \"" + column + "\", found " + columns);
        }
        for (Row r : rows) {
            if (r.label().equals(row)) {
                return r.cells().get(c);
            }
        }
        throw new IllegalArgumentException("no row \"" + row + "\" in " + title);
    }

    /**
     * One labelled row.
     *
     * @param label the row label
     * @param cells one cell per column
     */
    public record Row(String label, List<Cell> cells) {
        /**
         * Copies the cells.
         *
         * @param label see the record description
         * @param cells see the record description
         */
        public Row {
            Objects.requireNonNull(label, "label");
            cells = List.copyOf(cells);
        }
    }
}
