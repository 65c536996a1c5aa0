package io.github.prefine.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folders below a user's output folder, with real folders and real symbolic links: a link in
 * place of a folder is refused whether it was planted before the write or swapped in by another
 * process while writes go on.
 */
class PlainFoldersTest {
    /**
     * The attacker, run in a child JVM: moves {@code OUT/sub} aside, puts a link to the victim folder
     * in its place, removes it and puts the folder back (or drops it, where a write made a new one
     * meanwhile), as fast as it can until the stop file appears.
     */
    public static final class SwapFolderForLink {
        public static void main(String[] args) throws IOException {
            Path sub = Path.of(args[0], "sub");
            Path hold = Path.of(args[0], "hold");
            Path victim = Path.of(args[1]);
            Path stop = Path.of(args[2]);
            while (!Files.exists(stop)) {
                try {
                    Files.move(sub, hold, StandardCopyOption.ATOMIC_MOVE);
                    Files.createSymbolicLink(sub, victim);
                    Files.delete(sub);
                    Files.move(hold, sub, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException lostTheRace) {
                    if (Files.isSymbolicLink(sub)) {
                        Files.deleteIfExists(sub);
                    }
                    if (Files.exists(hold) && !Files.exists(sub, LinkOption.NOFOLLOW_LINKS)) {
                        Files.move(hold, sub, StandardCopyOption.ATOMIC_MOVE);
                    } else {
                        AtomicFiles.deleteTree(hold);
                    }
                }
            }
        }
    }

    private static String refusal(Path link, Path target) {
        return PlainFilesTest.folderRefusal(link, target);
    }

    @Test
    void createsTheFoldersBelowTheAnchorAndWritesThere(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");
        Path file = out.resolve("prefinetune/Only-SL/lr-2e-05/history.json");

        AtomicFiles.write(out, file, "{}");
        assertEquals("{}", Files.readString(file));
        AtomicFiles.write(out, file, "{\"a\":1}");
        assertEquals("{\"a\":1}", Files.readString(file));
        try (Stream<Path> s = Files.list(file.getParent())) {
            assertEquals(List.of(file), s.toList(), "no temp file left");
        }
        assertEquals(out, PlainFolders.create(out, out));
    }

    @Test
    void anAnchorThatIsALinkIsFollowed(@TempDir Path dir) throws IOException {
        Path real = Files.createDirectories(dir.resolve("big-disk/out"));
        Path out = Files.createSymbolicLink(dir.resolve("out"), real);

        AtomicFiles.write(out, out.resolve("records/a.jsonl"), "x\n");
        assertEquals("x\n", Files.readString(real.resolve("records/a.jsonl")));
    }

    @Test
    void aLinkPlantedInPlaceOfAFolderIsRefusedAndNothingIsWrittenWhereItLeads(@TempDir Path dir) throws IOException {
        Path victim = Files.createDirectories(dir.resolve("victim"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Path records = Files.createSymbolicLink(out.resolve("records"), victim);
        Path deeper = Files.createDirectories(out.resolve("prefinetune/Only-SL"));
        Path lr = Files.createSymbolicLink(deeper.resolve("lr-2e-05"), victim);

        FileSystemException write = assertThrows(FileSystemException.class,
                () -> AtomicFiles.write(out, records.resolve("a.jsonl"), "x\n"));
        assertEquals(refusal(records, victim), write.getMessage());
        FileSystemException create = assertThrows(FileSystemException.class,
                () -> PlainFolders.create(out, lr.resolve("checkpoints")));
        assertEquals(refusal(lr, victim), create.getMessage());
        FileSystemException open = assertThrows(FileSystemException.class,
                () -> PlainFolders.open(out, lr.resolve("unit.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE));
        assertEquals(refusal(lr, victim), open.getMessage());
        try (Stream<Path> s = Files.list(victim)) {
            assertEquals(List.of(), s.toList(), "written through a link");
        }
    }

    @Test
    void aLinkThatLeadsNowhereYetIsRefusedAndNotCreated(@TempDir Path dir) throws IOException {
        Path absent = dir.resolve("elsewhere/new-folder");
        Files.createDirectories(absent.getParent());
        Path out = Files.createDirectories(dir.resolve("out"));
        Path locks = Files.createSymbolicLink(out.resolve("locks"), absent);

        FileSystemException e = assertThrows(FileSystemException.class, () -> PlainFolders.create(out, locks));
        assertEquals(refusal(locks, absent), e.getMessage());
        assertFalse(Files.exists(absent, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aFileInPlaceOfAFolderIsNamed(@TempDir Path dir) throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Path records = Files.writeString(out.resolve("records"), "not a folder");

        FileSystemException e = assertThrows(FileSystemException.class,
                () -> AtomicFiles.write(out, records.resolve("a.jsonl"), "x\n"));
        assertTrue(e.getMessage().startsWith(records + ": must be a folder"), e.getMessage());
    }

    @Test
    void aFolderOutsideTheAnchorIsACallersMistake(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlainFolders.create(dir.resolve("out"), dir.resolve("out/../elsewhere")));
        assertEquals(dir.resolve("out/../elsewhere") + " is not inside " + dir.resolve("out"), e.getMessage());
    }

    @Test
    void anOpenedFileIsWrittenInTheEnteredFolder(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");
        Path lock = out.resolve("locks/unit.lock");
        try (FileChannel ch = PlainFolders.open(out, lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("held".getBytes(StandardCharsets.UTF_8)));
            assertTrue(ch.tryLock() != null, "a channel that can be locked");
        }
        assertEquals("held", Files.readString(lock));
    }

    /**
     * Another process swaps {@code OUT/sub} between a real folder and a link to a victim folder as
     * fast as it can while this one writes files under {@code OUT/sub}: no write may land in the
     * victim. A check by name before a write by name (the fallback without openat) loses this race
     * within a few hundred writes; entering the folder once with O_NOFOLLOW and writing relative to
     * it cannot. Each write either succeeds in the real folder or is refused; nothing here depends
     * on timing but how many of each.
     */
    @Test
    void aFolderSwappedForALinkWhileWritingReceivesNothingWhereTheLinkLeads(@TempDir Path dir) throws Exception {
        try (var s = Files.newDirectoryStream(dir)) {
            assumeTrue(s instanceof SecureDirectoryStream, "needs openat (Linux, macOS)");
        }
        Path victim = Files.createDirectories(dir.resolve("victim"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.createDirectories(out.resolve("sub"));
        Path stop = dir.resolve("stop");
        Process swapper = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SwapFolderForLink.class.getName(), out.toString(),
                victim.toString(), stop.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int written = 0;
        int refused = 0;
        try {
            for (int i = 0; i < 3000; i++) {
                try {
                    AtomicFiles.write(out, out.resolve("sub/f" + (i % 50) + ".json"), "{}");
                    written++;
                } catch (IOException e) {
                    refused++; // refused as a link, or the folder was away at that moment
                }
            }
        } finally {
            Files.writeString(stop, "");
            assertTrue(swapper.waitFor(1, TimeUnit.MINUTES), "the swapping process did not stop");
        }
        System.out.printf("folder swap race: %d writes landed in the real folder, %d refused%n", written, refused);
        try (Stream<Path> s = Files.list(victim)) {
            assertEquals(List.of(), s.toList(), "written through a link swapped in place of a folder");
        }
    }
}
