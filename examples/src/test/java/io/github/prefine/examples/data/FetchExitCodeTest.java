package io.github.prefine.examples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.github.prefine.core.hub.HubException;
import io.github.prefine.core.hub.HubServiceException;
import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.examples.ShortLivedJvm;
import io.github.prefine.examples.cli.CliErrors;
import io.github.prefine.examples.cli.PrefineCli;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prefine data fetch} in a child JVM (the Hub settings come from its environment) against
 * loopback endpoints: a Hub that cannot be reached, or answers 503 through every retry
 * ({@code PREFINE_HUB_RETRIES}), is a failed service, exit 3 (run again later), for {@code data
 * fetch} as for a command resolving a model; a Hub that answers 404
 * for the dataset is bad input, exit 2; neither is the internal fault that exit 1 means. The two
 * children of a test run side by side: each has its own log, and the 503 test gives each its own
 * Hub, so that each one's requests are counted apart.
 */
class FetchExitCodeTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path dir;

    private record Run(int exitCode, String err) {}

    private Started fetch(String endpoint) throws IOException {
        return prefine(endpoint, "data", "fetch", "--data", dir.resolve("data").toString(), "--tasks", "rte");
    }

    /** A started child and the file that gets what it prints. */
    private record Started(Process process, Path log) {
        /** Waits for the child to end; what it printed and its exit code. */
        Run await() throws IOException, InterruptedException {
            try {
                assertTrue(process.waitFor(120, TimeUnit.SECONDS), "prefine did not end");
            } finally {
                process.destroyForcibly();
            }
            return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    /** Starts {@code prefine args} in a JVM of its own whose Hub is {@code endpoint}. */
    private Started prefine(String endpoint, String... args) throws IOException {
        String name = "prefine-" + System.nanoTime();
        Path log = dir.resolve(name + ".log");
        List<String> cmd = new java.util.ArrayList<>(List.of(JAVA, "-Djava.awt.headless=true"));
        cmd.addAll(ShortLivedJvm.OPTIONS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PrefineCli.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = ChildProcesses.builder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("HF_ENDPOINT", endpoint);
        // a cache each: children run side by side
        pb.environment().put("HF_HUB_CACHE", dir.resolve(name + "-cache").toString());
        pb.environment().remove("HF_HUB_OFFLINE");
        pb.environment().remove("HF_TOKEN");
        pb.environment().put("PREFINE_HUB_RETRIES", "2");
        return new Started(pb.start(), log);
    }

    private static List<String> failureLines(Run r) {
        return r.err().lines().filter(l -> l.startsWith("prefine data fetch: ")).toList();
    }

    /** A started loopback Hub that answers 503 to every request, which it counts. */
    private static HttpServer busyHub(java.util.concurrent.atomic.AtomicInteger requests) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            ex.getResponseHeaders().set("Retry-After", "0"); // the retries cost the test no time
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        server.start();
        return server;
    }

    @Test
    void aHubThatAnswers503IsAFailedServiceExit3() throws Exception {
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        HttpServer server = busyHub(requests);
        HttpServer modelServer = busyHub(new java.util.concurrent.atomic.AtomicInteger());
        try {
            Started fetch = fetch("http://127.0.0.1:" + server.getAddress().getPort());
            // the same rule for every command that talks to the Hub: here a model to resolve
            Started resolve = prefine("http://127.0.0.1:" + modelServer.getAddress().getPort(), "encode", "--model",
                    "prefine-test/no-such-model", "a sentence");
            Run r = fetch.await();

            assertEquals(CliErrors.SERVICE, r.exitCode(), r.err());
            // PREFINE_HUB_RETRIES=2: the request, two retries logged at WARN, then the failure naming the attempts
            assertEquals(3, requests.get(), r.err());
            assertEquals(2, r.err().lines().filter(l -> l.contains("WARN") && l.contains("HTTP 503")
                    && l.contains("of 3; retrying in 0 ms")).count(), r.err());
            List<String> lines = failureLines(r);
            assertEquals(2, lines.size(), r.err());
            assertTrue(lines.get(0).startsWith("prefine data fetch: rte: ") && lines.get(0).contains("HTTP 503 after 3"
                    + " attempts (PREFINE_HUB_RETRIES allows 2 retries)"), r.err());
            assertTrue(lines.get(1).contains("1 of 1 task failed, each because the Hub failed; run the same command"
                    + " again later"), r.err());
            Run encode = resolve.await();
            assertEquals(CliErrors.SERVICE, encode.exitCode(), encode.err());
            assertTrue(encode.err().lines().anyMatch(l -> l.startsWith("prefine encode: ") && l.contains("HTTP 503 after 3")
                    && l.endsWith("try again later")), encode.err());
        } finally {
            server.stop(0);
            modelServer.stop(0);
        }
    }

    @Test
    void aHubThatCannotBeReachedIsAFailedServiceExit3() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        Started one = fetch("http://127.0.0.1:" + port);
        // two tasks are counted in the plural, as one is in the singular (the 503 test): both said "task(s)"
        Started both = prefine("http://127.0.0.1:" + port, "data", "fetch", "--data", dir.resolve("data2").toString(),
                "--tasks", "rte,cb");
        Run r = one.await();

        assertEquals(CliErrors.SERVICE, r.exitCode(), r.err());
        assertTrue(failureLines(r).get(0).contains("cannot reach http://127.0.0.1:" + port), r.err());
        Run two = both.await();
        assertEquals(CliErrors.SERVICE, two.exitCode(), two.err());
        assertTrue(failureLines(two).stream().anyMatch(l -> l.contains("2 of 2 tasks failed, each because the Hub failed")),
                two.err());
    }

    @Test
    void aHubThatDoesNotHaveTheDatasetIsBadInputExit2() throws Exception {
        try (FakeDatasetHub hub = new FakeDatasetHub()) {
            Run r = fetch(hub.endpoint().toString()).await();

            assertEquals(CliErrors.BAD_INPUT, r.exitCode(), r.err());
            assertTrue(failureLines(r).get(0).contains("404"), r.err());
        }
    }

    @Test
    void aFailedServiceIsRecognisedThroughWrappersAndLosesToWorseCodes() {
        assertEquals(CliErrors.SERVICE, CliErrors.classify(new java.io.UncheckedIOException(
                new HubServiceException("org/m: config.json: cannot reach https://hub.example", null))).exitCode());
        assertEquals(CliErrors.SERVICE, CliErrors.classify(new HubException(429, "org/m: config.json: unexpected HTTP"
                + " status 429")).exitCode());
        assertEquals(CliErrors.BAD_INPUT, CliErrors.classify(new HubException(404, "org/m: config.json: 404")).exitCode());
        assertEquals(CliErrors.SERVICE, CliErrors.worst(0, CliErrors.SERVICE));
        assertEquals(CliErrors.BAD_INPUT, CliErrors.worst(CliErrors.SERVICE, CliErrors.BAD_INPUT));
        assertEquals(CliErrors.INTERNAL, CliErrors.worst(CliErrors.INTERNAL, CliErrors.BAD_INPUT));
        assertEquals(CliErrors.INTERNAL, CliErrors.worst(CliErrors.SERVICE, CliErrors.INTERNAL));
    }
}
