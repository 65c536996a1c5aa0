package io.github.prefine.core.hub;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fake Hub ({@link AbstractHubServer}) that answers like its model resolve endpoint:
 * HEAD and GET of {@code /{id}/resolve/main/{file}} (or at {@link #COMMIT}) with X-Repo-Commit, ETag / X-Linked-Etag and
 * X-Linked-Size, Range requests answered with 206, 404 with X-Error-Code, and 401 when a required
 * token is absent or wrong. Faults are switched on per file to test resumption and hash checks.
 */
final class LocalHubServer extends AbstractHubServer {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    /** One file as the server holds it. */
    record Served(byte[] content, boolean lfs, String etag) {}

    private final Map<String, Served> files = new LinkedHashMap<>();
    private final Map<String, Integer> dropAfter = new LinkedHashMap<>();
    private final Map<String, Boolean> corrupt = new LinkedHashMap<>();
    private final Map<String, URI> redirects = new LinkedHashMap<>();
    private final Map<String, String> announcedSizes = new LinkedHashMap<>();
    private final Map<String, Integer> stallAfter = new LinkedHashMap<>();
    private final Map<String, Integer> pauseAfter = new LinkedHashMap<>();
    private final Map<String, java.util.concurrent.CountDownLatch> pauseUntil = new LinkedHashMap<>();
    private final Map<String, java.util.ArrayDeque<Fault>> faults = new LinkedHashMap<>();

    /**
     * One answer given in place of a file's own, as a busy or failing Hub gives it.
     *
     * @param method the method it answers: HEAD or GET
     * @param ranged for a GET, whether it answers a request with a Range header (a resume) or one without
     * @param status the HTTP status, or 0 to drop the connection before any header
     * @param retryAfter the Retry-After header, or null for none
     */
    record Fault(String method, boolean ranged, int status, String retryAfter) {}

    LocalHubServer() throws IOException {
        super("local-hub");
    }

    /** Adds a plain git file (etag: its git blob hash, as the Hub sends) or an LFS file (etag: its sha256). */
    synchronized LocalHubServer put(String id, String file, byte[] content, boolean lfs) {
        String etag = lfs ? sha256(content) : gitBlobId(content);
        files.put("/" + id + "/resolve/main/" + file, new Served(content, lfs, etag));
        return this;
    }

    /** Serves this file under another etag, as a server that sends no content hash would; null for no ETag at all. */
    synchronized void etag(String id, String file, String etag) {
        String key = "/" + id + "/resolve/main/" + file;
        Served f = files.get(key);
        files.put(key, new Served(f.content(), f.lfs(), etag));
    }

    /** The next GET of this file without a Range header sends only the first n bytes, then drops the connection. */
    synchronized void dropOnceAfter(String id, String file, int n) {
        dropAfter.put("/" + id + "/resolve/main/" + file, n);
    }

    /** The next GET of this file without a Range header sends n bytes, then goes silent until the server closes. */
    synchronized void stallOnceAfter(String id, String file, int n) {
        stallAfter.put("/" + id + "/resolve/main/" + file, n);
    }

    /**
     * The next GET of this file without a Range header sends n bytes, waits until {@code resume}
     * is counted down, then sends the rest.
     */
    synchronized void pauseOnceAfter(String id, String file, int n, java.util.concurrent.CountDownLatch resume) {
        pauseAfter.put("/" + id + "/resolve/main/" + file, n);
        pauseUntil.put("/" + id + "/resolve/main/" + file, resume);
    }

    /** Answers the next {@code times} requests of this file that the fault's method and range match with the fault. */
    synchronized void failNext(String id, String file, Fault fault, int times) {
        var queue = faults.computeIfAbsent("/" + id + "/resolve/main/" + file, k -> new java.util.ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(fault);
        }
    }

    /** Every GET of this file sends its bytes with one byte flipped, under the true hash. */
    synchronized void corrupt(String id, String file) {
        corrupt.put("/" + id + "/resolve/main/" + file, true);
    }

    /** Announces this file's size as the given header text, whatever its bytes are. */
    synchronized void announceSize(String id, String file, String size) {
        announcedSizes.put("/" + id + "/resolve/main/" + file, size);
    }

    /** Answers this file with a 302 to another server (a CDN), with the Hub's metadata headers. */
    synchronized void redirect(String id, String file, URI target) {
        redirects.put("/" + id + "/resolve/main/" + file, target);
    }

    @Override
    protected void handle(HttpExchange ex) throws IOException {
        // after the first answer the resolver asks at the commit that answer named
        String path = ex.getRequestURI().getPath().replace("/resolve/" + COMMIT + "/", "/resolve/main/");
        String range = ex.getRequestHeaders().getFirst("Range");
        Served f;
        Integer drop;
        Integer stall;
        Integer pause;
        java.util.concurrent.CountDownLatch resume;
        boolean flip;
        URI redirect;
        String announced;
        Fault fault;
        synchronized (this) {
            var queue = faults.get(path);
            Fault next = queue == null ? null : queue.peek();
            fault = next != null && next.method().equals(ex.getRequestMethod())
                    && (next.method().equals("HEAD") || next.ranged() == (range != null)) ? queue.poll() : null;
            redirect = redirects.get(path);
            announced = announcedSizes.get(path);
            f = files.get(path);
            drop = range == null && ex.getRequestMethod().equals("GET") ? dropAfter.remove(path) : null;
            flip = corrupt.containsKey(path);
            stall = range == null && ex.getRequestMethod().equals("GET") ? stallAfter.remove(path) : null;
            pause = range == null && ex.getRequestMethod().equals("GET") ? pauseAfter.remove(path) : null;
            resume = pause == null ? null : pauseUntil.remove(path);
        }
        boolean head = ex.getRequestMethod().equals("HEAD");
        if (fault != null) {
            if (fault.status() == 0) {
                // a handler that throws before any header makes the server close the connection
                throw new IOException("test server: dropping the connection before any header");
            }
            if (fault.retryAfter() != null) {
                ex.getResponseHeaders().set("Retry-After", fault.retryAfter());
            }
            send(ex, fault.status(), new byte[0], head);
            return;
        }
        if (lacksToken(ex)) {
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
            ex.getResponseHeaders().set("X-Error-Code", repoKnown ? "EntryNotFound" : "RepoNotFound");
            send(ex, 404, new byte[0], head);
            return;
        }
        var h = ex.getResponseHeaders();
        h.set("X-Repo-Commit", COMMIT);
        if (f.etag() == null) {
            if (f.lfs()) {
                h.set("X-Linked-Size", Integer.toString(f.content().length));
            }
        } else if (f.lfs()) {
            h.set("X-Linked-Etag", "\"" + f.etag() + "\"");
            h.set("X-Linked-Size", Integer.toString(f.content().length));
            h.set("ETag", "\"cdn-" + f.etag().substring(0, 8) + "\"");
        } else {
            h.set("ETag", "W/\"" + f.etag() + "\"");
        }
        if (announced != null) {
            h.set("X-Linked-Size", announced);
        }
        if (redirect != null) {
            h.set("X-Linked-Size", announced != null ? announced : Integer.toString(f.content().length));
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
        if (pause != null) {
            ex.sendResponseHeaders(200, body.length);
            try (var out = ex.getResponseBody()) {
                out.write(body, 0, pause);
                out.flush();
                try {
                    resume.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("test server: interrupted during a pause", e);
                }
                out.write(body, pause, body.length - pause);
            }
            return;
        }
        serveBytes(ex, body, drop, stall);
    }
}
