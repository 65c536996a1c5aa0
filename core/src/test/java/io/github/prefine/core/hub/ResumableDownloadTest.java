package io.github.prefine.core.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the callers' tests ({@link ModelResolverTest}, the examples' dataset fetcher tests) do not
 * reach: a wrong {@code Content-Range}, a server that ignores {@code Range}, redirect faults, a
 * short body, progress counting, a full disk ({@code /dev/full}), and the lock held by another
 * process. A real JDK server on
 * loopback answers each case by hand.
 */
class ResumableDownloadTest {
    private static final byte[] BODY = randomBytes(150_000, 3);
    private static final String PATH = "/acme/data/resolve/main/part.bin";

    @TempDir
    Path tmp;

    private HttpServer server;
    /** The handler of the current test; the server calls it for every request. */
    private volatile Handler handler;
    private final List<String> ranges = new CopyOnWriteArrayList<>();
    /** The waits between resumes, recorded instead of slept. */
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    @FunctionalInterface
    private interface Handler {
        void handle(HttpExchange ex) throws IOException;
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            ranges.add(String.valueOf(ex.getRequestHeaders().getFirst("Range")));
            try {
                handler.handle(ex);
            } finally {
                ex.close();
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    private ResumableDownload.Builder downloads() {
        HubSettings s = new HubSettings(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), tmp, false,
                null);
        return ResumableDownload.builder().setHttp(HubHttp.builder().setSettings(s).sleeper(waits::add).build())
                .setStatusErrors((repo, file, url, status, code) -> new HubException(status,
                        repo + ": " + file + " at " + url + ": status " + status))
                .optAttempts(1).optRerunHint("run it again");
    }

    private static ResumableDownload.Expected expected() {
        return ResumableDownload.Expected.sha256(BODY.length, LocalHubServer.sha256(BODY));
    }

    /** Answers 206 from the asked byte on, with the Content-Range given, or 200 with the whole body. */
    private static void serve(HttpExchange ex, String contentRange) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        int from = range == null ? 0 : Integer.parseInt(range.substring(6, range.length() - 1));
        if (range != null) {
            ex.getResponseHeaders().set("Content-Range",
                    contentRange != null ? contentRange : "bytes " + from + "-" + (BODY.length - 1) + "/" + BODY.length);
        }
        byte[] part = Arrays.copyOfRange(BODY, from, BODY.length);
        ex.sendResponseHeaders(range == null ? 200 : 206, part.length);
        ex.getResponseBody().write(part);
    }

    /** Answers 200 and sends the first {@code n} bytes of the body, then cuts it off. */
    private static Handler cutAfter(int n) {
        return ex -> {
            ex.sendResponseHeaders(200, BODY.length);
            ex.getResponseBody().write(BODY, 0, n);
            ex.getResponseBody().flush();
            throw new IOException("test server: cutting the body");
        };
    }

    private Path partialWith(Path target, int n) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".incomplete");
        Files.write(partial, Arrays.copyOf(BODY, n));
        return partial;
    }

    /**
     * The stall watchdog must never reach the caller's code: a progress listener that takes longer
     * than the stall timeout (the caller's own work, here a sleep) is neither interrupted nor taken
     * for a stall, and the caller's thread ends the download without an interrupt set.
     */
    @Test
    void aSlowProgressListenerIsNeitherInterruptedNorTakenForAStall() throws IOException {
        handler = ex -> serve(ex, null);
        Path target = tmp.resolve("part.bin");
        List<String> interrupted = new CopyOnWriteArrayList<>();
        int[] calls = {0};

        // 300 ms, not less: a loaded machine may pause a read that long, which would be a real stall
        downloads().optStallTimeout(java.time.Duration.ofMillis(300)).build().download("acme/data", "part.bin", url(),
                expected(), target, (file, done, total) -> {
                    if (calls[0]++ < 3) {
                        try {
                            // two stall timeouts (eight periods of the watchdog), outside any read
                            Thread.sleep(600);
                        } catch (InterruptedException e) {
                            interrupted.add("listener interrupted at " + done + " bytes");
                            Thread.currentThread().interrupt();
                        }
                    }
                });

        assertEquals(List.of(), interrupted);
        assertFalse(Thread.interrupted(), "the download left an interrupt on the caller's thread");
        assertArrayEquals(BODY, Files.readAllBytes(target));
        assertEquals(1, ranges.size(), "a slow listener was taken for a stall and the body fetched again: " + ranges);
    }

    /*
     * A long-lived process (a prediction server resolving the models it is asked for, a grid
     * fetching task after task) downloads file after file: what it keeps per file it ever
     * downloaded grows without bound. The per-file monitor lives only while a download of that
     * file runs, whether it ends well or fails.
     */
    @Test
    void noMonitorIsKeptForAFileOnceItsDownloadEnds() throws IOException {
        int before = ResumableDownload.monitorsHeld();
        ResumableDownload d = downloads().build();
        handler = ex -> serve(ex, null);
        for (int i = 0; i < 5; i++) {
            Path target = tmp.resolve("file" + i).resolve("part.bin");
            d.download("acme/data", "part.bin", url(), expected(), target);
            assertArrayEquals(BODY, Files.readAllBytes(target));
        }
        handler = ex -> ex.sendResponseHeaders(404, -1);
        Path refused = tmp.resolve("refused").resolve("part.bin");
        assertThrows(HubException.class, () -> d.download("acme/data", "part.bin", url(), expected(), refused));
        assertEquals(before, ResumableDownload.monitorsHeld(),
                "monitors kept after 5 downloads and a refused one, each to its own file; before them " + before);
    }

    @Test
    void resumesAKeptPartialFileAndCountsItsBytesInTheProgress() throws IOException {
        handler = ex -> serve(ex, null);
        Path target = tmp.resolve("part.bin");
        partialWith(target, 40_000);
        List<long[]> seen = new ArrayList<>();

        downloads().build().download("acme/data", "part.bin", url(), expected(), target,
                (file, done, total) -> seen.add(new long[] {done, total}));

        assertArrayEquals(BODY, Files.readAllBytes(target));
        assertEquals(List.of("bytes=40000-"), ranges);
        assertTrue(seen.get(0)[0] > 40_000, "the first report counts the kept bytes too: " + seen.get(0)[0]);
        assertEquals(BODY.length, seen.get(seen.size() - 1)[0]);
        assertTrue(seen.stream().allMatch(p -> p[1] == BODY.length));
        assertFalse(Files.exists(target.resolveSibling("part.bin.incomplete")));
    }

    @Test
    void aContentRangeThatStartsElsewhereIsRefusedAndThePartialFileKept() throws IOException {
        handler = ex -> serve(ex, "bytes 0-" + (BODY.length - 1) + "/" + BODY.length);
        Path target = tmp.resolve("part.bin");
        Path partial = partialWith(target, 40_000);

        HubException e = assertThrows(HubException.class,
                () -> downloads().optAttempts(3).build().download("acme/data", "part.bin", url(), expected(), target));

        assertEquals(206, e.statusCode());
        assertEquals("acme/data: part.bin: asked to resume at byte 40000, the server at " + url()
                + " answered Content-Range 'bytes 0-" + (BODY.length - 1) + "/" + BODY.length + "'", e.getMessage());
        assertEquals(1, ranges.size(), "a refusal is not retried");
        assertEquals(40_000, Files.size(partial));
        assertFalse(Files.exists(target));
    }

    /**
     * A content host's URL is named without its query: the signature there grants access to the
     * file for a while, as a token would. The endpoint is {@code localhost}, the URL {@code 127.0.0.1}:
     * two origins, as the Hub and its content host are.
     */
    @Test
    void aWrongContentRangeFromAContentHostNamesItsUrlWithoutTheSignature() throws IOException {
        handler = ex -> serve(ex, "bytes 7-" + (BODY.length - 1) + "/" + BODY.length);
        Path target = tmp.resolve("part.bin");
        partialWith(target, 40_000);
        HubSettings hub = new HubSettings(URI.create("http://localhost:" + server.getAddress().getPort()), tmp, false,
                "hf_SecretToken1234567890");
        ResumableDownload d = downloads().setHttp(HubHttp.builder().setSettings(hub).sleeper(waits::add).build()).build();
        URI signed = URI.create(url() + "?Expires=1&Signature=s3cr3t&Key-Pair-Id=K1");

        HubException e = assertThrows(HubException.class,
                () -> d.download("acme/data", "part.bin", signed, expected(), target));

        assertEquals("acme/data: part.bin: asked to resume at byte 40000, the server at " + url()
                + "?... answered Content-Range 'bytes 7-" + (BODY.length - 1) + "/" + BODY.length + "'", e.getMessage());
    }

    @Test
    void aServerThatIgnoresRangeIsReadFromTheStart() throws IOException {
        handler = ex -> {
            byte[] all = BODY;
            ex.sendResponseHeaders(200, all.length);
            ex.getResponseBody().write(all);
        };
        Path target = tmp.resolve("part.bin");
        Path partial = target.resolveSibling("part.bin.incomplete");
        Files.write(partial, randomBytes(40_000, 99)); // not a prefix of BODY: appending would corrupt

        downloads().build().download("acme/data", "part.bin", url(), expected(), target);

        assertEquals(List.of("bytes=40000-"), ranges);
        assertArrayEquals(BODY, Files.readAllBytes(target));
    }

    /**
     * A resumed file is checked whole, the bytes kept and those fetched: the git blob id of
     * {@code "hello\n"} is git's own ({@code git hash-object}), met only when the kept {@code "hel"}
     * is part of what is hashed; kept bytes that differ fail it and are deleted.
     */
    @Test
    void aResumedFileIsCheckedByItsGitBlobIdOverTheBytesKeptAndFetched() throws IOException {
        byte[] hello = "hello\n".getBytes(StandardCharsets.US_ASCII);
        handler = ex -> {
            ex.getResponseHeaders().set("Content-Range", "bytes 3-5/6");
            ex.sendResponseHeaders(206, 3);
            ex.getResponseBody().write(hello, 3, 3);
        };
        ResumableDownload.Expected blob = ResumableDownload.Expected.gitBlob(6, "ce013625030ba8dba906f756967f9e9ca394464a");
        Path target = tmp.resolve("hello.txt");
        Path partial = tmp.resolve("hello.txt.incomplete");
        Files.write(partial, "hel".getBytes(StandardCharsets.US_ASCII));

        downloads().build().download("acme/data", "hello.txt", url(), blob, target);

        assertArrayEquals(hello, Files.readAllBytes(target));
        Path other = tmp.resolve("other.txt");
        Files.write(tmp.resolve("other.txt.incomplete"), "jel".getBytes(StandardCharsets.US_ASCII));
        HubException e = assertThrows(HubException.class,
                () -> downloads().build().download("acme/data", "other.txt", url(), blob, other));
        assertTrue(e.getMessage().startsWith("acme/data: other.txt: git blob hash must equal the server's"
                + " ce013625030ba8dba906f756967f9e9ca394464a, found "), e.getMessage());
        assertFalse(Files.exists(other) || Files.exists(tmp.resolve("other.txt.incomplete")));
        assertEquals(List.of("bytes=3-", "bytes=3-"), ranges);
    }

    /** Answers 416 with {@code bytes *\/SIZE} to any Range request, and the whole body to a plain one. */
    private static Handler refusingRanges(boolean plainToo) {
        return ex -> {
            if (ex.getRequestHeaders().getFirst("Range") == null && !plainToo) {
                serve(ex, null);
                return;
            }
            ex.getResponseHeaders().set("Content-Range", "bytes */" + BODY.length);
            ex.sendResponseHeaders(416, -1);
        };
    }

    /**
     * A 416 to a resume says the server holds nothing past the bytes kept: keeping them made every
     * later call meet 416 again. The file starts over once, and the bytes kept (not a prefix of the
     * body here) are not part of what is stored.
     */
    @Test
    void aResumeAnsweredWith416StartsTheFileOverOnce() throws IOException {
        handler = refusingRanges(false);
        Path target = tmp.resolve("part.bin");
        Path partial = target.resolveSibling("part.bin.incomplete");
        Files.write(partial, randomBytes(40_000, 99));

        downloads().build().download("acme/data", "part.bin", url(), expected(), target);

        assertEquals(List.of("bytes=40000-", "null"), ranges);
        assertArrayEquals(BODY, Files.readAllBytes(target));
        assertFalse(Files.exists(partial));
    }

    /** A server that answers 416 to the plain request too ends the download: the start over is not repeated. */
    @Test
    void aFileStartedOverAfterA416ThatMeets416AgainEndsTheDownload() throws IOException {
        handler = refusingRanges(true);
        Path target = tmp.resolve("part.bin");
        partialWith(target, 40_000);

        HubException e = assertThrows(HubException.class,
                () -> downloads().optAttempts(3).build().download("acme/data", "part.bin", url(), expected(), target));

        assertEquals(416, e.statusCode());
        assertEquals("acme/data: part.bin at " + url() + ": status 416", e.getMessage());
        assertEquals(List.of("bytes=40000-", "null"), ranges);
        assertFalse(Files.exists(target));
    }

    /** Bytes kept that are the whole file are checked and stored without a request, which would meet 416. */
    @Test
    void aPartialFileOfTheFullSizeIsCheckedAndStoredWithoutARequest() throws IOException {
        handler = refusingRanges(true);
        Path target = tmp.resolve("part.bin");
        Path partial = partialWith(target, BODY.length);

        downloads().build().download("acme/data", "part.bin", url(), expected(), target);

        assertEquals(List.of(), ranges);
        assertArrayEquals(BODY, Files.readAllBytes(target));
        assertFalse(Files.exists(partial));
    }

    @Test
    void aRedirectLoopEndsAfterFiveHopsNamingTheLastHop() {
        handler = ex -> {
            ex.getResponseHeaders().set("Location", PATH);
            ex.sendResponseHeaders(302, -1);
        };
        Path target = tmp.resolve("part.bin");

        HubException e = assertThrows(HubException.class,
                () -> downloads().build().download("acme/data", "part.bin", url(), expected(), target));

        assertEquals(302, e.statusCode());
        assertEquals("acme/data: part.bin: more than 5 redirects (the last from " + url() + " to " + url() + ")",
                e.getMessage());
        assertEquals(6, ranges.size(), "the first request and five hops");
        assertFalse(Files.exists(target));
    }

    @Test
    void aRedirectWithoutLocationNamesTheStatus() {
        handler = ex -> ex.sendResponseHeaders(307, -1);

        HubException e = assertThrows(HubException.class, () -> downloads().build()
                .download("acme/data", "part.bin", url(), expected(), tmp.resolve("part.bin")));

        assertEquals(307, e.statusCode());
        assertEquals("acme/data: part.bin: redirect 307 without a Location header", e.getMessage());
    }

    @Test
    void aShortBodyFailsTheSizeCheckAndIsDeleted() {
        byte[] shorter = Arrays.copyOf(BODY, 1000);
        handler = ex -> {
            ex.sendResponseHeaders(200, shorter.length);
            ex.getResponseBody().write(shorter);
        };
        Path target = tmp.resolve("part.bin");

        HubException e = assertThrows(HubException.class, () -> downloads().optSource("the listing").build()
                .download("acme/data", "part.bin", url(), ResumableDownload.Expected.size(BODY.length), target));

        assertEquals("acme/data: part.bin: expected " + BODY.length + " bytes as the listing announced, found 1000;"
                + " the partial file was deleted", e.getMessage());
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(target.resolveSibling("part.bin.incomplete")));
    }

    @Test
    void aBodyLongerThanAnnouncedIsCutAtTheAnnouncedSizeNotWrittenToTheEnd() {
        // a hostile or broken server: 1000 bytes announced, 8 MiB sent; all of it used to reach the disk
        byte[] endless = new byte[8 << 20];
        int[] sent = {0};
        handler = ex -> {
            ex.sendResponseHeaders(200, 0); // chunked: no Content-Length to trust either
            try {
                for (int at = 0; at < endless.length; at += 1 << 16) {
                    ex.getResponseBody().write(endless, at, 1 << 16);
                    sent[0] += 1 << 16;
                }
            } catch (IOException gone) {
                // the client stopped reading, as it should
            }
        };
        Path target = tmp.resolve("part.bin");
        List<Long> done = new CopyOnWriteArrayList<>();

        HubException e = assertThrows(HubException.class, () -> downloads().optAttempts(3).build().download(
                "acme/data", "part.bin", url(), ResumableDownload.Expected.size(1000), target,
                (file, d, total) -> done.add(d)));

        assertEquals("acme/data: part.bin: expected 1000 bytes as the server announced, the body runs past them;"
                + " stopped reading there and deleted the partial file", e.getMessage());
        assertTrue(done.stream().allMatch(d -> d <= 1000), "never more than announced on disk: " + done);
        assertEquals(1, ranges.size(), "a refusal is not retried");
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(target.resolveSibling("part.bin.incomplete")));
    }

    /**
     * Two threads download one file into one cache folder, one through a symbolic link to the
     * folder and one through its real path: the JDK keeps one OS lock per file for the whole JVM
     * (whatever the path it was opened by), so the second must wait for the first rather than ask
     * for a second lock ({@code OverlappingFileLockException}). The first one's body pauses half-way
     * until the second has finished or has waited a second.
     */
    @Test
    void twoThreadsDownloadingThroughALinkedAndARealSpellingOfOneFolderTakeTurns() throws Exception {
        java.util.concurrent.CountDownLatch resume = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean paused = new java.util.concurrent.atomic.AtomicBoolean();
        handler = ex -> {
            if (ex.getRequestHeaders().getFirst("Range") != null || !paused.compareAndSet(false, true)) {
                serve(ex, null);
                return;
            }
            ex.sendResponseHeaders(200, BODY.length);
            ex.getResponseBody().write(BODY, 0, 50_000);
            ex.getResponseBody().flush();
            try {
                resume.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            ex.getResponseBody().write(BODY, 50_000, BODY.length - 50_000);
        };
        Path real = Files.createDirectories(tmp.resolve("real/cache"));
        Path linked = Files.createSymbolicLink(tmp.resolve("linked"), tmp.resolve("real")).resolve("cache");
        Path partial = real.resolve("part.bin.incomplete");
        ResumableDownload d = downloads().build();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first = pool.submit(() -> {
                d.download("acme/data", "part.bin", url(), expected(), real.resolve("part.bin"));
                return null;
            });
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!(Files.exists(partial) && Files.size(partial) >= 50_000) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(Files.exists(partial), "the first download never started");
            var second = pool.submit(() -> {
                d.download("acme/data", "part.bin", url(), expected(), linked.resolve("part.bin"));
                return null;
            });
            List<String> failed = TakingTurns.resumeAndCollect(first, second, resume);
            assertEquals(List.of(), failed, "downloads that failed");
        } finally {
            resume.countDown();
            pool.shutdownNow();
        }
        assertArrayEquals(BODY, Files.readAllBytes(real.resolve("part.bin")));
        assertFalse(Files.exists(partial));
        assertEquals(1, ranges.size(), "one request: the second found the file stored, " + ranges);
    }

    /**
     * Another process holds the target's OS lock (a JVM of its own, so the lock is the only thing
     * the two share: the in-JVM monitor the thread tests meet cannot stand in for it), and stores
     * the file before it lets go. The download here must wait for the lock, then find the file
     * stored and ask the server nothing. It gets a second to ask, were it not waiting (a request to
     * this local server takes milliseconds).
     */
    @Test
    void aDownloadWaitsForAnotherProcessHoldingTheLockAndTakesTheFileItStored() throws Exception {
        handler = ex -> serve(ex, null);
        Path target = tmp.resolve("part.bin");
        Path holder = Files.writeString(tmp.resolve("Hold.java"), """
                import java.nio.channels.FileChannel;
                import java.nio.file.Path;
                import java.nio.file.StandardOpenOption;

                public class Hold {
                    public static void main(String[] args) throws Exception {
                        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE); var held = ch.lock()) {
                            System.out.println("locked");
                            System.out.flush();
                            System.in.read(); // until the test lets go
                        }
                    }
                }
                """);
        String launcher = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process other = new ProcessBuilder(launcher, holder.toString(), target.resolveSibling("part.bin.lock").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            var reader = new java.io.BufferedReader(new java.io.InputStreamReader(other.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("locked", reader.readLine(), "the other process did not take the lock");
            var waiting = pool.submit(() -> {
                downloads().build().download("acme/data", "part.bin", url(), expected(), target);
                return null;
            });
            try {
                waiting.get(1, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException expectedWhileLocked) {
                // waiting for the lock, as it should
            }
            // the other process stores the file, then lets go
            Path stored = Files.write(tmp.resolve("stored.tmp"), BODY);
            Files.move(stored, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            other.getOutputStream().write('\n');
            other.getOutputStream().flush();
            assertEquals(0, other.waitFor());
            waiting.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            other.destroy();
            pool.shutdownNow();
        }
        assertEquals(List.of(), ranges, "the file the other process stored was fetched again");
        assertArrayEquals(BODY, Files.readAllBytes(target));
        assertFalse(Files.exists(target.resolveSibling("part.bin.incomplete")));
    }

    @Test
    void aLinkPlantedAtThePartialNameIsNotWrittenThrough() throws IOException {
        handler = ex -> serve(ex, null);
        Path victim = Files.writeString(tmp.resolve("elsewhere.txt"), "someone's own file\n");
        Path cache = Files.createDirectories(tmp.resolve("shared-cache"));
        Path target = cache.resolve("part.bin");
        Path partial = target.resolveSibling("part.bin.incomplete");
        Files.createSymbolicLink(partial, victim);

        IOException e = assertThrows(IOException.class,
                () -> downloads().build().download("acme/data", "part.bin", url(), expected(), target));

        assertEquals("acme/data: part.bin: " + partial + " is a symbolic link to " + victim + "; a partial download"
                + " must be a plain file, refusing to write through it (remove the link and run it again)",
                e.getMessage());
        assertEquals("someone's own file\n", Files.readString(victim));
        assertTrue(ranges.isEmpty(), "nothing requested");
        assertFalse(Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * A hard link at the partial name (planted in a shared cache, or left by {@code cp -al} of it)
     * shares its content with a file elsewhere: resuming appended the rest of the body to that file.
     * The download starts afresh in a file of its own instead, and the other name keeps its content.
     * The warning counts the other names: "1 other name", and of a file of three "2 other names",
     * where both said "name(s)".
     */
    @Test
    void aPartialFileThatIsAHardLinkIsNotAppendedToAndTheDownloadStartsAfresh() throws IOException {
        handler = ex -> serve(ex, null);
        Path victim = Files.writeString(tmp.resolve("elsewhere.txt"), "someone's own file\n");
        Path cache = Files.createDirectories(tmp.resolve("shared-cache"));
        Path target = cache.resolve("part.bin");
        Path partial = Files.createLink(target.resolveSibling("part.bin.incomplete"), victim);

        String logs = downloadLogged(downloads(), target);

        assertEquals("someone's own file\n", Files.readString(victim));
        assertArrayEquals(BODY, Files.readAllBytes(target));
        assertEquals(List.of("null"), ranges, "asked for the body from its start, no Range");
        assertFalse(Files.exists(partial));
        assertEquals(1, Files.getAttribute(victim, "unix:nlink"));
        assertTrue(logs.contains(partial + " shares its content with 1 other name (hard links); leaving"), logs);

        Files.createLink(tmp.resolve("elsewhere-too.txt"), victim);
        Files.createLink(partial, victim);
        Files.delete(target);
        logs = downloadLogged(downloads(), target);
        assertEquals("someone's own file\n", Files.readString(victim));
        assertTrue(logs.contains(partial + " shares its content with 2 other names (hard links); leaving"), logs);
    }

    /**
     * The hard link replaces the partial file while the resuming request is under way, after the
     * check made before it: the open's own checks refuse to append, and the next attempt starts
     * afresh. The other name keeps its content.
     */
    @Test
    void aHardLinkPlantedAtThePartialNameWhileTheRequestIsUnderWayIsNotAppendedTo() throws IOException {
        Path victim = Files.writeString(tmp.resolve("elsewhere.txt"), "someone's own file\n");
        Path target = Files.createDirectories(tmp.resolve("shared-cache")).resolve("part.bin");
        Path partial = partialWith(target, 40_000);
        handler = ex -> {
            if (ex.getRequestHeaders().getFirst("Range") != null) {
                Files.delete(partial);
                Files.createLink(partial, victim);
            }
            serve(ex, null);
        };

        downloads().optAttempts(2).build().download("acme/data", "part.bin", url(), expected(), target);

        assertEquals("someone's own file\n", Files.readString(victim));
        assertArrayEquals(BODY, Files.readAllBytes(target));
        assertEquals(List.of("bytes=40000-", "null"), ranges);
    }

    /**
     * The link appears while the request is under way, after every check made before it: only the
     * open of the partial file itself can refuse it (the old code, which checked before the request,
     * overwrote the linked file with the body and then moved the link to the target's name).
     */
    @Test
    void aLinkPlantedAtThePartialNameWhileTheRequestIsUnderWayIsRefusedByTheOpen() throws IOException {
        Path victim = Files.writeString(tmp.resolve("elsewhere.txt"), "someone's own file\n");
        Path absent = tmp.resolve("elsewhere-new.txt");
        for (boolean resume : List.of(false, true)) {
            Path cache = Files.createDirectories(tmp.resolve("shared-cache-" + resume));
            Path target = cache.resolve("part.bin");
            Path partial = resume ? partialWith(target, 10) : target.resolveSibling("part.bin.incomplete");
            Path leadsTo = resume ? victim : absent;
            handler = ex -> {
                Files.deleteIfExists(partial);
                Files.createSymbolicLink(partial, leadsTo);
                serve(ex, null);
            };

            IOException e = assertThrows(IOException.class,
                    () -> downloads().optAttempts(3).build().download("acme/data", "part.bin", url(), expected(), target));

            assertEquals("acme/data: part.bin: " + partial + " is a symbolic link to " + leadsTo + "; a partial"
                    + " download must be a plain file, refusing to write through it (remove the link and run it again)",
                    e.getMessage());
            assertEquals("someone's own file\n", Files.readString(victim));
            assertFalse(Files.exists(absent, java.nio.file.LinkOption.NOFOLLOW_LINKS), "created through the link");
            assertFalse(Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        }
        assertEquals(List.of("null", "bytes=10-"), ranges, "one request each: a link is not retried");
    }

    @Test
    void aLinkPlantedAtThePartialOrLockNameThatLeadsNowhereYetCreatesNothingThere() throws IOException {
        handler = ex -> serve(ex, null);
        for (String name : List.of("part.bin.incomplete", "part.bin.lock")) {
            Path cache = Files.createDirectories(tmp.resolve("shared-cache-" + name));
            Path target = cache.resolve("part.bin");
            Path absent = Files.createDirectories(tmp.resolve("elsewhere")).resolve(name);
            Path link = Files.createSymbolicLink(cache.resolve(name), absent);

            IOException e = assertThrows(IOException.class,
                    () -> downloads().build().download("acme/data", "part.bin", url(), expected(), target));

            assertEquals(name.endsWith(".lock")
                    ? link + ": must be a plain file, found a symbolic link to " + absent + "; prefine does not write"
                            + " through a link in its own folders, which someone with write access to the folder may"
                            + " have planted (remove the link and run it again)"
                    : "acme/data: part.bin: " + link + " is a symbolic link to " + absent + "; a partial download"
                            + " must be a plain file, refusing to write through it (remove the link and run it again)",
                    e.getMessage());
            assertFalse(Files.exists(absent, java.nio.file.LinkOption.NOFOLLOW_LINKS), "created through " + link);
            assertTrue(ranges.isEmpty(), "nothing requested");
        }
    }

    @Test
    void aFullDiskEndsTheDownloadAtOnce() throws IOException {
        Path full = Path.of("/dev/full"); // Linux: every write fails with ENOSPC, "No space left on device"
        assumeTrue(Files.exists(full), "needs /dev/full");
        handler = ex -> serve(ex, null);
        Path target = tmp.resolve("part.bin");
        Path partial = target.resolveSibling("part.bin.incomplete");

        // the partial file's writes go to /dev/full (a link to it there is refused as any other)
        IOException once = assertThrows(IOException.class,
                () -> downloads().optAttempts(3).partialFiles((p, append) -> Files.newOutputStream(full,
                        java.nio.file.StandardOpenOption.WRITE)).build().download("acme/data", "part.bin", url(), expected(), target));

        assertEquals("acme/data: part.bin: disk full while writing " + partial + " (0 of " + BODY.length
                + " bytes kept); free space and run it again to resume", once.getMessage());
        assertEquals(1, ranges.size(), "not retried: retrying cannot free space");
        assertFalse(Files.exists(target));
    }

    @Test
    void anExpectationRejectsAHashOfTheWrongShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResumableDownload.Expected.sha256(10, "abc"));
        assertTrue(e.getMessage().startsWith("hash for SHA256 must be lower-case hex"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ResumableDownload.Expected(10, ResumableDownload.Check.SIZE,
                LocalHubServer.sha256(BODY)));
        assertThrows(IllegalArgumentException.class, () -> ResumableDownload.Expected.size(-1));
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * A body cut off mid-way is resumed after HubHttp's backoff (1, 2, ... seconds), as its retries
     * wait, not at once: a server that cut it may be overloaded. Each wait is logged with its attempt.
     */
    @Test
    void aCutBodyIsResumedAfterTheBackoff() throws IOException {
        int[] cuts = {0};
        handler = ex -> {
            if (cuts[0]++ < 2) {
                String range = ex.getRequestHeaders().getFirst("Range");
                int from = range == null ? 0 : Integer.parseInt(range.substring(6, range.length() - 1));
                if (range != null) {
                    ex.getResponseHeaders().set("Content-Range",
                            "bytes " + from + "-" + (BODY.length - 1) + "/" + BODY.length);
                }
                ex.sendResponseHeaders(range == null ? 200 : 206, BODY.length - from);
                ex.getResponseBody().write(BODY, from, 30_000);
                ex.getResponseBody().flush();
                throw new IOException("test server: cutting the body");
            }
            serve(ex, null);
        };
        Path target = tmp.resolve("part.bin");
        String logs = downloadLogged(downloads().optAttempts(3), target);

        assertArrayEquals(BODY, Files.readAllBytes(target));
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), waits);
        // each cut sends 30,000 bytes; the client keeps those it read before the reset, which the
        // JDK's client may deliver short of all of them (a CI run kept 16,304), and resumes there
        long first = interruptedAt(logs, 1, 1000);
        long second = interruptedAt(logs, 2, 2000);
        assertTrue(first > 0 && first <= 30_000, "first cut kept " + first);
        assertTrue(second > first && second <= first + 30_000, "second cut kept " + second);
        assertEquals(List.of("null", "bytes=" + first + "-", "bytes=" + second + "-"), ranges);
    }

    /**
     * A body cut on every attempt ends the download "after 1 attempt" or "after 2 attempts", where
     * both said "attempt(s)"; the backoff between the two goes to the test's sleeper.
     */
    @Test
    void aBodyCutOnEveryAttemptCountsTheAttemptsInTheSingularForOne() throws IOException {
        handler = cutAfter(1000);
        for (int attempts : new int[] {1, 2}) {
            Path target = tmp.resolve("cut-" + attempts + ".bin");
            IOException e = assertThrows(IOException.class, () -> downloads().optAttempts(attempts).build()
                    .download("acme/data", "part.bin", url(), expected(), target));
            String counted = attempts == 1 ? "1 attempt, " : "2 attempts, ";
            assertTrue(e.getMessage().startsWith("acme/data: part.bin: download interrupted after " + counted),
                    e.getMessage());
            Files.deleteIfExists(target.resolveSibling(target.getFileName() + ".incomplete"));
        }
    }

    /** Downloads the test's part.bin to {@code target}, returning what was logged meanwhile. */
    private String downloadLogged(ResumableDownload.Builder downloads, Path target) throws IOException {
        PrintStream realErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            downloads.build().download("acme/data", "part.bin", url(), expected(), target);
        } finally {
            System.setErr(realErr);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** The byte count of the WARN that says attempt {@code attempt} of 3 was cut and when it resumes. */
    private static long interruptedAt(String logs, int attempt, long waitMillis) {
        Matcher m = Pattern.compile("WARN .*attempt " + attempt + " of 3 interrupted at (\\d+) of " + BODY.length
                + " bytes.*resuming in " + waitMillis + " ms").matcher(logs);
        assertTrue(m.find(), logs);
        return Long.parseLong(m.group(1));
    }

    @Test
    void anInterruptDuringTheWaitBeforeAResumeEndsTheDownloadKeepingThePartialFile() throws IOException {
        handler = cutAfter(30_000);
        HubSettings s = new HubSettings(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), tmp, false,
                null);
        ResumableDownload d = downloads().setHttp(HubHttp.builder().setSettings(s).sleeper(wait -> {
            throw new InterruptedException("stopped");
        }).build()).optAttempts(3).build();
        Path target = tmp.resolve("part.bin");

        IOException e = assertThrows(IOException.class,
                () -> d.download("acme/data", "part.bin", url(), expected(), target));

        assertTrue(Thread.interrupted(), "the interrupt flag is set again");
        // the 30,000 bytes sent, or those of them the client read before the reset (see above)
        Matcher m = Pattern.compile(Pattern.quote("acme/data: part.bin: interrupted while waiting to resume; ") + "(\\d+)"
                + Pattern.quote(" of " + BODY.length + " bytes kept in " + target + ".incomplete; run it again to resume"))
                .matcher(e.getMessage());
        assertTrue(m.matches(), e.getMessage());
        long kept = Long.parseLong(m.group(1));
        assertTrue(kept > 0 && kept <= 30_000, "kept " + kept);
        assertEquals(kept, Files.size(Path.of(target + ".incomplete")));
        assertEquals(List.of("null"), ranges);
    }
}
