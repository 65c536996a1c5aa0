package io.github.prefine.core.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retries of a busy or failing Hub ({@link HubHttp}) against a real HTTP server that answers 429,
 * 5xx or drops the connection before a file's own answer. The waits go to a recorder instead of
 * sleeping, so the test checks the wait each answer asked for (its {@code Retry-After}, else the
 * backoff 1, 2, 4, 8, 8 s) without taking that long.
 */
class HubRetryTest {
    private static final String ID = "acme/busy-bert";
    private static final byte[] CONFIG = "{\"model_type\": \"bert\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WEIGHTS = new byte[150_000];

    static {
        new Random(11).nextBytes(WEIGHTS);
    }

    @TempDir
    Path cache;

    private LocalHubServer hub;
    private final List<Duration> waits = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        hub = new LocalHubServer();
        hub.put(ID, "config.json", CONFIG, false).put(ID, "model.safetensors", WEIGHTS, true);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private ModelResolver resolver(int retries) {
        return ModelResolver.builder().optSettings(new HubSettings(hub.endpoint(), cache, false, null, retries))
                .optDownloadAttempts(2).sleeper(waits::add).build();
    }

    private long requests(String method, String file) {
        return hub.seen().stream().filter(s -> s.method().equals(method) && s.path().endsWith("/" + file)).count();
    }

    private static LocalHubServer.Fault head(int status, String retryAfter) {
        return new LocalHubServer.Fault("HEAD", false, status, retryAfter);
    }

    @Test
    void a503And429AreRetriedAfterTheWaitTheirRetryAfterAsks() throws IOException {
        hub.failNext(ID, "config.json", head(503, "7"), 1);
        hub.failNext(ID, "model.safetensors", new LocalHubServer.Fault("GET", false, 429, "3"), 1);
        PrintStream realErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ResolvedModel m;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            m = resolver(5).resolve(ID);
        } finally {
            System.setErr(realErr);
        }

        assertArrayEquals(WEIGHTS, Files.readAllBytes(m.folder().resolve("model.safetensors")));
        assertEquals(List.of(Duration.ofSeconds(7), Duration.ofSeconds(3)), waits);
        assertEquals(2, requests("GET", "model.safetensors"), hub.seen().toString());
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertTrue(logs.lines().anyMatch(l -> l.contains("WARN") && l.contains("HTTP 503")
                && l.contains("attempt 1 of 6") && l.contains("retrying in 7000 ms")), logs);
        assertTrue(logs.lines().anyMatch(l -> l.contains("WARN") && l.contains("HTTP 429")
                && l.contains("attempt 1 of 6")), logs);
    }

    /**
     * The largest budget PREFINE_HUB_RETRIES takes is Integer.MAX_VALUE retries, so 2^31 attempts:
     * counted in an int, retries + 1 wrapped negative, the last attempt never came, and a Hub that
     * stayed busy was asked for ever.
     */
    @Test
    void theLargestBudgetCountsItsAttemptsWithoutWrapping() throws IOException {
        hub.failNext(ID, "config.json", head(503, "0"), 1);
        PrintStream realErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            resolver(Integer.MAX_VALUE).resolve(ID);
        } finally {
            System.setErr(realErr);
        }

        String logs = captured.toString(StandardCharsets.UTF_8);
        assertTrue(logs.lines().anyMatch(l -> l.contains("HTTP 503") && l.contains("attempt 1 of 2147483648")), logs);
    }

    @Test
    void withoutRetryAfterTheWaitsDoubleFromOneSecondUpToEight() throws IOException {
        hub.failNext(ID, "config.json", head(502, null), 5);

        resolver(5).resolve(ID);

        assertEquals(List.of(1L, 2L, 4L, 8L, 8L), waits.stream().map(Duration::toSeconds).toList());
    }

    @Test
    void aConnectionDroppedBeforeTheHeadersIsRetried() throws IOException {
        // the JDK client repeats some of these itself, once per exchange: enough drops that some reach HubHttp
        hub.failNext(ID, "config.json", head(0, null), 4);

        ResolvedModel m = resolver(5).resolve(ID);

        assertEquals(ResolvedModel.Origin.DOWNLOADED, m.origin());
        assertTrue(!waits.isEmpty() && waits.equals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(4), Duration.ofSeconds(8)).subList(0, waits.size())), waits.toString());

        hub.failNext(ID, "config.json", head(0, null), 4);
        HubServiceException e = assertThrows(HubServiceException.class,
                () -> ModelResolver.builder().optSettings(new HubSettings(hub.endpoint(), cache.resolve("other"), false,
                        null, 0)).sleeper(waits::add).build().resolve(ID));
        assertTrue(e.getMessage().startsWith(ID + ": config.json: request to ") && e.getMessage().contains(
                " failed after 1 attempt: "), e.getMessage());
    }

    @Test
    void theSpentBudgetEndsInTheStatusNamingTheAttempts() {
        hub.failNext(ID, "config.json", head(503, "0"), 10);

        HubException e = assertThrows(HubException.class, () -> resolver(2).resolve(ID));

        assertEquals(503, e.statusCode());
        assertTrue(e.getMessage().startsWith(ID + ": config.json at ") && e.getMessage().contains(
                ": HTTP 503 after 3 attempts (PREFINE_HUB_RETRIES allows 2 retries)"), e.getMessage());
        assertEquals(3, requests("HEAD", "config.json"));
        assertEquals(List.of(Duration.ZERO, Duration.ZERO), waits);
    }

    @Test
    void zeroRetriesAsksOnce() {
        hub.failNext(ID, "config.json", head(429, "0"), 10);

        HubException e = assertThrows(HubException.class, () -> resolver(0).resolve(ID));

        assertEquals(429, e.statusCode());
        assertTrue(e.getMessage().contains("HTTP 429 after 1 attempt ("), e.getMessage());
        assertEquals(1, requests("HEAD", "config.json"));
        assertEquals(List.of(), waits);
    }

    @Test
    void aResumeThatMeetsA503KeepsItsRangeAndItsHashCheck() throws IOException {
        hub.dropOnceAfter(ID, "model.safetensors", 40_000);
        hub.failNext(ID, "model.safetensors", new LocalHubServer.Fault("GET", true, 503, "0"), 2);

        ResolvedModel m = resolver(5).resolve(ID);

        List<String> ranges = hub.seen().stream().filter(s -> s.method().equals("GET")
                && s.path().endsWith("/model.safetensors")).map(s -> String.valueOf(s.range())).toList();
        // the first GET is cut after 40,000 bytes (some may be lost in flight); its resume meets 503
        // twice and asks the same range each time
        assertEquals(4, ranges.size(), ranges.toString());
        assertEquals("null", ranges.get(0));
        assertTrue(ranges.get(1).matches("bytes=[1-9][0-9]*-")
                && Long.parseLong(ranges.get(1).substring(6, ranges.get(1).length() - 1)) <= 40_000, ranges.toString());
        assertEquals(List.of(ranges.get(1), ranges.get(1)), ranges.subList(2, 4), ranges.toString());
        assertArrayEquals(WEIGHTS, Files.readAllBytes(m.folder().resolve("model.safetensors")));
        assertEquals(Path.of("../../blobs/" + LocalHubServer.sha256(WEIGHTS)),
                Files.readSymbolicLink(m.folder().resolve("model.safetensors")));
    }

    @Test
    void aResumedFileThatFailsItsHashAfterRetriesIsStillRefused() {
        hub.corrupt(ID, "model.safetensors");
        hub.dropOnceAfter(ID, "model.safetensors", 40_000);
        hub.failNext(ID, "model.safetensors", new LocalHubServer.Fault("GET", true, 503, "0"), 1);

        HubException e = assertThrows(HubException.class, () -> resolver(5).resolve(ID));

        assertTrue(e.getMessage().contains("sha256 must equal"), e.getMessage());
    }

    private HubHttp http(int retries, Clock clock) {
        return HubHttp.builder().setSettings(new HubSettings(hub.endpoint(), cache, false, null, retries))
                .sleeper(waits::add).clock(clock).build();
    }

    private HttpResponse<Void> get(HubHttp http, String method) throws IOException {
        URI url = URI.create(hub.endpoint() + "/" + ID + "/resolve/main/config.json");
        return http.send(http.request(url).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding(), ID, "config.json");
    }

    @Test
    void aRetryAfterDateIsCountedFromTheClockAndEveryWaitIsCapped() throws IOException {
        Clock clock = Clock.fixed(Instant.parse("2026-12-06T09:00:00Z"), ZoneOffset.UTC);
        hub.failNext(ID, "config.json", head(503, "Sun, 06 Dec 2026 09:00:30 GMT"), 1);
        hub.failNext(ID, "config.json", head(503, "Sun, 06 Dec 2026 08:59:00 GMT"), 1); // past: no wait
        hub.failNext(ID, "config.json", head(503, "3600"), 1);
        hub.failNext(ID, "config.json", head(503, "Wed, 06 Jan 2027 09:00:00 GMT"), 1);
        hub.failNext(ID, "config.json", head(503, "soon"), 1); // unreadable: the backoff of attempt 5

        assertEquals(200, get(http(5, clock), "HEAD").statusCode());

        assertEquals(List.of(Duration.ofSeconds(30), Duration.ZERO, HubHttp.MAX_RETRY_AFTER, HubHttp.MAX_RETRY_AFTER,
                Duration.ofSeconds(8)), waits);
    }

    /**
     * RFC 9110, section 5.6.7: a recipient must accept the obsolete RFC 850 and asctime forms of an
     * HTTP date too, and read an RFC 850 two-digit year that appears more than 50 years ahead as the
     * latest past year with those digits (so 94 is 1994, not 2094).
     */
    @Test
    void aRetryAfterDateIsReadInTheObsoleteFormsToo() throws IOException {
        Clock clock = Clock.fixed(Instant.parse("2026-12-06T09:00:00Z"), ZoneOffset.UTC);
        hub.failNext(ID, "config.json", head(503, "Sunday, 06-Dec-26 09:00:30 GMT"), 1);
        hub.failNext(ID, "config.json", head(503, "Sun Dec  6 09:00:20 2026"), 1);
        hub.failNext(ID, "config.json", head(503, "Sunday, 06-Nov-94 08:49:37 GMT"), 1); // 1994: past, no wait
        hub.failNext(ID, "config.json", head(503, "Wed Dec 16 09:00:00 2026"), 1); // ten days: the cap

        assertEquals(200, get(http(5, clock), "HEAD").statusCode());

        assertEquals(List.of(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ZERO, HubHttp.MAX_RETRY_AFTER),
                waits);
    }

    @Test
    void onlyGetAndHeadAreRetried() throws IOException {
        hub.failNext(ID, "config.json", new LocalHubServer.Fault("POST", false, 503, "0"), 1);

        assertEquals(503, get(http(5, Clock.systemUTC()), "POST").statusCode());
        assertEquals(List.of(), waits);
    }

    @Test
    void theBudgetComesFromPrefineHubRetries() {
        Path home = Path.of("/home/someone");
        assertEquals(HubSettings.DEFAULT_RETRIES, HubSettings.fromEnvironment(Map.of(), home).retries());
        assertEquals(0, HubSettings.fromEnvironment(Map.of("PREFINE_HUB_RETRIES", "0"), home).retries());
        assertEquals(12, HubSettings.fromEnvironment(Map.of("PREFINE_HUB_RETRIES", " 12 "), home).retries());
        for (String bad : List.of("-1", "many", "2.5")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HubSettings.fromEnvironment(Map.of("PREFINE_HUB_RETRIES", bad), home));
            assertTrue(e.getMessage().startsWith("PREFINE_HUB_RETRIES must be a whole number of at least 0")
                    && e.getMessage().endsWith("found '" + bad + "'"), e.getMessage());
        }
        assertEquals(3, new HubSettings(URI.create("https://hub.example"), home, false, null).withRetries(3)
                .withOffline(true).retries());
    }
}
