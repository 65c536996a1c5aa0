package io.github.prefine.core.grid;

import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.checkpoint.PlainFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The deletion of temp files that writers killed under one of the grid's claims (a unit's or
 * sweep's lock, {@code locks/manifest.lock}, {@code locks/reports.lock}) left. Package-private:
 * what a claim covers is the grid's, where {@link AtomicFiles#deleteStaleTemps} is for anyone.
 */
final class ClaimedTemps {
    private ClaimedTemps() {}

    /**
     * Deletes the temp files in one folder (not below it) that writers killed under a claim left:
     * for a caller that holds the claim every writer of those files holds, so that none is a live
     * writer's however young, where {@link AtomicFiles#deleteStaleTemps} must wait. Each is deleted
     * below {@code anchor} without following a link ({@link PlainFolders#deleteTree}).
     *
     * @param anchor the folder the user named
     * @param dir the folder, the anchor or inside it; nothing happens when it is not a folder
     * @param names which temp file names to delete (each ends in {@code .tmp})
     * @return how many were deleted
     * @throws IOException if the folder cannot be listed or a file deleted
     */
    static int inDir(Path anchor, Path dir, Predicate<String> names) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        List<Path> left;
        try (Stream<Path> s = Files.list(dir)) {
            left = s.filter(p -> p.getFileName().toString().endsWith(".tmp") && names.test(p.getFileName().toString())
                    && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
        }
        int deleted = 0;
        for (Path p : left) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                PlainFolders.deleteTree(anchor, p);
                deleted++;
            }
        }
        return deleted;
    }

    /**
     * Deletes the temp files that killed writers of one file left beside it ({@code .NAME.RANDOM.tmp},
     * as every whole-file write here names them), as {@link #inDir} does: for a caller that
     * holds the claim every writer of that file holds.
     *
     * @param anchor the folder the user named
     * @param file the file whose writers' temp files are deleted, inside {@code anchor}
     * @return how many were deleted
     * @throws IOException if the file's folder cannot be listed or a temp file deleted
     */
    static int of(Path anchor, Path file) throws IOException {
        Pattern temp = Pattern.compile("\\." + Pattern.quote(file.getFileName().toString()) + "\\.[0-9a-z]+\\.tmp");
        return inDir(anchor, file.toAbsolutePath().getParent(), name -> temp.matcher(name).matches());
    }
}
