package io.github.prefine.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.grid.GridLayout;
import io.github.prefine.core.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder mirrored through Hadoop's local file system, as an executor mirrors HDFS or S3. */
class GridFolderTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void hadoopRunsOnThisJava() {
        // Hadoop's file systems log the user in as a Spark context does
        SparkAssumptions.assumeSparkStartsHere(GridFolderTest.class);
    }

    @Test
    void dataIsStagedOnceAndAgainWhenItChanges() throws IOException {
        Path remote = dir.resolve("data");
        Files.createDirectories(remote.resolve("conll2003"));
        Files.writeString(remote.resolve("conll2003/train.txt"), "EU B-ORG\n");
        GridFolder data = GridFolder.open(remote.toUri().toString(), new Configuration(), true, dir.resolve("mirrors"));
        assertFalse(data.direct());
        Path local = data.staged("--data");
        assertEquals("EU B-ORG\n", Files.readString(local.resolve("conll2003/train.txt")));
        Files.writeString(local.resolve("conll2003/train.txt"), "local edit\n");
        assertEquals("local edit\n", Files.readString(data.staged("--data").resolve("conll2003/train.txt")),
                "an unchanged listing is not copied again");
        Files.writeString(remote.resolve("conll2003/train.txt"), "EU B-ORG\nrejects O\n");
        assertEquals("EU B-ORG\nrejects O\n", Files.readString(data.staged("--data").resolve("conll2003/train.txt")),
                "a changed file size stages the folder again");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GridFolder.open(
                dir.resolve("none").toUri().toString(), new Configuration(), true, dir.resolve("mirrors")).staged("--data"));
        assertTrue(e.getMessage().startsWith("--data file:"), e.getMessage());
    }

    @Test
    void pushedFilesArriveWholeAndPulledFoldersComeBack() throws IOException {
        Path remote = dir.resolve("out");
        GridFolder out = GridFolder.open(remote.toUri().toString(), new Configuration(), true, dir.resolve("mirrors"));
        out.checkWritable("--out");
        Path enc = out.local().resolve("prefinetune/Only-SL/lr-1e-03/encoder");
        Files.createDirectories(enc);
        Files.write(enc.resolve("model.safetensors"), new byte[100_000]);
        Files.writeString(enc.resolve(".half.tmp"), "torn");
        Files.writeString(out.local().resolve("prefinetune/Only-SL/lr-1e-03/history.json"), "{}");
        out.push("prefinetune/Only-SL/lr-1e-03/encoder");
        out.push("prefinetune/Only-SL/lr-1e-03/history.json");
        assertEquals(100_000, Files.size(remote.resolve("prefinetune/Only-SL/lr-1e-03/encoder/model.safetensors")));
        assertTrue(out.exists("prefinetune/Only-SL/lr-1e-03/history.json"));
        try (Stream<Path> s = Files.walk(remote)) {
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            assertFalse(names.stream().anyMatch(n -> n.endsWith(".tmp")), "no temporary file is pushed or left: " + names);
        }
        // another process's mirror pulls the folder back
        GridFolder other = GridFolder.open(remote.toUri().toString(), new Configuration(), true, dir.resolve("other"));
        other.pull("prefinetune/Only-SL/lr-1e-03");
        assertEquals(100_000, Files.size(other.local().resolve("prefinetune/Only-SL/lr-1e-03/encoder/model.safetensors")));
        other.delete("prefinetune/Only-SL/lr-1e-03/encoder");
        assertFalse(out.exists("prefinetune/Only-SL/lr-1e-03/encoder"));
        assertTrue(out.exists("prefinetune/Only-SL/lr-1e-03/history.json"));
    }

    /**
     * A pull gives the local copy what the folder holds now: a file deleted there since an earlier
     * pull (a failure marker or a lost checkpoint's pointer the user deleted to run the work again)
     * is deleted from the copy too. A driver or executor that outlives one submit (an embedded Spark
     * context, an executor's unit retried) kept it, and so still saw the sweep failed or the
     * checkpoint named.
     */
    @Test
    void aPullDeletesFromTheLocalCopyWhatTheFolderNoLongerHolds() throws IOException {
        Path remote = dir.resolve("pulled");
        List<String> files = List.of("records/run-Baseline-cb-seed1.failed", "records/run-Baseline-cb-seed2.jsonl",
                "prefinetune/Only-SL/lr-1e-03/checkpoints/LATEST", "prefinetune/Only-SL/lr-1e-03/train-loss.json",
                "finetune/run-Baseline-cb-seed1/lr-1e-03.json");
        for (String f : files) {
            Files.createDirectories(remote.resolve(f).getParent());
            Files.writeString(remote.resolve(f), "pulled");
        }
        GridFolder out = GridFolder.open(remote.toUri().toString(), new Configuration(), true, dir.resolve("mirrors"));
        out.pull("records");
        out.pull("prefinetune/Only-SL/lr-1e-03");
        out.pull("finetune/run-Baseline-cb-seed1/lr-1e-03.json");
        for (String f : files) {
            assertTrue(Files.exists(out.local().resolve(f)), f + " is pulled");
        }
        Files.delete(remote.resolve("records/run-Baseline-cb-seed1.failed"));
        Files.delete(remote.resolve("prefinetune/Only-SL/lr-1e-03/checkpoints/LATEST"));
        Files.delete(remote.resolve("finetune/run-Baseline-cb-seed1/lr-1e-03.json"));
        out.pull("records");
        out.pull("prefinetune/Only-SL/lr-1e-03");
        out.pull("finetune/run-Baseline-cb-seed1/lr-1e-03.json");
        assertFalse(Files.exists(out.local().resolve("records/run-Baseline-cb-seed1.failed")));
        assertFalse(Files.exists(out.local().resolve("prefinetune/Only-SL/lr-1e-03/checkpoints/LATEST")));
        assertFalse(Files.exists(out.local().resolve("finetune/run-Baseline-cb-seed1/lr-1e-03.json")));
        assertEquals("pulled", Files.readString(out.local().resolve("records/run-Baseline-cb-seed2.jsonl")));
        assertEquals("pulled", Files.readString(out.local().resolve("prefinetune/Only-SL/lr-1e-03/train-loss.json")));
        // a folder gone from the folder goes from the copy
        io.github.prefine.core.checkpoint.AtomicFiles.deleteTree(remote.resolve("prefinetune"));
        out.pull("prefinetune/Only-SL/lr-1e-03");
        assertFalse(Files.exists(out.local().resolve("prefinetune/Only-SL/lr-1e-03")));
    }

    /**
     * A pull makes the local copy what the folder holds even where a path changed shape: a file in
     * the copy where the folder now holds a folder, and a folder where it now holds a file. The
     * copy's stale file blocked every file of the folder under it, and its stale folder the file's
     * rename into place, so the pull failed instead.
     */
    @Test
    void aPullReplacesAPathOfTheLocalCopyThatIsAFileWhereTheFolderHoldsAFolderOrTheOtherWay() throws IOException {
        Path remote = dir.resolve("reshaped");
        Files.createDirectories(remote.resolve("unit"));
        Files.writeString(remote.resolve("unit/history.json"), "folder's");
        Files.writeString(remote.resolve("marker"), "folder's");
        GridFolder out = GridFolder.open(remote.toUri().toString(), new Configuration(), true, dir.resolve("mirrors"));
        Files.createDirectories(out.local());
        Files.writeString(out.local().resolve("unit"), "stale file");
        Files.createDirectories(out.local().resolve("marker"));
        Files.writeString(out.local().resolve("marker/stale.json"), "stale folder");
        out.pull("unit");
        out.pull("marker");
        assertEquals("folder's", Files.readString(out.local().resolve("unit/history.json")));
        assertEquals("folder's", Files.readString(out.local().resolve("marker")));
    }

    /**
     * A folder that the folder holds empty (the records folder once its only failure marker was
     * deleted to run the sweep again) pulls into a fresh copy as nothing, and empties a copy that
     * had files in it: the pull walked the copy's folder, which a fresh copy lacks, and failed.
     */
    @Test
    void aPullOfAnEmptyFolderLeavesAFreshCopyWithoutItAndEmptiesAnOldOne() throws IOException {
        Path remote = dir.resolve("emptied");
        Files.createDirectories(remote.resolve("records"));
        GridFolder fresh = GridFolder.open(remote.toUri().toString(), new Configuration(), true, dir.resolve("fresh"));
        fresh.pull("records");
        assertFalse(Files.exists(fresh.local().resolve("records/run-Baseline-cb-seed1.failed")));
        Files.writeString(remote.resolve("records/run-Baseline-cb-seed1.failed"), "failed");
        GridFolder old = GridFolder.open(remote.toUri().toString(), new Configuration(), true, dir.resolve("old"));
        old.pull("records");
        assertTrue(Files.exists(old.local().resolve("records/run-Baseline-cb-seed1.failed")));
        Files.delete(remote.resolve("records/run-Baseline-cb-seed1.failed"));
        old.pull("records");
        assertFalse(Files.exists(old.local().resolve("records/run-Baseline-cb-seed1.failed")));
    }

    @Test
    void aForcedRunClearsAMirroredFolderOfWhatALocalForcedRunClears() throws IOException {
        Path remote = dir.resolve("forced");
        // an older run's files, as a local run with --export-models best leaves them
        List<String> old = List.of("records/run-Baseline-cb-seed1.jsonl", "finetune/run-Baseline-cb-seed1/lr-1e-03.json",
                "prefinetune/Only-SL/result.json", "models/cb/Baseline-seed1/prefine-export.json", "results.jsonl",
                "curves-Only-SL.png", "curves-SL+QA.svg");
        List<String> kept = List.of("run.json", "base-encoder/config.json", "table1.md");
        for (String f : Stream.concat(old.stream(), kept.stream()).toList()) {
            Files.createDirectories(remote.resolve(f).getParent());
            Files.writeString(remote.resolve(f), "old run");
        }
        GridFolder out = GridFolder.open(remote.toUri().toString(), new Configuration(), true, dir.resolve("mirrors"));
        SparkGrid.clearForced(out, new GridLayout(out.local()));
        // what GridSession's forced clear deletes locally; the manifest, the demo's encoder and the
        // tables (rewritten by the run) stay
        for (String f : old) {
            assertFalse(Files.exists(remote.resolve(f)), f);
        }
        for (String f : kept) {
            assertTrue(Files.exists(remote.resolve(f)), f);
        }
    }

    @Test
    void aLocalFolderIsUsedInPlaceAndAFileIsNoFolder() throws IOException {
        GridFolder out = GridFolder.open(dir.resolve("here").toString(), new Configuration(), false, dir.resolve("mirrors"));
        assertTrue(out.direct());
        assertEquals(dir.resolve("here").toAbsolutePath(), out.local());
        Path file = Files.writeString(dir.resolve("file"), "x");
        GridFolder bad = GridFolder.open(file.toString(), new Configuration(), false, dir.resolve("mirrors"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bad.checkWritable("--out"));
        assertTrue(e.getMessage().contains("expected a folder, found a file"), e.getMessage());
    }

    /** Folder names a user may give: a space, URI signs and an accented letter. */
    private static final List<String> NAMES = List.of("my run", "caf\u00e9", "a+b,c=d@e#f[1];g");

    /**
     * Each name works as a plain path and as a {@code file:} URI, in place and mirrored. A JVM whose
     * file-name encoding cannot spell the accented name (one started under the POSIX locale, as an
     * IDE does on a machine without {@code LANG}) cannot name the folder at all, whatever GridFolder
     * does, and that encoding is fixed when the JVM starts: there the names are tried in a child JVM
     * started under {@code LC_ALL=C.UTF-8}, so the test checks the same thing wherever it is run from.
     */
    @Test
    void folderNamesWithSpacesSignsAndAccentsWorkInPlaceAndMirrored() throws Exception {
        if (ChildJvm.canName(NAMES.toArray(String[]::new))) {
            pushThroughNamedFolders(dir);
        } else {
            ChildJvm.runUnderUtf8(NamedFolders.class, dir.resolve("named-folders.log"), List.of(), dir.toString());
        }
    }

    /** Writes a file through a GridFolder for each of {@link #NAMES} and checks it arrived, below {@code dir}. */
    private static void pushThroughNamedFolders(Path dir) throws IOException {
        for (String name : NAMES) {
            Path remote = dir.resolve(name);
            for (String uri : List.of(remote.toString(), "file://" + remote)) {
                for (boolean mirror : new boolean[] {false, true}) {
                    String what = uri + (mirror ? ", mirrored" : ", in place");
                    GridFolder out = GridFolder.open(uri, new Configuration(), mirror, dir.resolve("mirrors-" + mirror));
                    out.checkWritable("--out");
                    Path f = out.local().resolve("records/r.jsonl");
                    Files.createDirectories(f.getParent());
                    Files.writeString(f, "{}");
                    out.push("records/r.jsonl");
                    assertEquals("{}", Files.readString(remote.resolve("records/r.jsonl")), what);
                }
            }
        }
    }

    /** The named-folder check in a child JVM: the folder to work in is the only argument; a failure exits non-zero. */
    static final class NamedFolders {
        private NamedFolders() {}

        public static void main(String[] args) throws IOException {
            pushThroughNamedFolders(Path.of(args[0]));
        }
    }
}
