package io.github.prefine.core.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads one dataset file into examples of one type.
 *
 * <p>Implementations are immutable and thread-safe; each call to {@link #read} opens, reads and
 * closes the file, a line, a record or a question at a time besides the examples it returns, never
 * the whole file. Files whose name ends in {@code .gz} are decompressed as they are read. Text is decoded as UTF-8
 * with malformed input reported, never replaced.
 *
 * @param <E> the example type produced
 */
public interface DatasetReader<E extends Example> {
    /**
     * Reads a file.
     *
     * @param file the file to read
     * @param leniency whether defects throw or are skipped and counted
     * @return the examples in file order and the read report
     * @throws MalformedDatasetException if the file is malformed (always in strict mode; in lenient
     *     mode only for defects that cannot be skipped)
     * @throws IOException if the file cannot be read
     */
    ReadResult<E> read(Path file, Leniency leniency) throws IOException;

    /**
     * Reads a file strictly.
     *
     * @param file the file to read
     * @return the examples in file order and the read report
     * @throws IOException if the file is malformed or cannot be read
     */
    default ReadResult<E> read(Path file) throws IOException {
        return read(file, Leniency.STRICT);
    }

    /**
     * Returns the type of example this reader produces.
     *
     * @return the example class
     */
    Class<E> exampleType();
}
