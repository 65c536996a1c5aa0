package io.github.prefine.core.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model in the cache under a branch whose commit then moves on the Hub. The contract (the
 * resolver's class comment): online, a branch is asked for its commit with one request and a new
 * commit is fetched; a 40-digit commit and offline are served from the cache without any
 * request; a Hub that fails serves the cached commit; a Hub that refuses fails, naming it.
 */
class ModelResolverCachedBranchTest {
    static {
        // the same level as the other hub tests, whichever class the JVM runs first
        System.setProperty("org.slf4j.simpleLogger.log.io.github.prefine.core.hub", "debug");
    }

    private static final String ID = "acme/branchy";
    private static final String OLD = "1111111111111111111111111111111111111111";
    private static final String NEW = "2222222222222222222222222222222222222222";
    private static final Map<String, Map<String, byte[]>> COMMITS = Map.of(
            OLD, Map.of("config.json", bytes("{\"hidden_size\": 8}"), "model.safetensors", bytes("old weights")),
            NEW, Map.of("config.json", bytes("{\"hidden_size\": 16}"), "model.safetensors", bytes("new weights!")));

    @TempDir
    Path cache;

    private BranchHub hub;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A Hub whose {@code main} names whichever commit the test sets, or that answers every request with one status. */
    private static final class BranchHub extends AbstractHubServer {
        private volatile String main = OLD;
        private volatile int failWith;

        BranchHub() throws IOException {
            super("branch-hub");
        }

        @Override
        protected void handle(HttpExchange ex) throws IOException {
            try {
                answer(ex);
            } finally {
                ex.close();
            }
        }

        private void answer(HttpExchange ex) throws IOException {
            if (failWith != 0) {
                ex.getResponseHeaders().set("X-Error-Code", failWith == 404 ? "RepoNotFound" : "ServiceUnavailable");
                ex.getResponseHeaders().set("Retry-After", "0"); // the retries of a 503 cost no time
                ex.sendResponseHeaders(failWith, -1);
                return;
            }
            String[] parts = ex.getRequestURI().getPath().split("/resolve/", 2)[1].split("/", 2);
            String commit = parts[0].equals("main") ? main : parts[0];
            byte[] body = COMMITS.getOrDefault(commit, Map.of()).get(parts[1]);
            if (body == null) {
                ex.getResponseHeaders().set("X-Error-Code", "EntryNotFound");
                ex.sendResponseHeaders(404, -1);
                return;
            }
            ex.getResponseHeaders().set("X-Repo-Commit", commit);
            ex.getResponseHeaders().set("ETag", "\"" + gitBlobId(body) + "\"");
            ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(200, -1);
                return;
            }
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
    }

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

    @Test
    void aHubThatRefusesTheModelFailsNamingTheCachedCommit() throws IOException {
        cacheOldThenPushNew();
        hub.failWith = 404;

        HubException e = assertThrows(HubException.class, () -> resolve(hub.endpoint(), false, "main"));

        assertEquals(404, e.statusCode());
        assertTrue(e.getMessage().contains("404 Not Found") && e.getMessage().endsWith("; the cache holds commit " + OLD
                + " of " + ID + "@main: set HF_HUB_OFFLINE=1, or pass that commit as the revision, to use it without"
                + " asking the Hub"), e.getMessage());
        assertEquals(OLD, ref());
    }
}
