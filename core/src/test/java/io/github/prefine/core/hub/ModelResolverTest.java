package io.github.prefine.core.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ModelResolverTest {
    private static final String ID = "acme/tiny-bert";
    private static final byte[] CONFIG = "{\"model_type\": \"bert\", \"hidden_size\": 8}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TOKENIZER = "{\"version\": \"1.0\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WEIGHTS = randomBytes(200_000, 7);

    @TempDir
    Path tmp;

    private LocalHubServer hub;
    private Path cache;

    @BeforeEach
    void start() throws IOException {
        hub = new LocalHubServer();
        hub.put(ID, "config.json", CONFIG, false).put(ID, "tokenizer.json", TOKENIZER, false)
                .put(ID, "model.safetensors", WEIGHTS, true);
        cache = tmp.resolve("hub-cache");
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private HubSettings settings(String token) {
        return new HubSettings(hub.endpoint(), cache, false, token);
    }

    private ModelResolver resolver(HubSettings s, int attempts) {
        // the waits between resumes are skipped, not slept
        return ModelResolver.builder().optSettings(s).optDownloadAttempts(attempts).sleeper(wait -> { }).build();
    }

    @Test
    void downloadsIntoCacheLayoutThenServesSecondResolveFromTheCache() throws IOException {
        ResolvedModel first = resolver(settings(null), 1).resolve(ID);
        Path repo = cache.resolve("models--acme--tiny-bert");
        Path snapshot = repo.resolve("snapshots").resolve(LocalHubServer.COMMIT);
        assertEquals(ResolvedModel.Origin.DOWNLOADED, first.origin());
        assertEquals(snapshot, first.folder());
        assertEquals(LocalHubServer.COMMIT, first.commit());
        assertArrayEquals(CONFIG, Files.readAllBytes(snapshot.resolve("config.json")));
        assertArrayEquals(TOKENIZER, Files.readAllBytes(snapshot.resolve("tokenizer.json")));
        assertArrayEquals(WEIGHTS, Files.readAllBytes(snapshot.resolve("model.safetensors")));
        // the layout Python's huggingface_hub writes: relative links into blobs named by etag, and a ref
        Path link = snapshot.resolve("model.safetensors");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(Path.of("../../blobs/" + LocalHubServer.sha256(WEIGHTS)), Files.readSymbolicLink(link));
        assertEquals(LocalHubServer.COMMIT, Files.readString(repo.resolve("refs/main")));
        try (Stream<Path> blobs = Files.list(repo.resolve("blobs"))) {
            assertTrue(blobs.noneMatch(p -> p.toString().endsWith(".incomplete")));
        }

        hub.clearSeen();
        // online, a branch costs one HEAD that finds it still at the cached commit (ModelResolverBranchTest)
        ResolvedModel second = resolver(settings(null), 1).resolve(ID);
        assertEquals(ResolvedModel.Origin.CACHE, second.origin());
        assertEquals(snapshot, second.folder());
        assertEquals(List.of("HEAD"), hub.seen().stream().map(AbstractHubServer.Seen::method).toList());
        hub.clearSeen();
        ResolvedModel offline = resolver(settings(null).withOffline(true), 1).resolve(ID);
        assertEquals(ResolvedModel.Origin.CACHE, offline.origin());
        assertEquals(List.of(), hub.seen());
    }

    /*
     * A long-lived process resolves model after model, each with a resolver of its own: whatever a
     * resolver leaves behind (its HTTP client's selector and worker threads, pooled connections)
     * grows with every model unless it goes with the resolver.
     */
    @Test
    void downloadingAgainWithNewResolversLeavesDescriptorsAndThreadsAsTheyWere() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux's /proc to count descriptors");
        resolver(settings(null), 1).resolve(ID); // loads the HTTP client's classes and the server's threads
        int[] before = settledCounts(null);
        // a resolver that leaves anything behind shows after the first download; the second shows it stays so
        for (int i = 1; i <= 2; i++) {
            HubSettings s = new HubSettings(hub.endpoint(), tmp.resolve("cache" + i), false, null);
            assertEquals(ResolvedModel.Origin.DOWNLOADED, resolver(s, 1).resolve(ID).origin());
            int[] after = settledCounts(before);
            // each resolver's HTTP client ends its threads and connections once unreachable: none accumulate
            assertTrue(after[0] <= before[0], "open descriptors " + after[0] + " > " + before[0] + " after download " + i);
            assertTrue(after[1] <= before[1], "live threads " + after[1] + " > " + before[1] + " after download " + i);
        }
    }

    /** Open descriptors and live threads, sampled again for up to ten seconds while above {@code level}. */
    private static int[] settledCounts(int[] level) throws Exception {
        int[] now = null;
        for (int i = 0; i < 100; i++) {
            System.gc();
            int fds;
            try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
                fds = (int) s.count();
            }
            now = new int[] {fds, Thread.getAllStackTraces().size()};
            if (level == null || (now[0] <= level[0] && now[1] <= level[1])) {
                break;
            }
            Thread.sleep(100);
        }
        return now;
    }

    @Test
    void aLinkPlantedAtTheRefIsReplacedNotWrittenThrough() throws IOException {
        Path victim = Files.writeString(tmp.resolve("elsewhere.txt"), "someone's own file\n");
        Path ref = Files.createDirectories(cache.resolve("models--acme--tiny-bert/refs")).resolve("main");
        Files.createSymbolicLink(ref, victim);

        ResolvedModel m = resolver(settings(null), 1).resolve(ID);

        assertEquals(LocalHubServer.COMMIT, m.commit());
        assertEquals("someone's own file\n", Files.readString(victim));
        assertFalse(Files.isSymbolicLink(ref));
        assertEquals(LocalHubServer.COMMIT, Files.readString(ref));
    }

    @Test
    void droppedConnectionLeavesPartialFileThatTheNextResolveContinuesWithRange() throws IOException {
        hub.dropOnceAfter(ID, "model.safetensors", 80_000);
        IOException e = assertThrows(IOException.class, () -> resolver(settings(null), 1).resolve(ID));
        assertTrue(e.getMessage().contains("resolve again to resume"), e.getMessage());
        Path partial = cache.resolve("models--acme--tiny-bert/blobs/" + LocalHubServer.sha256(WEIGHTS) + ".incomplete");
        // bytes still in flight when the connection dropped may be lost, so at most the 80000 sent are kept
        long kept = Files.size(partial);
        assertTrue(kept > 0 && kept <= 80_000, "kept " + kept);
        assertFalse(Files.exists(cache.resolve("models--acme--tiny-bert/refs/main")));

        ResolvedModel m = resolver(settings(null), 1).resolve(ID);
        assertEquals(ResolvedModel.Origin.DOWNLOADED, m.origin());
        assertArrayEquals(WEIGHTS, Files.readAllBytes(m.folder().resolve("model.safetensors")));
        assertTrue(hub.seen().stream().anyMatch(s -> s.method().equals("GET") && ("bytes=" + kept + "-").equals(s.range())),
                hub.seen().toString());
        assertFalse(Files.exists(partial));
    }

    @Test
    void retriesWithinOneResolveResumeTheTransfer() throws IOException {
        hub.dropOnceAfter(ID, "model.safetensors", 123_456);
        ResolvedModel m = resolver(settings(null), 3).resolve(ID);
        assertArrayEquals(WEIGHTS, Files.readAllBytes(m.folder().resolve("model.safetensors")));
        assertTrue(hub.seen().stream().anyMatch(s -> s.range() != null && s.range().matches("bytes=[1-9][0-9]*-")
                && Long.parseLong(s.range().substring(6, s.range().length() - 1)) <= 123_456), hub.seen().toString());
    }

    /**
     * The server sends 50 000 bytes of the weights and then stays silent until it is closed, so the
     * first attempt can end only by the stall watchdog: the resolver says so, asks for the rest from
     * byte 50 000 on, and stores the whole file. The timeout only keeps a broken watchdog from
     * hanging the build; on a thread of its own, as a read blocked on the socket ignores interrupts.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void stalledBodyIsCutAndResumed() throws IOException {
        hub.stallOnceAfter(ID, "model.safetensors", 50_000);
        ModelResolver r = ModelResolver.builder().optSettings(settings(null)).optDownloadAttempts(2)
                .sleeper(wait -> { }).optStallTimeout(java.time.Duration.ofMillis(300)).build();
        PrintStream realErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ResolvedModel m;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            m = r.resolve(ID);
        } finally {
            System.setErr(realErr);
        }
        assertArrayEquals(WEIGHTS, Files.readAllBytes(m.folder().resolve("model.safetensors")));
        List<String> ranges = hub.seen().stream()
                .filter(s -> s.method().equals("GET") && s.path().endsWith("/model.safetensors"))
                .map(s -> String.valueOf(s.range())).toList();
        assertEquals(List.of("null", "bytes=50000-"), ranges, hub.seen().toString());
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertTrue(logs.contains("model.safetensors: attempt 1 of 2 interrupted at 50000 of 200000 bytes:"
                + " java.io.IOException: " + ID + ": model.safetensors: no data for 300 ms"), logs);
        assertTrue(logs.contains("model.safetensors: resuming at byte 50000 of 200000"), logs);
        assertFalse(Thread.currentThread().isInterrupted());
    }

    /**
     * Two resolves of one model at once (two processes sharing the cache, such as Spark executors
     * on one node): the second starts while the first one's body is paused half-way, and the first
     * goes on once the second has finished or has waited a second. Both must end with the
     * checked file, and the blob must stay whole.
     */
    @Test
    void concurrentResolvesOfOneModelBothGetTheCheckedFile() throws Exception {
        java.util.concurrent.CountDownLatch resume = new java.util.concurrent.CountDownLatch(1);
        hub.pauseOnceAfter(ID, "model.safetensors", 50_000, resume);
        Path blobs = cache.resolve("models--acme--tiny-bert/blobs");
        Path partial = blobs.resolve(LocalHubServer.sha256(WEIGHTS) + ".incomplete");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first = pool.submit(() -> resolver(settings(null), 1).resolve(ID));
            // the second starts once the first is paused with part of the weights on disk
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!(Files.exists(partial) && Files.size(partial) >= 50_000) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(Files.exists(partial), "the first resolve never started the weights");
            var second = pool.submit(() -> resolver(settings(null), 1).resolve(ID));
            List<String> failed = TakingTurns.resumeAndCollect(first, second, resume);
            assertEquals(List.of(), failed, "resolves that failed");
            Path snapshot = first.get().folder();
            assertArrayEquals(WEIGHTS, Files.readAllBytes(snapshot.resolve("model.safetensors")));
            assertArrayEquals(CONFIG, Files.readAllBytes(snapshot.resolve("config.json")));
        } finally {
            resume.countDown();
            pool.shutdownNow();
        }
        assertEquals(WEIGHTS.length, Files.size(blobs.resolve(LocalHubServer.sha256(WEIGHTS))), "the stored blob");
        assertFalse(Files.exists(partial));
    }

    @Test
    void corruptFileIsRejectedByItsSha256AndNothingIsLinked() {
        hub.corrupt(ID, "model.safetensors");
        HubException e = assertThrows(HubException.class, () -> resolver(settings(null), 3).resolve(ID));
        assertTrue(e.getMessage().contains("model.safetensors: sha256 must equal the server's " + LocalHubServer.sha256(WEIGHTS)),
                e.getMessage());
        Path repo = cache.resolve("models--acme--tiny-bert");
        assertFalse(Files.exists(repo.resolve("blobs/" + LocalHubServer.sha256(WEIGHTS))));
        assertFalse(Files.exists(repo.resolve("blobs/" + LocalHubServer.sha256(WEIGHTS) + ".incomplete")));
        assertFalse(Files.exists(repo.resolve("snapshots/" + LocalHubServer.COMMIT + "/model.safetensors")));
        assertFalse(Files.exists(repo.resolve("refs/main")));
    }

    @Test
    void tokenIsSentAsBearerButNeverLoggedOrShown() throws IOException {
        String token = "hf_SecretToken1234567890";
        hub.requireToken(token);

        HubException none = assertThrows(HubException.class, () -> resolver(settings(null), 1).resolve(ID));
        assertEquals(401, none.statusCode());
        assertTrue(none.getMessage().contains(ID) && none.getMessage().contains("401")
                && none.getMessage().contains("set HF_TOKEN"), none.getMessage());

        String wrong = "hf_WrongToken0987654321";
        HubException refused = assertThrows(HubException.class, () -> resolver(settings(wrong), 1).resolve(ID));
        assertTrue(refused.getMessage().contains("token in HF_TOKEN was refused"), refused.getMessage());
        assertFalse(refused.getMessage().contains(wrong));

        hub.clearSeen();
        PrintStream realErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ResolvedModel m;
        HubSettings s = settings(token);
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            m = resolver(s, 1).resolve(ID);
        } finally {
            System.setErr(realErr);
        }
        assertEquals(ResolvedModel.Origin.DOWNLOADED, m.origin());
        assertFalse(hub.seen().isEmpty());
        assertTrue(hub.seen().stream().allMatch(x -> ("Bearer " + token).equals(x.authorization())), hub.seen().toString());
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertTrue(logs.contains("downloading"), "the log capture must see the resolver's lines (core/pom.xml sets the"
                + " hub loggers to DEBUG for every test): " + logs);
        assertFalse(logs.contains(token), logs);
        assertFalse(s.toString().contains(token), s.toString());
        assertTrue(s.toString().contains("token=set"));
    }

    @Test
    void redirectToAnotherHostGetsNoToken() throws IOException {
        String token = "hf_SecretToken1234567890";
        hub.requireToken(token);
        try (LocalHubServer cdn = new LocalHubServer()) {
            String blobPath = "cdn/blob";
            cdn.put(blobPath, "model.safetensors", WEIGHTS, true);
            // same address, other port: another origin, as a CDN host would be
            hub.redirect(ID, "model.safetensors", cdn.endpoint().resolve("/" + blobPath + "/resolve/main/model.safetensors"));
            ResolvedModel m = resolver(settings(token), 1).resolve(ID);
            assertArrayEquals(WEIGHTS, Files.readAllBytes(m.folder().resolve("model.safetensors")));
            assertFalse(cdn.seen().isEmpty());
            assertTrue(cdn.seen().stream().allMatch(x -> x.authorization() == null), cdn.seen().toString());
        }
    }

    /**
     * Starts a content host the Hub redirects the weights to with a signed query: it cuts the first
     * body after 70,000 bytes, then refuses that many resumes with 403, as once a signature expired.
     */
    private LocalHubServer refusingContentHost(int refusals) throws IOException {
        LocalHubServer cdn = new LocalHubServer();
        cdn.put("cdn/blob", "model.safetensors", WEIGHTS, true);
        cdn.dropOnceAfter("cdn/blob", "model.safetensors", 70_000);
        cdn.failNext("cdn/blob", "model.safetensors", new LocalHubServer.Fault("GET", true, 403, null), refusals);
        hub.redirect(ID, "model.safetensors", URI.create(cdn.endpoint() + "/cdn/blob/resolve/main/model.safetensors"
                + "?Expires=1&Signature=s3cr3t"));
        return cdn;
    }

    /**
     * The Hub's download URLs are signed and expire, and the HEAD's URL served every attempt: a
     * resume after a long transfer met the content host's 403 and read as the token's lack of
     * access, though no token goes there. The resolver asks the Hub once more and resumes the
     * bytes kept at the URL it gets.
     */
    @Test
    void aContentHostsRefusalOnResumeIsMetByAFreshUrlFromTheHubResumingTheBytesKept() throws IOException {
        try (LocalHubServer cdn = refusingContentHost(1)) {
            ResolvedModel m = resolver(settings("hf_SecretToken1234567890"), 3).resolve(ID);

            assertArrayEquals(WEIGHTS, Files.readAllBytes(m.folder().resolve("model.safetensors")));
            // bytes in flight when the connection dropped may be lost: at most the 70000 sent are kept
            List<String> ranges = cdn.seen().stream().map(AbstractHubServer.Seen::range).toList();
            assertEquals(3, ranges.size(), ranges.toString());
            assertNull(ranges.get(0));
            assertTrue(ranges.get(1).matches("bytes=[1-9][0-9]*-") && Long.parseLong(ranges.get(1).substring(6,
                    ranges.get(1).length() - 1)) <= 70_000, ranges.toString());
            assertEquals(ranges.get(1), ranges.get(2), "the kept bytes resumed at the fresh URL, not fetched again");
            assertEquals(2, hub.seen().stream().filter(x -> x.method().equals("HEAD")
                    && x.path().endsWith("/model.safetensors")).count(), "one more HEAD for a fresh URL: " + hub.seen());
        }
    }

    /** Refused again at the fresh URL: no expiry is the cause, the message says so and the bytes stay. */
    @Test
    void aContentHostThatRefusesTheFreshUrlTooEndsTheResolveNamingItWithoutBlamingTheToken() throws IOException {
        try (LocalHubServer cdn = refusingContentHost(2)) {
            String blob = cdn.endpoint() + "/cdn/blob/resolve/main/model.safetensors";
            HubException e = assertThrows(HubException.class,
                    () -> resolver(settings("hf_SecretToken1234567890"), 3).resolve(ID));

            Path partial = cache.resolve("models--acme--tiny-bert/blobs/" + LocalHubServer.sha256(WEIGHTS) + ".incomplete");
            long kept = Files.size(partial); // at most the 70000 sent: bytes in flight at the drop may be lost
            assertTrue(kept > 0 && kept <= 70_000, "kept " + kept);
            assertEquals(403, e.statusCode());
            assertEquals(ID + "@main: model.safetensors at " + blob + "?...: 403 Forbidden from the content host the Hub"
                    + " redirected the download to, which is sent no token, also at the fresh URL the Hub signed after a"
                    + " first refusal, so no expired link is the cause; the bytes downloaded (" + kept + " of "
                    + WEIGHTS.length + ") are kept in " + partial + " for a later resolve to resume", e.getMessage());
        }
    }

    /**
     * The log line that starts a transfer named the content host's URL whole, at INFO, and so did
     * the DEBUG line of an unreadable {@code Retry-After}: its query is the signature that grants
     * access to the file for a while, which messages already hid.
     */
    @Test
    void theLogOfADownloadFromAContentHostCarriesNoSignature() throws IOException {
        try (LocalHubServer cdn = new LocalHubServer()) {
            cdn.put("cdn/blob", "model.safetensors", WEIGHTS, true);
            cdn.failNext("cdn/blob", "model.safetensors", new LocalHubServer.Fault("GET", false, 503, "soon"), 1);
            String blob = cdn.endpoint() + "/cdn/blob/resolve/main/model.safetensors";
            hub.redirect(ID, "model.safetensors", URI.create(blob + "?Expires=1&Signature=s3cr3t"));
            PrintStream realErr = System.err;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            try {
                System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
                resolver(settings(null), 1).resolve(ID);
            } finally {
                System.setErr(realErr);
            }
            String logs = captured.toString(StandardCharsets.UTF_8);
            assertTrue(logs.contains("model.safetensors: fetching " + WEIGHTS.length + " bytes from " + blob + "?...\n"),
                    logs);
            assertTrue(logs.contains("unreadable Retry-After 'soon' from " + blob + "?...; using the backoff"), logs);
            assertFalse(logs.contains("s3cr3t"), logs);
        }
    }

    @Test
    void aContentHostLocationInRawUtf8IsDownloadedFromThePathItNames() throws IOException {
        // the HEAD's redirect is the download URL: read byte by byte as Latin-1, "\u00e9" became two
        // characters, and the GET asked the content host for another path, which it did not have
        try (LocalHubServer cdn = new LocalHubServer()) {
            String blobPath = "cdn/\u00e9t\u00e9";
            cdn.put(blobPath, "model.safetensors", WEIGHTS, true);
            String target = cdn.endpoint() + "/" + blobPath + "/resolve/main/model.safetensors";
            // the test server writes each character of a header as one byte: these are the UTF-8 bytes
            hub.redirect(ID, "model.safetensors", URI.create(new String(target.getBytes(StandardCharsets.UTF_8),
                    StandardCharsets.ISO_8859_1)));
            ResolvedModel m = resolver(settings(null), 1).resolve(ID);
            assertArrayEquals(WEIGHTS, Files.readAllBytes(m.folder().resolve("model.safetensors")));
            assertTrue(cdn.seen().stream().anyMatch(x -> x.path().startsWith("/cdn/\u00e9t\u00e9/")), cdn.seen().toString());
        }
    }

    @Test
    void unknownRepositoryGives404NamingTheModel() {
        HubException e = assertThrows(HubException.class, () -> resolver(settings(null), 1).resolve("acme/no-such-model"));
        assertEquals(404, e.statusCode());
        assertEquals("acme/no-such-model@main: config.json at " + hub.endpoint()
                + "/acme/no-such-model/resolve/main/config.json: 404 Not Found (RepoNotFound): no repository"
                + " acme/no-such-model on the Hub, or a private one, which the Hub hides from a request without a"
                + " token: check the model id, or set HF_TOKEN to a token with access", e.getMessage());
        e = assertThrows(HubException.class, () -> resolver(settings("hf_abc"), 1).resolve("acme/no-such-model"));
        assertTrue(e.getMessage().endsWith("404 Not Found (RepoNotFound): no repository acme/no-such-model on the Hub,"
                + " or a private one the token in HF_TOKEN cannot see: check the model id"), e.getMessage());
    }

    @Test
    void aRepositoryWithoutTheFileSaysSoRatherThanToCheckTheId() {
        // the Hub's 404 tells a missing file (EntryNotFound) from a missing repository (RepoNotFound)
        hub.put("acme/onnx-only", "model.onnx", randomBytes(100, 7), true);
        HubException e = assertThrows(HubException.class, () -> resolver(settings(null), 1).resolve("acme/onnx-only"));
        assertEquals(404, e.statusCode());
        assertEquals("acme/onnx-only@main: config.json at " + hub.endpoint() + "/acme/onnx-only/resolve/main/config.json:"
                + " 404 Not Found (EntryNotFound): the repository has no config.json at revision main", e.getMessage());
    }

    @Test
    void shardedWeightsFollowTheIndex() throws IOException {
        String id = "acme/sharded";
        byte[] a = randomBytes(5000, 1);
        byte[] b = randomBytes(7000, 2);
        byte[] index = ("{\"metadata\": {}, \"weight_map\": {\"x\": \"model-00001-of-00002.safetensors\","
                + " \"y\": \"model-00002-of-00002.safetensors\", \"z\": \"model-00001-of-00002.safetensors\"}}")
                .getBytes(StandardCharsets.UTF_8);
        hub.put(id, "config.json", CONFIG, false).put(id, "model.safetensors.index.json", index, false)
                .put(id, "model-00001-of-00002.safetensors", a, true)
                .put(id, "model-00002-of-00002.safetensors", b, true);
        ResolvedModel m = resolver(settings(null), 1).resolve(id);
        assertArrayEquals(a, Files.readAllBytes(m.folder().resolve("model-00001-of-00002.safetensors")));
        assertArrayEquals(b, Files.readAllBytes(m.folder().resolve("model-00002-of-00002.safetensors")));
        assertFalse(Files.exists(m.folder().resolve("tokenizer.json")));
        hub.clearSeen();
        assertEquals(ResolvedModel.Origin.CACHE, resolver(settings(null).withOffline(true), 1).resolve(id).origin());
        assertEquals(List.of(), hub.seen());
    }

    @Test
    void aNegativeAnnouncedSizeIsAHubErrorNamingTheFile() {
        hub.announceSize(ID, "model.safetensors", "-5");

        HubException e = assertThrows(HubException.class, () -> resolver(settings(null), 1).resolve(ID));

        assertEquals(ID + ": model.safetensors at " + hub.endpoint() + "/" + ID + "/resolve/" + LocalHubServer.COMMIT
                + "/model.safetensors: size must be a number of bytes, at least 0, found '-5'", e.getMessage());
    }

    /** The message names the URL that answered without an ETag: a mirror or proxy in between is then found. */
    @Test
    void anAnswerWithoutAnEtagIsAHubErrorNamingTheFileAndTheUrl() {
        hub.etag(ID, "tokenizer.json", null);

        HubException e = assertThrows(HubException.class, () -> resolver(settings(null), 1).resolve(ID));

        assertEquals(ID + ": tokenizer.json at " + hub.endpoint() + "/" + ID + "/resolve/" + LocalHubServer.COMMIT
                + "/tokenizer.json: the server sent no ETag (nor X-Linked-Etag), the hash a download is checked against",
                e.getMessage());
    }

    /** Where the HEAD stopped at a content host's redirect, the URL named is the Hub's that redirected. */
    @Test
    void aRedirectWithoutAnEtagNamesTheHubsUrlThatAnsweredIt() {
        hub.etag(ID, "model.safetensors", null);
        hub.redirect(ID, "model.safetensors", URI.create("http://localhost:9/blob?X-Amz-Signature=s3cr3t"));

        HubException e = assertThrows(HubException.class, () -> resolver(settings(null), 1).resolve(ID));

        assertEquals(ID + ": model.safetensors at " + hub.endpoint() + "/" + ID + "/resolve/" + LocalHubServer.COMMIT
                + "/model.safetensors: the server sent no ETag (nor X-Linked-Etag), the hash a download is checked"
                + " against", e.getMessage());
    }

    @Test
    void aShardNameIsRequestedAsTextNotAsUrlSyntax() throws IOException {
        // a space is legal in a Hub file name, and "%2e%2e" must reach the server as those six characters
        String id = "acme/odd-names";
        byte[] a = randomBytes(3000, 4);
        byte[] b = randomBytes(4000, 5);
        String spaced = "model 1 of 2.safetensors";
        String dotted = "%2e%2e-2.safetensors";
        byte[] index = ("{\"weight_map\": {\"x\": \"" + spaced + "\", \"y\": \"" + dotted + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        hub.put(id, "config.json", CONFIG, false).put(id, "model.safetensors.index.json", index, false)
                .put(id, spaced, a, true).put(id, dotted, b, true);

        ResolvedModel m = resolver(settings(null), 1).resolve(id);

        assertArrayEquals(a, Files.readAllBytes(m.folder().resolve(spaced)));
        assertArrayEquals(b, Files.readAllBytes(m.folder().resolve(dotted)));
        assertTrue(hub.seen().stream().anyMatch(x -> x.rawPath().endsWith("/model%201%20of%202.safetensors")),
                hub.seen().toString());
        assertTrue(hub.seen().stream().anyMatch(x -> x.rawPath().endsWith("/%252e%252e-2.safetensors")),
                hub.seen().toString());
    }

    @Test
    void anIdWithADoubleDashIsRefusedSinceItsCacheFolderIsAnothersToo() throws IOException {
        // acme/tiny--bert and acme--tiny/bert both map to models--acme--tiny--bert
        hub.put("acme/tiny--bert", "config.json", CONFIG, false).put("acme/tiny--bert", "model.safetensors", WEIGHTS,
                true);

        for (String id : List.of("acme/tiny--bert", "acme--tiny/bert")) {
            ModelNotFoundException e = assertThrows(ModelNotFoundException.class,
                    () -> resolver(settings(null), 1).resolve(id));
            assertTrue(e.getMessage().startsWith(id + ": not found, and it is no Hub id (ORG/NAME, without '..' or"
                    + " '--')"), e.getMessage());
        }
        assertEquals(List.of(), hub.seen());
        assertFalse(Files.exists(cache.resolve("models--acme--tiny--bert")));
    }

    @Test
    void aShardNameThatLeavesTheSnapshotIsRefused() {
        String id = "acme/escape";
        byte[] index = "{\"weight_map\": {\"x\": \"sub/../../../../outside.safetensors\"}}"
                .getBytes(StandardCharsets.UTF_8);
        hub.put(id, "config.json", CONFIG, false).put(id, "model.safetensors.index.json", index, false);

        IOException e = assertThrows(IOException.class, () -> resolver(settings(null), 1).resolve(id));

        assertTrue(e.getMessage().endsWith("model.safetensors.index.json: shard name must be a file inside the"
                + " repository, found 'sub/../../../../outside.safetensors'"), e.getMessage());
        assertFalse(Files.exists(cache.resolve("outside.safetensors")));
    }

    @Test
    void anEndpointWithCredentialsIsRefusedWithoutRepeatingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HubSettings.fromEnvironment(
                java.util.Map.of("HF_ENDPOINT", "https://alice:s3cret@mirror.example"), tmp));

        assertEquals("endpoint must not carry credentials (USER:PASSWORD@); use HF_TOKEN, found an endpoint with them"
                + " for host mirror.example", e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"));
    }

    @Test
    void anEndpointWithAPortNoConnectionCanHaveIsRefusedUpFront() {
        // java.net.URI reads any number of digits: 65536 failed every request with the HTTP client's
        // IllegalArgumentException ("port out of range"), past every caller's handling of a failed exchange
        for (String port : List.of("65536", "0", "99999")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "https://mirror.example:" + port), tmp), port);
            assertEquals("endpoint must name a port from 1 to 65535, found " + port, e.getMessage());
        }
        assertEquals(65535, HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "https://mirror.example:65535"), tmp)
                .endpoint().getPort());
    }

    @Test
    void anEndpointThatIsNoUrlIsRefusedNamingTheVariableWithoutRepeatingAPassword() {
        // the URI parser's message repeated the whole value, password and all
        for (String endpoint : List.of("https://alice:s3cr%t@mirror.example", "https://alice:s3 cret@mirror.example")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", endpoint), tmp), endpoint);
            assertTrue(e.getMessage().startsWith("HF_ENDPOINT must be an absolute http(s) URL such as"
                    + " https://huggingface.co, found one that is no URL ("), e.getMessage());
            assertTrue(e.getMessage().endsWith("; the value is not shown, since it may hold a password"), e.getMessage());
            assertFalse(e.getMessage().contains("s3"), e.getMessage());
        }
        // a URL of another scheme, or without one (PASSWORD@HOST read as a scheme): not shown either
        for (String endpoint : List.of("ftp://alice:s3cret@mirror.example", "alice:s3cret@mirror.example")) {
            IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                    () -> HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", endpoint), tmp), endpoint);
            assertEquals("endpoint must be an absolute http(s) URL, found one with '@' in it, not shown since it may"
                    + " hold a password", other.getMessage());
        }
        // without credentials the value is shown
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "https://mirror example"), tmp));
        assertEquals("HF_ENDPOINT must be an absolute http(s) URL such as https://huggingface.co, found"
                + " 'https://mirror example', which is no URL (Illegal character in authority)",
                e.getMessage());
    }

    @Test
    void offlineMissNamesTheModelAndEveryPlaceLooked() {
        ModelResolver r = resolver(settings(null).withOffline(true), 1);
        ModelNotFoundException e = assertThrows(ModelNotFoundException.class, () -> r.resolve(ID));
        String msg = e.getMessage();
        assertTrue(msg.startsWith(ID + "@main: not found"), msg);
        assertTrue(msg.contains("HF_HUB_OFFLINE"), msg);
        assertTrue(msg.contains("local folder " + Path.of(ID).toAbsolutePath().normalize() + ": absent"), msg);
        assertTrue(msg.contains(cache.resolve("models--acme--tiny-bert/refs/main") + ": absent"), msg);
        assertEquals(2, e.placesLooked().size());
        assertEquals(List.of(), hub.seen());
    }

    @Test
    void aFileForTheFolderIsNamedAsAFileNotAsAbsent() throws IOException {
        Path file = Files.writeString(tmp.resolve("config.json"), "{}");
        ModelNotFoundException e = assertThrows(ModelNotFoundException.class,
                () -> resolver(settings(null), 1).resolve(file.toString()));
        assertTrue(e.getMessage().contains("local folder " + file + ": a file, expected a folder"), e.getMessage());
        assertEquals(List.of(), hub.seen());
    }

    @Test
    void incompleteSnapshotIsReportedWhenOffline() throws IOException {
        Path repo = cache.resolve("models--acme--tiny-bert");
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), LocalHubServer.COMMIT);
        Path snap = Files.createDirectories(repo.resolve("snapshots/" + LocalHubServer.COMMIT));
        Files.write(snap.resolve("config.json"), CONFIG);
        ModelNotFoundException e = assertThrows(ModelNotFoundException.class,
                () -> resolver(settings(null).withOffline(true), 1).resolve(ID));
        assertTrue(e.getMessage().contains(snap + ": neither model.safetensors nor model.safetensors.index.json"),
                e.getMessage());
    }

    @Test
    void localFolderIsUsedAsIs() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("my-model"));
        Files.write(folder.resolve("config.json"), CONFIG);
        ResolvedModel m = resolver(settings(null).withOffline(true), 1).resolve(folder.toString());
        assertEquals(ResolvedModel.Origin.LOCAL_FOLDER, m.origin());
        assertEquals(folder.toAbsolutePath().normalize(), m.folder());
        assertNull(m.modelId());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThrows(ModelNotFoundException.class, () -> resolver(settings(null), 1).resolve(empty.toString()));
    }

    @Test
    void transformersOfflineIsTheFallbackOfHfHubOfflineAndMessagesNameTheVariableSet() {
        // huggingface_hub: HF_HUB_OFFLINE = _is_true(os.environ.get("HF_HUB_OFFLINE") or
        // os.environ.get("TRANSFORMERS_OFFLINE")), _is_true: 1, ON, YES or TRUE in any case
        Path home = Path.of("/home/u");
        for (String on : List.of("1", "true", "YES", "On")) {
            HubSettings s = HubSettings.fromEnvironment(Map.of("TRANSFORMERS_OFFLINE", on), home);
            assertTrue(s.offline(), on);
            assertEquals("TRANSFORMERS_OFFLINE", s.offlineVariable(), on);
        }
        assertFalse(HubSettings.fromEnvironment(Map.of("TRANSFORMERS_OFFLINE", "0"), home).offline());
        // HF_HUB_OFFLINE, when set, decides alone, as Python's `or` picks it
        assertFalse(HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", "0", "TRANSFORMERS_OFFLINE", "1"), home)
                .offline());
        assertEquals("HF_HUB_OFFLINE", HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", "1",
                "TRANSFORMERS_OFFLINE", "1"), home).offlineVariable());
        assertEquals(null, HubSettings.fromEnvironment(Map.of(), home).offlineVariable());

        HubSettings s = HubSettings.fromEnvironment(Map.of("TRANSFORMERS_OFFLINE", "1", "HF_HUB_CACHE",
                cache.toString()), home);
        ModelNotFoundException e = assertThrows(ModelNotFoundException.class, () -> resolver(s, 1).resolve(ID));
        assertTrue(e.getMessage().contains("offline: TRANSFORMERS_OFFLINE is set"), e.getMessage());
        assertFalse(e.getMessage().contains("HF_HUB_OFFLINE"), e.getMessage());
    }

    @Test
    void settingsFollowHuggingFaceVariablePrecedence() {
        Path home = Path.of("/home/u");
        HubSettings d = HubSettings.fromEnvironment(Map.of(), home);
        assertEquals(Path.of("/home/u/.cache/huggingface/hub"), d.cacheDir());
        assertEquals(HubSettings.DEFAULT_ENDPOINT, d.endpoint());
        assertFalse(d.offline());
        assertFalse(d.hasToken());
        assertEquals(Path.of("/x/huggingface/hub"), HubSettings.fromEnvironment(Map.of("XDG_CACHE_HOME", "/x"), home).cacheDir());
        assertEquals(Path.of("/hf/hub"), HubSettings.fromEnvironment(Map.of("HF_HOME", "/hf", "XDG_CACHE_HOME", "/x"), home).cacheDir());
        HubSettings all = HubSettings.fromEnvironment(Map.of("HF_HUB_CACHE", "/c", "HF_HOME", "/hf",
                "HF_HUB_OFFLINE", "1", "HF_ENDPOINT", "http://mirror.local:8080/", "HF_TOKEN", "hf_abc"), home);
        assertEquals(Path.of("/c"), all.cacheDir());
        assertTrue(all.offline());
        assertEquals("http://mirror.local:8080", all.endpoint().toString());
        assertEquals("hf_abc", all.token());
        assertFalse(all.toString().contains("hf_abc"));
        assertFalse(HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", "0"), home).offline());
    }

    @Test
    void cacheFoldersAreExpandedAsHuggingFaceHubExpandsThem() {
        // huggingface_hub's constants: os.path.expandvars(os.path.expanduser(...)) on HF_HOME (the
        // XDG default included) and HF_HUB_CACHE; a "~" taken literally made a folder named "~"
        Path home = Path.of("/home/u");
        assertEquals(Path.of("/home/u/hf/hub"), HubSettings.fromEnvironment(Map.of("HF_HOME", "~/hf"), home).cacheDir());
        assertEquals(Path.of("/home/u/hub"), HubSettings.fromEnvironment(Map.of("HF_HOME", "~"), home).cacheDir());
        assertEquals(Path.of("/home/u/c/hub"), HubSettings.fromEnvironment(Map.of("HF_HUB_CACHE", "~/c/hub"), home)
                .cacheDir());
        assertEquals(Path.of("/home/u/x/huggingface/hub"), HubSettings.fromEnvironment(Map.of("XDG_CACHE_HOME", "~/x"),
                home).cacheDir());
        assertEquals(Path.of("/scratch/me/hf/hub"), HubSettings.fromEnvironment(Map.of("HF_HOME", "$SCRATCH/hf",
                "SCRATCH", "/scratch/me"), home).cacheDir());
        assertEquals(Path.of("/scratch/me/models"), HubSettings.fromEnvironment(Map.of("HF_HUB_CACHE",
                "${SCRATCH}/models", "SCRATCH", "/scratch/me"), home).cacheDir());
        // as Python: an unknown variable and "~user" stay as written
        assertEquals(Path.of("/a/$NOPE/hub"), HubSettings.fromEnvironment(Map.of("HF_HOME", "/a/$NOPE"), home)
                .cacheDir());
        assertEquals(Path.of("~bob/hub"), HubSettings.fromEnvironment(Map.of("HF_HOME", "~bob"), home).cacheDir());
    }

    @Test
    void theLegacyHubCacheVariableIsReadBetweenHfHubCacheAndHfHome() {
        Path home = Path.of("/home/u");
        assertEquals(Path.of("/legacy"), HubSettings.fromEnvironment(Map.of("HUGGINGFACE_HUB_CACHE", "/legacy",
                "HF_HOME", "/hf"), home).cacheDir());
        assertEquals(Path.of("/c"), HubSettings.fromEnvironment(Map.of("HF_HUB_CACHE", "/c", "HUGGINGFACE_HUB_CACHE",
                "/legacy"), home).cacheDir());
        assertEquals(Path.of("/home/u/legacy"), HubSettings.fromEnvironment(Map.of("HUGGINGFACE_HUB_CACHE",
                "~/legacy"), home).cacheDir());
    }

    @Test
    void corruptGitFileIsRejectedByItsBlobHash() {
        hub.corrupt(ID, "config.json");
        HubException e = assertThrows(HubException.class, () -> resolver(settings(null), 1).resolve(ID));
        assertTrue(e.getMessage().contains("config.json: git blob hash must equal the server's "
                + LocalHubServer.gitBlobId(CONFIG)), e.getMessage());
        Path repo = cache.resolve("models--acme--tiny-bert");
        assertFalse(Files.exists(repo.resolve("blobs/" + LocalHubServer.gitBlobId(CONFIG))));
        assertFalse(Files.exists(repo.resolve("refs/main")));
    }

    /**
     * A plain git file's blob already in the cache under its etag (a snapshot's config.json edited
     * in place through its link edits the blob itself) is checked against that git blob hash before
     * a new snapshot links it: one of the announced size but other bytes was linked as it stood.
     */
    @Test
    void aCachedGitBlobOfOtherBytesIsFetchedAgainRatherThanLinked() throws IOException {
        Path blob = cache.resolve("models--acme--tiny-bert/blobs/" + LocalHubServer.gitBlobId(CONFIG));
        Files.createDirectories(blob.getParent());
        byte[] edited = new String(CONFIG, StandardCharsets.UTF_8).replace("8", "9").getBytes(StandardCharsets.UTF_8);
        assertEquals(CONFIG.length, edited.length);
        Files.write(blob, edited);

        ResolvedModel m = resolver(settings(null), 1).resolve(ID);

        assertArrayEquals(CONFIG, Files.readAllBytes(m.folder().resolve("config.json")));
        assertArrayEquals(CONFIG, Files.readAllBytes(blob));
        // a blob that holds what its name says is linked without a download
        hub.clearSeen();
        Files.delete(m.folder().resolve("config.json"));
        Files.delete(cache.resolve("models--acme--tiny-bert/refs/main"));
        resolver(settings(null), 1).resolve(ID);
        assertEquals(0, hub.seen().stream().filter(r -> r.method().equals("GET")).count(), hub.seen().toString());
    }

    @Test
    void anEtagThatIsNoHashNamesNoBlobEvenWhenAFileOfThatNameIsThere() throws IOException {
        // a file planted in blobs/ under a plain name, of the size the server announces
        hub.etag(ID, "tokenizer.json", "v1-abc");
        Path planted = cache.resolve("models--acme--tiny-bert").resolve("blobs").resolve("v1-abc");
        Files.createDirectories(planted.getParent());
        Files.write(planted, new byte[TOKENIZER.length]);

        HubException e = assertThrows(HubException.class, () -> resolver(settings(null), 1).resolve(ID));

        assertTrue(e.getMessage().contains("tokenizer.json: the server's ETag 'v1-abc' is neither a sha256 nor a git"
                + " blob hash"), e.getMessage());
        assertFalse(Files.exists(cache.resolve("models--acme--tiny-bert/snapshots/" + LocalHubServer.COMMIT
                + "/tokenizer.json"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aFileWhoseEtagIsNoHashIsRefusedAsUncheckable() {
        hub.etag(ID, "tokenizer.json", "v1-abc");
        HubException e = assertThrows(HubException.class, () -> resolver(settings(null), 1).resolve(ID));
        assertTrue(e.getMessage().contains("tokenizer.json: the server's ETag 'v1-abc' is neither a sha256 nor a git"
                + " blob hash"), e.getMessage());
        assertFalse(Files.exists(cache.resolve("models--acme--tiny-bert/refs/main")));
    }

    @Test
    void aTokenOverPlainHttpIsWarnedAboutOnceWithoutShowingIt() throws IOException {
        String token = "hf_SecretToken1234567890";
        hub.requireToken(token);
        PrintStream realErr = System.err;
        ByteArrayOutputStream withToken = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(withToken, true, StandardCharsets.UTF_8));
            resolver(settings(token), 1).resolve(ID);
        } finally {
            System.setErr(realErr);
        }
        String logs = withToken.toString(StandardCharsets.UTF_8);
        assertEquals(1, logs.lines().filter(l -> l.contains("the token from HF_TOKEN is sent in clear text over plain http to"
                + " 127.0.0.1"))
                .count(), logs);
        assertFalse(logs.contains(token), logs);
        hub.requireToken(null);
        ByteArrayOutputStream without = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(without, true, StandardCharsets.UTF_8));
            ModelResolver.builder().optSettings(new HubSettings(hub.endpoint(), tmp.resolve("other-cache"), false, null))
                    .build().resolve(ID);
        } finally {
            System.setErr(realErr);
        }
        assertFalse(without.toString(StandardCharsets.UTF_8).contains("clear text"), without.toString(StandardCharsets.UTF_8));
    }

    @Test
    void gitBlobIdMatchesGitHashObject() throws IOException {
        Path f = tmp.resolve("abc");
        Files.writeString(f, "abc");
        // printf 'abc' | git hash-object --stdin
        assertEquals("f2ba8f84ab5c1bce84a7b441cb1959cfc7093b7f", ModelResolver.gitBlobId(f));
        assertEquals("f2ba8f84ab5c1bce84a7b441cb1959cfc7093b7f", LocalHubServer.gitBlobId("abc".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void sha256MatchesKnownDigest() throws IOException {
        Path f = tmp.resolve("abc");
        Files.writeString(f, "abc");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ModelResolver.sha256(f));
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
