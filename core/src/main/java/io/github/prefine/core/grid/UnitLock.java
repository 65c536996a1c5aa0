package io.github.prefine.core.grid;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A process-wide claim on one unit of work, held through an OS file lock ({@link
 * FileChannel#tryLock()}) on {@code <locks>/<unit>.lock}: exclusive, or shared among processes
 * that only need to keep an exclusive claim out. The OS releases it when the process
 * dies, so a crashed run never blocks a restart. Close to release.
 */
final class UnitLock implements Closeable {
    private final FileChannel channel;
    private final FileLock lock;

    private UnitLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Tries to claim a unit without waiting.
     *
     * @param file the lock file
     * @return the lock, or empty when another process (or this one) holds it
     * @throws IOException if the file cannot be opened
     */
    static Optional<UnitLock> tryAcquire(Path file) throws IOException {
        return tryAcquire(file, false);
    }

    /**
     * Takes a shared claim without waiting: several processes may hold it, and it keeps an
     * exclusive {@link #tryAcquire} from succeeding.
     *
     * @param file the lock file
     * @return the lock, or empty when another process holds it exclusively or this JVM holds it
     * @throws IOException if the file cannot be opened
     */
    static Optional<UnitLock> tryAcquireShared(Path file) throws IOException {
        return tryAcquire(file, true);
    }

    private static Optional<UnitLock> tryAcquire(Path file, boolean shared) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        // a shared lock needs the file open for reading
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileLock l = ch.tryLock(0, Long.MAX_VALUE, shared);
            if (l == null) {
                ch.close();
                return Optional.empty();
            }
            return Optional.of(new UnitLock(ch, l));
        } catch (OverlappingFileLockException e) {
            ch.close();
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Claims a unit, waiting for another holder to release it.
     *
     * @param file the lock file
     * @return the lock
     * @throws IOException if the file cannot be opened
     * @throws OverlappingFileLockException if this JVM already holds the lock
     */
    static UnitLock acquire(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            return new UnitLock(ch, ch.lock());
        } catch (IOException | RuntimeException e) {
            // a refused claim must not keep the file open
            ch.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
