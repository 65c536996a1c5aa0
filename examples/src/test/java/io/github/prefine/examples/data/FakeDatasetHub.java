package io.github.prefine.examples.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A real HTTP server on 127.0.0.1 that answers like the Hub's dataset API for a parquet
 * conversion: {@code GET /api/datasets/{repo}/revision/refs%2Fconvert%2Fparquet} (the commit),
 * {@code GET /api/datasets/{repo}/tree/{commit}/{folder}} (files with size and LFS sha256, and
 * sub-folders) and {@code GET /datasets/{repo}/resolve/{commit}/{path}} (bytes, Range answered with
 * 206), 404 with X-Error-Code, and 401 when a required token is absent or wrong. Faults per file:
 * drop the connection once after n bytes, or serve a flipped byte under the true hash.
 */
final class FakeDatasetHub implements AutoCloseable {
    static final String COMMIT = "c0ffee0123456789abcdef0123456789abcdef01";

    /** One request as the server saw it. */
    record Seen(String method, String rawPath, String authorization, String range) {}

    private final HttpServer server;
    /** repo -> (path in repo -> bytes). */
    private final Map<String, Map<String, byte[]>> repos = new LinkedHashMap<>();
    private final Map<String, Integer> dropAfter = new LinkedHashMap<>();
    private final Set<String> corrupt = new LinkedHashSet<>();
    private final List<Seen> seen = new ArrayList<>();
    private volatile String requiredToken;
    private final Map<String, String> moved = new LinkedHashMap<>();

    FakeDatasetHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-dataset-hub");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    synchronized FakeDatasetHub put(String repo, String path, byte[] content) {
        repos.computeIfAbsent(repo, k -> new LinkedHashMap<>()).put(path, content);
        return this;
    }

    synchronized void dropOnceAfter(String repo, String path, int n) {
        dropAfter.put(repo + "/" + path, n);
    }

    synchronized void corrupt(String repo, String path) {
        corrupt.add(repo + "/" + path);
    }

    /** Answers every request for {@code from} with a 307 to the same path under {@code to}, as the Hub does for a renamed repository. */
    synchronized void moved(String from, String to) {
        moved.put(from, to);
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
        String raw = ex.getRequestURI().getRawPath();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String range = ex.getRequestHeaders().getFirst("Range");
        synchronized (this) {
            seen.add(new Seen(ex.getRequestMethod(), raw, auth, range));
        }
        String token = requiredToken;
        if (token != null && !("Bearer " + token).equals(auth)) {
            ex.getResponseHeaders().set("X-Error-Code", "GatedRepo");
            send(ex, 401, new byte[0]);
            return;
        }
        synchronized (this) {
            for (Map.Entry<String, String> m : moved.entrySet()) {
                for (String prefix : List.of("/api/datasets/", "/datasets/")) {
                    if (raw.startsWith(prefix + m.getKey() + "/")) {
                        ex.getResponseHeaders().set("Location", prefix + m.getValue() + raw.substring(prefix.length()
                                + m.getKey().length()));
                        send(ex, 307, new byte[0]);
                        return;
                    }
                }
            }
        }
        if (raw.startsWith("/api/datasets/")) {
            api(ex, raw.substring("/api/datasets/".length()));
        } else if (raw.startsWith("/datasets/")) {
            resolve(ex, raw.substring("/datasets/".length()), range);
        } else {
            send(ex, 404, new byte[0]);
        }
    }

    private void api(HttpExchange ex, String rest) throws IOException {
        String repo = repoOf(rest);
        Map<String, byte[]> files;
        synchronized (this) {
            files = repo == null ? null : repos.get(repo);
        }
        if (files == null) {
            ex.getResponseHeaders().set("X-Error-Code", "RepoNotFound");
            send(ex, 404, new byte[0]);
            return;
        }
        String after = rest.substring(repo.length() + 1);
        if (after.equals("revision/refs%2Fconvert%2Fparquet")) {
            JsonObject o = new JsonObject();
            o.addProperty("id", repo);
            o.addProperty("sha", COMMIT);
            send(ex, 200, o.toString().getBytes(StandardCharsets.UTF_8));
            return;
        }
        String prefix = "tree/" + COMMIT + "/";
        if (!after.startsWith(prefix)) {
            ex.getResponseHeaders().set("X-Error-Code", "RevisionNotFound");
            send(ex, 404, new byte[0]);
            return;
        }
        String folder = java.net.URLDecoder.decode(after.substring(prefix.length()), StandardCharsets.UTF_8);
        JsonArray out = new JsonArray();
        Set<String> dirs = new LinkedHashSet<>();
        synchronized (this) {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                String p = e.getKey();
                if (!p.startsWith(folder + "/")) {
                    continue;
                }
                String tail = p.substring(folder.length() + 1);
                if (tail.contains("/")) {
                    dirs.add(folder + "/" + tail.substring(0, tail.indexOf('/')));
                    continue;
                }
                JsonObject f = new JsonObject();
                f.addProperty("type", "file");
                f.addProperty("oid", sha256(e.getValue()).substring(0, 40));
                f.addProperty("size", e.getValue().length);
                f.addProperty("path", p);
                JsonObject lfs = new JsonObject();
                lfs.addProperty("oid", sha256(e.getValue()));
                lfs.addProperty("size", e.getValue().length);
                lfs.addProperty("pointerSize", 132);
                f.add("lfs", lfs);
                out.add(f);
            }
        }
        for (String d : dirs) {
            JsonObject f = new JsonObject();
            f.addProperty("type", "directory");
            f.addProperty("oid", "0000000000000000000000000000000000000000");
            f.addProperty("size", 0);
            f.addProperty("path", d);
            out.add(f);
        }
        if (out.isEmpty()) {
            ex.getResponseHeaders().set("X-Error-Code", "EntryNotFound");
            send(ex, 404, new byte[0]);
            return;
        }
        send(ex, 200, out.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void resolve(HttpExchange ex, String rest, String range) throws IOException {
        String repo = repoOf(rest);
        String prefix = repo == null ? null : repo + "/resolve/" + COMMIT + "/";
        byte[] content = null;
        Integer drop = null;
        boolean flip = false;
        String path = null;
        if (prefix != null && rest.startsWith(prefix)) {
            path = java.net.URLDecoder.decode(rest.substring(prefix.length()), StandardCharsets.UTF_8);
            synchronized (this) {
                content = repos.get(repo).get(path);
                drop = range == null ? dropAfter.remove(repo + "/" + path) : null;
                flip = corrupt.contains(repo + "/" + path);
            }
        }
        if (content == null) {
            ex.getResponseHeaders().set("X-Error-Code", "EntryNotFound");
            send(ex, 404, new byte[0]);
            return;
        }
        byte[] body = content.clone();
        if (flip) {
            body[body.length / 2] ^= 0x55;
        }
        int from = 0;
        int status = 200;
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            from = Integer.parseInt(range.substring(6, range.length() - 1));
            status = 206;
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
        }
        byte[] part = java.util.Arrays.copyOfRange(body, from, body.length);
        ex.sendResponseHeaders(status, part.length);
        OutputStream out = ex.getResponseBody();
        if (drop != null) {
            out.write(part, 0, drop);
            out.flush();
            throw new IOException("fake hub: dropping the connection after " + drop + " bytes");
        }
        out.write(part);
        out.close();
    }

    /** The repo id ({@code org/name} or {@code name}) a path starts with, if the server holds it. */
    private synchronized String repoOf(String rest) {
        for (String r : repos.keySet()) {
            if (rest.startsWith(r + "/")) {
                return r;
            }
        }
        return null;
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
        ex.close();
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
