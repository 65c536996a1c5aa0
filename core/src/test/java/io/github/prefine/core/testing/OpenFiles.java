package io.github.prefine.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Counts this process's open file descriptors on one file, from {@code /proc/self/fd}: a count
 * that other threads' files cannot disturb, so a leak test can compare it exactly.
 */
public final class OpenFiles {
    private static final Path FDS = Path.of("/proc/self/fd");

    private OpenFiles() {}

    /**
     * Returns how many of this process's descriptors are open on {@code file}; skips the test
     * (JUnit assumption) where the system has no {@code /proc/self/fd}.
     *
     * @param file the file
     * @return the count
     * @throws IOException if the descriptor folder cannot be listed
     */
    public static long on(Path file) throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(FDS), "no /proc/self/fd to count open files in");
        Path target = file.toRealPath();
        try (Stream<Path> fds = Files.list(FDS)) {
            return fds.filter(fd -> target.equals(linkTarget(fd))).count();
        }
    }

    private static Path linkTarget(Path fd) {
        try {
            return Files.readSymbolicLink(fd);
        } catch (IOException e) {
            // closed between the listing and the read (the listing's own descriptor, say)
            return null;
        }
    }
}
