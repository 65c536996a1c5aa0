package io.github.prefine.core.checkpoint;

import io.github.prefine.eval.internal.LinkRefusal;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Opens files of prefine's own folders (lock files, training state, the files a fetch converts) for
 * writing in place, refusing a symbolic link at the file's name instead of following it.
 *
 * <p>A link planted in a shared {@code --out}, cache or data folder would otherwise make such a
 * write create, truncate or append to a file elsewhere. Every open passes
 * {@link LinkOption#NOFOLLOW_LINKS}, which the JDK turns into {@code O_NOFOLLOW} on Linux and macOS
 * (the tests run on Linux), so the check and the open are one system call and a link planted
 * between them changes nothing. The refusal names the file and where the link leads
 * ({@code LinkRefusal} of the eval module, whose results log refuses links alike). Links in the
 * folders above the file are followed as usual: a user's {@code --out} may itself be a link to a
 * folder.
 *
 * <p>A file rewritten from its start is a fresh file: one already at the name is unlinked, not
 * truncated, so a hard link to it elsewhere keeps its content. {@link #open}, which the lock files
 * use, keeps the file that is there, as a lock must.
 *
 * <p>Whole-file writes that readers must see complete go through {@link AtomicFiles} instead, whose
 * rename replaces a link at the final name rather than following it. Stateless.
 *
 * <p>Stateless and thread-safe.
 */
public final class PlainFiles {
    private static final OpenOption[] FRESH = {StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE};

    private PlainFiles() {}

    /**
     * Opens a file channel as {@link FileChannel#open(Path, OpenOption...)} does, without following
     * a symbolic link at the file's name.
     *
     * @param file the file
     * @param options how to open it ({@link StandardOpenOption#WRITE}, {@link StandardOpenOption#CREATE}…)
     * @return the open channel, which the caller closes
     * @throws FileSystemException naming the file and the link's target if a symbolic link is there
     * @throws IOException if opening fails otherwise
     */
    public static FileChannel open(Path file, OpenOption... options) throws IOException {
        try {
            return FileChannel.open(file, noFollow(options));
        } catch (IOException e) {
            throw LinkRefusal.of(file, e);
        }
    }

    /**
     * Opens a fresh file for writing at a name, without following a symbolic link there. A plain
     * file already at the name is unlinked first, never truncated: another name may share it (a
     * hard link, say from {@code cp -al} of the folder), and that name keeps its content.
     *
     * @param file the file
     * @return the stream, unbuffered, which the caller closes
     * @throws FileSystemException naming the file and the link's target if a symbolic link is there
     * @throws IOException if opening fails otherwise
     */
    public static OutputStream newOutputStream(Path file) throws IOException {
        return fresh(file, () -> Files.newOutputStream(file, noFollow(FRESH)));
    }

    /**
     * Opens a fresh file for writing text in UTF-8, as {@link #newOutputStream} does; a character
     * that UTF-8 cannot encode fails the write.
     *
     * @param file the file
     * @return the buffered writer, which the caller closes
     * @throws FileSystemException naming the file and the link's target if a symbolic link is there
     * @throws IOException if opening fails otherwise
     */
    public static BufferedWriter newWriter(Path file) throws IOException {
        return fresh(file, () -> Files.newBufferedWriter(file, StandardCharsets.UTF_8, noFollow(FRESH)));
    }

    /**
     * Writes a text file in UTF-8 under a fresh inode, as {@link #newWriter} does.
     *
     * @param file the file
     * @param text its content
     * @throws FileSystemException naming the file and the link's target if a symbolic link is there
     * @throws IOException if writing fails otherwise
     */
    public static void writeString(Path file, String text) throws IOException {
        try (BufferedWriter w = newWriter(file)) {
            w.write(text);
        }
    }

    /**
     * Counts the names a file has ({@code unix:nlink}, without following a symbolic link at the
     * name): more than one means that another name (a hard link, from {@code cp -al} or planted in a
     * shared folder) shares its content, so writing into it in place changes that name's file too.
     *
     * @param file the file
     * @return its number of names; 1 where the file system does not count them
     * @throws java.nio.file.NoSuchFileException if nothing is at the name
     * @throws IOException if its attributes cannot be read
     */
    public static int names(Path file) throws IOException {
        try {
            return Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS) instanceof Integer n ? n : 1;
        } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
            return 1;
        }
    }

    /** Opens a file that may not exist yet; {@code CREATE_NEW} also refuses a link at the name (EEXIST). */
    @FunctionalInterface
    private interface Opener<T> {
        T open() throws IOException;
    }

    private static <T> T fresh(Path file, Opener<T> opener) throws IOException {
        try {
            return opener.open();
        } catch (FileAlreadyExistsException there) {
            if (Files.isSymbolicLink(file)) {
                throw LinkRefusal.of(file, there);
            }
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw LinkRefusal.of(file, e);
        }
        try {
            return opener.open();
        } catch (IOException e) {
            // a link planted between the unlink and this open is refused here, in the open
            throw LinkRefusal.of(file, e);
        }
    }

    private static OpenOption[] noFollow(OpenOption[] options) {
        OpenOption[] all = Arrays.copyOf(options, options.length + 1);
        all[options.length] = LinkOption.NOFOLLOW_LINKS;
        return all;
    }
}
