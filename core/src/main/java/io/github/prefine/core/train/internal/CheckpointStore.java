package io.github.prefine.core.train.internal;

import io.github.prefine.core.checkpoint.PlainFolders;
import io.github.prefine.eval.internal.Counts;
import io.github.prefine.eval.internal.WholeFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps training checkpoints in a folder so that a process killed at any moment leaves a complete
 * one behind: each checkpoint is written into {@code ckpt-epoch-NNNNNN.tmp}, flushed, renamed to {@code
 * ckpt-epoch-NNNNNN} (an atomic rename of a fresh name), and only then published by atomically
 * replacing the one-line {@code LATEST} file. Older checkpoints are deleted afterwards.
 *
 * <p>The store's folder lies below an <em>anchor</em>, the folder the user named ({@code --out},
 * or the store's folder itself): folders below the anchor are entered without following links and
 * a checkpoint's files are written relative to the entered folder ({@code PlainFolders}), so a
 * folder swapped for a symbolic link while a checkpoint is written cannot redirect its files.
 *
 * <p>Holds no native memory. Not thread-safe; one run per folder.
 */
public final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    /** The file naming the published checkpoint; a copy elsewhere must arrive after the folder it names. */
    public static final String LATEST = "LATEST";
    /** The prefix of every checkpoint folder's name. */
    public static final String PREFIX = "ckpt-";

    private final Path anchor;
    private final Path root;

    /** Writes a checkpoint's files into a folder. */
    @FunctionalInterface
    public interface Contents {
        /**
         * Writes the files, each relative to the folder entered from the anchor
         * ({@code PlainFolders.newOutputStream(anchor, file)} and its siblings), never by name.
         *
         * @param anchor the folder the user named, which {@code dir} lies inside
         * @param dir an empty folder
         * @throws IOException if writing fails
         */
        void writeTo(Path anchor, Path dir) throws IOException;
    }

    /**
     * Opens (and creates) a store in a folder the user named; links in it and above it are followed.
     *
     * @param root the checkpoint folder
     * @throws IOException if it cannot be created
     */
    public CheckpointStore(Path root) throws IOException {
        this(root, root);
    }

    /**
     * Opens (and creates) a store in a folder below one the user named.
     *
     * @param anchor the folder the user named; links in it and above it are followed
     * @param root the checkpoint folder, the anchor or inside it; a symbolic link in place of it or
     *     of a folder between is refused
     * @throws java.nio.file.FileSystemException naming the link and its target if there is one
     * @throws IOException if it cannot be created
     */
    public CheckpointStore(Path anchor, Path root) throws IOException {
        this.anchor = anchor;
        this.root = PlainFolders.create(anchor, root);
    }

    /**
     * Returns the published checkpoint, if any.
     *
     * @return its folder
     * @throws IOException if {@code LATEST} names a missing folder
     */
    public Optional<Path> latest() throws IOException {
        Path latest = root.resolve(LATEST);
        if (!Files.exists(latest)) {
            return Optional.empty();
        }
        String name = Files.readString(latest, StandardCharsets.UTF_8).trim();
        Path dir;
        try {
            dir = root.resolve(name);
        } catch (InvalidPathException e) {
            // a name written by a JVM with another file-name encoding (sun.jnu.encoding, from LANG)
            throw new IOException(latest + ": names checkpoint '" + name + "', which this JVM's file-name encoding "
                    + System.getProperty("sun.jnu.encoding") + " cannot represent; run with a UTF-8 locale (LANG=C.UTF-8)", e);
        }
        if (name.isEmpty() || !Files.isDirectory(dir)) {
            throw new IOException(latest + ": names checkpoint '" + name + "', which does not exist");
        }
        return Optional.of(dir);
    }

    /**
     * Writes and publishes a checkpoint.
     *
     * @param epochsDone the epochs the checkpoint covers (names the folder)
     * @param finalState true for the end-of-run checkpoint, which gets its own name
     * @param contents writes the files
     * @return the published folder
     * @throws IOException if writing fails, naming the checkpoint folder; the previous checkpoint
     *     then stays published
     */
    public Path write(int epochsDone, boolean finalState, Contents contents) throws IOException {
        long start = System.nanoTime();
        // Locale.ROOT: under ar-EG or fa-IR %06d writes Arabic-Indic digits, a name that a JVM with an
        // ASCII file-name encoding (LANG=C) cannot resolve when it resumes
        String name = String.format(Locale.ROOT, PREFIX + "%s-%06d", finalState ? "final" : "epoch", epochsDone);
        Path tmp = root.resolve(name + ".tmp");
        Path dir = root.resolve(name);
        PlainFolders.deleteTree(anchor, tmp);
        // not createDirectories, which accepts a link to a folder planted at this name and writes the
        // checkpoint wherever it leads
        PlainFolders.create(anchor, tmp);
        try {
            contents.writeTo(anchor, tmp);
        } catch (IOException e) {
            // a write that fills the disk or the quota says only "No space left on device"
            throw WholeFiles.naming(tmp, e);
        }
        long bytes = PlainFolders.force(anchor, tmp);
        // a folder of this name can only be a leftover that LATEST never published
        Optional<Path> published = latest();
        if (published.isPresent() && published.get().getFileName().toString().equals(name)) {
            throw new IOException(dir + ": is the published checkpoint and cannot be overwritten");
        }
        PlainFolders.deleteTree(anchor, dir);
        try {
            PlainFolders.rename(anchor, tmp, dir);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(dir + ": the file system cannot rename atomically, so checkpoints would not survive a kill", e);
        }
        // a fresh temp file, flushed and renamed in the entered folder; never one already there, which
        // followed a symbolic link planted at a fixed temp name and overwrote the file it led to
        PlainFolders.write(anchor, root.resolve(LATEST), (name + "\n").getBytes(StandardCharsets.UTF_8));
        deleteOthers(name);
        // a base model's weights, moments and best copy run to gigabytes: seconds worth a line
        if (LOG.isInfoEnabled()) {
            LOG.info("{}: checkpoint after {} written, {} MiB in {} s", dir, Counts.counted(epochsDone, "epoch"),
                    String.format(Locale.ROOT, "%.1f", bytes / 1048576.0),
                    String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
        }
        return dir;
    }

    private void deleteOthers(String keep) throws IOException {
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, PREFIX + "*")) {
            for (Path p : ds) {
                if (!p.getFileName().toString().equals(keep)) {
                    stale.add(p);
                }
            }
        }
        for (Path p : stale) {
            PlainFolders.deleteTree(anchor, p);
        }
    }
}
