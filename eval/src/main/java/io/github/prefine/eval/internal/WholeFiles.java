package io.github.prefine.eval.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whole-file writes for the eval module's report writers: a temp sibling, then a rename, so that a
 * reader, a kill or a full disk never sees part of a file, only the old content or the new. The
 * temp name ends in {@code .tmp}, which the grid's clean-up of orphaned temp files recognises.
 * Stateless.
 */
public final class WholeFiles {
    private WholeFiles() {}

    /**
     * Writes a text file in UTF-8, replacing it whole.
     *
     * @param file the file; its folder must exist
     * @param text its content
     * @throws FileSystemException naming the file if writing fails (a full disk, say); the file
     *     then keeps its old content
     * @throws IOException if the rename fails
     */
    public static void writeString(Path file, String text) throws IOException {
        Path tmp = tempName(file);
        try {
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw naming(file, e);
            }
            replace(tmp, file);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * A fresh temp name beside a file, for a write that {@link #replace} then publishes. Create it
     * with {@link StandardOpenOption#CREATE_NEW}, which never opens what is already there: a fixed
     * temp name let a symbolic link planted at it turn the write into one of the file it led to.
     *
     * @param file the file to be written
     * @return a name of its own per call, so that two writers never share a temp file
     */
    public static Path tempName(Path file) {
        return file.resolveSibling("." + file.getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
    }

    /**
     * Renames a complete temp file over a file, atomically where the file system can; a symbolic
     * link at the file's name is replaced, not followed.
     *
     * @param tmp the complete temp file
     * @param file the file it replaces
     * @throws IOException if the rename fails
     */
    public static void replace(Path tmp, Path file) throws IOException {
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Names the file a failed write was writing. The OS reports a full disk, a full quota or a
     * file-size limit as "No space left on device", "Disk quota exceeded" or "File too large" alone,
     * and a run writes hundreds of files: the line a user reads must say which one.
     *
     * @param file the file being written (its final name, not the temp file's)
     * @param e what the write threw
     * @return {@code e} itself when it names a file already or tells of a closed or interrupted
     *     channel; else a {@link FileSystemException} naming {@code file}, whose reason is the
     *     innermost message of {@code e} (an image or XML encoder wraps the OS's own), caused by {@code e}
     */
    public static IOException naming(Path file, IOException e) {
        if (e instanceof FileSystemException || e instanceof ClosedChannelException || e instanceof InterruptedIOException) {
            return e;
        }
        String reason = e.getMessage();
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null) {
                reason = t.getMessage();
            }
        }
        FileSystemException named = new FileSystemException(file.toString(), null, reason);
        named.initCause(e);
        return named;
    }
}
