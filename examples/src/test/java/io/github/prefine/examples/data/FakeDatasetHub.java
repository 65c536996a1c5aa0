package io.github.prefine.examples.data;

import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.int32;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.int64;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.hub.AbstractHubServer;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.examples.data.parquet.TestParquetWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fake Hub (core's test {@link AbstractHubServer}) that answers like its dataset API for a parquet
 * conversion: {@code GET /api/datasets/{repo}/revision/refs%2Fconvert%2Fparquet} (the commit),
 * {@code GET /api/datasets/{repo}/tree/{commit}/{folder}} (files with size and LFS sha256, or git
 * blob id for a file {@link #plain} outside LFS, and sub-folders) and {@code GET /datasets/{repo}/resolve/{commit}/{path}} (bytes, Range answered with
 * 206), 404 with X-Error-Code, and 401 when a required token is absent or wrong. Faults per file:
 * drop the connection once after n bytes, or after n bytes of each of the next k requests, or
 * serve a flipped byte under the true hash.
 */
final class FakeDatasetHub extends AbstractHubServer {
    static final String COMMIT = "c0ffee0123456789abcdef0123456789abcdef01";

    /** repo -> (path in repo -> bytes). */
    private final Map<String, Map<String, byte[]>> repos = new LinkedHashMap<>();
    private final Map<String, Integer> dropAfter = new LinkedHashMap<>();
    /** file -> {bytes sent before the drop, requests left to drop}, ranged requests included. */
    private final Map<String, int[]> dropEach = new LinkedHashMap<>();
    private final Set<String> corrupt = new LinkedHashSet<>();
    /** Files kept in git itself, not LFS: listed with their git blob id as 'oid' and no 'lfs' object. */
    private final Set<String> plain = new LinkedHashSet<>();
    private final Map<String, String> moved = new LinkedHashMap<>();
    private final Map<String, long[]> slow = new LinkedHashMap<>();
    private final Map<String, Integer> bodiesStarted = new LinkedHashMap<>();
    private String commit = COMMIT;
    /** Where file downloads are redirected, with a signature query, as the Hub sends them to its content host; or null. */
    private java.net.URI contentHost;
    /** Tree entries per answer, the rest behind a {@code Link: <...>; rel="next"} header; 0 for all at once. */
    private int pageSize;
    private final java.util.ArrayDeque<Integer> busy = new java.util.ArrayDeque<>();

    FakeDatasetHub() throws IOException {
        super("fake-dataset-hub");
    }

    /**
     * Serves GLUE RTE's parquet conversion with {@code train} and {@code validation} rows, each
     * sentence starting with {@code prefix}, so a test can tell which version a reader saw.
     */
    FakeDatasetHub putRte(int train, int validation, String prefix) throws IOException {
        Map<String, JsonObject> features = new LinkedHashMap<>();
        features.put("sentence1", HubParquet.value("string"));
        features.put("sentence2", HubParquet.value("string"));
        features.put("label", HubParquet.classLabel(List.of("entailment", "not_entailment")));
        features.put("idx", HubParquet.value("int32"));
        Map<String, Integer> sizes = new LinkedHashMap<>();
        sizes.put("train", train);
        sizes.put("validation", validation);
        for (var e : sizes.entrySet()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < e.getValue(); i++) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("sentence1", prefix + " premise " + i);
                r.put("sentence2", prefix + " hypothesis " + i);
                r.put("label", (long) (i % 2));
                r.put("idx", i);
                rows.add(r);
            }
            TestParquetWriter w = new TestParquetWriter().field(string("sentence1")).field(string("sentence2"))
                    .field(int64("label")).field(int32("idx"));
            put("nyu-mll/glue", "rte/" + e.getKey() + "/0000.parquet", HubParquet.file(w, features, rows));
        }
        return this;
    }

    /**
     * Loads rte from a data root as the commands do and checks that both splits come whole from one
     * version that {@link #putRte} served.
     *
     * @param data the data root
     * @param version the prefix the version was served with
     * @param train its training rows
     * @param validation its validation rows
     * @throws IOException if loading fails
     */
    static void assertRteVersion(Path data, String version, int train, int validation) throws IOException {
        TaskData d = FetchedData.source(data, Leniency.LENIENT).load(TaskCatalog.task("rte"));
        assertEquals(train, d.split(Split.TRAIN).size(), "train of the " + version + " version");
        assertEquals(validation, d.split(Split.VALIDATION).size(), "validation of the " + version + " version");
        for (Split s : List.of(Split.TRAIN, Split.VALIDATION)) {
            for (var ex : d.split(s)) {
                assertTrue(((TextExample) ex).textA().startsWith(version + " premise"), s + ": " + ((TextExample) ex).textA());
            }
        }
    }

    synchronized FakeDatasetHub put(String repo, String path, byte[] content) {
        repos.computeIfAbsent(repo, k -> new LinkedHashMap<>()).put(path, content);
        return this;
    }

    /** The bytes this file holds, before any fault. @param repo the repository @param path the path @return a copy */
    synchronized byte[] content(String repo, String path) {
        return repos.get(repo).get(path).clone();
    }

    synchronized void dropOnceAfter(String repo, String path, int n) {
        dropAfter.put(repo + "/" + path, n);
    }

    synchronized void dropEachAfter(String repo, String path, int n, int requests) {
        dropEach.put(repo + "/" + path, new int[] {n, requests});
    }

    synchronized void corrupt(String repo, String path) {
        corrupt.add(repo + "/" + path);
    }

    /** Lists this file as one outside LFS, as the Hub lists a small file kept in git: its 'oid' is its git blob id. */
    synchronized void plain(String repo, String path) {
        plain.add(repo + "/" + path);
    }

    /** Serves a new revision of every repository from now on, as after a dataset update. @param sha 40 hex digits */
    synchronized void commit(String sha) {
        commit = sha;
    }

    /**
     * Sends this file's bytes {@code chunk} at a time with {@code pauseMillis} between chunks.
     *
     * @param repo the repository
     * @param path the path in it
     * @param chunk bytes per chunk
     * @param pauseMillis the pause after each chunk
     */
    synchronized void slow(String repo, String path, int chunk, long pauseMillis) {
        slow.put(repo + "/" + path, new long[] {chunk, pauseMillis});
    }

    /** How many bodies of this file the server began to send. @param repo the repository @param path the path @return the count */
    synchronized int bodiesStarted(String repo, String path) {
        return bodiesStarted.getOrDefault(repo + "/" + path, 0);
    }

    /** Answers every request for {@code from} with a 307 to the same path under {@code to}, as the Hub does for a renamed repository. */
    /** Answers tree listings n entries at a time, as the Hub paginates them (a {@code Link} header to the next page). */
    synchronized void pageSize(int n) {
        pageSize = n;
    }

    /**
     * Answers the next requests, whatever they ask, with these statuses and {@code Retry-After: 0},
     * as a busy or failing Hub does (429, 503, ...).
     *
     * @param statuses one status per request, in order
     */
    synchronized void busy(int... statuses) {
        for (int s : statuses) {
            busy.add(s);
        }
    }

    /** How many busy answers are still to be given. @return the count */
    synchronized int busyLeft() {
        return busy.size();
    }

    /**
     * Answers each file download with a 302 to the same path on another server, with a signature
     * query, as the Hub sends a download to its content host.
     *
     * @param base the other server's endpoint
     */
    synchronized void contentHost(java.net.URI base) {
        contentHost = base;
    }

    synchronized void moved(String from, String to) {
        moved.put(from, to);
    }

    @Override
    protected void handle(HttpExchange ex) throws IOException {
        String raw = ex.getRequestURI().getRawPath();
        String range = ex.getRequestHeaders().getFirst("Range");
        Integer busyStatus;
        synchronized (this) {
            busyStatus = busy.poll();
        }
        if (busyStatus != null) {
            ex.getResponseHeaders().set("Retry-After", "0"); // the client's retries cost no time
            send(ex, busyStatus, new byte[0]);
            return;
        }
        if (lacksToken(ex)) {
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
        } else if (raw.startsWith("/datasets/") && contentHost() != null) {
            ex.getResponseHeaders().set("Location", contentHost() + raw + "?Expires=1&Signature=s3cr3t");
            send(ex, 302, new byte[0]);
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
            o.addProperty("sha", commit());
            send(ex, 200, o.toString().getBytes(StandardCharsets.UTF_8));
            return;
        }
        String prefix = "tree/" + commit() + "/";
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
                boolean inGit = plain.contains(repo + "/" + p);
                // an LFS file's oid is its pointer's blob id, which the fake does not write: a stand-in
                f.addProperty("oid", inGit ? gitBlobId(e.getValue()) : sha256(e.getValue()).substring(0, 40));
                f.addProperty("size", e.getValue().length);
                f.addProperty("path", p);
                if (!inGit) {
                    JsonObject lfs = new JsonObject();
                    lfs.addProperty("oid", sha256(e.getValue()));
                    lfs.addProperty("size", e.getValue().length);
                    lfs.addProperty("pointerSize", 132);
                    f.add("lfs", lfs);
                }
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
        int size;
        synchronized (this) {
            size = pageSize;
        }
        if (size > 0) {
            String query = ex.getRequestURI().getRawQuery();
            int from = query != null && query.startsWith("cursor=") ? Integer.parseInt(query.substring(7)) : 0;
            JsonArray page = new JsonArray();
            for (int i = from; i < Math.min(out.size(), from + size); i++) {
                page.add(out.get(i));
            }
            if (from + size < out.size()) {
                ex.getResponseHeaders().set("Link", "<" + endpoint() + ex.getRequestURI().getRawPath() + "?cursor="
                        + (from + size) + ">; rel=\"next\"");
            }
            out = page;
        }
        send(ex, 200, out.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void resolve(HttpExchange ex, String rest, String range) throws IOException {
        String repo = repoOf(rest);
        String prefix = repo == null ? null : repo + "/resolve/" + commit() + "/";
        byte[] content = null;
        long[] pace = null;
        Integer drop = null;
        boolean flip = false;
        String path = null;
        if (prefix != null && rest.startsWith(prefix)) {
            path = java.net.URLDecoder.decode(rest.substring(prefix.length()), StandardCharsets.UTF_8);
            synchronized (this) {
                content = repos.get(repo).get(path);
                drop = range == null ? dropAfter.remove(repo + "/" + path) : null;
                int[] each = dropEach.get(repo + "/" + path);
                if (each != null && each[1] > 0) {
                    each[1]--;
                    drop = each[0];
                }
                flip = corrupt.contains(repo + "/" + path);
                pace = slow.get(repo + "/" + path);
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
        if (pace != null) {
            serveSlowly(ex, body, repo + "/" + path, (int) pace[0], pace[1]);
            return;
        }
        serveBytes(ex, body, drop, null);
    }

    private void serveSlowly(HttpExchange ex, byte[] body, String key, int chunk, long pauseMillis) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        int from = 0;
        int status = 200;
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            from = Integer.parseInt(range.substring(6, range.length() - 1));
            status = 206;
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
        }
        ex.sendResponseHeaders(status, body.length - from);
        synchronized (this) {
            bodiesStarted.merge(key, 1, Integer::sum);
        }
        try (java.io.OutputStream out = ex.getResponseBody()) {
            for (int i = from; i < body.length; i += chunk) {
                out.write(body, i, Math.min(chunk, body.length - i));
                out.flush();
                Thread.sleep(pauseMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("test server: stopped", e);
        }
    }

    private synchronized java.net.URI contentHost() {
        return contentHost;
    }

    private synchronized String commit() {
        return commit;
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
        send(ex, status, body, false);
    }
}
