package io.github.prefine.examples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.hub.HubSettings;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.testing.TestFiles;
import io.github.prefine.examples.cli.PrefineCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a {@code data fetch} still replaces a task's files one rename at a time (an older prefine's
 * fetch, the first fetch laying {@link TaskVersions}' links over plain files, a file system without
 * symbolic links), one killed between two renames leaves a task's folder with one new and one old
 * catalog file; every reader must refuse that folder, naming it and saying to fetch again, instead
 * of training on the mix. The state is laid out from two real fetches, as such a fetch leaves it
 * when the process dies after its first rename: the marker written, the old record deleted,
 * {@code train.tsv} replaced by a plain file, {@code dev.tsv} still old with the new one beside it
 * as {@code dev.tsv.fetch-tmp}. ({@link KilledFetchTest} kills a fetch into the versioned layout.)
 */
class InterruptedFetchTest {

    @TempDir
    Path dir;

    private FakeDatasetHub hub;

    @BeforeEach
    void start() throws IOException {
        hub = new FakeDatasetHub();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private DatasetFetcher fetcher(Path root) {
        return new DatasetFetcher(new HubSettings(hub.endpoint(), dir.resolve("cache"), false, null), root, false,
                (f, done, total) -> { }, Duration.ofSeconds(5));
    }

    /** The data root as a fetch of a new version of rte, killed after its first rename, leaves it. */
    private Path killedBetweenRenames() throws IOException {
        Path data = dir.resolve("data");
        hub.putRte(5, 3, "old");
        assertEquals(DatasetFetcher.Outcome.FETCHED, fetcher(data).fetch("rte").outcome());
        Path fresh = dir.resolve("fresh");
        hub.putRte(8, 4, "new");
        assertEquals(DatasetFetcher.Outcome.FETCHED, fetcher(fresh).fetch("rte").outcome());
        String commit = FetchRecord.read(fresh, "rte").orElseThrow().revision();
        // DatasetFetcher.fetch, in order: marker, temporary files, record deleted, renames one by one
        Files.writeString(FetchRecord.marker(data, "rte"), commit + "\n");
        Path folder = data.resolve("cls/glue_rte");
        Files.copy(fresh.resolve("cls/glue_rte/dev.tsv"), folder.resolve("dev.tsv.fetch-tmp"));
        Files.delete(FetchRecord.file(data, "rte"));
        Files.copy(fresh.resolve("cls/glue_rte/train.tsv"), folder.resolve("train.tsv"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertNotEquals(Files.readString(fresh.resolve("cls/glue_rte/dev.tsv")), Files.readString(folder.resolve("dev.tsv")),
                "dev.tsv is still the old version");
        // the CB target, hand-laid, so that reproduce has a target to run
        String cb = "{\"premise\":\"p\",\"hypothesis\":\"h\",\"label\":\"neutral\"}\n";
        TestFiles.write(data, "cls/cb/train.jsonl", cb);
        TestFiles.write(data, "cls/cb/val.jsonl", cb);
        return data;
    }

    private static void assertNamesFolderAndFetch(String message, Path data) {
        assertTrue(message.contains(data.resolve("cls/glue_rte").toAbsolutePath().normalize().toString()), message);
        assertTrue(message.contains("prefine data fetch --data " + data.toAbsolutePath().normalize() + " --tasks rte"),
                message);
    }

    @Test
    void reproduceRefusesAFolderThatAKilledFetchLeftHalfReplaced() throws IOException {
        Path data = killedBetweenRenames();
        assertEquals(DataStatus.Origin.INCOMPLETE_FETCH, DataStatus.row(data, TaskCatalog.task("rte")).origin());

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream was = System.err;
        int rc;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            rc = PrefineCli.execute("reproduce", "--data", data.toString(), "--groups", "C", "--targets", "cb",
                    "--device", "cpu", "--encoder", dir.resolve("no-encoder").toString(), "--out",
                    dir.resolve("out").toString());
        } finally {
            System.setErr(was);
        }
        String e = err.toString(StandardCharsets.UTF_8);
        List<String> lines = e.lines().filter(l -> !l.isBlank() && l.startsWith("prefine ")).toList();
        assertEquals(2, rc, e);
        assertEquals(1, lines.size(), e);
        assertTrue(lines.get(0).startsWith("prefine reproduce: "), e);
        assertNamesFolderAndFetch(lines.get(0), data);
        assertFalse(lines.get(0).contains("check the file, the disk and the network"), e);
        assertFalse(Files.exists(dir.resolve("out")), "--out was written before the data was checked");
    }

    @Test
    void benchDataRefusesAFolderThatAKilledFetchLeftHalfReplacedBeforeReadingAnyTask() throws IOException {
        Path tokenizer = SharedFixtures.require("models/all-MiniLM-L6-v2/tokenizer.json");
        Path data = killedBetweenRenames();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream wasOut = System.out;
        PrintStream wasErr = System.err;
        int rc;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            rc = PrefineCli.execute("bench", "--part", "DATA", "--data", data.toString(), "--tokenizer", tokenizer.toString());
        } finally {
            System.setOut(wasOut);
            System.setErr(wasErr);
        }
        String e = err.toString(StandardCharsets.UTF_8);
        String o = out.toString(StandardCharsets.UTF_8);
        List<String> lines = e.lines().filter(l -> l.startsWith("prefine ")).toList();
        assertEquals(2, rc, o + e);
        assertEquals(1, lines.size(), e);
        assertTrue(lines.get(0).startsWith("prefine bench: "), e);
        assertNamesFolderAndFetch(lines.get(0), data);
        // neither the mix nor the intact CB task was measured: the refusal comes before any work
        assertFalse(o.lines().anyMatch(l -> l.startsWith("rte ") || l.startsWith("cb ")), o);
    }

    @Test
    void theEvaluationOrderBenchRefusesTheMixToo() throws IOException {
        Path data = killedBetweenRenames();

        IncompleteFetchException e = assertThrows(IncompleteFetchException.class,
                () -> io.github.prefine.examples.bench.EvaluationOrderBench.main(new String[] {data.toString(), "1", "rte"}));

        assertNamesFolderAndFetch(e.getMessage(), data);
    }

    @Test
    void theCatalogSourceOfTheCommandsRefusesToLoadTheMix() throws IOException {
        Path data = killedBetweenRenames();

        IncompleteFetchException e = assertThrows(IncompleteFetchException.class,
                () -> FetchedData.source(data, Leniency.LENIENT).load(TaskCatalog.task("rte")));

        assertNamesFolderAndFetch(e.getMessage(), data);
        // a task the fetch did not touch still loads
        assertEquals(1, FetchedData.source(data, Leniency.LENIENT).load(TaskCatalog.task("cb")).split(io.github.prefine.core.task.Split.TRAIN).size());
    }
}
