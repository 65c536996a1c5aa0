package io.github.prefine.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The by-name path of {@link PlainFolders}, taken where the platform has no {@code
 * SecureDirectoryStream} and so never on Linux unless a test forces it ({@link PlainFolders#BY_NAME}).
 * Each scenario runs on real folders twice, once each way, in two fresh copies of the same tree;
 * what it gives (its result or its refusal, and every entry left, with the content of each file)
 * must be the same, and is also checked against what the scenario states by hand.
 */
class PlainFoldersByNameTest {
    /** One scenario, run in a fresh folder; returns what it gave, its own root written as ROOT. */
    private interface Scenario {
        Object run(Path root) throws Exception;
    }

    /** The outcome of one way: the result or the failure, and the tree left behind. */
    private static List<String> outcome(Path root, Scenario scenario) throws IOException {
        Files.createDirectories(root);
        Path victim = Files.createDirectories(root.resolve("victim"));
        Files.writeString(victim.resolve("mine.txt"), "someone's own file");
        List<String> out = new ArrayList<>();
        try {
            out.add("gave " + scenario.run(root));
        } catch (Exception e) {
            out.add("refused " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted().toList()) {
                String kind = Files.isSymbolicLink(p) ? "link to " + Files.readSymbolicLink(p)
                        : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "folder" : "file " + Files.readString(p);
                out.add(root.relativize(p) + ": " + kind);
            }
        }
        return out.stream().map(line -> line.replace(root.toString(), "ROOT")).toList();
    }

    /** Runs a scenario the secure way and by name; both must give {@code expected}'s outcome. */
    private static List<String> sameBothWays(Path dir, Scenario scenario) throws IOException {
        try (var s = Files.newDirectoryStream(Files.createDirectories(dir))) {
            assumeTrue(s instanceof SecureDirectoryStream, "the secure path to compare with needs openat (Linux, macOS)");
        }
        List<String> secure = outcome(dir.resolve("secure"), scenario);
        List<String> byName;
        PlainFolders.BY_NAME.set(true);
        try {
            byName = outcome(dir.resolve("by-name"), scenario);
        } finally {
            PlainFolders.BY_NAME.remove();
        }
        assertEquals(secure, byName, "the by-name path gave another outcome than the secure path");
        return byName;
    }

    private static final String VICTIM_KEPT = "victim/mine.txt: file someone's own file";

    @Test
    void foldersBelowTheAnchorAreMadeAndALinkOrAFileInPlaceOfOneIsRefused(@TempDir Path dir) throws IOException {
        List<String> made = sameBothWays(dir, root -> PlainFolders.create(root.resolve("out"),
                root.resolve("out/a/b")));
        assertEquals(List.of("gave ROOT/out/a/b", ": folder", "out: folder", "out/a: folder", "out/a/b: folder",
                "victim: folder", VICTIM_KEPT), made);

        List<String> link = sameBothWays(dir.resolve("link"), root -> {
            Files.createSymbolicLink(Files.createDirectories(root.resolve("out")).resolve("a"), root.resolve("victim"));
            return PlainFolders.create(root.resolve("out"), root.resolve("out/a/b"));
        });
        assertEquals("refused FileSystemException: " + PlainFilesTest.folderRefusal(Path.of("ROOT/out/a"),
                Path.of("ROOT/victim")), link.get(0));
        assertEquals(List.of(": folder", "out: folder", "out/a: link to ROOT/victim", "victim: folder", VICTIM_KEPT),
                link.subList(1, link.size()), "something was made where the link led");

        List<String> dangling = sameBothWays(dir.resolve("dangling"), root -> {
            Files.createSymbolicLink(Files.createDirectories(root.resolve("out")).resolve("a"), root.resolve("nowhere"));
            return PlainFolders.create(root.resolve("out"), root.resolve("out/a"));
        });
        assertEquals("refused FileSystemException: " + PlainFilesTest.folderRefusal(Path.of("ROOT/out/a"),
                Path.of("ROOT/nowhere")), dangling.get(0));

        List<String> file = sameBothWays(dir.resolve("file"), root -> {
            Files.writeString(Files.createDirectories(root.resolve("out")).resolve("a"), "not a folder");
            return PlainFolders.create(root.resolve("out"), root.resolve("out/a/b"));
        });
        // the secure path said "must be a folder: null" before: the JDK's ENOTDIR carries no reason
        assertEquals("refused FileSystemException: ROOT/out/a: must be a folder, found a file", file.get(0));
    }

    @Test
    void anOpenedFileIsWrittenAndALinkAtItsNameIsRefused(@TempDir Path dir) throws IOException {
        List<String> written = sameBothWays(dir, root -> {
            Path file = root.resolve("out/a/state.json");
            try (FileChannel ch = PlainFolders.open(root.resolve("out"), file, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                return ch.write(ByteBuffer.wrap("{}".getBytes(StandardCharsets.UTF_8)));
            }
        });
        assertEquals(List.of("gave 2", ": folder", "out: folder", "out/a: folder", "out/a/state.json: file {}",
                "victim: folder", VICTIM_KEPT), written);

        List<String> link = sameBothWays(dir.resolve("link"), root -> {
            Path file = Files.createSymbolicLink(Files.createDirectories(root.resolve("out")).resolve("state.json"),
                    root.resolve("victim/mine.txt"));
            try (FileChannel ch = PlainFolders.open(root.resolve("out"), file, StandardOpenOption.WRITE)) {
                return ch.write(ByteBuffer.wrap("{}".getBytes(StandardCharsets.UTF_8)));
            }
        });
        assertEquals("refused FileSystemException: ROOT/out/state.json: must be a plain file, found a symbolic link"
                + " to ROOT/victim/mine.txt", link.get(0).substring(0, link.get(0).indexOf(';')));
        assertEquals(VICTIM_KEPT, link.get(link.size() - 1));

        List<String> missing = sameBothWays(dir.resolve("missing"), root -> {
            try (FileChannel ch = PlainFolders.open(root.resolve("out"), root.resolve("out/absent"),
                    StandardOpenOption.WRITE)) {
                return ch.size();
            }
        });
        assertEquals("refused NoSuchFileException: ROOT/out/absent", missing.get(0));
    }

    @Test
    void aWholeFileIsWrittenAndNotThroughALinkInPlaceOfItsFolder(@TempDir Path dir) throws IOException {
        List<String> written = sameBothWays(dir, root -> {
            Path file = root.resolve("out/a/model.safetensors");
            PlainFolders.write(root.resolve("out"), file, "old".getBytes(StandardCharsets.UTF_8));
            PlainFolders.write(root.resolve("out"), file, "new".getBytes(StandardCharsets.UTF_8));
            return "written";
        });
        assertEquals(List.of("gave written", ": folder", "out: folder", "out/a: folder",
                "out/a/model.safetensors: file new", "victim: folder", VICTIM_KEPT), written);

        List<String> link = sameBothWays(dir.resolve("link"), root -> {
            Files.createSymbolicLink(Files.createDirectories(root.resolve("out")).resolve("a"), root.resolve("victim"));
            PlainFolders.write(root.resolve("out"), root.resolve("out/a/mine.txt"), new byte[] {'x'});
            return "written";
        });
        assertEquals("refused FileSystemException: " + PlainFilesTest.folderRefusal(Path.of("ROOT/out/a"),
                Path.of("ROOT/victim")), link.get(0));
        assertEquals(VICTIM_KEPT, link.get(link.size() - 1));
    }

    @Test
    void aFreshStreamReplacesAHardLinkedFileAndRefusesALink(@TempDir Path dir) throws IOException {
        List<String> replaced = sameBothWays(dir, root -> {
            Path out = Files.createDirectories(root.resolve("out"));
            Path file = Files.createLink(out.resolve("state.json"), root.resolve("victim/mine.txt"));
            try (OutputStream os = PlainFolders.newOutputStream(out, file)) {
                os.write("{}".getBytes(StandardCharsets.UTF_8));
            }
            return "written";
        });
        assertEquals(List.of("gave written", ": folder", "out: folder", "out/state.json: file {}", "victim: folder",
                VICTIM_KEPT), replaced);

        List<String> link = sameBothWays(dir.resolve("link"), root -> {
            Path out = Files.createDirectories(root.resolve("out"));
            Path file = Files.createSymbolicLink(out.resolve("state.json"), root.resolve("victim/mine.txt"));
            try (OutputStream os = PlainFolders.newOutputStream(out, file)) {
                os.write('x');
            }
            return "written";
        });
        assertEquals("refused FileSystemException: ROOT/out/state.json: must be a plain file, found a symbolic link"
                + " to ROOT/victim/mine.txt", link.get(0).substring(0, link.get(0).indexOf(';')));
        assertEquals(VICTIM_KEPT, link.get(link.size() - 1));
    }

    /** 3 + 5 bytes of plain files; a link to a file outside and a folder inside are not flushed. */
    @Test
    void forceFlushesThePlainFilesOnlyAndMakesAMissingFolder(@TempDir Path dir) throws IOException {
        List<String> forced = sameBothWays(dir, root -> {
            Path c = Files.createDirectories(root.resolve("out/c"));
            Files.createDirectories(c.resolve("inner"));
            Files.writeString(c.resolve("a"), "abc");
            Files.writeString(c.resolve("b"), "defgh");
            Files.writeString(c.resolve("inner/deeper"), "not in the count");
            Files.createSymbolicLink(c.resolve("l"), root.resolve("victim/mine.txt"));
            return PlainFolders.force(root.resolve("out"), c);
        });
        assertEquals("gave 8", forced.get(0));

        List<String> missing = sameBothWays(dir.resolve("missing"), root ->
                PlainFolders.force(root.resolve("out"), root.resolve("out/absent")));
        assertEquals(List.of("gave 0", ": folder", "out: folder", "out/absent: folder", "victim: folder", VICTIM_KEPT),
                missing);
    }

    @Test
    void aRenameReplacesTheNewNameAndAMissingEntryIsRefused(@TempDir Path dir) throws IOException {
        List<String> renamed = sameBothWays(dir, root -> {
            Path c = Files.createDirectories(root.resolve("out/c/ckpt.tmp"));
            Files.createDirectories(c.resolveSibling("ckpt"));
            Files.writeString(c.resolve("a"), "new");
            Files.writeString(c.resolveSibling("LATEST.tmp"), "b");
            Files.writeString(c.resolveSibling("LATEST"), "a");
            PlainFolders.rename(root.resolve("out"), c, c.resolveSibling("ckpt"));
            PlainFolders.rename(root.resolve("out"), c.resolveSibling("LATEST.tmp"), c.resolveSibling("LATEST"));
            return "renamed";
        });
        assertEquals(List.of("gave renamed", ": folder", "out: folder", "out/c: folder", "out/c/LATEST: file b",
                "out/c/ckpt: folder", "out/c/ckpt/a: file new", "victim: folder", VICTIM_KEPT), renamed);

        List<String> missing = sameBothWays(dir.resolve("missing"), root -> {
            Path c = Files.createDirectories(root.resolve("out/c"));
            PlainFolders.rename(root.resolve("out"), c.resolve("absent"), c.resolve("there"));
            return "renamed";
        });
        // the secure path named the two by their bare names ("absent -> there") before
        assertEquals("refused NoSuchFileException: ROOT/out/c/absent -> ROOT/out/c/there", missing.get(0));
    }

    @Test
    void aTreeIsDeletedWithoutFollowingALinkInsideItOrAtItsName(@TempDir Path dir) throws IOException {
        List<String> deleted = sameBothWays(dir, root -> {
            Path out = root.resolve("out");
            Files.createDirectories(out.resolve("checkpoints/ckpt-1"));
            Files.writeString(out.resolve("checkpoints/ckpt-1/model"), "x");
            Files.createSymbolicLink(out.resolve("checkpoints/ckpt-1/planted"), root.resolve("victim"));
            PlainFolders.deleteTree(out, out.resolve("checkpoints"));
            PlainFolders.deleteTree(out, out.resolve("absent/deeper"));
            return "deleted";
        });
        assertEquals(List.of("gave deleted", ": folder", "out: folder", "victim: folder", VICTIM_KEPT), deleted);

        // the by-name path left a dangling link at the name before: it asked whether the name existed following links
        List<String> link = sameBothWays(dir.resolve("link"), root -> {
            Path out = Files.createDirectories(root.resolve("out"));
            Files.createSymbolicLink(out.resolve("checkpoints"), root.resolve("victim"));
            Files.createSymbolicLink(out.resolve("dangling"), root.resolve("nowhere"));
            PlainFolders.deleteTree(out, out.resolve("checkpoints"));
            PlainFolders.deleteTree(out, out.resolve("dangling"));
            return "deleted";
        });
        assertEquals(List.of("gave deleted", ": folder", "out: folder", "victim: folder", VICTIM_KEPT), link);
    }

    /** Stale temps are left to {@link AtomicFiles}'s walk by name, which deletes the same files. */
    @Test
    void staleTempsAreLeftToTheWalkByNameWhichDeletesTheSameFiles(@TempDir Path dir) throws IOException {
        List<String> cleaned = sameBothWays(dir, root -> {
            Path old = Files.writeString(Files.createDirectories(root.resolve("out/w")).resolve(".m.k3j2.tmp"), "half");
            Files.writeString(root.resolve("out/.young.tmp"), "writing");
            Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
            int byPlainFolders = PlainFolders.deleteStaleTemps(root.resolve("out"), Instant.EPOCH);
            return (PlainFolders.BY_NAME.get() ? byPlainFolders == -1 : byPlainFolders == 0) + " "
                    + AtomicFiles.deleteStaleTemps(root.resolve("out"), Duration.ofHours(1));
        });
        assertEquals(List.of("gave true 1", ": folder", "out: folder", "out/.young.tmp: file writing", "out/w: folder",
                "victim: folder", VICTIM_KEPT), cleaned);
    }
}
