package io.github.prefine.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * A named pipe (FIFO) that serves the same bytes to each reader that opens it, counting the
 * readers: a file that tells how many times code read it. A reader that closes it before the end
 * stops the serving, and the next reader then waits.
 *
 * <p>Owns a serving thread; {@link #close()} stops it, idempotently. Linux only ({@code mkfifo},
 * {@code /proc/self/fd}): {@link #create} skips the test elsewhere.
 */
public final class CountingPipe implements AutoCloseable {
    /** This process's open files, one link per descriptor (Linux). */
    private static final Path OPEN_FILES = Path.of("/proc/self/fd");

    private final Path pipe;
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicBoolean done = new AtomicBoolean();
    private final Thread server;
    private boolean closed;

    private CountingPipe(Path pipe, byte[] bytes) {
        this.pipe = pipe;
        server = new Thread(() -> serve(bytes), "counting-pipe " + pipe.getFileName());
        server.setDaemon(true);
        server.start();
    }

    /**
     * Makes the pipe at a path that does not exist yet and starts serving it.
     *
     * @param pipe where the pipe goes
     * @param bytes what each reader reads
     * @return the pipe, which the caller must close
     * @throws InterruptedException if interrupted while {@code mkfifo} runs
     */
    public static CountingPipe create(Path pipe, byte[] bytes) throws InterruptedException {
        Assumptions.assumeTrue(Files.isDirectory(OPEN_FILES) && mkfifo(pipe), "no mkfifo or /proc/self/fd here");
        return new CountingPipe(pipe, bytes);
    }

    /**
     * Returns how many readers have opened the pipe so far.
     *
     * @return the count
     */
    public int reads() {
        return reads.get();
    }

    private void serve(byte[] bytes) {
        while (true) {
            // opening a pipe to write waits for a reader to open it
            try (OutputStream out = Files.newOutputStream(pipe)) {
                if (done.get()) {
                    return;
                }
                reads.incrementAndGet();
                // the reader's open returns a moment after this one: wait for its descriptor
                while (descriptors() < 2) {
                    Thread.yield();
                }
                out.write(bytes);
            } catch (IOException e) {
                // a reader that closes the pipe before the end ends the serving: the count stays
                return;
            }
            // a reader still holding the pipe would take the next text as more of this one
            while (descriptors() > 0) {
                Thread.yield();
            }
        }
    }

    /** How many file descriptors of this process are open on the pipe. */
    private int descriptors() {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(OPEN_FILES)) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).equals(pipe)) {
                        n++;
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went between the listing and the look
                }
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean mkfifo(Path path) throws InterruptedException {
        try {
            return new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stops serving: the server waits for one more reader, which this is, to see it is done.
     *
     * @throws IOException if the pipe cannot be opened
     * @throws InterruptedException if interrupted while the server stops
     */
    @Override
    public void close() throws IOException, InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        done.set(true);
        try (InputStream in = Files.newInputStream(pipe)) {
            in.readAllBytes();
        }
        server.join();
    }
}
