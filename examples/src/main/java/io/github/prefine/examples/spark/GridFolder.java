package io.github.prefine.examples.spark;

import io.github.prefine.core.checkpoint.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * A grid's output or data folder named by a Hadoop URI ({@code hdfs://}, {@code s3a://},
 * {@code file://} or a plain path), seen by one process through a local folder.
 *
 * <p>A folder on the local file system is used in place ("direct"): on a cluster that is a shared
 * mount such as {@code file:///shared/run}, and the grid's own atomic writes and locks apply. Any
 * other folder is mirrored: the process pulls the files a unit reads into its local copy and pushes
 * the files the unit wrote, each to a temporary name renamed into place, so that a reader never
 * sees half a file and a file whose presence marks work done is pushed last. Not thread-safe.
 */
final class GridFolder {
    private final String uri;
    private final FileSystem fs;
    private final org.apache.hadoop.fs.Path remote;
    private final Path local;
    private final boolean direct;

    private GridFolder(String uri, FileSystem fs, org.apache.hadoop.fs.Path remote, Path local, boolean direct) {
        this.uri = uri;
        this.fs = fs;
        this.remote = remote;
        this.local = local;
        this.direct = direct;
    }

    /**
     * Opens a folder.
     *
     * @param uri the folder as the user named it
     * @param conf the Hadoop configuration (credentials, default file system)
     * @param mirror true to mirror even a local folder (tests of the remote path, or node-local disks)
     * @param mirrors where this process keeps its local copies of remote folders
     * @return the folder
     * @throws IOException if the file system cannot be reached
     */
    static GridFolder open(String uri, Configuration conf, boolean mirror, Path mirrors) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
        FileSystem fs = p.getFileSystem(conf);
        org.apache.hadoop.fs.Path qualified = fs.makeQualified(p);
        boolean local = "file".equals(qualified.toUri().getScheme());
        if (local && !mirror) {
            // Hadoop leaves non-ASCII characters unescaped in its URIs, which Path.of(URI) refuses ("Bad escape")
            return new GridFolder(uri, fs, qualified, Path.of(URI.create(qualified.toUri().toASCIIString())), true);
        }
        return new GridFolder(uri, fs, qualified, mirrors.resolve(key(qualified.toString())), false);
    }

    /**
     * Opens a run's {@code --out} folder and stages its {@code --data} folder, as the driver and
     * every unit do.
     *
     * @param args the run's options
     * @param conf the Hadoop configuration
     * @param mirror true to mirror even local folders
     * @param mirrors where this process keeps its copies ({@code out/} and {@code data/} under it)
     * @return the output folder and the local data folder (null without {@code --data})
     * @throws IOException if a file system cannot be reached or the data cannot be staged
     */
    static RunFolders openRun(SparkArgs args, Configuration conf, boolean mirror, Path mirrors) throws IOException {
        GridFolder out = open(args.out(), conf, mirror, mirrors.resolve("out"));
        Path data = args.data() == null ? null : open(args.data(), conf, mirror, mirrors.resolve("data")).staged("--data");
        return new RunFolders(out, data);
    }

    /**
     * A run's folders as one process sees them.
     *
     * @param out the output folder
     * @param data the local copy (or the folder itself) of the data, or null
     */
    record RunFolders(GridFolder out, Path data) {}

    private static String key(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The folder as the user named it, for messages. */
    String uri() {
        return uri;
    }

    /** The local folder this process reads and writes. */
    Path local() {
        return local;
    }

    /** Whether the folder is used in place rather than mirrored. */
    boolean direct() {
        return direct;
    }

    /**
     * Tells whether a file or folder exists in the folder itself (not only in the local copy).
     *
     * @param relative a path relative to the folder, with {@code /}
     * @return true when it exists
     * @throws IOException if the file system fails
     */
    boolean exists(String relative) throws IOException {
        return direct ? Files.exists(local.resolve(relative)) : fs.exists(child(relative));
    }

    /**
     * Reads a small file of the folder itself (not the local copy), as text.
     *
     * @param relative a path relative to the folder, with {@code /}
     * @return its text in UTF-8, or null when it is absent
     * @throws IOException if the file system fails
     */
    String read(String relative) throws IOException {
        Path file = local.resolve(relative);
        if (direct) {
            return Files.exists(file) ? Files.readString(file) : null;
        }
        try (InputStream in = fs.open(child(relative))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.FileNotFoundException e) {
            return null;
        }
    }

    /**
     * Checks that the folder is a folder, or can be made one, and that this process may write in it.
     *
     * @param option the option that named it
     * @throws IllegalArgumentException naming the folder and what to do
     * @throws IOException if the file system fails otherwise
     */
    void checkWritable(String option) throws IOException {
        if (fs.exists(remote) && !fs.getFileStatus(remote).isDirectory()) {
            throw new IllegalArgumentException(option + " " + uri + ": expected a folder, found a file; choose a folder");
        }
        org.apache.hadoop.fs.Path probe = child(".prefine-probe-" + UUID.randomUUID());
        try {
            fs.mkdirs(remote);
            fs.create(probe, false).close();
            fs.delete(probe, false);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + uri + ": cannot write there (" + firstLine(e)
                    + "); choose a folder this user can write, or fix its permissions");
        }
        Files.createDirectories(local);
    }

    /**
     * Makes the local copy of a file or a whole folder what the folder holds now: copies it in,
     * and deletes from the copy what the folder no longer holds (a file deleted there since an
     * earlier pull by this process, which outlives one submit in an embedded Spark context and an
     * executor runs several units); nothing when the folder is used in place.
     *
     * @param relative a path relative to the folder
     * @throws IOException if reading or writing fails
     */
    void pull(String relative) throws IOException {
        if (direct) {
            return;
        }
        org.apache.hadoop.fs.Path from = child(relative);
        Path to = local.resolve(relative);
        if (!fs.exists(from)) {
            AtomicFiles.deleteTree(to);
            return;
        }
        boolean file = fs.getFileStatus(from).isFile();
        // a path that changed shape: the stale one would block the copy, so it goes first
        if (file ? Files.isDirectory(to, java.nio.file.LinkOption.NOFOLLOW_LINKS) : Files.isRegularFile(to)) {
            AtomicFiles.deleteTree(to);
        }
        if (file) {
            copyIn(from, to);
            return;
        }
        java.util.Set<Path> copied = copyTreeIn(from, to, true);
        if (!Files.isDirectory(to)) {
            // an empty folder there, and none here yet: nothing to copy or delete
            return;
        }
        List<Path> gone;
        try (Stream<Path> s = Files.walk(to)) {
            gone = s.filter(p -> Files.isRegularFile(p) && !copied.contains(p)).toList();
        }
        for (Path p : gone) {
            Files.deleteIfExists(p);
        }
    }

    /**
     * Copies a local file, or every file of a local folder, into the folder, each through a
     * temporary name renamed into place; nothing when the folder is used in place.
     *
     * @param relative a path relative to the folder
     * @throws IOException if reading or writing fails
     */
    void push(String relative) throws IOException {
        push(relative, Fence.NONE);
    }

    /**
     * Pushes as {@link #push(String)} does, asking a fence before each file, so that an attempt
     * that lost its unit's claim ({@link UnitLease}) stops before its next file.
     *
     * @param relative a path relative to the folder
     * @param fence checked before each file
     * @throws IOException if reading or writing fails, or the fence refuses
     */
    void push(String relative, Fence fence) throws IOException {
        if (direct) {
            return;
        }
        Path from = local.resolve(relative);
        if (Files.isRegularFile(from)) {
            fence.check();
            copyOut(from, child(relative));
            return;
        }
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> s = Files.walk(from)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                if (!f.getFileName().toString().endsWith(".tmp")) {
                    fence.check();
                    copyOut(f, child(local.relativize(f).toString().replace('\\', '/')));
                }
            }
        }
    }

    /**
     * Deletes a file or folder from the folder and from the local copy.
     *
     * @param relative a path relative to the folder
     * @throws IOException if the file system fails
     */
    void delete(String relative) throws IOException {
        if (!direct) {
            fs.delete(child(relative), true);
        }
    }

    /**
     * Deletes the children of a folder whose names start with {@code prefix}, except {@code keep};
     * nothing when the folder is used in place.
     *
     * @param relativeFolder a folder relative to this one
     * @param prefix the names to delete start with it
     * @param keep the one name to keep
     * @throws IOException if the file system fails
     */
    void deleteSiblings(String relativeFolder, String prefix, String keep) throws IOException {
        org.apache.hadoop.fs.Path folder = child(relativeFolder);
        if (direct || !fs.exists(folder)) {
            return;
        }
        for (org.apache.hadoop.fs.FileStatus s : fs.listStatus(folder)) {
            String name = s.getPath().getName();
            if (name.startsWith(prefix) && !name.equals(keep)) {
                fs.delete(s.getPath(), true);
            }
        }
    }

    /**
     * Deletes the temp files ({@code .NAME.RANDOM.tmp}, as a push names them) under a folder of the
     * folder itself whose names start with {@code prefix}: what pushes cut off by a kill left, which
     * no pull reads and nothing else deletes; nothing when the folder is used in place, where the
     * grid's own writes clean up.
     *
     * @param relativeFolder a folder relative to this one
     * @param prefix the names to delete start with it ({@code "."} for every temp file)
     * @return how many were deleted
     * @throws IOException if the file system fails
     */
    int deleteTemps(String relativeFolder, String prefix) throws IOException {
        org.apache.hadoop.fs.Path folder = child(relativeFolder);
        if (direct || !fs.exists(folder)) {
            return 0;
        }
        List<org.apache.hadoop.fs.Path> temps = new java.util.ArrayList<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(folder, true);
        while (it.hasNext()) {
            org.apache.hadoop.fs.Path p = it.next().getPath();
            if (p.getName().startsWith(prefix) && p.getName().startsWith(".") && p.getName().endsWith(".tmp")) {
                temps.add(p);
            }
        }
        for (org.apache.hadoop.fs.Path p : temps) {
            fs.delete(p, false);
        }
        return temps.size();
    }

    /**
     * Makes the whole folder readable locally, for input data: used in place when local, else
     * copied once per process (a listing of names and sizes marks a complete copy).
     *
     * @param option the option that named it, for messages
     * @return the local folder
     * @throws IllegalArgumentException if the folder does not exist
     * @throws IOException if copying fails
     */
    Path staged(String option) throws IOException {
        if (!fs.exists(remote) || !fs.getFileStatus(remote).isDirectory()) {
            throw new IllegalArgumentException(option + " " + uri + ": no such folder; expected the data root in the"
                    + " TaskCatalog layout (docs/data-layout.md)");
        }
        if (direct) {
            return local;
        }
        StringBuilder listing = new StringBuilder();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(remote, true);
        while (it.hasNext()) {
            FileStatus f = it.next();
            listing.append(f.getPath()).append(' ').append(f.getLen()).append('\n');
        }
        Path marker = local.resolve(".prefine-staged");
        if (Files.exists(marker) && Files.readString(marker).contentEquals(listing)) {
            return local;
        }
        Files.deleteIfExists(marker);
        copyTreeIn(remote, local, false);
        Files.writeString(marker, listing);
        return local;
    }

    /** Copies every file under a remote folder to the same place under a local one; returns the local files. */
    private java.util.Set<Path> copyTreeIn(org.apache.hadoop.fs.Path from, Path to, boolean skipTemps) throws IOException {
        java.util.Set<Path> copied = new java.util.HashSet<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(from, true);
        String base = from.toUri().getPath();
        while (it.hasNext()) {
            LocatedFileStatus f = it.next();
            String rel = f.getPath().toUri().getPath().substring(base.length() + 1);
            if (!(skipTemps && rel.contains(".tmp"))) {
                Path target = to.resolve(rel);
                copyIn(f.getPath(), target);
                copied.add(target);
            }
        }
        return copied;
    }

    /**
     * A check run before each file a unit's attempt writes into the folder.
     */
    @FunctionalInterface
    interface Fence {
        /** Lets everything through: the driver's own files, and a folder used in place. */
        Fence NONE = () -> {};

        /**
         * Lets the next write through, or refuses it.
         *
         * @throws IOException when the writer may no longer write
         */
        void check() throws IOException;
    }

    /** The file system of the folder itself, for {@link UnitLease}. */
    FileSystem fileSystem() {
        return fs;
    }

    /**
     * A path in the folder itself.
     *
     * @param relative a path relative to the folder, with {@code /}
     * @return the Hadoop path
     */
    org.apache.hadoop.fs.Path child(String relative) {
        return new org.apache.hadoop.fs.Path(remote, relative);
    }

    private void copyIn(org.apache.hadoop.fs.Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Path tmp = to.resolveSibling("." + to.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try (InputStream in = fs.open(from)) {
            Files.copy(in, tmp);
            Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void copyOut(Path from, org.apache.hadoop.fs.Path to) throws IOException {
        org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(to.getParent(),
                "." + to.getName() + "." + UUID.randomUUID() + ".tmp");
        try (OutputStream out = fs.create(tmp, true)) {
            Files.copy(from, out);
        }
        // HDFS refuses to rename onto an existing file: replace it (reports, a checkpoint's pointer
        // and the training-loss curve are the files ever replaced)
        if (fs.exists(to)) {
            fs.delete(to, false);
        }
        if (!fs.rename(tmp, to)) {
            fs.delete(tmp, false);
            throw new IOException(to + ": could not rename " + tmp.getName() + " into place");
        }
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public String toString() {
        return uri + (direct ? "" : " (mirrored at " + local + ")");
    }
}
