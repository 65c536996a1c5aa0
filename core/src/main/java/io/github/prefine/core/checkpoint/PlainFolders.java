package io.github.prefine.core.checkpoint;

import io.github.prefine.eval.internal.LinkRefusal;
import io.github.prefine.eval.internal.WholeFiles;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.HashSet;
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
 * entering it are one system call; {@link #open} and {@link #write} then create, open and rename
 * their file relative to the folder so entered, so a folder swapped for a link after the check
 * changes nothing. The one step done by name is creating a missing folder ({@code
 * SecureDirectoryStream} has no {@code mkdirat}): a link swapped in above it at that moment gets an
 * empty folder made where it leads, which the next step then refuses to enter. Where the platform
 * has no {@code SecureDirectoryStream}, each folder is checked by name before use instead, which
 * leaves a window between check and use.
 *
 * <p>A refusal names the link and where it leads ({@link LinkRefusal}). Stateless.
 *
 * <p>Stateless and thread-safe.
 */
public final class PlainFolders {
    private PlainFolders() {}

    /**
     * Creates or enters every folder from {@code anchor} down to {@code dir}, refusing a symbolic
     * link in place of any of them below the anchor; the anchor itself is created if absent.
     *
     * @param anchor the folder the user named; links in it and above it are followed
     * @param dir the folder, the anchor or inside it
     * @return {@code dir}
     * @throws FileSystemException naming the link and its target if a folder below the anchor is a
     *     symbolic link, or naming the entry if it is no folder
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
        try (Entered folder = enter(anchor, parent(file))) {
            if (folder.stream == null) {
                AtomicFiles.write(file, bytes);
                return;
            }
            Path name = file.getFileName();
            Path tmp = WholeFiles.tempName(name);
            try {
                try (SeekableByteChannel ch = openIn(folder.stream, tmp,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer buf = ByteBuffer.wrap(bytes);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    if (ch instanceof FileChannel fc) {
                        // on disk before the rename publishes it, as AtomicFiles does
                        fc.force(true);
                    }
                }
                folder.stream.move(tmp, folder.stream, name);
            } finally {
                try {
                    folder.stream.deleteFile(tmp);
                } catch (NoSuchFileException renamed) {
                    // the usual case: the rename took it
                }
            }
        }
    }

    private static SeekableByteChannel openIn(SecureDirectoryStream<Path> folder, Path file, OpenOption... options)
            throws IOException {
        Set<OpenOption> all = new HashSet<>(Arrays.asList(options));
        all.add(LinkOption.NOFOLLOW_LINKS);
        try {
            return folder.newByteChannel(file.getFileName(), all);
        } catch (IOException e) {
            throw LinkRefusal.of(file, e);
        }
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
        Files.createDirectories(top);
        Path relative = top.relativize(below);
        DirectoryStream<Path> opened = Files.newDirectoryStream(top);
        if (!(opened instanceof SecureDirectoryStream<Path> stream)) {
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
                    createByName(at);
                    next = enterChild(stream, name, at);
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

    private static SecureDirectoryStream<Path> enterChild(SecureDirectoryStream<Path> stream, Path name, Path at)
            throws IOException {
        try {
            return stream.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw refusal(at, e);
        }
    }

    /** A link's refusal, or the failure under the folder's full name (the JDK names it relatively). */
    private static IOException refusal(Path at, IOException e) {
        IOException named = LinkRefusal.ofFolder(at, e);
        if (named != e || !(e instanceof FileSystemException fse) || e instanceof NoSuchFileException) {
            return named;
        }
        FileSystemException full = new FileSystemException(at.toString(), null, "must be a folder: " + fse.getReason());
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
