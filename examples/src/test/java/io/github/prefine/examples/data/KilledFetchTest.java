package io.github.prefine.examples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.hub.HubSettings;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.examples.ShortLivedJvm;
import io.github.prefine.examples.cli.PrefineCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code prefine data fetch} in a child JVM, killed with SIGKILL part-way through fetching a
 * new version of RTE from a loopback Hub that serves a file slowly, leaves the task whole: the
 * readers of the commands load the old version, both splits of it, and the next fetch deletes the
 * staging folder the kill left (and says so) and publishes the new version whole.
 */
class KilledFetchTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final String NEW_COMMIT = "feed0123456789abcdef0123456789abcdef0123";
    private static final String SLOW_FILE = "rte/validation/0000.parquet";

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
                (f, done, total) -> { }, Duration.ofSeconds(30));
    }

    private Process startFetch(Path data, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-Djava.awt.headless=true"));
        cmd.addAll(ShortLivedJvm.OPTIONS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PrefineCli.class.getName(), "data", "fetch",
                "--data", data.toString(), "--tasks", "rte"));
        ProcessBuilder pb = ChildProcesses.builder(cmd)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("HF_ENDPOINT", hub.endpoint().toString());
        pb.environment().put("HF_HUB_CACHE", dir.resolve("cache").toString());
        pb.environment().remove("HF_HUB_OFFLINE");
        pb.environment().remove("HF_TOKEN");
        return pb.start();
    }

    /** What the fetch has written outside its download cache, which is resumable and not read by the commands. */
    private static List<String> published(Path data) throws IOException {
        Path cache = data.resolve(".prefine").resolve("hub");
        try (Stream<Path> s = Files.walk(data)) {
            return s.filter(p -> !p.startsWith(cache)).map(p -> data.relativize(p).toString()).sorted().toList();
        } catch (java.io.UncheckedIOException e) {
            return List.of("(changed while listed)");
        }
    }

    private static List<String> staging(Path data) throws IOException {
        try (Stream<Path> s = Files.walk(data)) {
            return s.map(p -> data.relativize(p).toString()).filter(p -> p.endsWith(".staging") || p.endsWith(".fetch-tmp"))
                    .toList();
        }
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL, as kill -9
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the killed fetch did not end");
    }

    @Test
    void aFetchKilledWhileDownloadingOrWritingLeavesTheTaskWholeAndTheNextFetchCleansUp() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("fetch.log");
        hub.putRte(400, 3, "old");
        assertEquals(DatasetFetcher.Outcome.FETCHED, fetcher(data).fetch("rte").outcome());
        FakeDatasetHub.assertRteVersion(data, "old", 400, 3);

        hub.commit(NEW_COMMIT);
        hub.putRte(500, 4, "new");
        hub.slow("nyu-mll/glue", SLOW_FILE, 16, 20);

        // killed while the server trickles the validation file
        Process p = startFetch(data, log);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (hub.bodiesStarted("nyu-mll/glue", SLOW_FILE) == 0 && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(200);
            assertTrue(p.isAlive(), "the fetch ended before it was killed: " + Files.readString(log));
            kill(p);
        } finally {
            p.destroyForcibly();
        }
        FakeDatasetHub.assertRteVersion(data, "old", 400, 3);

        // killed as soon as it writes anything beside its download cache
        List<String> before = published(data);
        p = startFetch(data, log);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (published(data).equals(before) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(p.isAlive(), "the fetch ended before it was killed: " + Files.readString(log, StandardCharsets.UTF_8));
            kill(p);
        } finally {
            p.destroyForcibly();
        }
        FakeDatasetHub.assertRteVersion(data, "old", 400, 3);
        assertEquals(DataStatus.Origin.FETCHED, DataStatus.row(data, TaskCatalog.task("rte")).origin());
        assertEquals(1, staging(data).size(), "the kill left no staging folder: " + staging(data));

        hub.slow("nyu-mll/glue", SLOW_FILE, 1 << 20, 0);
        DatasetFetcher.Result r = fetcher(data).fetch("rte");

        assertEquals(DatasetFetcher.Outcome.FETCHED, r.outcome(), r.detail());
        assertTrue(r.detail().contains("deleted 1 staging folder a stopped fetch left"), r.detail());
        FakeDatasetHub.assertRteVersion(data, "new", 500, 4);
        assertEquals(NEW_COMMIT, FetchRecord.read(data, "rte").orElseThrow().revision());
        assertEquals(List.of(), staging(data));
    }
}
