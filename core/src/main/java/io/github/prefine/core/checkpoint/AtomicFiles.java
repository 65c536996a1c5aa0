package io.github.prefine.core.checkpoint;

import io.github.prefine.eval.internal.WholeFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;

/**
 * Whole-file writes that readers and crashes only ever see complete: temp file, then rename. Files
 * get the permissions of the user's umask, as any other tool's. Used for results, manifests,
 * configs and tokenizers alike; also the clean-up of orphaned temp files and of whole folders.
 *
 * <p>Stateless and thread-safe.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes a file's whole content into a channel open on a fresh temporary file. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the content.
         *
         * @param ch the channel, positioned at the start of an empty file; the caller closes it
         * @throws IOException if writing fails
         */
        void writeTo(WritableByteChannel ch) throws IOException;
    }

    /**
     * Writes a text file atomically, in UTF-8.
     *
     * @param file the file; its folder is created if absent
     * @param text its content
     * @throws IOException if writing fails
     */
    public static void write(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes a text file atomically, in UTF-8, in one of prefine's own folders below a folder the
     * user named: no symbolic link in place of a folder below {@code anchor} is created, entered or
     * followed ({@link PlainFolders#write}).
     *
     * @param anchor the folder the user named ({@code --out}); links in it and above it are followed
     * @param file the file, inside {@code anchor}; its folders are created if absent
     * @param text its content
     * @throws java.nio.file.FileSystemException naming the link and its target if a folder below
     *     {@code anchor} is a symbolic link
     * @throws IOException if writing fails otherwise
     */
    public static void write(Path anchor, Path file, String text) throws IOException {
        PlainFolders.write(anchor, file, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes a whole text file that the user named (a command-line option such as {@code eval
     * --json}), in UTF-8, where the name leads: a symbolic link at the name is followed, as the
     * user's choice, and the file it names is replaced whole as {@link #write(Path, byte[])} does
     * (a fresh temporary file in that file's folder, renamed over it), so a crash or a full disk
     * leaves the old content or the new, never part of it, and the link stays.
     *
     * @param file the file; its folder is created if absent
     * @param text its content
     * @throws IOException if writing fails, or the name is a chain of more than 40 links
     */
    public static void writeWhereNamed(Path file, String text) throws IOException {
        Path at = file.toAbsolutePath();
        for (int hops = 0; Files.isSymbolicLink(at); hops++) {
            if (hops == 40) {
                throw new java.nio.file.FileSystemException(file.toString(), null, "more than 40 symbolic links");
            }
            at = at.resolveSibling(Files.readSymbolicLink(at));
        }
        write(at, text);
    }

    /**
     * Writes a file atomically: readers see the old content or the new, never part of it.
     *
     * @param file the file; its folder is created if absent
     * @param bytes its content
     * @throws IOException if writing fails
     */
    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, of(bytes));
    }

    /**
     * Writes a file atomically from content written as a stream, as {@link #write(Path, byte[])}
     * does, without holding the whole file in memory.
     *
     * @param file the file; its folder is created if absent
     * @param content writes the bytes
     * @throws java.nio.file.FileSystemException naming {@code file} if writing or flushing it fails
     *     (a full disk, say); the file then keeps its old content
     * @throws IOException if the content or the rename fails
     */
    public static void write(Path file, Content content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // not Files.createTempFile: its files are 0600 whatever the umask, and the rename keeps that
        Path tmp = WholeFiles.tempName(dir.resolve(file.getFileName()));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                // on disk before the rename publishes it: after a node crash a record that exists but
                // is empty would count its unit as done (checkpoints and downloads force likewise)
                writeFlushed(file, ch, content);
            }
            move(tmp, file);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Writes content into a fresh temp file's channel and flushes it to the disk; what either
     * throws names {@code file} ({@link WholeFiles#naming}), since the OS names no file when the
     * disk is full, while what the content throws of its own is left as it is.
     */
    static void writeFlushed(Path file, SeekableByteChannel ch, Content content) throws IOException {
        content.writeTo(new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) throws IOException {
                try {
                    return ch.write(src);
                } catch (IOException e) {
                    throw WholeFiles.naming(file, e);
                }
            }

            @Override
            public boolean isOpen() {
                return ch.isOpen();
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        });
        if (ch instanceof FileChannel fc) {
            try {
                fc.force(true);
            } catch (IOException e) {
                throw WholeFiles.naming(file, e);
            }
        }
    }

    /** Content that is a byte array already. */
    static Content of(byte[] bytes) {
        return ch -> {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        };
    }

    /**
     * Deletes the temp files that killed writers left under a folder: names ending in {@code .tmp}
     * (every writer here, the safetensors writer and the charts name theirs so) not modified for
     * {@code age}. A live writer touches its temp file within seconds, so an old one is orphaned,
     * while a younger one may belong to another process working in the same folder. Where the
     * platform has {@code openat}, each folder below {@code root} is entered without following links
     * and each file deleted relative to it ({@link PlainFolders}): a walk by name deleted, in a folder
     * swapped for a link meanwhile, the file of the same name where the link led.
     *
     * @param root the folder, searched recursively; nothing happens when it does not exist
     * @param age how long a temp file must have been left alone
     * @return how many files were deleted
     * @throws IOException if the folder cannot be walked
     */
    public static int deleteStaleTemps(Path root, java.time.Duration age) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        java.time.Instant cutoff = java.time.Instant.now().minus(age);
        int inEntered = PlainFolders.deleteStaleTemps(root, cutoff);
        return inEntered >= 0 ? inEntered : walkStaleTemps(root, cutoff);
    }

    /**
     * The platforms without {@code SecureDirectoryStream}: walks the tree by path and deletes the
     * stale temp files found. Apart so that a test on Linux runs it too.
     */
    static int walkStaleTemps(Path root, java.time.Instant cutoff) throws IOException {
        List<Path> stale = new java.util.ArrayList<>();
        // not Files.walk: it fails on an entry that vanishes between listing and looking, which a
        // second process joining a run meets whenever the first renames a temp file into place
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && p.getFileName().toString().endsWith(".tmp")
                        && attrs.lastModifiedTime().toInstant().isBefore(cutoff)) {
                    stale.add(p);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                // a folder deleted while its entries were read (a checkpoint replaced meanwhile)
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        int deleted = 0;
        for (Path p : stale) {
            if (Files.deleteIfExists(p)) {
                deleted++;
            }
        }
        return deleted;
    }

    /**
     * Moves a file to a new name, atomically where the file system can, else plainly; a file
     * already there is replaced.
     *
     * @param from the file
     * @param to its new name
     * @throws IOException if the move fails
     */
    public static void move(Path from, Path to) throws IOException {
        WholeFiles.replace(from, to);
    }

    /**
     * Deletes a file or a folder with everything under it, deepest first; nothing when it does
     * not exist. A symbolic link is deleted itself, never followed, a dangling one included.
     *
     * @param path the file or folder
     * @throws IOException if something under it cannot be deleted
     */
    public static void deleteTree(Path path) throws IOException {
        // not following a link: a dangling one at the name is an entry to delete too
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(path)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
