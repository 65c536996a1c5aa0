package io.github.prefine.examples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.github.prefine.core.hub.HubException;
import io.github.prefine.core.hub.HubSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers of a hostile or broken dataset API, from a real JDK server on loopback: each must end in
 * a {@link HubException} naming the dataset and what was expected, never an unchecked exception,
 * a path outside the listed folder, or a body read to the heap's end.
 */
class HubClientHostileAnswersTest {
    private static final String REPO = "acme/data";
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final String SHA = "ab".repeat(32);

    @TempDir
    Path tmp;

    private HttpServer server;
    /** The body of every answer, sent with status 200 and streamed in 64 KiB pieces. */
    private volatile byte[] answer;
    /** A {@code Link} header sent with every answer to a request without a query, or null. */
    private volatile String link;
    /** Each request's path and query, as the server read them. */
    private final java.util.List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            asked.add(ex.getRequestURI().getRawPath() + (ex.getRequestURI().getRawQuery() == null ? ""
                    : "?" + ex.getRequestURI().getRawQuery()));
            try (OutputStream out = ex.getResponseBody()) {
                if (link != null && ex.getRequestURI().getRawQuery() == null) {
                    ex.getResponseHeaders().set("Link", link);
                }
                ex.sendResponseHeaders(200, 0);
                for (int at = 0; at < answer.length; at += 1 << 16) {
                    out.write(answer, at, Math.min(1 << 16, answer.length - at));
                }
            } catch (IOException gone) {
                // the client stopped reading
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

    private HubClient client() {
        HubSettings s = new HubSettings(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), tmp, false,
                null);
        return new HubClient(s, Duration.ofSeconds(10), Duration.ofSeconds(10), 1);
    }

    /**
     * An API answer that a redirect fetched from another host named that host's URL whole in its
     * refusal: a query there may be a signature that grants access for a while.
     */
    @Test
    void anAnswerFromAnotherHostIsNamedWithoutItsQuery() throws IOException {
        answer = "<html>sign in</html>".getBytes(StandardCharsets.UTF_8);
        String elsewhere = "http://127.0.0.1:" + server.getAddress().getPort() + "/elsewhere";
        HttpServer hub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hub.createContext("/", ex -> {
            ex.getResponseHeaders().set("Location", elsewhere + "?Expires=1&Signature=s3cr3t");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        hub.start();
        try {
            HubSettings s = new HubSettings(URI.create("http://localhost:" + hub.getAddress().getPort()), tmp, false,
                    null);
            HubClient c = new HubClient(s, Duration.ofSeconds(10), Duration.ofSeconds(10), 1);

            HubException e = assertThrows(HubException.class, () -> c.parquetRevision(REPO));

            assertEquals(REPO + ": revision refs/convert/parquet: the answer from " + elsewhere + "?... is not JSON",
                    e.getMessage());
        } finally {
            hub.stop(0);
        }
    }

    private HubException listing(String json) {
        answer = json.getBytes(StandardCharsets.UTF_8);
        return assertThrows(HubException.class, () -> client().list(REPO, COMMIT, "default/train"));
    }

    private static String entry(String path, String size) {
        return "{\"type\":\"file\",\"path\":\"" + path + "\",\"size\":" + size + ",\"lfs\":{\"oid\":\"" + SHA
                + "\",\"size\":" + size + "}}";
    }

    @Test
    void aNextPageOnAnotherHostOrOneAlreadyReadIsRefused() {
        String page = "[" + entry("default/train/0000.parquet", "3") + "]";
        // a signed page elsewhere: the message shows its host and path, not the user's password or the signature
        link = "<https://u:pa55@elsewhere.example/api/datasets/acme/data/tree/" + COMMIT
                + "/default/train?cursor=1&X-Amz-Signature=s3cr3t>; rel=\"next\"";
        HubException elsewhere = listing(page);
        link = "</api/datasets/acme/data/tree/" + COMMIT + "/default/train>; rel=\"next\"";
        HubException again = listing(page);

        assertEquals("acme/data: default/train: the tree listing's next page https://elsewhere.example/api/datasets/"
                + "acme/data/tree/" + COMMIT + "/default/train?... is not on http://127.0.0.1:"
                + server.getAddress().getPort(), elsewhere.getMessage());
        assertTrue(again.getMessage().endsWith("is one already read"), again.getMessage());
    }

    @Test
    void aNextPageThatIsOnlyAQueryIsAskedOfTheSameFolder() throws IOException {
        // RFC 8288 resolves a target as RFC 3986 does: java.net.URI.resolve dropped the folder's last
        // segment before "?cursor=1", and the second page was asked of default/ instead of default/train
        answer = ("[" + entry("default/train/0000.parquet", "3") + "]").getBytes(StandardCharsets.UTF_8);
        link = "<?cursor=1>; rel=\"next\"";

        java.util.List<HubClient.RemoteFile> files = client().list(REPO, COMMIT, "default/train");

        String folder = "/api/datasets/acme/data/tree/" + COMMIT + "/default/train";
        assertEquals(java.util.List.of(folder, folder + "?cursor=1"), asked);
        assertEquals(2, files.size(), "one entry from each page: " + files);
    }

    @Test
    void aNextPageThatIsNoUriIsAHubErrorNotAnIllegalArgument() {
        // a bracket in a path stays no URI reference; a space or a bar is percent-encoded and requested,
        // as requests requests it (HubHttp.resolveReference)
        link = "</api/datasets/acme/data/tree/" + COMMIT + "/default/[train]>; rel=\"next\"";
        HubException e = listing("[" + entry("default/train/0000.parquet", "3") + "]");
        assertEquals("acme/data: default/train: the tree listing's next page must be a URI reference, found '/api/datasets/"
                + "acme/data/tree/" + COMMIT + "/default/[train]'", e.getMessage());
    }

    /** The raw target of a next page that is no URI was shown whole, password and signature included. */
    @Test
    void aNextPageThatIsNoUriIsShownRedacted() {
        link = "<https://u:pa55@elsewhere.example/tree/[train]?X-Amz-Signature=s3cr3t#frag>; rel=\"next\"";
        HubException e = listing("[" + entry("default/train/0000.parquet", "3") + "]");
        assertEquals("acme/data: default/train: the tree listing's next page must be a URI reference, found"
                + " 'https://elsewhere.example/tree/[train]?...'", e.getMessage());
    }

    /** An LFS file without its sha256 was checked by its size only. */
    @Test
    void anLfsFileWithoutItsSha256IsRefusedNamingIt() {
        HubException e = listing("[{\"type\":\"file\",\"path\":\"default/train/0000.parquet\",\"size\":3,"
                + "\"oid\":\"0123456789abcdef0123456789abcdef01234567\",\"lfs\":{\"size\":3}}]");

        assertEquals("acme/data: default/train/0000.parquet: LFS oid must be a sha256, to check the download, found none",
                e.getMessage());
    }

    /** A file outside LFS has its git blob id as 'oid' only: without one its download could be checked by size alone. */
    @Test
    void aFileOutsideLfsWithoutAGitBlobIdIsRefusedNamingIt() {
        HubException missing = listing("[{\"type\":\"file\",\"path\":\"default/train/0000.parquet\",\"size\":3}]");
        HubException sha256 = listing("[{\"type\":\"file\",\"path\":\"default/train/0000.parquet\",\"size\":3,"
                + "\"oid\":\"" + SHA + "\"}]");

        assertEquals("acme/data: default/train/0000.parquet: a file outside LFS must have its git blob id as 'oid'"
                + " (40 hex digits) in the tree listing, to check its download, found null", missing.getMessage());
        assertEquals("acme/data: default/train/0000.parquet: a file outside LFS must have its git blob id as 'oid'"
                + " (40 hex digits) in the tree listing, to check its download, found '" + SHA + "'",
                sha256.getMessage());
    }

    @Test
    void anEntryWithoutAPathIsAHubErrorNotANullPointer() {
        HubException e = listing("[{\"type\":\"file\",\"size\":3}]");

        assertEquals("acme/data: default/train: each tree listing entry must have a string 'path' and 'type', found"
                + " {\"type\":\"file\",\"size\":3}", e.getMessage());
    }

    @Test
    void anEntryThatIsNoObjectIsAHubErrorNotAnIllegalState() {
        HubException e = listing("[\"default/train/0000.parquet\"]");

        assertTrue(e.getMessage().startsWith("acme/data: default/train: each tree listing entry must have"),
                e.getMessage());
    }

    @Test
    void aNegativeOrFractionalSizeIsRefusedNamingTheFile() {
        HubException negative = listing("[" + entry("default/train/0000.parquet", "-7") + "]");
        HubException fraction = listing("[" + entry("default/train/0000.parquet", "1.5") + "]");

        assertTrue(negative.getMessage().startsWith("acme/data: default/train/0000.parquet: the tree listing's size must"
                + " be a number of bytes, at least 0, found"), negative.getMessage());
        assertTrue(fraction.getMessage().startsWith("acme/data: default/train/0000.parquet: the tree listing's size"),
                fraction.getMessage());
    }

    @Test
    void aPathOutsideTheListedFolderIsRefused() {
        // none of these climbs out of the cache, but each would file another split's or folder's data as this one's
        for (String path : new String[] {"default/validation/0000.parquet", "default/train/sub/0000.parquet",
                "other.parquet", "default/train\\..\\x.parquet"}) {
            HubException e = listing("[" + entry(path.replace("\\", "\\\\"), "3") + "]"); // JSON-escaped
            assertTrue(e.getMessage().startsWith("acme/data: the tree listing of default/train names '"),
                    path + ": " + e.getMessage());
            assertTrue(e.getMessage().endsWith("', expected a file directly in that folder"), e.getMessage());
        }
    }

    @Test
    void aRevisionAnswerThatIsNoObjectIsAHubError() {
        answer = "[\"0123456789abcdef0123456789abcdef01234567\"]".getBytes(StandardCharsets.UTF_8);

        HubException e = assertThrows(HubException.class, () -> client().parquetRevision(REPO));

        assertEquals("acme/data: the revision answer for refs/convert/parquet must carry a 40-digit 'sha', found null",
                e.getMessage());
    }

    @Test
    void anAnswerThatRunsOnIsCutAtTheLimitNotReadToTheEnd() {
        // a "listing" of 64 MiB of spaces: the old reader held all of it, then failed the parse
        answer = new byte[64 << 20];
        java.util.Arrays.fill(answer, (byte) ' ');

        HubException e = assertThrows(HubException.class, () -> client().parquetRevision(REPO));

        assertTrue(e.getMessage().startsWith("acme/data: revision refs/convert/parquet: the answer from http://127.0.0.1:"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith(" runs past " + HubClient.MAX_JSON_BYTES
                + " bytes, more than an API answer has"), e.getMessage());
    }
}
