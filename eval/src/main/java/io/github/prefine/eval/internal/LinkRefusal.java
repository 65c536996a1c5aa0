package io.github.prefine.eval.internal;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The error for a write that would have followed a symbolic link planted at the name it writes, or at
 * a folder it creates or enters, in one of prefine's own folders. Shared by this module's results log and {@code core}'s
 * {@code PlainFiles}, which builds on it, so that every such refusal reads alike. Stateless.
 */
public final class LinkRefusal {
    private LinkRefusal() {}

    /**
     * The failure to report after an open that does not follow links failed: where a link is at
     * the name, one that says so and where it leads, since the JDK's own is a plain IOException "Too
     * many levels of symbolic links (NOFOLLOW_LINKS specified)" (ELOOP); else the failure itself.
     *
     * @param file the file that was opened
     * @param failure what the open threw
     * @return the exception to throw, with {@code failure} as its cause where it is a new one
     */
    public static IOException of(Path file, IOException failure) {
        return refusal(file, "a plain file", "write through", failure);
    }

    /**
     * The failure to report after entering a folder without following links failed, as
     * {@link #of} does for a file: where a link is at the folder's name, one that says so and where
     * it leads; else the failure itself.
     *
     * @param folder the folder that was created or entered
     * @param failure what creating or entering it threw
     * @return the exception to throw, with {@code failure} as its cause where it is a new one
     */
    public static IOException ofFolder(Path folder, IOException failure) {
        return refusal(folder, "a folder", "create or enter", failure);
    }

    private static IOException refusal(Path file, String expected, String doing, IOException failure) {
        if (!Files.isSymbolicLink(file)) {
            return failure;
        }
        String target;
        try {
            target = Files.readSymbolicLink(file).toString();
        } catch (IOException | UnsupportedOperationException unreadable) {
            target = "somewhere unreadable";
        }
        FileSystemException named = new FileSystemException(file.toString(), null, "must be " + expected + ", found a"
                + " symbolic link to " + target + "; prefine does not " + doing + " a link in its own folders, which"
                + " someone with write access to the folder may have planted (remove the link and run it again)");
        named.initCause(failure);
        return named;
    }
}
