package io.github.prefine.examples.data.parquet;

import java.io.IOException;

/**
 * Signals a parquet file this reader cannot read: a damaged footer or page, or a feature outside
 * the subset it supports (the message names the file, the column and what was found).
 */
public class MalformedParquetException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the file, the rule and what was found
     */
    public MalformedParquetException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message the file, the rule and what was found
     * @param cause the cause
     */
    public MalformedParquetException(String message, Throwable cause) {
        super(message, cause);
    }
}
