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
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folders below a user's output folder, with real folders and real symbolic links: a link in
 * place of a folder is refused whether it was planted before the write or swapped in by another
 * process while writes go on.
 */
class PlainFoldersTest {
    /** One swapper JVM for every race of the class (18 rounds), started by the first. */
    private static FolderSwap.Server swapper;

    private static synchronized FolderSwap.Server swapper() throws IOException {
        if (swapper == null) {
            swapper = new FolderSwap.Server();
        }
        return swapper;
    }

    @AfterAll
    static void stopSwapper() throws Exception {
        if (swapper != null) {
            swapper.close();
        }
    }

    private static void assumeOpenat(Path dir) throws IOException {
        try (var s = Files.newDirectoryStream(dir)) {
            assumeTrue(s instanceof SecureDirectoryStream, "needs openat (Linux, macOS)");
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

    /**
     * The named folder itself a file, as {@code Trainer.Builder.optCheckpointDir(file)} gives it:
     * the JDK's FileAlreadyExistsException carried the path alone, which said nothing of a folder
     * being expected there; so is a file in place of a folder above it.
     */
    @Test
    void aFileInPlaceOfTheNamedFolderIsNamed(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("ckpt"), "not a folder");
        FileSystemException e = assertThrows(FileSystemException.class, () -> PlainFolders.create(file, file));
        assertTrue(e.getMessage().startsWith(file + ": must be a folder"), e.getMessage());
        FileSystemException above = assertThrows(FileSystemException.class,
                () -> PlainFolders.create(file.resolve("run"), file.resolve("run")));
        assertTrue(above.getMessage().startsWith(file + ": must be a folder"), above.getMessage());
        assertEquals("not a folder", Files.readString(file));
    }

    /**
     * A folder that refuses new files: without write permission, or for root (who ignores the bits)
     * {@code /proc/sys}, which the kernel keeps so; null where neither is to be had.
     */
    private static Path folderThatRefusesNewFiles(Path dir) throws IOException {
        Path ro = Files.createDirectories(dir.resolve("read-only"));
        ro.toFile().setWritable(false, false);
        if (!Files.isWritable(ro)) {
            return ro;
        }
        Path procSys = Path.of("/proc/sys");
        return Files.isDirectory(procSys) && !Files.isWritable(procSys) ? procSys : null;
    }

    @Test
    void aFileTheFolderRefusesIsNamedByItsFullPath(@TempDir Path dir) throws IOException {
        assumeOpenat(dir);
        Path ro = folderThatRefusesNewFiles(dir);
        assumeTrue(ro != null, "needs a folder that refuses new files to this user");
        // a grid whose records folder became read-only mid-run said only
        // ".run-Baseline-syn-c-target-match.jsonl.2r2fqr1rr4uhe.tmp: Operation not permitted"
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> AtomicFiles.write(ro, ro.resolve("run-Baseline-cb-seed1.jsonl"), "{}\n"));
        Path named = Path.of(e.getFile());
        assertEquals(ro, named.getParent(), e.getMessage());
        assertTrue(named.getFileName().toString().startsWith(".run-Baseline-cb-seed1.jsonl."), e.getMessage());
        assertFalse(Files.exists(ro.resolve("run-Baseline-cb-seed1.jsonl")));
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
        assumeOpenat(dir);
        Path victim = Files.createDirectories(dir.resolve("victim"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.createDirectories(out.resolve("sub"));
        int[] n = FolderSwap.during(swapper(), out, "sub", victim, 3000,
                i -> AtomicFiles.write(out, out.resolve("sub/f" + (i % 50) + ".json"), "{}"));
        System.out.printf("folder swap race: %d writes landed in the real folder, %d refused%n", n[0], n[1]);
        try (Stream<Path> s = Files.list(victim)) {
            assertEquals(List.of(), s.toList(), "written through a link swapped in place of a folder");
        }
    }

    /**
     * Another process swaps {@code OUT/sub} for a link to a victim folder while this one makes new
     * folders inside it: none may be made where the link leads. Made by name (the JDK has no
     * {@code mkdirat}), a folder lands in the victim whenever the swap falls between entering
     * {@code sub} and the {@code mkdir}; made through {@code /proc/self/fd/N} of the entered folder,
     * it lands in the real one. Linux only, where that listing exists.
     */
    @Test
    void foldersMadeWhileTheFolderAboveIsSwappedForALinkAreNeverMadeWhereItLeads(@TempDir Path dir) throws Exception {
        assumeOpenat(dir);
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self/fd (Linux)");
        Path victim = Files.createDirectories(dir.resolve("victim"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.createDirectories(out.resolve("sub"));
        int[] n = FolderSwap.during(swapper(), out, "sub", victim, 3000, i -> PlainFolders.create(out, out.resolve("sub/d" + i)));
        System.out.printf("folder swap race, folders made: %d made, %d refused%n", n[0], n[1]);
        assertEquals(List.of(), FolderSwap.below(victim), "a folder made where a link swapped in place of its parent led");
    }

    /**
     * Another process swaps {@code OUT/sub} for a link to a victim folder holding files of the same
     * names while this one deletes a tree under {@code OUT/sub} (the grid's clean-up of checkpoints):
     * no file of the victim may be deleted. A walk by name deletes {@code OUT/sub/t/fN} as whatever
     * the name leads to at that moment. Each round builds the tree with no swapper running, starts
     * one, waits until it has swapped once, then deletes.
     */
    @Test
    void aTreeDeletedWhileAFolderAboveIsSwappedForALinkDeletesNothingWhereItLeads(@TempDir Path dir) throws Exception {
        assumeOpenat(dir);
        Path victim = Files.createDirectories(dir.resolve("victim/t"));
        Path out = Files.createDirectories(dir.resolve("out"));
        List<Path> kept = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            kept.add(Files.writeString(victim.resolve("f" + i), "mine"));
        }
        int deleted = 0;
        int refused = 0;
        for (int round = 0; round < 8; round++) {
            Path sub = out.resolve("sub");
            AtomicFiles.deleteTree(out.resolve("hold"));
            if (Files.isSymbolicLink(sub)) {
                Files.delete(sub);
            }
            Files.createDirectories(sub.resolve("t"));
            for (int i = 0; i < 200; i++) {
                Files.writeString(sub.resolve("t/f" + i), "x");
            }
            Path stop = dir.resolve("stop-" + round);
            FolderSwap.Server swapper = swapper();
            swapper.start(out, "sub", victim.getParent(), stop);
            try {
                while (!Files.isSymbolicLink(sub) && !Files.exists(out.resolve("hold")) && swapper.isAlive()) {
                    Thread.onSpinWait(); // until it has swapped once: a condition, not a time
                }
                PlainFolders.deleteTree(out, sub.resolve("t"));
                deleted++;
            } catch (IOException e) {
                refused++; // refused as a link, or the folder was away at that moment
            } finally {
                swapper.stop(stop);
            }
        }
        System.out.printf("folder swap race, trees deleted: %d deleted, %d refused%n", deleted, refused);
        List<Path> gone = kept.stream().filter(p -> !Files.exists(p)).toList();
        assertEquals(List.of(), gone, "files deleted where a link swapped in place of a folder led");
    }

    /**
     * The grid's start-up clean-up of stale temp files ({@link AtomicFiles#deleteStaleTemps}) while
     * another process swaps {@code OUT/sub} for a link to a victim folder holding old {@code .tmp}
     * files of the same names: none of the victim's may be deleted. Rounds as in the tree test; each
     * clean-up starts while the real folder is in place, and a walk by name then deletes some of its
     * files through the link swapped in meanwhile.
     */
    @Test
    void staleTempsCleanedWhileAFolderIsSwappedForALinkAreNeverDeletedWhereItLeads(@TempDir Path dir) throws Exception {
        assumeOpenat(dir);
        Path victim = Files.createDirectories(dir.resolve("victim"));
        Path out = Files.createDirectories(dir.resolve("out"));
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofHours(2)));
        List<Path> kept = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            kept.add(Files.setLastModifiedTime(Files.writeString(victim.resolve("f" + i + ".tmp"), "mine"), old));
        }
        int cleaned = 0;
        for (int round = 0; round < 8; round++) {
            Path sub = out.resolve("sub");
            AtomicFiles.deleteTree(out.resolve("hold"));
            if (Files.isSymbolicLink(sub)) {
                Files.delete(sub);
            }
            Files.createDirectories(sub);
            for (int i = 0; i < 200; i++) {
                Files.setLastModifiedTime(Files.writeString(sub.resolve("f" + i + ".tmp"), "x"), old);
            }
            Path stop = dir.resolve("stop-" + round);
            FolderSwap.Server swapper = swapper();
            swapper.start(out, "sub", victim, stop);
            try {
                while (!Files.isSymbolicLink(sub) && !Files.exists(out.resolve("hold")) && swapper.isAlive()) {
                    Thread.onSpinWait(); // until it has swapped once: a condition, not a time
                }
                while (!(Files.isDirectory(sub, LinkOption.NOFOLLOW_LINKS) && !Files.exists(out.resolve("hold")))
                        && swapper.isAlive()) {
                    Thread.onSpinWait(); // and put the folder back, so that the walk starts in it
                }
                cleaned += AtomicFiles.deleteStaleTemps(out, java.time.Duration.ofHours(1));
            } finally {
                swapper.stop(stop);
            }
        }
        System.out.printf("folder swap race, stale temps: %d deleted%n", cleaned);
        List<Path> gone = kept.stream().filter(p -> !Files.exists(p)).toList();
        assertEquals(List.of(), gone, "files deleted where a link swapped in place of a folder led");
    }

    @Test
    void aTreeIsDeletedWithoutFollowingALinkInsideIt(@TempDir Path dir) throws IOException {
        Path victim = Files.createDirectories(dir.resolve("victim"));
        Path mine = Files.writeString(victim.resolve("mine.txt"), "mine");
        Path out = dir.resolve("out");
        AtomicFiles.write(out, out.resolve("checkpoints/ckpt-1/model.ndlist"), "x");
        Files.createSymbolicLink(out.resolve("checkpoints/ckpt-1/planted"), victim);

        PlainFolders.deleteTree(out, out.resolve("checkpoints"));

        assertFalse(Files.exists(out.resolve("checkpoints"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("mine", Files.readString(mine));
        PlainFolders.deleteTree(out, out.resolve("checkpoints")); // nothing there: nothing happens
        PlainFolders.deleteTree(out, out.resolve("absent/deeper"));
        assertFalse(Files.exists(out.resolve("absent")), "a clean-up made a folder");
    }

    @Test
    void aFreshStreamReplacesAHardLinkedFileAndRefusesALink(@TempDir Path dir) throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Path other = Files.writeString(dir.resolve("elsewhere.txt"), "someone's own file\n");
        Path file = Files.createLink(Files.createDirectories(out.resolve("ckpt")).resolve("state.json"), other);

        try (var os = PlainFolders.newOutputStream(out, file)) {
            os.write("{}".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("someone's own file\n", Files.readString(other));
        assertEquals("{}", Files.readString(file));

        Path link = Files.createSymbolicLink(out.resolve("ckpt/model.ndlist"), other);
        FileSystemException e = assertThrows(FileSystemException.class, () -> PlainFolders.newOutputStream(out, link));
        assertTrue(e.getMessage().startsWith(link + ": must be a plain file, found a symbolic link to " + other),
                e.getMessage());
        assertEquals("someone's own file\n", Files.readString(other));
    }

    @Test
    void aRenameInAFolderReplacesTheNewNameAndForceFlushesEveryFile(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");
        AtomicFiles.write(out, out.resolve("c/ckpt.tmp/a"), "new");
        AtomicFiles.write(out, out.resolve("c/LATEST.tmp"), "b");
        AtomicFiles.write(out, out.resolve("c/LATEST"), "a");

        PlainFolders.force(out, out.resolve("c/ckpt.tmp"));
        PlainFolders.rename(out, out.resolve("c/ckpt.tmp"), out.resolve("c/ckpt"));
        PlainFolders.rename(out, out.resolve("c/LATEST.tmp"), out.resolve("c/LATEST"));

        assertEquals("new", Files.readString(out.resolve("c/ckpt/a")));
        assertEquals("b", Files.readString(out.resolve("c/LATEST")));
        assertEquals(List.of(out.resolve("c/LATEST"), out.resolve("c/ckpt"), out.resolve("c/ckpt/a")),
                FolderSwap.below(out.resolve("c")));
    }
}
