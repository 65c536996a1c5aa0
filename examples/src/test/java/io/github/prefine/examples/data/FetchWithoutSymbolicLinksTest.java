package io.github.prefine.examples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.hub.HubSettings;
import io.github.prefine.core.task.TaskCatalog;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code data fetch} into a data root whose file system has no symbolic links, where
 * {@link TaskVersions} publishes a version file by file under the fetch's marker.
 *
 * <p>No such file system can be made here or in CI without root: FAT and exFAT images need
 * {@code mount}, and an unprivileged user namespace may mount only file systems that have links
 * (tmpfs, overlay). So the fetch runs on the real disk with {@link TaskVersions.SymbolicLinks} failing
 * every link as such a file system fails it. Two failures are modelled, the two that
 * {@link java.nio.file.Files#createSymbolicLink} documents and the publish catches: a
 * {@link FileSystemException} with the reason "Operation not permitted", which the JDK makes of the
 * {@code EPERM} that Linux returns for {@code symlink(2)} on vfat or exFAT (their inodes have no
 * symlink operation), and an {@link UnsupportedOperationException}, which a file system provider
 * without links throws (the JDK's zip file system does).
 */
class FetchWithoutSymbolicLinksTest {

    @TempDir
    Path dir;

    private final AtomicInteger linksTried = new AtomicInteger();

    /** A symlink(2) on a vfat or exFAT mount, as the JDK reports it. */
    private TaskVersions.SymbolicLinks vfat() {
        return (link, target) -> {
            linksTried.incrementAndGet();
            throw new FileSystemException(link.toString(), null, "Operation not permitted");
        };
    }

    /** A file system provider without links. */
    private TaskVersions.SymbolicLinks noLinkSupport() {
        return (link, target) -> {
            linksTried.incrementAndGet();
            throw new UnsupportedOperationException();
        };
    }

    private DatasetFetcher fetcher(FakeDatasetHub hub, Path data, TaskVersions.SymbolicLinks links) {
        return new DatasetFetcher(new HubSettings(hub.endpoint(), dir.resolve("cache"), false, null), data, false,
                (f, done, total) -> { }, Duration.ofSeconds(5), links);
    }

    /** Everything under the data root but the download cache, as a file system without links holds it. */
    private static List<String> published(Path data) throws IOException {
        Path cache = data.resolve(".prefine").resolve("hub");
        try (Stream<Path> s = Files.walk(data)) {
            List<Path> all = s.filter(p -> !p.startsWith(cache) && !p.equals(data)).toList();
            for (Path p : all) {
                assertFalse(Files.isSymbolicLink(p), p + " is a symbolic link");
            }
            return all.stream().map(p -> data.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    private static final List<String> PUBLISHED = List.of(".prefine", ".prefine/fetched", ".prefine/fetched/rte.json",
            ".prefine/tasks", ".prefine/tasks/rte", ".prefine/tasks/rte/fetch.lock", "cls", "cls/glue_rte",
            "cls/glue_rte/dev.tsv", "cls/glue_rte/train.tsv");

    @Test
    void aFetchPublishesTheTaskFileByFileAsPlainFilesThatTheReadersLoadWhole() throws IOException {
        for (TaskVersions.SymbolicLinks links : List.of(vfat(), noLinkSupport())) {
            Path data = dir.resolve("data-" + linksTried.get());
            try (FakeDatasetHub hub = new FakeDatasetHub().putRte(5, 3, "old")) {
                DatasetFetcher.Result r = fetcher(hub, data, links).fetch("rte");

                assertEquals(DatasetFetcher.Outcome.FETCHED, r.outcome(), r.detail());
                assertEquals(PUBLISHED, published(data), "no current, no version folder, no marker left");
                FakeDatasetHub.assertRteVersion(data, "old", 5, 3);
                FetchRecord record = FetchRecord.read(data, "rte").orElseThrow();
                assertTrue(record.intact(data));
                assertEquals(FakeDatasetHub.COMMIT, record.revision());
                assertEquals(DataStatus.Origin.FETCHED, DataStatus.row(data, TaskCatalog.task("rte")).origin());
                // the record says the plain files are intact: nothing to do until the dataset changes
                assertEquals(DatasetFetcher.Outcome.UP_TO_DATE, fetcher(hub, data, links).fetch("rte").outcome());
            }
        }
        assertEquals(2, linksTried.get(), "one try per publish, then file by file");
    }

    @Test
    void aPublishStoppedBetweenTwoRenamesIsRefusedByTheReadersAndTheNextFetchPublishesWhole() throws IOException {
        Path data = dir.resolve("data");
        try (FakeDatasetHub hub = new FakeDatasetHub().putRte(5, 3, "old")) {
            assertEquals(DatasetFetcher.Outcome.FETCHED, fetcher(hub, data, vfat()).fetch("rte").outcome());
            hub.commit("feed0123456789abcdef0123456789abcdef0123");
            hub.putRte(8, 4, "new");
            // train.tsv is renamed first, then dev.tsv: a folder in dev.tsv's place makes that rename
            // fail, which stops the publish where a kill between the two renames stops it (a kill runs
            // no clean-up either: what the failure leaves, the process's death would leave)
            Path folder = data.resolve("cls/glue_rte");
            Path oldDev = Files.move(folder.resolve("dev.tsv"), dir.resolve("old-dev.tsv"));
            Files.createDirectories(folder.resolve("dev.tsv").resolve("in-the-way"));

            assertThrows(IOException.class, () -> fetcher(hub, data, vfat()).fetch("rte"));

            assertTrue(Files.exists(FetchRecord.marker(data, "rte")), "the marker says the files may mix two versions");
            assertTrue(Files.readString(folder.resolve("train.tsv")).contains("new premise"), "train.tsv was replaced");
            assertFalse(Files.exists(FetchRecord.file(data, "rte")), "the old record is deleted before the first rename");
            try (Stream<Path> s = Files.list(TaskVersions.dir(data, "rte"))) {
                assertEquals(1, s.filter(p -> p.getFileName().toString().startsWith("v-")).count(),
                        "the version being published");
            }
            // as the stopped fetch left it, with the old dev.tsv back in place of the obstacle
            Files.delete(folder.resolve("dev.tsv").resolve("in-the-way"));
            Files.delete(folder.resolve("dev.tsv"));
            Files.move(oldDev, folder.resolve("dev.tsv"));
            IncompleteFetchException e = assertThrows(IncompleteFetchException.class,
                    () -> FetchedData.source(data, Leniency.LENIENT).load(TaskCatalog.task("rte")));
            assertTrue(e.getMessage().startsWith(folder + ": a data fetch of task rte is replacing its files"),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("run prefine data fetch --data " + data + " --tasks rte again"),
                    e.getMessage());
            assertEquals(DataStatus.Origin.INCOMPLETE_FETCH, DataStatus.row(data, TaskCatalog.task("rte")).origin());

            DatasetFetcher.Result r = fetcher(hub, data, vfat()).fetch("rte");

            assertEquals(DatasetFetcher.Outcome.FETCHED, r.outcome(), r.detail());
            // what it left is a renamed version, no staging folder
            assertTrue(r.detail().endsWith("; deleted 1 unpublished version a stopped fetch left"), r.detail());
            assertEquals(PUBLISHED, published(data));
            FakeDatasetHub.assertRteVersion(data, "new", 8, 4);
            assertEquals(DataStatus.Origin.FETCHED, DataStatus.row(data, TaskCatalog.task("rte")).origin());
            assertTrue(FetchRecord.read(data, "rte").orElseThrow().intact(data));
            assertFalse(Files.exists(FetchRecord.marker(data, "rte"), LinkOption.NOFOLLOW_LINKS));
        }
    }
}
