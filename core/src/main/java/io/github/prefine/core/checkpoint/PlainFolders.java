package io.github.prefine.core.checkpoint;

import io.github.prefine.eval.internal.LinkRefusal;
import io.github.prefine.eval.internal.WholeFiles;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Creates and enters the folders of prefine's own output below a folder the user named (the
 * <em>anchor</em>: {@code --out}, a trainer's checkpoint folder), refusing a symbolic link in place
 * of any folder below it instead of following it, and writes files there the same way.
 *
 * <p>A link planted at {@code OUT/checkpoints} or {@code OUT/locks} in a shared output folder
 * would otherwise make every file written under it land wherever the link leads. The anchor and
 * the folders above it are followed as usual (a user's {@code --out} may be a link to a folder).
 * Below it, each folder is opened relative to the one above it with {@code O_NOFOLLOW}
 * ({@link SecureDirectoryStream}, {@code openat} on Linux and macOS), so checking a folder and
 * entering it are one system call; {@link #open}, {@link #newOutputStream}, {@link #write} and
 * {@link #force} then create, open, unlink and rename their file relative to the folder so entered,
 * so a folder swapped for a link after the check changes nothing. A missing folder is made through
 * the entered folder's own descriptor on Linux ({@code /proc/self/fd/N/NAME}, as the JDK has no
 * {@code mkdirat}); elsewhere it is made by name, where a link swapped in above it at that moment
 * gets an empty folder made where it leads, which the next step then refuses to enter. Where the
 * platform has no {@code SecureDirectoryStream}, each folder is checked by name before use instead,
 * which leaves a window between check and use.
 *
 * <p>A refusal names the link and where it leads ({@link LinkRefusal}). Stateless.
 *
 * <p>Stateless and thread-safe.
 */
public final class PlainFolders {
    private static final Set<OpenOption> FRESH = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);
    /** Linux's names for a process's open descriptors; absent elsewhere. */
    private static final Path OWN_DESCRIPTORS = Path.of("/proc/self/fd");

    /**
     * Set by a test to take, on this thread, the by-name path of platforms without {@code
     * SecureDirectoryStream}, which Linux never takes otherwise; false in every other use.
     */
    static final ThreadLocal<Boolean> BY_NAME = ThreadLocal.withInitial(() -> false);

    private PlainFolders() {}

    /**
     * Creates or enters every folder from {@code anchor} down to {@code dir}, refusing a symbolic
     * link in place of any of them below the anchor; the anchor itself is created if absent.
     *
     * @param anchor the folder the user named; links in it and above it are followed
     * @param dir the folder, the anchor or inside it
     * @return {@code dir}
     * @throws FileSystemException naming the link and its target if a folder below the anchor is a
     *     symbolic link, or naming the entry if it is no folder (the anchor and the folders above it
     *     included)
     * @throws IllegalArgumentException if {@code dir} is not inside {@code anchor}
     * @throws IOException if creating or entering a folder fails otherwise
     */
    public static Path create(Path anchor, Path dir) throws IOException {
        try (Entered ignored = enter(anchor, dir)) {
            return dir;
        }
    }

    /**
     * Opens a file for writing in place, as {@link PlainFiles#open} does, in a folder entered as
     * {@link #create} enters it: no symbolic link at the file's name or in place of a folder below
     * the anchor is followed, and the open is relative to the entered folder.
     *
     * @param anchor the folder the user named
     * @param file the file, inside {@code anchor}
     * @param options how to open it
     * @return the open channel, which the caller closes
     * @throws FileSystemException naming the link and its target if one is at the file's name or in
     *     place of a folder
     * @throws IOException if opening fails otherwise
     */
    public static FileChannel open(Path anchor, Path file, OpenOption... options) throws IOException {
        try (Entered folder = enter(anchor, parent(file))) {
            if (folder.stream != null) {
                SeekableByteChannel ch = openIn(folder.stream, file, options);
                if (ch instanceof FileChannel fc) {
                    return fc;
                }
                ch.close();
            }
            return PlainFiles.open(file, options);
        }
    }

    /**
     * Writes a whole file as {@link AtomicFiles#write(Path, byte[])} does (a fresh temporary file,
     * flushed, then renamed over the name), in a folder entered as {@link #create} enters it; the
     * temporary file is created and renamed relative to that folder.
     *
     * @param anchor the folder the user named
     * @param file the file, inside {@code anchor}
     * @param bytes its content
     * @throws FileSystemException naming the link and its target if one is in place of a folder
     * @throws IOException if writing fails otherwise
     */
    public static void write(Path anchor, Path file, byte[] bytes) throws IOException {
        write(anchor, file, AtomicFiles.of(bytes));
    }

    /**
     * Writes a whole file from content written as a stream (weights, say), as {@link #write(Path,
     * Path, byte[])} does: a fresh temporary file created, flushed and renamed relative to the
     * entered folder, so that a folder swapped for a link while the content is written changes
     * nothing.
     *
     * @param anchor the folder the user named
     * @param file the file, inside {@code anchor}
     * @param content writes the bytes
     * @throws FileSystemException naming the link and its target if one is in place of a folder,
     *     or naming {@code file} if writing or flushing it fails (a full disk, say)
     * @throws IOException if the content or the rename fails
     */
    public static void write(Path anchor, Path file, AtomicFiles.Content content) throws IOException {
        try (Entered folder = enter(anchor, parent(file))) {
            if (folder.stream == null) {
                AtomicFiles.write(file, content);
                return;
            }
            Path name = file.getFileName();
            // its full name for messages; it is created, renamed and deleted by its name in the entered folder
            Path tmp = WholeFiles.tempName(file.toAbsolutePath());
            try {
                try (SeekableByteChannel ch = openIn(folder.stream, tmp,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    // on disk before the rename publishes it, as AtomicFiles does
                    AtomicFiles.writeFlushed(file, ch, content);
                }
                try {
                    folder.stream.move(tmp.getFileName(), folder.stream, name);
                } catch (IOException e) {
                    throw fullName(file.toAbsolutePath(), e);
                }
            } finally {
                try {
                    folder.stream.deleteFile(tmp.getFileName());
                } catch (NoSuchFileException renamed) {
                    // the usual case: the rename took it
                }
            }
        }
    }

    /**
     * Opens a fresh file for writing, as {@link PlainFiles#newOutputStream} does (a plain file at
     * the name is unlinked, never truncated, and a link there is refused), in a folder entered as
     * {@link #create} enters it: the unlink and the open are relative to the entered folder, so a
     * folder swapped for a link after the check changes nothing.
     *
     * @param anchor the folder the user named
     * @param file the file, inside {@code anchor}
     * @return the stream, unbuffered, which the caller closes
     * @throws FileSystemException naming the link and its target if one is at the file's name or
     *     in place of a folder
     * @throws IOException if opening fails otherwise
     */
    public static OutputStream newOutputStream(Path anchor, Path file) throws IOException {
        try (Entered folder = enter(anchor, parent(file))) {
            if (folder.stream == null) {
                return PlainFiles.newOutputStream(file);
            }
            Path name = file.getFileName();
            try {
                return Channels.newOutputStream(folder.stream.newByteChannel(name, FRESH));
            } catch (FileAlreadyExistsException there) {
                if (isLink(folder.stream, name)) {
                    throw LinkRefusal.of(file, there);
                }
                folder.stream.deleteFile(name);
            } catch (IOException e) {
                throw LinkRefusal.of(file, e);
            }
            // a link planted between the unlink and this open is refused by the open (EEXIST)
            return Channels.newOutputStream(openIn(folder.stream, file, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE));
        }
    }

    /**
     * Flushes every plain file of a folder to the disk, the folder entered as {@link #create}
     * enters it and each file opened relative to it without following links: a checkpoint's files,
     * before the rename that publishes them.
     *
     * @param anchor the folder the user named
     * @param dir the folder, the anchor or inside it
     * @return the bytes of the files flushed
     * @throws FileSystemException naming the link and its target if one is in place of a folder
     * @throws IOException if a file cannot be opened or flushed
     */
    public static long force(Path anchor, Path dir) throws IOException {
        try (Entered folder = enter(anchor, dir)) {
            if (folder.stream == null) {
                return forceByName(dir);
            }
            long bytes = 0;
            List<Path> names = new ArrayList<>();
            for (Path p : folder.stream) {
                names.add(p.getFileName());
            }
            for (Path name : names) {
                BasicFileAttributes a = folder.stream.getFileAttributeView(name, BasicFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).readAttributes();
                if (a.isRegularFile()) {
                    try (SeekableByteChannel ch = openIn(folder.stream, dir.resolve(name), StandardOpenOption.WRITE)) {
                        if (ch instanceof FileChannel fc) {
                            fc.force(true);
                        }
                        bytes += ch.size();
                    }
                }
            }
            return bytes;
        }
    }

    /**
     * Renames an entry of a folder to another name in the same folder, atomically, the folder
     * entered as {@link #create} enters it and the rename relative to it ({@code renameat}); an
     * empty folder or a file at the new name is replaced, as {@code rename} does.
     *
     * @param anchor the folder the user named
     * @param from the entry, inside {@code anchor}
     * @param to its new name, in the same folder
     * @throws FileSystemException naming the link and its target if one is in place of a folder
     * @throws java.nio.file.AtomicMoveNotSupportedException if the file system cannot rename atomically
     * @throws IOException if the rename fails otherwise
     */
    public static void rename(Path anchor, Path from, Path to) throws IOException {
        Path dir = parent(from);
        if (!dir.equals(parent(to))) {
            throw new IllegalArgumentException(from + " and " + to + " are not in one folder");
        }
        try (Entered folder = enter(anchor, dir)) {
            if (folder.stream == null) {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return;
            }
            try {
                folder.stream.move(from.getFileName(), folder.stream, to.getFileName());
            } catch (FileSystemException e) {
                throw fullNames(from.toAbsolutePath(), to.toAbsolutePath(), e);
            }
        }
    }

    /**
     * Deletes a file or a folder with everything under it, as {@link AtomicFiles#deleteTree} does,
     * but each folder entered relative to the one above without following links and each entry
     * deleted relative to its entered folder: a symbolic link found anywhere is deleted itself,
     * never followed, and a folder swapped for a link meanwhile cannot make the walk delete files
     * where the link leads. Nothing happens when it does not exist.
     *
     * @param anchor the folder the user named
     * @param path the file or folder, inside {@code anchor} and not the anchor itself
     * @throws FileSystemException naming the link and its target if one is in place of a folder above it
     * @throws IOException if something cannot be deleted
     */
    public static void deleteTree(Path anchor, Path path) throws IOException {
        if (!Files.exists(parent(path), LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Entered folder = enter(anchor, parent(path))) {
            if (folder.stream == null) {
                AtomicFiles.deleteTree(path);
                return;
            }
            deleteIn(folder.stream, path.getFileName());
        }
    }

    private static void deleteIn(SecureDirectoryStream<Path> folder, Path name) throws IOException {
        BasicFileAttributes a;
        try {
            a = folder.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
        } catch (NoSuchFileException gone) {
            return;
        }
        if (a.isDirectory()) {
            try (SecureDirectoryStream<Path> inner = folder.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                List<Path> names = new ArrayList<>();
                for (Path p : inner) {
                    names.add(p.getFileName());
                }
                for (Path n : names) {
                    deleteIn(inner, n);
                }
            } catch (NoSuchFileException gone) {
                return;
            }
            try {
                folder.deleteDirectory(name);
            } catch (NoSuchFileException gone) {
                // another process deleted it meanwhile
            }
        } else {
            try {
                folder.deleteFile(name);
            } catch (NoSuchFileException gone) {
                // another process deleted it meanwhile
            }
        }
    }

    /**
     * Deletes the stale temp files under a folder as {@link AtomicFiles#deleteStaleTemps} defines
     * them, entering each folder relative to the one above without following links and deleting
     * relative to it.
     *
     * @return how many were deleted, or -1 where the platform has no {@code SecureDirectoryStream}
     */
    static int deleteStaleTemps(Path root, Instant cutoff) throws IOException {
        DirectoryStream<Path> opened = Files.newDirectoryStream(root);
        if (BY_NAME.get() || !(opened instanceof SecureDirectoryStream<Path> stream)) {
            opened.close();
            return -1;
        }
        try (stream) {
            return deleteStaleIn(stream, cutoff);
        }
    }

    private static int deleteStaleIn(SecureDirectoryStream<Path> folder, Instant cutoff) throws IOException {
        List<Path> names = new ArrayList<>();
        for (Path p : folder) {
            names.add(p.getFileName());
        }
        int deleted = 0;
        for (Path name : names) {
            try {
                BasicFileAttributes a = folder.getFileAttributeView(name, BasicFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).readAttributes();
                if (a.isDirectory()) {
                    try (SecureDirectoryStream<Path> inner = folder.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                        deleted += deleteStaleIn(inner, cutoff);
                    }
                } else if (a.isRegularFile() && name.toString().endsWith(".tmp")
                        && a.lastModifiedTime().toInstant().isBefore(cutoff)) {
                    folder.deleteFile(name);
                    deleted++;
                }
            } catch (NoSuchFileException gone) {
                // renamed into place or deleted by another process meanwhile
            } catch (FileSystemException e) {
                // a folder swapped for a link (ELOOP) or a file (ENOTDIR) meanwhile has nothing to clean
                if (isFolder(folder, name)) {
                    throw e;
                }
            }
        }
        return deleted;
    }

    private static long forceByName(Path dir) throws IOException {
        long bytes = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    try (FileChannel ch = PlainFiles.open(f, StandardOpenOption.WRITE)) {
                        ch.force(true);
                        bytes += ch.size();
                    }
                }
            }
        }
        return bytes;
    }

    private static boolean isFolder(SecureDirectoryStream<Path> folder, Path name) {
        BasicFileAttributes a = attributesIn(folder, name);
        return a != null && a.isDirectory();
    }

    private static boolean isLink(SecureDirectoryStream<Path> folder, Path name) {
        BasicFileAttributes a = attributesIn(folder, name);
        return a != null && a.isSymbolicLink();
    }

    /** What is at a name in an entered folder, the name's own (not a link's target); null if unreadable or gone. */
    private static BasicFileAttributes attributesIn(SecureDirectoryStream<Path> folder, Path name) {
        try {
            return folder.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
        } catch (IOException gone) {
            return null;
        }
    }

    private static SeekableByteChannel openIn(SecureDirectoryStream<Path> folder, Path file, OpenOption... options)
            throws IOException {
        Set<OpenOption> all = new HashSet<>(Arrays.asList(options));
        all.add(LinkOption.NOFOLLOW_LINKS);
        try {
            return folder.newByteChannel(file.getFileName(), all);
        } catch (IOException e) {
            IOException refused = LinkRefusal.of(file, e);
            throw refused == e ? fullName(file, e) : refused;
        }
    }

    /**
     * A failure of a file opened or renamed in an entered folder, under the file's full name: the
     * JDK names it as it was given, by its bare name, which says nothing of the folder (a records
     * folder made read-only mid-run failed with ".run-….jsonl.2r2f.tmp: Operation not permitted").
     * The kind is kept, for the lines that tell a refused permission or a missing file apart.
     */
    private static IOException fullName(Path file, IOException e) {
        if (!(e instanceof FileSystemException f) || f.getFile() == null || Path.of(f.getFile()).isAbsolute()) {
            return e;
        }
        String at = file.toString();
        FileSystemException named;
        if (e instanceof AccessDeniedException) {
            named = new AccessDeniedException(at, null, f.getReason());
        } else if (e instanceof NoSuchFileException) {
            named = new NoSuchFileException(at, null, f.getReason());
        } else if (e instanceof FileAlreadyExistsException) {
            named = new FileAlreadyExistsException(at, null, f.getReason());
        } else {
            named = new FileSystemException(at, null, f.getReason());
        }
        named.initCause(e);
        return named;
    }

    /**
     * A failed rename in an entered folder under the two full names, as the by-name rename gives
     * them: the JDK names the entries by their bare names. The kind is kept.
     */
    private static FileSystemException fullNames(Path from, Path to, FileSystemException e) {
        if (e.getFile() == null || Path.of(e.getFile()).isAbsolute()) {
            return e;
        }
        FileSystemException named;
        if (e instanceof NoSuchFileException) {
            named = new NoSuchFileException(from.toString(), to.toString(), e.getReason());
        } else if (e instanceof AccessDeniedException) {
            named = new AccessDeniedException(from.toString(), to.toString(), e.getReason());
        } else if (e instanceof java.nio.file.DirectoryNotEmptyException) {
            named = new FileSystemException(from.toString(), to.toString(), "Directory not empty");
        } else {
            named = new FileSystemException(from.toString(), to.toString(), e.getReason());
        }
        named.initCause(e);
        return named;
    }

    private static Path parent(Path file) {
        return file.toAbsolutePath().getParent();
    }

    /** A folder entered below the anchor: its open stream, or null where the platform has none. */
    private record Entered(SecureDirectoryStream<Path> stream) implements Closeable {
        @Override
        public void close() throws IOException {
            if (stream != null) {
                stream.close();
            }
        }
    }

    private static Entered enter(Path anchor, Path dir) throws IOException {
        Path top = anchor.toAbsolutePath().normalize();
        Path below = dir.toAbsolutePath().normalize();
        if (!below.startsWith(top)) {
            throw new IllegalArgumentException(dir + " is not inside " + anchor);
        }
        createAnchor(top);
        Path relative = top.relativize(below);
        DirectoryStream<Path> opened = Files.newDirectoryStream(top);
        if (BY_NAME.get() || !(opened instanceof SecureDirectoryStream<Path> stream)) {
            opened.close();
            checkByName(top, relative);
            return new Entered(null);
        }
        Path at = top;
        try {
            for (Path name : relative) {
                if (name.toString().isEmpty()) {
                    break; // dir is the anchor itself
                }
                at = at.resolve(name);
                SecureDirectoryStream<Path> next;
                try {
                    next = stream.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException absent) {
                    next = createIn(stream, name, at);
                } catch (IOException e) {
                    throw refusal(at, e);
                }
                stream.close();
                stream = next;
            }
        } catch (IOException | RuntimeException e) {
            stream.close();
            throw e;
        }
        return new Entered(stream);
    }

    /**
     * Creates the named folder and those above it, naming the entry that is no folder where one is
     * in the way: the JDK's exception carries the path alone, or a folder below the entry.
     */
    private static void createAnchor(Path top) throws IOException {
        try {
            Files.createDirectories(top);
        } catch (FileSystemException e) {
            for (Path p = top; p != null; p = p.getParent()) {
                if (Files.exists(p)) {
                    if (!Files.isDirectory(p)) {
                        FileSystemException named = new FileSystemException(p.toString(), null,
                                "must be a folder, found a file" + (p.equals(top) ? "" : " above " + top));
                        named.initCause(e);
                        throw named;
                    }
                    break;
                }
            }
            throw e;
        }
    }

    /**
     * Makes a missing folder in an entered one and enters it. The JDK has no {@code mkdirat}, so
     * on Linux the folder is made through {@code /proc/self/fd/N/NAME}, N a descriptor of the
     * entered folder: the kernel resolves that name to the open folder itself, not by its path,
     * so a folder above swapped for a link meanwhile does not move where the new one is made.
     * Elsewhere it is made by name; if a swap moved it, the entered folder lacks it afterwards and
     * the step is refused (an empty folder is then left where the link led).
     */
    private static SecureDirectoryStream<Path> createIn(SecureDirectoryStream<Path> stream, Path name, Path at)
            throws IOException {
        Path via = descriptorOf(stream);
        try {
            Files.createDirectory(via == null ? at : via.resolve(name));
        } catch (FileAlreadyExistsException raced) {
            // another process made it; what is there is checked where it is entered
        }
        try {
            return stream.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException movedAway) {
            FileSystemException e = new FileSystemException(at.toString(), null, "made by name, but the folder above"
                    + " no longer holds it: a folder above it was swapped for a symbolic link meanwhile, and an empty"
                    + " folder may have been made where that link led");
            e.initCause(movedAway);
            throw e;
        } catch (IOException e) {
            throw refusal(at, e);
        }
    }

    /**
     * A name that leads to an entered folder itself, whatever happened to its path since:
     * {@code /proc/self/fd/N} for a descriptor N open on it (the stream's own, or another of this
     * process on the same folder); null where there is no such listing. A descriptor closed and
     * reused between this look-up and its use leads elsewhere, which the entering after it refuses.
     */
    private static Path descriptorOf(SecureDirectoryStream<Path> folder) throws IOException {
        if (!Files.isDirectory(OWN_DESCRIPTORS)) {
            return null;
        }
        Object key = folder.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
        if (key == null) {
            return null;
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(OWN_DESCRIPTORS)) {
            for (Path fd : fds) {
                try {
                    BasicFileAttributes a = Files.readAttributes(fd, BasicFileAttributes.class);
                    if (a.isDirectory() && key.equals(a.fileKey())) {
                        return fd;
                    }
                } catch (IOException closedMeanwhile) {
                    // a descriptor another thread closed while this one looked
                }
            }
        }
        return null;
    }

    /** A link's refusal, or the failure under the folder's full name (the JDK names it relatively). */
    private static IOException refusal(Path at, IOException e) {
        IOException named = LinkRefusal.ofFolder(at, e);
        if (named != e || !(e instanceof FileSystemException fse) || e instanceof NoSuchFileException) {
            return named;
        }
        // ENOTDIR carries no reason: say what the by-name check says
        String found = e instanceof java.nio.file.NotDirectoryException ? ", found a file" : ": " + fse.getReason();
        FileSystemException full = new FileSystemException(at.toString(), null, "must be a folder" + found);
        full.initCause(e);
        return full;
    }

    /** Makes a folder; one already there (another process made it) is fine, a link is refused after. */
    private static void createByName(Path folder) throws IOException {
        try {
            Files.createDirectory(folder);
        } catch (FileAlreadyExistsException raced) {
            // what is there is checked where it is entered
        }
    }

    /** Without openat: each folder below the anchor is checked by name, then used by name. */
    private static void checkByName(Path top, Path relative) throws IOException {
        Path at = top;
        for (Path name : relative) {
            if (name.toString().isEmpty()) {
                return;
            }
            at = at.resolve(name);
            createByName(at);
            BasicFileAttributes a = Files.readAttributes(at, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                throw LinkRefusal.ofFolder(at, new FileSystemException(at.toString(), null, "symbolic link"));
            }
            if (!a.isDirectory()) {
                throw new FileSystemException(at.toString(), null, "must be a folder, found a file");
            }
        }
    }
}
