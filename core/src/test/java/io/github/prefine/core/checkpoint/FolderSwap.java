package io.github.prefine.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The attacker of the folder-swap tests, run in a child JVM: moves {@code PARENT/NAME} aside, puts
 * a link to the victim folder in its place, removes it and puts the folder back (or drops it, where
 * a write made a new one meanwhile), as fast as it can until the stop file appears. Nothing in the
 * tests that use it depends on timing, only on where files land.
 */
public final class FolderSwap {
    private FolderSwap() {}

    /**
     * Swaps until the stop file appears.
     *
     * @param args the parent folder, the victim folder, the stop file and the swapped folder's name
     * @throws IOException if a swap fails in a way it cannot mend
     */
    public static void main(String[] args) throws IOException {
        Path sub = Path.of(args[0], args[3]);
        Path hold = Path.of(args[0], "hold");
        Path victim = Path.of(args[1]);
        Path stop = Path.of(args[2]);
        while (!Files.exists(stop)) {
            try {
                Files.move(sub, hold, StandardCopyOption.ATOMIC_MOVE);
                Files.createSymbolicLink(sub, victim);
                Files.delete(sub);
                Files.move(hold, sub, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException lostTheRace) {
                if (Files.isSymbolicLink(sub)) {
                    Files.deleteIfExists(sub);
                }
                if (Files.exists(hold) && !Files.exists(sub, LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(hold, sub, StandardCopyOption.ATOMIC_MOVE);
                } else {
                    AtomicFiles.deleteTree(hold);
                }
            }
        }
    }

    /**
     * Starts the swapper in a child JVM on {@code parent/name}; {@link #stop} ends it.
     *
     * @param parent the folder holding the swapped one
     * @param name the swapped folder's name
     * @param victim where the link leads
     * @param stop the file whose appearance stops it
     * @return the process
     * @throws IOException if it cannot start
     */
    public static Process start(Path parent, String name, Path victim, Path stop) throws IOException {
        return ChildProcesses.builder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), FolderSwap.class.getName(), parent.toString(),
                victim.toString(), stop.toString(), name).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /**
     * Stops a swapper and waits for it.
     *
     * @param swapper the process
     * @param stop its stop file
     * @throws Exception if it does not stop within a minute
     */
    public static void stop(Process swapper, Path stop) throws Exception {
        Files.writeString(stop, "");
        assertTrue(swapper.waitFor(1, TimeUnit.MINUTES), "the swapping process did not stop");
    }

    /** One try of the operation raced against the swapper. */
    @FunctionalInterface
    public interface Step {
        /**
         * Runs the operation once.
         *
         * @param i the try's number, from 0
         * @throws IOException if the operation is refused
         */
        void run(int i) throws IOException;
    }

    /**
     * Runs an operation again and again while a swapper swaps {@code parent/name} for a link to
     * the victim; a try that throws an {@link IOException} (refused as a link, or the folder away
     * at that moment) counts as refused.
     *
     * @param parent the folder holding the swapped one
     * @param name the swapped folder's name
     * @param victim where the link leads
     * @param tries how many times to run it
     * @param step the operation
     * @return how many tries succeeded and how many were refused
     * @throws Exception if the swapper cannot start or stop
     */
    public static int[] during(Path parent, String name, Path victim, int tries, Step step) throws Exception {
        Path stop = Files.createTempDirectory("folder-swap").resolve("stop");
        Process swapper = start(parent, name, victim, stop);
        int done = 0;
        int refused = 0;
        try {
            for (int i = 0; i < tries; i++) {
                try {
                    step.run(i);
                    done++;
                } catch (IOException e) {
                    refused++;
                }
            }
        } finally {
            stop(swapper, stop);
            AtomicFiles.deleteTree(stop.getParent());
        }
        return new int[] {done, refused};
    }

    /**
     * Lists a folder and everything below it, without following links.
     *
     * @param dir the folder
     * @return the paths below it, sorted
     * @throws IOException if it cannot be walked
     */
    public static List<Path> below(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).sorted().toList();
        }
    }
}
