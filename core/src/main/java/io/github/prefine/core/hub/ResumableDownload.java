package io.github.prefine.core.hub;

import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.checkpoint.PlainFiles;
import io.github.prefine.eval.internal.Counts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one file from the Hub so that an interruption costs only the bytes in flight, and
 * nothing unchecked ever gets the final name. Used by {@link ModelResolver} for model files and
 * by the examples' dataset fetcher for parquet files.
 *
 * <p>The body goes to {@code TARGET.incomplete}. Each of the attempts continues that file with a
 * {@code Range} request (the answer's {@code Content-Range} must start at the bytes kept; a
 * {@code 200} answer starts over, and so does a {@code 416}, once: the server holds nothing past the
 * bytes kept), and so does a later call after the process died. Redirects are
 * followed by hand, at most five hops, through {@link HubHttp}, so the token stays on the
 * endpoint's host. A body that sends nothing for the stall timeout is cut and counts as an
 * interruption, which the next attempt resumes after {@link HubHttp}'s backoff (1, 2, 4, 8, 8, ...
 * seconds, through its sleeper); each interrupted attempt is logged as a warning with that wait.
 * A request that fails through all of {@link HubHttp}'s retries (HTTP 429 or 5xx, a dropped
 * connection before the headers, an unreachable endpoint) ends the download at once, keeping the
 * partial file; each retry repeats the same {@code Range} request, so a resumed download stays
 * resumed. Another HTTP error status or a failed check ends the download at once ({@link HubException}, from
 * the caller's {@link StatusErrors} for a status), as does a full disk (retrying cannot free
 * space), and so does a body that runs past the announced size: no more than that size is ever
 * written (the partial file is deleted). A symbolic link at {@code TARGET.incomplete} is refused
 * rather than written through, by the open itself ({@code O_NOFOLLOW}), so a link planted in a
 * shared cache folder, even while the request is under way, cannot make a download create,
 * overwrite or extend a file elsewhere. The finished file is checked (its size always,
 * its sha256 or git blob hash where {@link Expected} names one; a file that fails is deleted),
 * flushed to disk ({@code fsync}) and only then moved atomically to the target, so after a crash
 * a target is whole or absent.
 *
 * <p>Messages are one line: {@code "REPO: FILE: ..."}, with the byte counts, the partial file and
 * what to do ({@link Builder#optRerunHint(String)}); never the token. Two processes downloading
 * the same file at once take turns: a download holds an OS lock on {@code TARGET.lock} (left in
 * place afterwards), and one that waited finds the target stored and returns. Two threads of one
 * JVM take turns too, also when one names the folder through a symbolic link and the other by its
 * real path. Immutable after
 * {@link Builder#build()} and thread-safe.
 */
public final class ResumableDownload {
    private static final Logger LOG = LoggerFactory.getLogger(ResumableDownload.class);
    /**
     * One monitor per lock file, by its folder's real path: the JDK refuses a second OS lock on one
     * file to the same JVM, even through another path. Guarded by itself; an entry lives only while
     * a download of its file runs or waits, so a long-lived process keeps none per file it ever
     * downloaded.
     */
    private static final Map<Path, Monitor> WRITERS = new HashMap<>();
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern GIT_OBJECT_ID = Pattern.compile("[0-9a-f]{40}");

    /** What {@code copyWithStallGuard} holds while no read is waiting. */
    private static final long NOT_READING = Long.MIN_VALUE;
    /** One daemon thread that closes stalled bodies (see {@code copyWithStallGuard}). */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "prefine-download-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** Which hash a download is checked against, besides its size. */
    public enum Check {
        /** The size only (a file the server gives no hash for). */
        SIZE,
        /** The sha256 of the bytes, as the Hub gives for LFS files. */
        SHA256,
        /** The git blob hash: sha1 of {@code "blob <size>\0"} and the bytes, as for plain git files. */
        GIT_BLOB
    }

    /**
     * What a finished download must be.
     *
     * @param size the size in bytes the server announced
     * @param check which hash to compare
     * @param hash the lower-case hex digest to compare, {@code null} for {@link Check#SIZE}
     */
    public record Expected(long size, Check check, String hash) {
        /**
         * Validates the expectation.
         *
         * @param size the size in bytes the server announced
         * @param check which hash to compare
         * @param hash the lower-case hex digest to compare, {@code null} for {@link Check#SIZE}
         * @throws IllegalArgumentException if the size is negative, or the hash does not fit the check
         */
        public Expected {
            Objects.requireNonNull(check, "check");
            if (size < 0) {
                throw new IllegalArgumentException("size must be at least 0, found " + size);
            }
            Pattern shape = switch (check) {
                case SIZE -> null;
                case SHA256 -> SHA256;
                case GIT_BLOB -> GIT_OBJECT_ID;
            };
            if (shape == null ? hash != null : hash == null || !shape.matcher(hash).matches()) {
                throw new IllegalArgumentException("hash for " + check + " must be "
                        + (shape == null ? "null" : "lower-case hex matching " + shape) + ", found " + hash);
            }
        }

        /**
         * Expects a size only.
         *
         * @param size the size in bytes
         * @return the expectation
         */
        public static Expected size(long size) {
            return new Expected(size, Check.SIZE, null);
        }

        /**
         * Expects a size and a sha256.
         *
         * @param size the size in bytes
         * @param sha256 64 lower-case hex digits
         * @return the expectation
         */
        public static Expected sha256(long size, String sha256) {
            return new Expected(size, Check.SHA256, sha256);
        }

        /**
         * Expects a size and a git blob hash.
         *
         * @param size the size in bytes
         * @param blobId 40 lower-case hex digits
         * @return the expectation
         */
        public static Expected gitBlob(long size, String blobId) {
            return new Expected(size, Check.GIT_BLOB, blobId);
        }
    }

    /** Turns an HTTP error status into the caller's message: each caller knows what to advise. */
    @FunctionalInterface
    public interface StatusErrors {
        /**
         * Makes the exception for a status that is neither {@code 200} nor a good {@code 206}.
         *
         * @param repo the repository id
         * @param file the file
         * @param url the URL that answered, after redirects
         * @param status the HTTP status
         * @param errorCode the {@code X-Error-Code} header, empty when absent
         * @return the exception to throw
         */
        HubException forStatus(String repo, String file, URI url, int status, String errorCode);
    }

    /** Receives download progress. */
    @FunctionalInterface
    public interface Progress {
        /**
         * Reports the bytes on disk for a file, resumed bytes included, after each block read.
         *
         * @param file the file, as passed to {@code download}
         * @param done bytes so far
         * @param total the expected size
         */
        void progress(String file, long done, long total);
    }

    private final HubHttp http;
    private final StatusErrors statusErrors;
    private final Duration stallTimeout;
    private final int attempts;
    private final String source;
    private final String rerunHint;
    private final PartialFiles partialFiles;

    private ResumableDownload(Builder b) {
        this.http = b.http;
        this.statusErrors = b.statusErrors;
        this.stallTimeout = b.stallTimeout;
        this.attempts = b.attempts;
        this.source = b.source;
        this.rerunHint = b.rerunHint;
        this.partialFiles = b.partialFiles;
    }

    /** Opens the partial file for the body; the tests put a full disk behind it. */
    @FunctionalInterface
    interface PartialFiles {
        /**
         * Opens the partial file.
         *
         * @param partial the file
         * @param append true to continue the bytes kept, false to start a fresh file
         * @return the stream, which the caller closes
         * @throws IOException if opening fails
         */
        OutputStream open(Path partial, boolean append) throws IOException;
    }

    /**
     * Opens the partial file without following a symbolic link at its name, in the open itself
     * ({@code O_NOFOLLOW}): a fresh start makes a new file ({@link PlainFiles#newOutputStream}),
     * an append continues the plain file that is there, if it is still the one checked before the
     * open: one name only (no hard link elsewhere would get the bytes appended), the same file
     * (device and inode) and the same size before and after the open. A file swapped in at the
     * name meanwhile fails the attempt, and the next one starts afresh ({@link #transfer}).
     */
    private static OutputStream openPartial(Path partial, boolean append) throws IOException {
        if (!append) {
            return PlainFiles.newOutputStream(partial);
        }
        BasicFileAttributes before = Files.readAttributes(partial, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int names = PlainFiles.names(partial);
        FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                LinkOption.NOFOLLOW_LINKS);
        try {
            BasicFileAttributes after = Files.readAttributes(partial, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            names = Math.max(names, PlainFiles.names(partial));
            if (names > 1 || before.fileKey() == null || !before.fileKey().equals(after.fileKey())
                    || ch.size() != before.size()) {
                throw new IOException(partial + ": must be this download's own partial file, found one that "
                        + (names > 1 ? "shares its content with " + Counts.counted(names - 1, "other name") + " (hard links)"
                                : "was replaced while it was opened") + "; not appended to, the next attempt starts afresh");
            }
            return Channels.newOutputStream(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** A symbolic link at the partial name: ends the download at once, as retrying cannot remove it. */
    private static final class PartialLinkException extends IOException {
        private static final long serialVersionUID = 1L;

        PartialLinkException(String message, IOException cause) {
            super(message, cause);
        }
    }

    private PartialLinkException partialLink(String repo, String file, Path partial, IOException cause) {
        String target;
        try {
            target = Files.readSymbolicLink(partial).toString();
        } catch (IOException | UnsupportedOperationException unreadable) {
            target = "somewhere unreadable";
        }
        return new PartialLinkException(repo + ": " + file + ": " + partial + " is a symbolic link to " + target
                + "; a partial download must be a plain file, refusing to write through it (remove the link and "
                + rerunHint + ")", cause);
    }

    /**
     * Starts a builder.
     *
     * @return a builder without the required values
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Downloads a file to {@code target} unless it is there with the expected size, logging the
     * start and the end of each transfer at INFO.
     *
     * @param repo the repository id, first in messages
     * @param file the file's path in the repository, second in messages
     * @param url where to fetch it (redirects are followed)
     * @param expected the size and hash it must have
     * @param target the final path; the partial file is its sibling {@code NAME.incomplete}
     * @throws HubException if the server refuses, answers a wrong range, or the file fails its checks
     * @throws HubServiceException if every attempt is cut off or stalls (the partial file is kept
     *     for a later call)
     * @throws IOException if the disk is full, or the file cannot be written or moved
     */
    public void download(String repo, String file, URI url, Expected expected, Path target) throws IOException {
        download(repo, file, url, expected, target, null);
    }

    /**
     * Downloads a file to {@code target} unless it is there with the expected size, reporting
     * progress to a listener; with one, the start and end of each transfer are logged at DEBUG
     * only, since the listener already shows them.
     *
     * @param repo the repository id, first in messages
     * @param file the file's path in the repository, second in messages
     * @param url where to fetch it (redirects are followed)
     * @param expected the size and hash it must have
     * @param target the final path; the partial file is its sibling {@code NAME.incomplete}
     * @param progress receives the bytes on disk after each block, or {@code null} for none
     * @throws HubException if the server refuses, answers a wrong range, or the file fails its checks
     * @throws HubServiceException if every attempt is cut off or stalls (the partial file is kept
     *     for a later call)
     * @throws IOException if the disk is full, or the file cannot be written or moved
     */
    public void download(String repo, String file, URI url, Expected expected, Path target, Progress progress)
            throws IOException {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(expected, "expected");
        if (stored(repo, file, target, expected)) {
            return;
        }
        Files.createDirectories(target.toAbsolutePath().getParent());
        // one writer of a target at a time, in this JVM and across processes: a second writer
        // appended to the partial file under the first, or moved it away while the first still wrote
        Path lockFile = target.toAbsolutePath().resolveSibling(target.getFileName() + ".lock");
        // the JDK keeps one lock per file, whatever path opened it: the monitor is the folder's real
        // path's, so that a linked and a real spelling of one cache wait for each other (the name
        // itself is opened without following a link, so it is not resolved)
        Path monitor = lockFile.getParent().toRealPath().resolve(lockFile.getFileName());
        Monitor writer;
        synchronized (WRITERS) {
            writer = WRITERS.computeIfAbsent(monitor, k -> new Monitor());
            writer.users++;
        }
        try {
            synchronized (writer) {
                // a lock file of its own, never opened elsewhere: closing any descriptor of a locked
                // file (the partial one is opened, closed and moved) would drop this process's lock
                try (FileChannel ch = PlainFiles.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        FileLock held = ch.lock()) {
                    if (stored(repo, file, target, expected)) {
                        log(progress, "{}: {}: stored as {} by another download meanwhile", repo, file, target);
                        return;
                    }
                    downloadAlone(repo, file, url, expected, target, progress);
                }
            }
        } finally {
            synchronized (WRITERS) {
                if (--writer.users == 0) {
                    WRITERS.remove(monitor);
                }
            }
        }
    }

    /**
     * Whether {@code target} holds the file already: a regular file of the expected size and, for a
     * plain git file, of the expected git blob hash. Such a file is small, and it is the one edited
     * in place (a snapshot's {@code config.json} is a link to its blob), so one of the right size
     * but other bytes is deleted, with a warning, to be fetched again. An LFS file is taken by its
     * size, as {@code huggingface_hub} takes every file: hashing gigabytes of weights at each new
     * snapshot of a moved branch would cost about what fetching them does.
     *
     * @param repo the repository id, for the warning
     * @param file the file's name in it, for the warning
     * @param target where the file is kept
     * @param expected what it must be
     * @return whether it is there as expected
     * @throws IOException if it cannot be read or deleted
     */
    static boolean stored(String repo, String file, Path target, Expected expected) throws IOException {
        if (!Files.isRegularFile(target) || Files.size(target) != expected.size()) {
            return false;
        }
        if (expected.check() != Check.GIT_BLOB) {
            return true;
        }
        String actual = FileDigests.gitBlobId(target);
        if (actual.equals(expected.hash())) {
            return true;
        }
        LOG.warn("{}: {}: {} has git blob hash {}, not the {} its name and the server say (edited in place through"
                + " a snapshot's link?); fetching it again", repo, file, target, actual, expected.hash());
        // another process may have deleted it meanwhile, to fetch it again too
        Files.deleteIfExists(target);
        return false;
    }

    /** The monitor of one lock file, and how many downloads of it run or wait (guarded by {@code WRITERS}). */
    private static final class Monitor {
        int users;
    }

    /** How many per-file monitors are held now (for tests). */
    static int monitorsHeld() {
        synchronized (WRITERS) {
            return WRITERS.size();
        }
    }

    /** The download itself; the caller holds the target's lock. */
    private void downloadAlone(String repo, String file, URI url, Expected expected, Path target, Progress progress)
            throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".incomplete");
        // a link planted at this name in a shared folder would make the download truncate or
        // append to a file elsewhere, or create one where the link leads nowhere yet: refused here,
        // before asking the server, and again by the open itself, which a link planted meanwhile meets
        if (Files.isSymbolicLink(partial)) {
            throw partialLink(repo, file, partial, null);
        }
        IOException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                transfer(repo, file, url, expected.size(), partial, progress);
                last = null;
                break;
            } catch (HubException | PartialLinkException e) {
                throw e;
            } catch (HubServiceException e) {
                // the request itself failed through all of HubHttp's retries: no attempt here can do better
                throw new HubServiceException(repo + ": " + file + ": " + size(partial) + " of " + expected.size()
                        + " bytes kept in " + partial + "; " + rerunHint + " to resume: " + e.getMessage(), e);
            } catch (IOException e) {
                if (diskFull(e)) {
                    throw new IOException(repo + ": " + file + ": disk full while writing " + partial + " ("
                            + size(partial) + " of " + expected.size() + " bytes kept); free space and " + rerunHint
                            + " to resume", e);
                }
                last = e;
                if (attempt == attempts) {
                    LOG.warn("{}: {}: attempt {} of {} interrupted at {} of {} bytes: {}", repo, file, attempt,
                            attempts, size(partial), expected.size(), e.toString());
                    break;
                }
                // a server that cut the body may be overloaded: give it HubHttp's backoff before resuming
                Duration wait = HubHttp.backoff(attempt);
                LOG.warn("{}: {}: attempt {} of {} interrupted at {} of {} bytes: {}; resuming in {} ms", repo, file,
                        attempt, attempts, size(partial), expected.size(), e.toString(), wait.toMillis());
                try {
                    http.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException(repo + ": " + file + ": interrupted while waiting to resume; " + size(partial)
                            + " of " + expected.size() + " bytes kept in " + partial + "; " + rerunHint + " to resume", ie);
                }
            }
        }
        if (last != null) {
            throw new HubServiceException(repo + ": " + file + ": download interrupted after "
                    + Counts.counted(attempts, "attempt") + ", " + size(partial) + " of " + expected.size() + " bytes kept in "
                    + partial + "; " + rerunHint
                    + " to resume: " + HubHttp.oneLine(last), last);
        }
        verify(repo, file, expected, partial);
        // on disk before the name says it is complete: after a crash a target is whole or absent
        force(partial);
        AtomicFiles.move(partial, target);
        log(progress, "{}: {}: {} bytes checked and stored as {}", repo, file, expected.size(), target);
    }

    /** Appends the rest of the file to the partial one, resuming with a Range request when it has bytes. */
    private void transfer(String repo, String file, URI url, long total, Path partial, Progress progress)
            throws IOException {
        long have = size(partial);
        if (have > total) {
            Files.delete(partial);
            have = 0;
        }
        if (have > 0 && PlainFiles.names(partial) > 1) {
            // a hard link (cp -al of the cache, or one planted in a shared folder): the bytes are no
            // longer this download's own, and appending would change the other name's file too
            LOG.warn("{}: {}: {} shares its content with {} (hard links); leaving them as they are and"
                    + " downloading afresh into a file of its own", repo, file, partial,
                    Counts.counted(PlainFiles.names(partial) - 1, "other name"));
            Files.delete(partial);
            have = 0;
        }
        if (have == total && have > 0) {
            return;
        }
        long from = have;
        HttpResponse<InputStream> resp = http.sendFollowingRedirects(u -> {
            HttpRequest.Builder req = http.request(u).GET();
            if (from > 0) {
                req.header("Range", "bytes=" + from + "-");
            }
            return req.build();
        }, HttpResponse.BodyHandlers.ofInputStream(), url, false, repo, file);
        URI at = resp.uri();
        int status = resp.statusCode();
        boolean append;
        if (status == 206 && have > 0) {
            String range = resp.headers().firstValue("Content-Range").orElse("");
            if (!range.startsWith("bytes " + have + "-")) {
                resp.body().close();
                throw new HubException(status, repo + ": " + file + ": asked to resume at byte " + have
                        + ", the server at " + http.shown(at) + " answered Content-Range '" + range + "'");
            }
            append = true;
            LOG.info("{}: {}: resuming at byte {} of {}", repo, file, have, total);
        } else if (status == 416 && have > 0) {
            // the server holds no byte past those kept (another version, or a shorter file than
            // announced): kept, they met 416 again on every later call. Started over once; the fresh
            // request asks no range, so it cannot come back here
            resp.body().close();
            LOG.warn("{}: {}: the server at {} refused to resume at byte {} of {} (416 Range Not Satisfiable:"
                    + " {}); deleting the bytes kept and downloading from the start", repo, file, http.shown(at), have,
                    total, resp.headers().firstValue("Content-Range").orElse("no Content-Range"));
            Files.delete(partial);
            transfer(repo, file, url, total, partial, progress);
            return;
        } else if (status == 200) {
            append = false;
            have = 0;
            log(progress, "{}: {}: fetching {} bytes from {}", repo, file, total, http.shown(at));
        } else {
            resp.body().close();
            throw statusErrors.forStatus(repo, file, at, status, resp.headers().firstValue("X-Error-Code").orElse(""));
        }
        OutputStream opened;
        try {
            opened = partialFiles.open(partial, append);
        } catch (IOException e) {
            resp.body().close();
            throw Files.isSymbolicLink(partial) ? partialLink(repo, file, partial, e) : e;
        }
        try (InputStream in = resp.body();
                OutputStream out = opened) {
            copyWithStallGuard(in, out, repo, file, have, total, progress);
        } catch (HubException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
    }

    /**
     * Copies the body, closing it when a read waits for the stall timeout without a byte: the HTTP
     * client bounds only the wait for headers, and a silent connection would block for ever.
     *
     * <p>The watchdog closes the body stream (the JDK's response stream then ends a blocked read
     * with an {@link IOException}) and never interrupts this thread, so nothing it does can reach
     * the caller: an interrupt sent a moment too late, once the copy had ended, used to stay set on
     * the caller's thread, and clearing the flag afterwards also cleared an interrupt of the
     * caller's own. It acts only while a read is waiting: time spent in {@code out} or in the
     * progress listener is not a stall. A close that lands just after a read returned fails the
     * next read, which counts as a stall and is resumed by the next attempt like any other.
     */
    private void copyWithStallGuard(InputStream in, OutputStream out, String repo, String file, long have, long total,
            Progress progress) throws IOException {
        long stallNanos = stallTimeout.toNanos();
        // System.nanoTime() when the read now waiting began, or NOT_READING
        AtomicLong readingSince = new AtomicLong(NOT_READING);
        AtomicBoolean stalled = new AtomicBoolean();
        long period = Math.max(10, stallTimeout.toMillis() / 4);
        ScheduledFuture<?> guard = WATCHDOG.scheduleAtFixedRate(() -> {
            long since = readingSince.get();
            if (since != NOT_READING && System.nanoTime() - since > stallNanos && stalled.compareAndSet(false, true)) {
                try {
                    in.close();
                } catch (IOException e) {
                    LOG.debug("{}: {}: closing the stalled body failed: {}", repo, file, e.toString());
                }
            }
        }, period, period, TimeUnit.MILLISECONDS);
        long done = have;
        try {
            byte[] buf = new byte[1 << 16];
            while (true) {
                readingSince.set(System.nanoTime());
                int n = in.read(buf);
                readingSince.set(NOT_READING);
                if (n < 0) {
                    break;
                }
                // the announced size bounds what is written: a body that runs on would fill the disk
                if (n > total - done) {
                    throw new HubException(-1, repo + ": " + file + ": expected " + total + " bytes as " + source
                            + " announced, the body runs past them; stopped reading there and deleted the partial file");
                }
                out.write(buf, 0, n);
                done += n;
                if (progress != null) {
                    progress.progress(file, done, total);
                }
            }
        } catch (IOException e) {
            if (stalled.get()) {
                throw new IOException(repo + ": " + file + ": no data for " + stallTimeout.toMillis() + " ms", e);
            }
            throw e;
        } finally {
            guard.cancel(false);
        }
    }

    private void verify(String repo, String file, Expected expected, Path partial) throws IOException {
        long size = Files.size(partial);
        if (size != expected.size()) {
            Files.delete(partial);
            throw new HubException(-1, repo + ": " + file + ": expected " + expected.size() + " bytes as " + source
                    + " announced, found " + size + "; the partial file was deleted");
        }
        String actual;
        String what;
        switch (expected.check()) {
            case SHA256 -> {
                actual = FileDigests.sha256(partial);
                what = "sha256";
            }
            case GIT_BLOB -> {
                actual = FileDigests.gitBlobId(partial);
                what = "git blob hash";
            }
            default -> {
                return;
            }
        }
        if (!actual.equals(expected.hash())) {
            Files.delete(partial);
            throw new HubException(-1, repo + ": " + file + ": " + what + " must equal " + source + "'s "
                    + expected.hash() + ", found " + actual + "; the corrupt file was deleted, " + rerunHint);
        }
    }

    /** INFO when nothing else shows the transfer, DEBUG beside a progress listener. */
    private static void log(Progress progress, String format, Object... args) {
        if (progress == null) {
            LOG.info(format, args);
        } else {
            LOG.debug(format, args);
        }
    }

    /**
     * Flushes a file's bytes to the disk.
     *
     * @param file an existing file
     * @throws IOException if it cannot be opened or flushed
     */
    static void force(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Tells whether a failure, or one of its causes, is a full disk or an exhausted quota. */
    static boolean diskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    private static long size(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Builds a {@link ResumableDownload}.
     *
     * <p>Mutable and single-threaded.
     */
    public static final class Builder {
        private HubHttp http;
        private StatusErrors statusErrors;
        private Duration stallTimeout = Duration.ofSeconds(60);
        private int attempts = 3;
        private String source = "the server";
        private String rerunHint = "try again";
        private PartialFiles partialFiles = ResumableDownload::openPartial;

        private Builder() {}

        /**
         * Sets how requests are made and sent (required).
         *
         * @param http the endpoint's requests, with the token rules
         * @return this builder
         */
        public Builder setHttp(HubHttp http) {
            this.http = Objects.requireNonNull(http, "http");
            return this;
        }

        /**
         * Sets how an HTTP error status reads (required).
         *
         * @param statusErrors makes the exception for a status
         * @return this builder
         */
        public Builder setStatusErrors(StatusErrors statusErrors) {
            this.statusErrors = Objects.requireNonNull(statusErrors, "statusErrors");
            return this;
        }

        /**
         * Sets how long a response body may send nothing before the transfer counts as
         * interrupted (and is resumed by the next attempt).
         *
         * @param timeout a positive duration; default 60 seconds
         * @return this builder
         */
        public Builder optStallTimeout(Duration timeout) {
            this.stallTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets how many times one call tries the transfer, each try resuming the last.
         *
         * @param attempts at least 1; default 3
         * @return this builder
         */
        public Builder optAttempts(int attempts) {
            this.attempts = attempts;
            return this;
        }

        /**
         * Sets who the expected size and hash come from, as messages name it
         * ({@code "expected N bytes as SOURCE announced"}, {@code "sha256 must equal SOURCE's ..."}).
         *
         * @param source a noun phrase; default {@code "the server"}
         * @return this builder
         */
        public Builder optSource(String source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Sets what the user runs to continue, as messages advise it
         * ({@code "...; HINT to resume"}, {@code "...; the corrupt file was deleted, HINT"}).
         *
         * @param rerunHint an imperative phrase such as {@code "run fetch again"}; default {@code "try again"}
         * @return this builder
         */
        public Builder optRerunHint(String rerunHint) {
            this.rerunHint = Objects.requireNonNull(rerunHint, "rerunHint");
            return this;
        }

        /**
         * Replaces how the partial file is opened; for the tests, which put a full disk behind it.
         *
         * @param partialFiles the opener
         * @return this builder
         */
        Builder partialFiles(PartialFiles partialFiles) {
            this.partialFiles = Objects.requireNonNull(partialFiles, "partialFiles");
            return this;
        }

        /**
         * Checks the values and builds the downloader.
         *
         * @return the downloader
         * @throws IllegalStateException if the HTTP access or the status errors are not set
         * @throws IllegalArgumentException if a value is out of range
         */
        public ResumableDownload build() {
            if (http == null) {
                throw new IllegalStateException("http must be set (setHttp)");
            }
            if (statusErrors == null) {
                throw new IllegalStateException("statusErrors must be set (setStatusErrors)");
            }
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1, found " + attempts);
            }
            if (stallTimeout.isNegative() || stallTimeout.isZero()) {
                throw new IllegalArgumentException("stallTimeout must be positive, found " + stallTimeout);
            }
            return new ResumableDownload(this);
        }
    }
}
