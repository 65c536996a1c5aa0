package io.github.prefine.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real symbolic links planted in an output folder, as someone with write access to a shared folder
 * (or a stale link) leaves them: in-place writes refuse them, whole-file writes replace them, and
 * neither touches the file a link leads to. A folder that is itself a link is followed, as a user's
 * {@code --out} may be.
 */
class PlainFilesTest {
    private static final String VICTIM = "someone's own file\n";

    private static String refusal(Path link, Path target) {
        return refusal(link, "a plain file", target, "write through");
    }

    /** The refusal of a link in place of a folder, as {@link PlainFoldersTest} expects it. */
    static String folderRefusal(Path link, Path target) {
        return refusal(link, "a folder", target, "create or enter");
    }

    private static String refusal(Path link, String expected, Path target, String doing) {
        return link + ": must be " + expected + ", found a symbolic link to " + target + "; prefine does not " + doing
                + " a link in its own folders, which someone with write access to the folder may have planted (remove"
                + " the link and run it again)";
    }

    @Test
    void everyInPlaceOpenRefusesALinkToAFileAndLeavesTheFileAlone(@TempDir Path dir) throws Exception {
        Path victim = Files.writeString(dir.resolve("elsewhere.txt"), VICTIM);
        Path link = Files.createSymbolicLink(Files.createDirectories(dir.resolve("out")).resolve("state.json"), victim);

        FileSystemException e = assertThrows(FileSystemException.class, () -> PlainFiles.writeString(link, "{}"));
        assertEquals(refusal(link, victim), e.getMessage());
        assertThrows(FileSystemException.class, () -> PlainFiles.newOutputStream(link).close());
        assertThrows(FileSystemException.class, () -> PlainFiles.newWriter(link).close());
        assertThrows(FileSystemException.class, () -> PlainFiles.open(link, StandardOpenOption.WRITE).close());
        assertThrows(FileSystemException.class,
                () -> PlainFiles.open(link, StandardOpenOption.CREATE, StandardOpenOption.APPEND).close());

        assertEquals(VICTIM, Files.readString(victim));
        assertTrue(Files.isSymbolicLink(link), "the link is reported, not removed");
    }

    @Test
    void aLinkThatLeadsNowhereYetIsNotCreatedThrough(@TempDir Path dir) throws Exception {
        Path absent = dir.resolve("absent.lock");
        Path link = Files.createSymbolicLink(dir.resolve("unit.lock"), absent);

        FileSystemException e = assertThrows(FileSystemException.class,
                () -> PlainFiles.open(link, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close());

        assertEquals(refusal(link, absent), e.getMessage());
        assertTrue(Files.notExists(absent, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void plainFilesAndFoldersReachedThroughALinkAreWrittenAsUsual(@TempDir Path dir) throws Exception {
        Path real = Files.createDirectories(dir.resolve("disk/run-1"));
        Path out = Files.createSymbolicLink(dir.resolve("out"), real);

        PlainFiles.writeString(out.resolve("state.json"), "{\"epoch\": 1}");
        PlainFiles.writeString(out.resolve("state.json"), "{}"); // replaces, as Files.writeString does
        try (OutputStream os = PlainFiles.newOutputStream(out.resolve("model.ndlist"))) {
            os.write(new byte[] {1, 2, 3});
        }
        try (Writer w = PlainFiles.newWriter(out.resolve("train.tsv"))) {
            w.write("é\n");
        }
        try (FileChannel ch = PlainFiles.open(out.resolve("run.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            assertEquals(0, ch.size());
        }

        assertEquals("{}", Files.readString(real.resolve("state.json")));
        assertEquals(3, Files.size(real.resolve("model.ndlist")));
        assertEquals("é\n", Files.readString(real.resolve("train.tsv")));
        assertTrue(Files.exists(real.resolve("run.lock")));
    }

    @Test
    void aFailureThatIsNoLinkIsTheJdksOwn(@TempDir Path dir) {
        Path missingFolder = dir.resolve("no-such-folder").resolve("state.json");
        assertThrows(java.nio.file.NoSuchFileException.class, () -> PlainFiles.writeString(missingFolder, "{}"));
    }

    @Test
    void aWholeFileWriteReplacesALinkAtItsNameInsteadOfFollowingIt(@TempDir Path dir) throws Exception {
        // the rename that publishes a whole-file write takes the link's place: run records, manifests,
        // lock holder notes and the task-embedding cache are written so
        Path victim = Files.writeString(dir.resolve("elsewhere.txt"), VICTIM);
        Path record = Files.createSymbolicLink(Files.createDirectories(dir.resolve("records")).resolve("T1.json"), victim);

        AtomicFiles.write(record, "{\"value\": 1}");

        assertEquals(VICTIM, Files.readString(victim));
        assertTrue(Files.isRegularFile(record, LinkOption.NOFOLLOW_LINKS));
        assertEquals("{\"value\": 1}", Files.readString(record));
    }
}
