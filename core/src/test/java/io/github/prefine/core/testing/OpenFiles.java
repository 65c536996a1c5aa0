package io.github.prefine.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Counts this process's open file descriptors on one file, from {@code /proc/self/fd}, and its
 * memory mappings of one file, from {@code /proc/self/maps}: counts that other threads' files
 * cannot disturb, so a leak test can compare them exactly.
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

    /**
     * Returns how many of this process's memory mappings map {@code file}; skips the test where
     * the system has no {@code /proc/self/maps}.
     *
     * @param file the file
     * @return the count
     * @throws IOException if the mappings cannot be read
     */
    public static long mappingsOf(Path file) throws IOException {
        Path maps = Path.of("/proc/self/maps");
        Assumptions.assumeTrue(Files.isReadable(maps), "no /proc/self/maps to count mappings in");
        String target = " " + file.toRealPath();
        return Files.readAllLines(maps).stream().filter(line -> line.endsWith(target)).count();
    }
}
