package io.github.prefine.core.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real HTTP server on 127.0.0.1 (ephemeral port) that answers like the Hub's resolve endpoint:
 * HEAD and GET of {@code /{id}/resolve/main/{file}} with X-Repo-Commit, ETag / X-Linked-Etag and
 * X-Linked-Size, Range requests answered with 206, 404 with X-Error-Code, and 401 when a required
 * token is absent or wrong. Faults are switched on per file to test resumption and hash checks.
 */
final class LocalHubServer implements AutoCloseable {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    /** One file as the server holds it. */
    record Served(byte[] content, boolean lfs, String etag) {}

    /** One request as the server saw it. */
    record Seen(String method, String path, String authorization, String range) {}

    private final HttpServer server;
    private final Map<String, Served> files = new LinkedHashMap<>();
    private final Map<String, Integer> dropAfter = new LinkedHashMap<>();
    private final Map<String, Boolean> corrupt = new LinkedHashMap<>();
    private final Map<String, URI> redirects = new LinkedHashMap<>();
    private final Map<String, Integer> stallAfter = new LinkedHashMap<>();
    private final List<Seen> seen = new ArrayList<>();
    private volatile String requiredToken;

    LocalHubServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        // handlers may stall; serve others meanwhile, on daemon threads that never hold the JVM
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "local-hub");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Adds a plain git file (etag: its git blob hash, as the Hub sends) or an LFS file (etag: its sha256). */
    synchronized LocalHubServer put(String id, String file, byte[] content, boolean lfs) {
        String etag = lfs ? sha256(content) : gitBlobId(content);
        files.put("/" + id + "/resolve/main/" + file, new Served(content, lfs, etag));
        return this;
    }

    /** Serves this file under another etag, as a server that sends no content hash would. */
    synchronized void etag(String id, String file, String etag) {
        String key = "/" + id + "/resolve/main/" + file;
        Served f = files.get(key);
        files.put(key, new Served(f.content(), f.lfs(), etag));
    }

    /** The next GET of this file without a Range header sends only the first n bytes, then drops the connection. */
    synchronized void dropOnceAfter(String id, String file, int n) {
        dropAfter.put("/" + id + "/resolve/main/" + file, n);
    }

    /** The next GET of this file without a Range header sends n bytes, then goes silent for 2 seconds. */
    synchronized void stallOnceAfter(String id, String file, int n) {
        stallAfter.put("/" + id + "/resolve/main/" + file, n);
    }

    /** Every GET of this file sends its bytes with one byte flipped, under the true hash. */
    synchronized void corrupt(String id, String file) {
        corrupt.put("/" + id + "/resolve/main/" + file, true);
    }

    /** Answers this file with a 302 to another server (a CDN), with the Hub's metadata headers. */
    synchronized void redirect(String id, String file, URI target) {
        redirects.put("/" + id + "/resolve/main/" + file, target);
    }

    void requireToken(String token) {
        this.requiredToken = token;
    }

    synchronized List<Seen> seen() {
        return List.copyOf(seen);
    }

    synchronized void clearSeen() {
        seen.clear();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String range = ex.getRequestHeaders().getFirst("Range");
        Served f;
        Integer drop;
        Integer stall;
        boolean flip;
        URI redirect;
        synchronized (this) {
            redirect = redirects.get(path);
            seen.add(new Seen(ex.getRequestMethod(), path, auth, range));
            f = files.get(path);
            drop = range == null && ex.getRequestMethod().equals("GET") ? dropAfter.remove(path) : null;
            flip = corrupt.containsKey(path);
            stall = range == null && ex.getRequestMethod().equals("GET") ? stallAfter.remove(path) : null;
        }
        boolean head = ex.getRequestMethod().equals("HEAD");
        String token = requiredToken;
        if (token != null && !("Bearer " + token).equals(auth)) {
            ex.getResponseHeaders().set("X-Error-Code", "RepoNotFound");
            send(ex, 401, new byte[0], head);
            return;
        }
        if (f == null) {
            boolean repoKnown = false;
            synchronized (this) {
                String[] parts = path.split("/resolve/", 2);
                for (String k : files.keySet()) {
                    repoKnown |= k.startsWith(parts[0] + "/resolve/");
                }
            }
            ex.getResponseHeaders().set("X-Error-Code", repoKnown ? "EntryNotFound" : "RepositoryNotFound");
            send(ex, 404, new byte[0], head);
            return;
        }
        var h = ex.getResponseHeaders();
        h.set("X-Repo-Commit", COMMIT);
        if (f.lfs()) {
            h.set("X-Linked-Etag", "\"" + f.etag() + "\"");
            h.set("X-Linked-Size", Integer.toString(f.content().length));
            h.set("ETag", "\"cdn-" + f.etag().substring(0, 8) + "\"");
        } else {
            h.set("ETag", "W/\"" + f.etag() + "\"");
        }
        if (redirect != null) {
            h.set("X-Linked-Size", Integer.toString(f.content().length));
            h.set("Location", redirect.toString());
            send(ex, 302, new byte[0], true);
            return;
        }
        byte[] body = f.content().clone();
        if (flip) {
            body[body.length / 2] ^= 0x55;
        }
        if (head) {
            if (!f.lfs()) {
                h.set("Content-Length", Integer.toString(body.length));
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
            return;
        }
        int from = 0;
        int status = 200;
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            from = Integer.parseInt(range.substring(6, range.length() - 1));
            status = 206;
            h.set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
        }
        byte[] part = java.util.Arrays.copyOfRange(body, from, body.length);
        ex.sendResponseHeaders(status, part.length);
        OutputStream out = ex.getResponseBody();
        if (stall != null) {
            out.write(part, 0, stall);
            out.flush();
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("test server: giving up on a stalled response");
        }
        if (drop != null) {
            out.write(part, 0, drop);
            out.flush();
            // a handler that throws makes the server close the connection mid-body
            throw new IOException("test server: dropping the connection after " + drop + " bytes");
        }
        out.write(part);
        out.close();
    }

    private static void send(HttpExchange ex, int status, byte[] body, boolean head) throws IOException {
        ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            ex.getResponseBody().write(body);
        }
        ex.close();
    }

    /** What {@code git hash-object} prints for these bytes. */
    static String gitBlobId(byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(("blob " + b.length + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
