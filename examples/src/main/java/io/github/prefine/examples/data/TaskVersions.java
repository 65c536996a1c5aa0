package io.github.prefine.examples.data;

import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.checkpoint.PlainFiles;
import io.github.prefine.eval.internal.Counts;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versioned layout of one fetched task, which publishes a new version of all its files with one
 * rename, so a fetch stopped at any point leaves the task's old complete copy or its new complete
 * copy, never a mix.
 *
 * <pre>
 * DATA/.prefine/tasks/TASK/
 *     current -&gt; v-COMMIT-ID          the published version (a relative symbolic link)
 *     v-COMMIT-ID/                     one complete version: the task's catalog files at their
 *                                      catalog paths, and fetch-record.json
 *     v-COMMIT-ID.staging/             a version being written (stale if its fetch was stopped)
 *     fetch.lock                       held while a fetch works on the task
 * DATA/CATALOG-PATH                  -&gt; ../../.prefine/tasks/TASK/current/CATALOG-PATH
 * DATA/.prefine/fetched/TASK.json    -&gt; ../tasks/TASK/current/fetch-record.json
 * </pre>
 *
 * <p>The links at the catalog paths and at the record go through {@code current} and are laid once,
 * at the first fetch into a data root whose files are plain (an older fetch's, hand-laid ones
 * replaced with {@code --force}, or none): that step renames one file at a time, so it runs under
 * the fetch's marker as before and a fetch stopped there is refused by the readers
 * ({@link FetchedData}) until it runs again. Every later fetch only swaps {@code current}. Where the
 * file system has no symbolic links, a version is published as before: file by file under the
 * marker.
 *
 * <p>Links are made through a {@link SymbolicLinks}: the file system's own, or in tests one that
 * fails as a file system without links does, which takes the file-by-file path on any machine.
 *
 * <p>Holds an OS lock on {@code fetch.lock} from {@link #open} to {@link #close} (idempotent), so
 * that a staging folder found while it is held is a stopped fetch's, and is deleted. Not
 * thread-safe.
 */
final class TaskVersions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskVersions.class);

    /** The name of the fetch record inside a version. */
    static final String RECORD = "fetch-record.json";
    private static final String CURRENT = "current";
    private static final String STAGING = ".staging";

    /** Makes symbolic links: a seam, so that tests reach the path for file systems without them. */
    @FunctionalInterface
    interface SymbolicLinks {
        /** The file system's own links, {@link Files#createSymbolicLink}. */
        SymbolicLinks FILE_SYSTEM = (link, target) -> Files.createSymbolicLink(link, target);

        /**
         * Creates a link.
         *
         * @param link where
         * @param target what it leads to, relative to the link's folder
         * @throws UnsupportedOperationException or {@link FileSystemException} where the file system
         *     has no symbolic links, as {@link Files#createSymbolicLink} does
         * @throws IOException on other I/O failures
         */
        void create(Path link, Path target) throws IOException;
    }

    private final Path dataRoot;
    private final String task;
    private final Path dir;
    private final FileChannel lockChannel;
    private final SymbolicLinks links;
    private final String staleRemoved;
    private boolean closed;

    private TaskVersions(Path dataRoot, String task, Path dir, FileChannel lockChannel, SymbolicLinks links)
            throws IOException {
        this.dataRoot = dataRoot;
        this.task = task;
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.links = links;
        this.staleRemoved = removeUnpublished();
    }

    /** The folder of a task's versions. */
    static Path dir(Path dataRoot, String task) {
        return dataRoot.resolve(".prefine").resolve("tasks").resolve(task);
    }

    /**
     * Takes the task's fetch lock and deletes what stopped fetches left: staging folders and
     * versions that are not the current one.
     *
     * @param dataRoot the data root, absolute and normalized
     * @param task the task
     * @param links how links are made ({@link SymbolicLinks#FILE_SYSTEM} outside tests)
     * @return the open layout
     * @throws IOException if another fetch of the task holds the lock, or on I/O failure
     */
    static TaskVersions open(Path dataRoot, String task, SymbolicLinks links) throws IOException {
        Path dir = dir(dataRoot, task);
        Files.createDirectories(dir);
        Path lockFile = dir.resolve("fetch.lock");
        FileChannel ch = PlainFiles.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            throw new IOException(task + ": another data fetch of this task is running (" + lockFile
                    + " is locked); wait for it to end");
        }
        try {
            return new TaskVersions(dataRoot, task, dir, ch, links);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * What of stopped fetches {@link #open} deleted, counted per kind, for example {@code "1 staging
     * folder and 2 unpublished versions"}.
     *
     * @return the counts, empty if nothing was deleted
     */
    String staleRemoved() {
        return staleRemoved;
    }

    /**
     * Creates an empty staging folder for a new version.
     *
     * @param commit the commit the version is converted from
     * @return the folder, which serves as a data root for the task's catalog paths
     * @throws IOException on I/O failure
     */
    Path newStaging(String commit) throws IOException {
        String id = commit.substring(0, Math.min(12, commit.length())) + "-" + UUID.randomUUID().toString().substring(0, 8);
        return Files.createDirectory(dir.resolve("v-" + id + STAGING));
    }

    /**
     * Publishes a complete staging folder as the task's current version.
     *
     * @param staging a folder from {@link #newStaging}, holding every output and {@link #RECORD}
     * @param outputs the catalog paths it holds, relative to the data root
     * @param dropped catalog paths of the previous version that the new one does not have
     * @throws IOException on I/O failure; the previous version stays published unless the links
     *     were being laid, which the marker then says
     */
    void publish(Path staging, List<String> outputs, Collection<String> dropped) throws IOException {
        String name = staging.getFileName().toString();
        Path version = dir.resolve(name.substring(0, name.length() - STAGING.length()));
        Files.move(staging, version, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Path current = dir.resolve(CURRENT);
        Path previous = Files.isSymbolicLink(current) ? dir.resolve(Files.readSymbolicLink(current)).normalize() : null;
        Path next = dir.resolve("." + CURRENT + "." + UUID.randomUUID() + ".tmp-link");
        try {
            links.create(next, version.getFileName());
        } catch (UnsupportedOperationException | FileSystemException e) {
            LOG.info("{}: {} has no symbolic links ({}); publishing the fetch file by file", task, dir, e.toString());
            publishFileByFile(version, outputs, dropped);
            return;
        }
        Set<String> links = new LinkedHashSet<>();
        for (String o : outputs) {
            if (!linked(dataRoot.resolve(o), o)) {
                links.add(o);
            }
        }
        Path recordLink = FetchRecord.file(dataRoot, task);
        boolean relink = !links.isEmpty() || !dropped.isEmpty() || !isLink(recordLink, via(recordLink, RECORD));
        Path marker = FetchRecord.marker(dataRoot, task);
        if (relink) {
            Files.createDirectories(marker.getParent());
            AtomicFiles.write(marker, name + "\n");
        }
        AtomicFiles.move(next, current); // the publish: every link goes through current
        if (relink) {
            for (String o : links) {
                link(dataRoot.resolve(o), via(dataRoot.resolve(o), o));
            }
            for (String o : dropped) {
                if (!outputs.contains(o)) {
                    Files.deleteIfExists(dataRoot.resolve(o));
                }
            }
            link(recordLink, via(recordLink, RECORD));
            Files.delete(marker);
        }
        if (previous != null && !previous.equals(version) && previous.startsWith(dir)) {
            AtomicFiles.deleteTree(previous);
        }
    }

    /** The relative link target from {@code link} to {@code current/inVersion}. */
    private Path via(Path link, String inVersion) {
        return link.getParent().relativize(dir.resolve(CURRENT).resolve(inVersion));
    }

    private boolean linked(Path link, String catalogPath) throws IOException {
        return isLink(link, via(link, catalogPath));
    }

    private static boolean isLink(Path link, Path target) throws IOException {
        return Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target);
    }

    private void link(Path at, Path target) throws IOException {
        Files.createDirectories(at.getParent());
        Path tmp = at.resolveSibling("." + at.getFileName() + "." + UUID.randomUUID() + ".tmp-link");
        links.create(tmp, target);
        try {
            AtomicFiles.move(tmp, at);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Without symbolic links: the version's files renamed over the catalog files under the marker. */
    private void publishFileByFile(Path version, List<String> outputs, Collection<String> dropped) throws IOException {
        Path marker = FetchRecord.marker(dataRoot, task);
        Files.createDirectories(marker.getParent());
        AtomicFiles.write(marker, version.getFileName() + "\n");
        Files.deleteIfExists(FetchRecord.file(dataRoot, task));
        for (String o : outputs) {
            Path to = dataRoot.resolve(o);
            Files.createDirectories(to.getParent());
            AtomicFiles.move(version.resolve(o), to);
        }
        for (String o : dropped) {
            if (!outputs.contains(o)) {
                Files.deleteIfExists(dataRoot.resolve(o));
            }
        }
        AtomicFiles.move(version.resolve(RECORD), FetchRecord.file(dataRoot, task));
        Files.delete(marker);
        AtomicFiles.deleteTree(version);
    }

    /** Deletes staging folders and versions that {@code current} does not name; says how many of each. */
    private String removeUnpublished() throws IOException {
        Path current = dir.resolve(CURRENT);
        Path published = Files.isSymbolicLink(current) ? Files.readSymbolicLink(current).getFileName() : null;
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "v-*")) {
            for (Path p : ds) {
                if (!p.getFileName().equals(published)) {
                    stale.add(p);
                }
            }
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".current.*.tmp-link")) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
            }
        }
        stale.sort(null);
        for (Path p : stale) {
            AtomicFiles.deleteTree(p);
        }
        long staging = stale.stream().filter(p -> p.getFileName().toString().endsWith(STAGING)).count();
        long versions = stale.size() - staging;
        List<String> kinds = new ArrayList<>();
        if (staging > 0) {
            kinds.add(Counts.counted(staging, "staging folder"));
        }
        if (versions > 0) {
            kinds.add(Counts.counted(versions, "unpublished version"));
        }
        String removed = String.join(" and ", kinds);
        if (!stale.isEmpty()) {
            LOG.warn("{}: deleted {} a stopped fetch left in {}", task, removed, dir);
        }
        return removed;
    }

    /** Releases the fetch lock. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            lockChannel.close();
        }
    }
}
