package io.github.prefine.core.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * The plumbing of a fake Hub for tests: a real JDK HTTP server on 127.0.0.1 (ephemeral port),
 * daemon handler threads (a handler may stall while others are served), a record of every
 * request, a required token, and file bodies served as the Hub's resolve endpoint does ({@code Range}
 * answered with 206 and {@code Content-Range}, a connection dropped after n bytes or silent after them until
 * the server closes).
 * Subclasses answer like one Hub API: core's {@code LocalHubServer} (models), the examples'
 * {@code FakeDatasetHub} (datasets), which reaches this class through core's test-jar.
 *
 * <p>Close it to stop the server. Thread-safe.
 */
public abstract class AbstractHubServer implements AutoCloseable {

    /**
     * One request as the server saw it.
     *
     * @param method the HTTP method
     * @param path the decoded path
     * @param rawPath the path as sent, percent-encoding kept
     * @param authorization the {@code Authorization} header, or {@code null}
     * @param range the {@code Range} header, or {@code null}
     */
    public record Seen(String method, String path, String rawPath, String authorization, String range) {}

    private final HttpServer server;
    private final List<Seen> seen = new ArrayList<>();
    /** Counted down by {@link #close()}: what a stalled body waits for. */
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile String requiredToken;

    /**
     * Starts the server.
     *
     * @param threadName the name of the handler threads
     * @throws IOException if no loopback port can be bound
     */
    // the handler sees this object only on a request, and no client knows the port before the subclass is built
    @SuppressWarnings("this-escape")
    protected AbstractHubServer(String threadName) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            synchronized (this) {
                seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestURI().getRawPath(),
                        ex.getRequestHeaders().getFirst("Authorization"), ex.getRequestHeaders().getFirst("Range")));
            }
            handle(ex);
        });
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /**
     * Answers one request; it has been recorded already.
     *
     * @param ex the exchange
     * @throws IOException if the answer cannot be written (or to drop the connection on purpose)
     */
    protected abstract void handle(HttpExchange ex) throws IOException;

    /**
     * Returns the server's base URL.
     *
     * @return {@code http://127.0.0.1:PORT}
     */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * Requires {@code Authorization: Bearer TOKEN} on every request from now on.
     *
     * @param token the token, or {@code null} to require none
     */
    public void requireToken(String token) {
        this.requiredToken = token;
    }

    /**
     * Tells whether a request lacks the required token; the subclass then answers 401.
     *
     * @param ex the exchange
     * @return whether a token is required and the request does not carry it
     */
    protected boolean lacksToken(HttpExchange ex) {
        String token = requiredToken;
        return token != null && !("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"));
    }

    /**
     * Returns every request so far, oldest first.
     *
     * @return a copy of the record
     */
    public synchronized List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** Forgets the requests so far. */
    public synchronized void clearSeen() {
        seen.clear();
    }

    /**
     * Sends a status and a body (none for a {@code HEAD} answer or an empty body), then closes.
     *
     * @param ex the exchange
     * @param status the HTTP status
     * @param body the body
     * @param head whether no body may be sent
     * @throws IOException if writing fails
     */
    protected static void send(HttpExchange ex, int status, byte[] body, boolean head) throws IOException {
        ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            ex.getResponseBody().write(body);
        }
        ex.close();
    }

    /**
     * Serves a file's bytes: from the asked byte on with 206 and {@code Content-Range} for a
     * {@code Range: bytes=N-} request, else all with 200. A fault cuts the body after n bytes:
     * {@code dropAfter} closes the connection at once; {@code stallAfter} stays silent until this
     * server is closed, so only the client's stall watchdog can end that body (a server that gave
     * up on its own after a while would look like a dropped connection to a client whose watchdog
     * is broken or slower).
     *
     * @param ex the exchange
     * @param body the file's bytes (already corrupted where a test wants that)
     * @param dropAfter bytes to send before dropping the connection, or {@code null}
     * @param stallAfter bytes to send before going silent until {@link #close()}, or {@code null}
     * @throws IOException always when a fault is set (the server then drops the connection), or if writing fails
     */
    protected final void serveBytes(HttpExchange ex, byte[] body, Integer dropAfter, Integer stallAfter)
            throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        int from = 0;
        int status = 200;
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            from = Integer.parseInt(range.substring(6, range.length() - 1));
            status = 206;
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
        }
        byte[] part = Arrays.copyOfRange(body, from, body.length);
        ex.sendResponseHeaders(status, part.length);
        OutputStream out = ex.getResponseBody();
        if (stallAfter != null) {
            out.write(part, 0, stallAfter);
            out.flush();
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("test server: closing a stalled response");
        }
        if (dropAfter != null) {
            out.write(part, 0, dropAfter);
            out.flush();
            // a handler that throws makes the server close the connection mid-body
            throw new IOException("test server: dropping the connection after " + dropAfter + " bytes");
        }
        out.write(part);
        out.close();
    }

    /**
     * Returns what {@code git hash-object} prints for these bytes.
     *
     * @param b the bytes
     * @return 40 lower-case hex digits
     */
    public static String gitBlobId(byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Returns the sha256 of these bytes.
     *
     * @param b the bytes
     * @return 64 lower-case hex digits
     */
    public static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}
