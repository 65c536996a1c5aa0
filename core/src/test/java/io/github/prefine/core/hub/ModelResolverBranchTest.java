package io.github.prefine.core.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CopyOnWriteArrayList;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A branch that moves on the Hub ({@link BranchHub}). While a model is resolved: a snapshot folder
 * is named by one commit, so every file in it must come from that commit (as {@code
 * huggingface_hub} fetches a snapshot at the commit its first answer named), never a mix of the
 * old config and the new weights. Once the model is in the cache (the contract of the resolver's
 * class comment): online, a branch is asked for its commit with one request and a new commit is
 * fetched; a 40-digit commit and offline are served from the cache without any request; a Hub
 * that fails serves the cached commit; a Hub that refuses fails, naming it.
 */
class ModelResolverBranchTest {
    private static final String ID = "acme/branchy";
    private static final String OLD = BranchHub.OLD;
    private static final String NEW = BranchHub.NEW;
    private static final Map<String, Map<String, byte[]>> COMMITS = BranchHub.COMMITS;

    @TempDir
    Path cache;

    private BranchHub hub;

    @BeforeEach
    void start() throws IOException {
        hub = new BranchHub();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private ResolvedModel resolve(URI endpoint, boolean offline, String revision) throws IOException {
        return ModelResolver.builder().optSettings(new HubSettings(endpoint, cache, offline, null))
                .optRevision(revision).build().resolve(ID);
    }

    /** Resolves main once, so the cache holds OLD under refs/main, then moves main to NEW. */
    private void cacheOldThenPushNew() throws IOException {
        assertEquals(OLD, resolve(hub.endpoint(), false, "main").commit());
        hub.main = NEW;
        hub.clearSeen();
    }

    private String ref() throws IOException {
        return Files.readString(cache.resolve("models--acme--branchy/refs/main"));
    }

    @Test
    void everyFileOfTheSnapshotComesFromTheCommitThatNamesIt() throws IOException {
        hub.moveAfterConfig = NEW; // someone pushes right after the config was downloaded

        ResolvedModel m = resolve(hub.endpoint(), false, "main");

        assertEquals(OLD, m.commit());
        for (String file : List.of("config.json", "tokenizer.json", "model.safetensors")) {
            assertArrayEquals(COMMITS.get(OLD).get(file), Files.readAllBytes(m.folder().resolve(file)),
                    file + " of snapshot " + OLD + "; requests: " + hub.seen());
        }
        assertEquals(OLD, ref());
    }

    @Test
    void aBranchThatMovedOnTheHubIsFetchedAtItsNewCommit() throws IOException {
        cacheOldThenPushNew();

        ResolvedModel m = resolve(hub.endpoint(), false, "main");

        assertEquals(NEW, m.commit());
        assertEquals(ResolvedModel.Origin.DOWNLOADED, m.origin());
        assertArrayEquals(COMMITS.get(NEW).get("model.safetensors"), Files.readAllBytes(m.folder().resolve("model.safetensors")));
        assertEquals(NEW, ref());
        // the old snapshot stays, so a run that recorded OLD can still pin it, without a request
        hub.clearSeen();
        ResolvedModel pinned = resolve(hub.endpoint(), false, OLD);
        assertEquals(ResolvedModel.Origin.CACHE, pinned.origin());
        assertArrayEquals(COMMITS.get(OLD).get("config.json"), Files.readAllBytes(pinned.folder().resolve("config.json")));
        assertEquals(List.of(), hub.seen());
    }

    @Test
    void aBranchThatStayedCostsOneHeadAndServesTheCache() throws IOException {
        assertEquals(OLD, resolve(hub.endpoint(), false, "main").commit());
        hub.clearSeen();

        ResolvedModel m = resolve(hub.endpoint(), false, "main");

        assertEquals(ResolvedModel.Origin.CACHE, m.origin());
        assertEquals(OLD, m.commit());
        assertEquals(List.of("HEAD /" + ID + "/resolve/main/config.json"),
                hub.seen().stream().map(s -> s.method() + " " + s.path()).toList());
    }

    @Test
    void offlineServesTheCachedCommitWithoutARequest() throws IOException {
        cacheOldThenPushNew();

        ResolvedModel m = resolve(hub.endpoint(), true, "main");

        assertEquals(OLD, m.commit());
        assertEquals(ResolvedModel.Origin.CACHE, m.origin());
        assertEquals(List.of(), hub.seen());
        assertEquals(OLD, ref());
    }

    @Test
    void aFailingHubServesTheCachedCommit() throws IOException {
        cacheOldThenPushNew();
        hub.failWith = 503;

        ResolvedModel m = resolve(hub.endpoint(), false, "main");

        assertEquals(OLD, m.commit());
        assertEquals(ResolvedModel.Origin.CACHE, m.origin());
        assertEquals(6, hub.seen().size(), hub.seen().toString()); // the HEAD and its 5 retries
        assertEquals(OLD, ref());
    }

    @Test
    void anUnreachableHubServesTheCachedCommit() throws IOException {
        cacheOldThenPushNew();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }

        ResolvedModel m = resolve(URI.create("http://127.0.0.1:" + port), false, "main");

        assertEquals(OLD, m.commit());
        assertEquals(ResolvedModel.Origin.CACHE, m.origin());
    }

    /**
     * A firewall that drops packets silently: the connection is taken but the HEAD never answered.
     * The check waits the etag timeout (HF_HUB_ETAG_TIMEOUT, as huggingface_hub bounds its metadata
     * request), not the request timeout, and is not retried: the cached commit is served with the
     * warning after one attempt and no backoff (the old code asked six times, 60 s each).
     */
    @Test
    void aHubThatNeverAnswersTheCheckServesTheCachedCommitAfterOneEtagTimeout() throws Exception {
        cacheOldThenPushNew();
        List<Socket> held = new CopyOnWriteArrayList<>();
        List<Duration> waits = new ArrayList<>();
        PrintStream realErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // held open, never read or answered
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            HubSettings settings = new HubSettings(URI.create("http://127.0.0.1:" + silent.getLocalPort()), cache,
                    false, null).withEtagTimeout(Duration.ofMillis(200));
            ResolvedModel m;
            try {
                System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
                // a request timeout ten times the etag timeout; short, so that code which retried the check ends soon
                m = ModelResolver.builder().optSettings(settings).optRevision("main").optRequestTimeout(
                        Duration.ofSeconds(2)).sleeper(waits::add).build().resolve(ID);
            } finally {
                System.setErr(realErr);
                for (Socket s : held) {
                    s.close();
                }
            }

            assertEquals(OLD, m.commit());
            assertEquals(ResolvedModel.Origin.CACHE, m.origin());
            assertEquals(List.of(), waits, "a timed-out check is not retried");
            String logs = captured.toString(StandardCharsets.UTF_8);
            assertTrue(logs.lines().anyMatch(l -> l.contains("WARN")
                    && l.contains("cannot ask the Hub whether main moved") && l.contains("failed after 1 attempt: ") && l.endsWith("using the cached commit " + OLD)), logs);
        }
    }

    @Test
    void theEtagTimeoutComesFromHfHubEtagTimeout() {
        Path home = Path.of("/home/someone");
        assertEquals(Duration.ofSeconds(10), HubSettings.fromEnvironment(Map.of(), home).etagTimeout());
        assertEquals(Duration.ofSeconds(3), HubSettings.fromEnvironment(Map.of("HF_HUB_ETAG_TIMEOUT", " 3 "), home)
                .etagTimeout());
        for (String bad : List.of("0", "-1", "soon", "2.5")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HubSettings.fromEnvironment(Map.of("HF_HUB_ETAG_TIMEOUT", bad), home));
            assertEquals("HF_HUB_ETAG_TIMEOUT must be a whole number of seconds of at least 1, found '" + bad + "'",
                    e.getMessage());
        }
    }

    /**
     * huggingface_hub's hf_hub_download, when its HEAD meets an HTTP error other than
     * RevisionNotFound or EntryNotFound (a private or gated repository asked without a token, a
     * repository it cannot see), looks in the cache and serves the file there; so did prefine
     * before it asked. A cached model stays usable without the token that fetched it.
     */
    @Test
    void aRepositoryTheHubWillNotShowServesTheCachedCommit() throws IOException {
        cacheOldThenPushNew();
        int[][] answers = {{401, 0}, {403, 1}, {404, 0}};
        String[] codes = {"RepoNotFound", "GatedRepo"};
        for (int[] a : answers) {
            hub.failWith = a[0];
            hub.failCode = codes[a[1]];

            ResolvedModel m = resolve(hub.endpoint(), false, "main");

            assertEquals(OLD, m.commit(), a[0] + " " + codes[a[1]]);
            assertEquals(ResolvedModel.Origin.CACHE, m.origin());
            assertEquals(OLD, ref());
        }
    }

    @Test
    void aHubThatRefusesTheModelFailsNamingTheCachedCommit() throws IOException {
        cacheOldThenPushNew();
        hub.failWith = 404;
        hub.failCode = "RevisionNotFound"; // the branch was deleted

        HubException e = assertThrows(HubException.class, () -> resolve(hub.endpoint(), false, "main"));

        assertEquals(404, e.statusCode());
        assertTrue(e.getMessage().contains("404 Not Found (RevisionNotFound): the repository has no branch, tag or"
                + " commit 'main'") && e.getMessage().endsWith("; the cache holds commit " + OLD
                + " of " + ID + "@main: set HF_HUB_OFFLINE=1, or pass that commit as the revision, to use it without"
                + " asking the Hub"), e.getMessage());
        assertEquals(OLD, ref());
    }

    @Test
    void offlineFindsABranchATagAndAFullCommitAsHuggingFaceHubLaysThemOutAndNamesTheCommitAShortHashStarts()
            throws IOException {
        // a cache as huggingface_hub writes it: refs/<name> holds the commit (no newline), snapshots/<commit>/ the files
        Path repo = cache.resolve("models--acme--branchy");
        for (String commit : List.of(OLD, NEW)) {
            for (var f : COMMITS.get(commit).entrySet()) {
                Path file = repo.resolve("snapshots").resolve(commit).resolve(f.getKey());
                Files.createDirectories(file.getParent());
                Files.write(file, f.getValue());
            }
        }
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), NEW);
        Files.writeString(repo.resolve("refs/v1.0"), OLD);

        assertEquals(NEW, resolve(hub.endpoint(), true, "main").commit());
        assertEquals(OLD, resolve(hub.endpoint(), true, "v1.0").commit());
        assertEquals(OLD, resolve(hub.endpoint(), true, OLD).commit());
        assertEquals(List.of(), hub.seen());

        ModelNotFoundException e = assertThrows(ModelNotFoundException.class,
                () -> resolve(hub.endpoint(), true, OLD.substring(0, 7)));
        assertTrue(e.getMessage().contains("Hugging Face cache ref " + repo.resolve("refs").resolve(OLD.substring(0, 7))
                + ": absent; a commit is found in the cache by its full 40-digit hash only, as in huggingface_hub: the"
                + " cache holds " + OLD + ", which starts with " + OLD.substring(0, 7)), e.getMessage());
        e = assertThrows(ModelNotFoundException.class, () -> resolve(hub.endpoint(), true, "0000000"));
        assertTrue(e.getMessage().contains("(no cached commit starts with 0000000)"), e.getMessage());
        // a branch name that is no hash gets no such advice
        e = assertThrows(ModelNotFoundException.class, () -> resolve(hub.endpoint(), true, "dev"));
        assertFalse(e.getMessage().contains("40-digit"), e.getMessage());
        assertEquals(List.of(), hub.seen());
    }
}
