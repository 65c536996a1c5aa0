package io.github.prefine.core.grid;

import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.checkpoint.PlainFolders;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * A process-wide claim on one unit of work, held through an OS file lock ({@link
 * FileChannel#tryLock()}) on {@code <locks>/<unit>.lock}: exclusive, or shared among processes
 * that only need to keep an exclusive claim out. The OS releases it when the process
 * dies, so a crashed run never blocks a restart. Close to release.
 *
 * <p>The OS lock belongs to the process, not to the channel (POSIX {@code fcntl} locks, which the
 * JDK uses on Linux): closing any descriptor of the file drops every lock the process holds on it.
 * A claim this JVM already holds is therefore refused before the file is opened again, through a
 * JVM-wide set of held lock files, instead of by opening a channel, being refused by the JDK and
 * closing it, which would let another process take the claim this JVM still believes it holds.
 * Claiming is thread-safe; a lock is closed by the thread that holds it, and closing it again does
 * nothing.
 */
final class UnitLock implements Closeable {
    /** The lock files (see {@link #key}) that this JVM holds or is opening. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private UnitLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * The file's name in its real folder, so that two spellings of one lock file are one claim. The
     * lock folder is prefine's own ({@code locks/}) and must not be a symbolic link: one planted
     * there would put every claim, and its holder note, wherever it leads.
     */
    private static Path key(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        return PlainFolders.create(dir.getParent(), dir).toRealPath().resolve(file.getFileName());
    }

    /** The folder holding the lock folder: what the lock folder is entered from, without following a link. */
    private static Path above(Path key) {
        return key.getParent().getParent();
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

    /**
     * The shared claims this JVM holds through {@link #holdShared}, by lock file, with how many
     * holders share each; guarded by itself.
     */
    private static final java.util.Map<Path, SharedHold> SHARED = new java.util.HashMap<>();

    /** One shared claim of this JVM and its count of holders. */
    private static final class SharedHold {
        private final UnitLock lock;
        private int holders;

        private SharedHold(UnitLock lock) {
            this.lock = lock;
        }
    }

    /**
     * Takes a shared claim for one holder of this JVM, as {@link #tryAcquireShared} does for the
     * first; a later holder of this JVM shares the claim already held, where {@link
     * #tryAcquireShared} refuses it. The claim is released when its last holder closes, so it
     * keeps an exclusive {@link #tryAcquire} out while any holder, of any process, is open: two
     * sessions of one JVM on one folder, the first closed, still keep a forced run out.
     *
     * @param file the lock file
     * @return this holder's share, closed once (closing it again does nothing); empty when
     *     another process, or this JVM, holds the lock exclusively
     * @throws IOException if the file cannot be opened
     */
    static Optional<Closeable> holdShared(Path file) throws IOException {
        Path key = key(file);
        synchronized (SHARED) {
            SharedHold hold = SHARED.get(key);
            if (hold == null) {
                Optional<UnitLock> l = tryAcquire(file, true);
                if (l.isEmpty()) {
                    return Optional.empty();
                }
                hold = new SharedHold(l.get());
                SHARED.put(key, hold);
            }
            hold.holders++;
            SharedHold held = hold;
            java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
            return Optional.of(() -> {
                if (!open.getAndSet(false)) {
                    return;
                }
                synchronized (SHARED) {
                    if (--held.holders == 0) {
                        SHARED.remove(key);
                        held.lock.close();
                    }
                }
            });
        }
    }

    /**
     * Names who holds a lock file a claim was just refused: {@code "a session of this process"}
     * where this JVM holds it through {@link #holdShared}, {@code "this process"} where this JVM
     * holds it otherwise, else {@code "another process"}. A refusal that blamed another process
     * for this JVM's own session sent the user looking for a process that is not there.
     *
     * @param file the lock file
     * @return the holder, for a message
     * @throws IOException if the lock folder cannot be resolved
     */
    static String holderKind(Path file) throws IOException {
        Path key = key(file);
        synchronized (SHARED) {
            if (SHARED.containsKey(key)) {
                return "a session of this process";
            }
        }
        return HELD.contains(key) ? "this process" : "another process";
    }

    private static Optional<UnitLock> tryAcquire(Path file, boolean shared) throws IOException {
        Path key = key(file);
        if (!HELD.add(key)) {
            return Optional.empty();
        }
        FileChannel ch = null;
        try {
            // a shared lock needs the file open for reading
            ch = PlainFolders.open(above(key), key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock(0, Long.MAX_VALUE, shared);
            if (l != null) {
                return Optional.of(new UnitLock(key, ch, l));
            }
            ch.close();
            HELD.remove(key);
            return Optional.empty();
        } catch (OverlappingFileLockException e) {
            // a lock this JVM took on the file other than through this class; closing drops it too
            closeRefused(ch, key, e);
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            closeRefused(ch, key, e);
            throw e;
        }
    }

    /** Closes the channel of a refused claim (no other holder in this JVM: see {@link #HELD}). */
    private static void closeRefused(FileChannel ch, Path key, Exception e) {
        try {
            if (ch != null) {
                ch.close();
            }
        } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
        } finally {
            HELD.remove(key);
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
        Path key = key(file);
        if (!HELD.add(key)) {
            throw new OverlappingFileLockException();
        }
        FileChannel ch = null;
        try {
            ch = PlainFolders.open(above(key), key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new UnitLock(key, ch, ch.lock());
        } catch (IOException | RuntimeException e) {
            // a refused claim must not keep the file open
            closeRefused(ch, key, e);
            throw e;
        }
    }

    /**
     * Claims a unit, polling until no other holder (another process, or another thread of this
     * JVM) has it: {@link #tryAcquire} in a loop, so that it never opens the file while this JVM
     * holds it, unlike {@link #acquire}.
     *
     * @param file the lock file
     * @param pollMillis how long to sleep between two tries
     * @param onRefused run once, when the first try is refused
     * @return the lock
     * @throws IOException if the file cannot be opened, or the thread is interrupted while waiting
     */
    static UnitLock await(Path file, long pollMillis, Runnable onRefused) throws IOException {
        return await(file, pollMillis, Long.MAX_VALUE, onRefused).orElseThrow();
    }

    /**
     * Claims a unit as {@link #await(Path, long, Runnable)} does, giving up after a time.
     *
     * @param file the lock file
     * @param pollMillis how long to sleep between two tries
     * @param timeoutNanos how long to wait at most, in nanoseconds
     * @param onRefused run once, when the first try is refused
     * @return the lock, or empty when another holder still has it after {@code timeoutNanos}
     * @throws IOException if the file cannot be opened, or the thread is interrupted while waiting
     */
    static Optional<UnitLock> await(Path file, long pollMillis, long timeoutNanos, Runnable onRefused)
            throws IOException {
        return await(file, pollMillis, timeoutNanos, Long.MAX_VALUE, waited -> onRefused.run());
    }

    /**
     * Claims a unit as {@link #await(Path, long, long, Runnable)} does, telling again while it
     * waits: a wait of hours for a stuck holder must not look like a hung process.
     *
     * @param file the lock file
     * @param pollMillis how long to sleep between two tries
     * @param timeoutNanos how long to wait at most, in nanoseconds ({@link Long#MAX_VALUE}: no limit)
     * @param remindNanos how long between two calls of {@code onWaiting}, in nanoseconds
     * @param onWaiting given the nanoseconds waited so far: when the first try is refused (0), then
     *     each time {@code remindNanos} have passed since its last call while the wait goes on
     * @return the lock, or empty when another holder still has it after {@code timeoutNanos}
     * @throws IOException if the file cannot be opened, or the thread is interrupted while waiting
     */
    static Optional<UnitLock> await(Path file, long pollMillis, long timeoutNanos, long remindNanos,
            LongConsumer onWaiting) throws IOException {
        long start = System.nanoTime();
        long told = 0;
        for (boolean first = true; ; first = false) {
            Optional<UnitLock> lock = tryAcquire(file);
            if (lock.isPresent()) {
                return lock;
            }
            long waited = System.nanoTime() - start;
            if (first) {
                onWaiting.accept(0);
            } else if (waited - told >= remindNanos) {
                told = waited;
                onWaiting.accept(waited);
            }
            if (waited >= timeoutNanos) {
                return Optional.empty();
            }
            try {
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + file + ", held by another process");
            }
        }
    }

    /** Where the holder of a lock file says who it is: a sibling, so that reading it never opens the lock file. */
    static Path holderNote(Path file) {
        return file.resolveSibling(file.getFileName() + ".holder");
    }

    /**
     * Says who holds this lock, in a note beside the lock file that {@link #holder} reads and
     * {@link #close} deletes: this process's id and host, and since when. First deletes the note's
     * temp files that earlier holders killed while noting left ({@code locks/.NAME.lock.holder.RANDOM.tmp}):
     * only the exclusive holder writes the note, so while this process holds the lock none is a
     * live process's, however young, where the session's clean-up waits an hour.
     *
     * @throws IOException if the note cannot be written, or a killed holder's temp file deleted
     */
    void noteHolder() throws IOException {
        if (!lock.isShared()) {
            ClaimedTemps.of(above(key), holderNote(key));
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "an unknown host";
        }
        AtomicFiles.write(above(key), holderNote(key), "process " + ProcessHandle.current().pid() + " on " + host
                + " since " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n");
    }

    /**
     * Who holds a lock file, as its holder noted it ({@link #noteHolder}).
     *
     * @param file the lock file
     * @return the note, or empty when the holder left none
     */
    static Optional<String> holder(Path file) {
        try {
            return Optional.of(Files.readString(holderNote(key(file))).strip()).filter(s -> !s.isEmpty());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Names the holder of a lock file for a message: its note ({@link #holder}), or "another
     * process" when it left none, so that every wait says it in the same words.
     *
     * @param file the lock file
     * @return the holder's note, or {@code "another process"}
     */
    static String holderName(Path file) {
        return holder(file).orElse("another process");
    }

    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        try {
            // before the release: a note must never outlive its holder's claim
            Files.deleteIfExists(holderNote(key));
            lock.release();
        } finally {
            try {
                channel.close();
            } finally {
                // only once the descriptor is closed: a claim opened meanwhile would lose its lock to that close
                HELD.remove(key);
            }
        }
    }
}
