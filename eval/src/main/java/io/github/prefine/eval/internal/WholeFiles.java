package io.github.prefine.eval.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
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
     * @throws IOException if writing fails; the file then keeps its old content
     */
    public static void writeString(Path file, String text) throws IOException {
        // a name of its own per write, so that two writers never share a temp file
        Path tmp = file.resolveSibling("." + file.getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
