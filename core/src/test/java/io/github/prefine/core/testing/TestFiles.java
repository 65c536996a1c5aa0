package io.github.prefine.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the small data files tests read, making the folders they sit in. */
public final class TestFiles {
    private TestFiles() {}

    /**
     * Writes a UTF-8 text file.
     *
     * @param root the folder the path is relative to
     * @param relative the file's path under {@code root}, with {@code /}
     * @param text the content
     * @return the file
     * @throws IOException if writing fails
     */
    public static Path write(Path root, String relative, String text) throws IOException {
        return write(root, relative, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes a file of raw bytes (for input that is not valid UTF-8, say).
     *
     * @param root the folder the path is relative to
     * @param relative the file's path under {@code root}, with {@code /}
     * @param bytes the content
     * @return the file
     * @throws IOException if writing fails
     */
    public static Path write(Path root, String relative, byte[] bytes) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        return Files.write(p, bytes);
    }

    /**
     * Deletes a folder a test made and everything in it, deepest first.
     *
     * @param dir the folder
     * @throws IOException if a file cannot be deleted
     */
    public static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(p);
            }
        }
    }
}
