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
        if (args[0].equals(SERVE)) {
            serve();
            return;
        }
        swap(args);
    }

    /** The argument that makes {@link #main} a {@link Server}'s child. */
    private static final String SERVE = "--serve";

    /** A {@link Server}'s child: one round of {@link #swap} per line of arguments, "done" after each. */
    private static void serve() throws IOException {
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                java.nio.charset.StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            try {
                swap(line.split("\t"));
            } catch (IOException e) {
                e.printStackTrace(); // the round ends, as a swapper of its own would have; the next may start
            }
            System.out.println("done");
            System.out.flush();
        }
    }

    private static void swap(String[] args) throws IOException {
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

    /**
     * One swapper JVM for several rounds in turn: a test class with many rounds pays for one JVM
     * start instead of one per round. Each round swaps as {@link #start} does until its stop file
     * appears.
     */
    public static final class Server implements AutoCloseable {
        private final Process process;
        private final java.io.Writer toChild;
        private final java.io.BufferedReader fromChild;

        /**
         * Starts the child, which waits for its first round.
         *
         * @throws IOException if it cannot start
         */
        public Server() throws IOException {
            process = ChildProcesses.builder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), FolderSwap.class.getName(), SERVE)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            toChild = new java.io.OutputStreamWriter(process.getOutputStream(), java.nio.charset.StandardCharsets.UTF_8);
            fromChild = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
        }

        /**
         * Starts a round on {@code parent/name}, as {@link FolderSwap#start} does; {@link #stop} ends it.
         *
         * @param parent the folder holding the swapped one
         * @param name the swapped folder's name
         * @param victim where the link leads
         * @param stop the file whose appearance ends the round, not there yet
         * @throws IOException if the child cannot be told
         */
        public void start(Path parent, String name, Path victim, Path stop) throws IOException {
            toChild.write(String.join("\t", parent.toString(), victim.toString(), stop.toString(), name) + "\n");
            toChild.flush();
        }

        /**
         * Whether the child still runs.
         *
         * @return true while it runs
         */
        public boolean isAlive() {
            return process.isAlive();
        }

        /**
         * Ends the round and waits until the child has stopped swapping.
         *
         * @param stop the round's stop file
         * @throws Exception if the round does not end within a minute
         */
        public void stop(Path stop) throws Exception {
            Files.writeString(stop, "");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (!fromChild.ready() && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(fromChild.ready() && "done".equals(fromChild.readLine()), "the swapping process did not stop");
        }

        @Override
        public void close() throws Exception {
            toChild.close();
            assertTrue(process.waitFor(1, TimeUnit.MINUTES), "the swapping process did not end");
        }
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
        try (Server server = new Server()) {
            return during(server, parent, name, victim, tries, step);
        }
    }

    /**
     * As {@link #during(Path, String, Path, int, Step)}, as one round of {@code server}.
     *
     * @param server the swapper
     * @param parent the folder holding the swapped one
     * @param name the swapped folder's name
     * @param victim where the link leads
     * @param tries how many times to run it
     * @param step the operation
     * @return how many tries succeeded and how many were refused
     * @throws Exception if the round cannot start or stop
     */
    public static int[] during(Server server, Path parent, String name, Path victim, int tries, Step step)
            throws Exception {
        Path stop = Files.createTempDirectory("folder-swap").resolve("stop");
        Server swapper = server;
        swapper.start(parent, name, victim, stop);
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
            swapper.stop(stop);
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
