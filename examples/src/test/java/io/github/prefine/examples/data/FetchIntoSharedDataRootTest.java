package io.github.prefine.examples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.hub.HubSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real symbolic links planted in a data root that others can write, at the names a fetch writes in
 * place: none is written through, so the file each leads to stays as it was.
 */
class FetchIntoSharedDataRootTest {
    private static final String VICTIM = "someone's own file\n";

    @TempDir
    Path dir;

    private FakeDatasetHub hub;

    @BeforeEach
    void start() throws IOException {
        hub = new FakeDatasetHub().putRte(5, 3, "old");
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private DatasetFetcher fetcher(Path data) {
        return new DatasetFetcher(new HubSettings(hub.endpoint(), dir.resolve("cache"), false, null), data, false,
                (f, done, total) -> { }, Duration.ofSeconds(5));
    }

    @Test
    void aLinkAtTheTempNameOfAnEarlierVersionsListingIsNotWrittenThrough() throws IOException {
        Path victim = Files.writeString(dir.resolve("elsewhere.txt"), VICTIM);
        Path data = dir.resolve("data");
        // earlier versions wrote each split's listing in place under this fixed temp name
        Path split = Files.createDirectories(data.resolve(".prefine/hub/nyu-mll--glue")
                .resolve(FakeDatasetHub.COMMIT).resolve("rte/train"));
        Files.createSymbolicLink(split.resolve(".hub-listing.tmp"), victim);

        assertEquals(DatasetFetcher.Outcome.FETCHED, fetcher(data).fetch("rte").outcome());

        assertEquals(VICTIM, Files.readString(victim));
        assertTrue(Files.readString(split.resolve(".hub-listing")).startsWith("rte/train/0000.parquet\t"));
    }

    @Test
    void aLinkAtTheFetchLockIsRefusedAndCreatesNothingWhereItLeads() throws IOException {
        Path absent = Files.createDirectories(dir.resolve("elsewhere")).resolve("new-file");
        Path data = dir.resolve("data");
        Path lock = Files.createSymbolicLink(Files.createDirectories(TaskVersions.dir(data, "rte")).resolve("fetch.lock"),
                absent);

        IOException e = assertThrows(IOException.class, () -> fetcher(data).fetch("rte"));

        assertTrue(e.getMessage().startsWith(lock + ": must be a plain file, found a symbolic link to " + absent),
                e.getMessage());
        assertFalse(Files.exists(absent, LinkOption.NOFOLLOW_LINKS), "the lock created the link's target");
        assertFalse(Files.exists(data.resolve("cls"), LinkOption.NOFOLLOW_LINKS), "nothing published");
    }

    @Test
    void theWritersOfAVersionRefuseALinkAtTheirTarget() throws IOException {
        // a version's folder has a fresh random name, so a link there must win a race with the fetch;
        // its writers refuse one all the same
        Path data = dir.resolve("data");
        assertEquals(DatasetFetcher.Outcome.FETCHED, fetcher(data).fetch("rte").outcome());
        Path victim = Files.writeString(dir.resolve("elsewhere.txt"), VICTIM);
        Path staging = Files.createDirectories(dir.resolve("v-staging/cls/glue_rte"));
        Path train = Files.createSymbolicLink(staging.resolve("train.tsv"), victim);
        Path record = Files.createSymbolicLink(staging.resolve(TaskVersions.RECORD), victim);
        Path parquet = data.resolve(".prefine/hub/nyu-mll--glue").resolve(FakeDatasetHub.COMMIT)
                .resolve("rte/train/0000.parquet");
        CatalogWriter writer = new CatalogWriter(HubDatasets.forTask("rte").orElseThrow(),
                io.github.prefine.core.task.TaskCatalog.task("rte"));

        IOException e = assertThrows(IOException.class, () -> writer.write("train", java.util.List.of(parquet), train));
        assertThrows(IOException.class, () -> FetchRecord.read(data, "rte").orElseThrow().write(record));

        assertTrue(e.getMessage().startsWith(train + ": must be a plain file, found a symbolic link to " + victim),
                e.getMessage());
        assertEquals(VICTIM, Files.readString(victim));
    }
}
