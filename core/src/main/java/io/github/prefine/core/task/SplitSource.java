package io.github.prefine.core.task;

import io.github.prefine.core.data.DatasetReader;
import java.util.Objects;

/**
 * One file of a task, relative to a data root, and the reader (with its options) that reads it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param split the split the file provides
 * @param path the file path relative to the data root, with {@code /} separators
 * @param reader the configured reader
 */
public record SplitSource(Split split, String path, DatasetReader<?> reader) {
    /**
     * Checks the fields.
     *
     * @param split the split the file provides
     * @param path the file path relative to the data root, with {@code /} separators
     * @param reader the configured reader
     */
    public SplitSource {
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(reader, "reader");
        if (path.isBlank() || path.startsWith("/")) {
            // the data root is given later (Task.load, TaskDataSource.dataRoot), so say where paths start
            throw new IllegalArgumentException("a task file's path is relative to the data root given to Task.load"
                    + " (for files in /data/mine/train.tsv: root /data, path mine/train.tsv), found '" + path + "'");
        }
    }

    /**
     * Tells whether a path relative to a data root leads out of it by its {@code ..} segments
     * ({@code ../x}, {@code a/../../x}); {@code a/../x} stays inside. Decided on the text alone, as
     * the root is given later; a symbolic link inside the root is followed, as the user's choice.
     *
     * @param path a path with {@code /} separators
     * @return true if a {@code ..} climbs above the folder the path starts from
     */
    public static boolean leavesRoot(String path) {
        int depth = 0;
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                if (--depth < 0) {
                    return true;
                }
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                depth++;
            }
        }
        return false;
    }
}
