package io.github.prefine.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Folder helpers for tests that make an expensive folder (a checkpoint, a grid's output) once and copy it per case. */
public final class TestFolders {
    private TestFolders() {}

    /**
     * Copies a folder and everything below it to {@code to}, which must not exist yet.
     *
     * @param from the folder
     * @param to the copy
     * @return {@code to}
     * @throws IOException if a file cannot be copied
     */
    public static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(from.relativize(f).toString()));
            }
        }
        return to;
    }
}
