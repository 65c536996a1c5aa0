package io.github.prefine.core.data;

import io.github.prefine.core.data.internal.TextFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

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
     * Reads a file, counting the bytes it takes from the file and from any file read with it
     * ({@link #files}), so that a caller can show how far a large read has come.
     *
     * @param file the file to read
     * @param leniency whether defects throw or are skipped and counted
     * @param bytesRead receives, on the reading thread, the number of bytes each read took from
     *     the files (compressed bytes for a {@code .gz} file); a read to the end hands it the sum
     *     of the sizes of {@link #files}
     * @return the examples in file order and the read report
     * @throws MalformedDatasetException if the file is malformed (always in strict mode; in lenient
     *     mode only for defects that cannot be skipped)
     * @throws IOException if the file cannot be read
     */
    ReadResult<E> read(Path file, Leniency leniency, LongConsumer bytesRead) throws IOException;

    /**
     * Reads a file without counting its bytes.
     *
     * @param file the file to read
     * @param leniency whether defects throw or are skipped and counted
     * @return the examples in file order and the read report
     * @throws MalformedDatasetException if the file is malformed (always in strict mode; in lenient
     *     mode only for defects that cannot be skipped)
     * @throws IOException if the file cannot be read
     */
    default ReadResult<E> read(Path file, Leniency leniency) throws IOException {
        return read(file, leniency, TextFiles.UNCOUNTED);
    }

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
     * Returns the files a read of {@code file} opens: the file itself, and any sibling read with
     * it (WiC's gold labels), for a progress total.
     *
     * @param file the file given to {@link #read}
     * @return the files that exist among those a read opens, {@code file} first
     */
    default List<Path> files(Path file) {
        return List.of(file);
    }

    /**
     * Returns the type of example this reader produces.
     *
     * @return the example class
     */
    Class<E> exampleType();
}
