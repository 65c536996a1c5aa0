package io.github.prefine.examples.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.prefine.core.hub.FileDigests;
import io.github.prefine.core.hub.HubException;
import io.github.prefine.core.hub.HubSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to the Hub's dataset API for {@code prefine data fetch}: the commit of a dataset's
 * parquet conversion ({@code refs/convert/parquet}), the files of one config and split, and
 * resumable, checked downloads of those files.
 *
 * <p>It follows {@link io.github.prefine.core.hub.ModelResolver}'s rules for models: settings from
 * {@link HubSettings} ({@code HF_ENDPOINT}, {@code HF_TOKEN}, {@code HF_HUB_OFFLINE}); the token
 * only as {@code Authorization: Bearer} to the endpoint's own host, never to a redirect target
 * elsewhere and never in a message; a body goes to {@code NAME.incomplete}, is continued with a
 * {@code Range} request after an interruption (within one fetch, by its retries, and by a later
 * fetch), is checked (size always, sha256 for LFS files, whose sha256 the tree listing gives) and
 * only then renamed atomically. A body that sends nothing for the stall timeout counts as
 * interrupted. Every failure is an {@link IOException} whose message is one line naming the
 * dataset, the file and the cause. Thread-safe for different files.
 */
final class HubClient {
    private static final Logger LOG = LoggerFactory.getLogger(HubClient.class);
    private static final String PARQUET_REF = "refs/convert/parquet";
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_REDIRECTS = 5;

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "prefine-data-download-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** One file of the parquet conversion: path in the repository, size, and sha256 when LFS. */
    record RemoteFile(String path, long size, String sha256) {}

    /** Receives download progress. */
    interface Listener {
        /**
         * Reports bytes on disk for a file, resumed bytes included.
         *
         * @param file the repository path
         * @param done bytes so far
         * @param total the file's size
         */
        void progress(String file, long done, long total);
    }

    private final HubSettings settings;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Duration stallTimeout;
    private final int attempts;

    HubClient(HubSettings settings, Duration requestTimeout, Duration stallTimeout, int attempts) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.requestTimeout = requestTimeout;
        this.stallTimeout = stallTimeout;
        this.attempts = attempts;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(requestTimeout).build();
    }

    HubSettings settings() {
        return settings;
    }

    /** Returns the commit that {@code refs/convert/parquet} points at now. */
    String parquetRevision(String repo) throws IOException {
        URI url = api(repo, "revision/" + enc(PARQUET_REF));
        JsonObject o = getJson(repo, "revision " + PARQUET_REF, url).getAsJsonObject();
        String sha = o.has("sha") ? o.get("sha").getAsString() : null;
        if (sha == null || !COMMIT.matcher(sha).matches()) {
            throw new HubException(-1, repo + ": the revision answer for " + PARQUET_REF
                    + " must carry a 40-digit 'sha', found " + sha);
        }
        return sha;
    }

    /**
     * Lists the parquet files in one folder of the conversion, sorted by path.
     *
     * @throws HubException with status 404 if the folder does not exist
     */
    List<RemoteFile> list(String repo, String commit, String folder) throws IOException {
        URI url = api(repo, "tree/" + commit + "/" + encPath(folder));
        JsonElement e = getJson(repo, folder, url);
        if (!e.isJsonArray()) {
            throw new HubException(-1, repo + ": " + folder + ": the tree listing must be a JSON array");
        }
        List<RemoteFile> out = new ArrayList<>();
        for (JsonElement el : (JsonArray) e) {
            JsonObject f = el.getAsJsonObject();
            String path = f.get("path").getAsString();
            if (!"file".equals(f.get("type").getAsString()) || !path.endsWith(".parquet")) {
                continue;
            }
            String sha = null;
            long size = f.get("size").getAsLong();
            if (f.has("lfs") && f.get("lfs").isJsonObject()) {
                JsonObject lfs = f.getAsJsonObject("lfs");
                sha = lfs.has("oid") ? lfs.get("oid").getAsString().toLowerCase(Locale.ROOT) : null;
                if (lfs.has("size")) {
                    size = lfs.get("size").getAsLong();
                }
                if (sha != null && !SHA256.matcher(sha).matches()) {
                    throw new HubException(-1, repo + ": " + path + ": LFS oid must be a sha256, found '" + sha + "'");
                }
            }
            if (path.contains("..") || path.startsWith("/")) {
                throw new HubException(-1, repo + ": the tree listing names an unsafe path '" + path + "'");
            }
            out.add(new RemoteFile(path, size, sha));
        }
        out.sort(Comparator.comparing(RemoteFile::path));
        return out;
    }

    /** Lists the sub-folders of one folder (to explain a missing split). */
    List<String> folders(String repo, String commit, String folder) throws IOException {
        JsonElement e = getJson(repo, folder, api(repo, "tree/" + commit + "/" + encPath(folder)));
        List<String> out = new ArrayList<>();
        if (e.isJsonArray()) {
            for (JsonElement el : (JsonArray) e) {
                JsonObject f = el.getAsJsonObject();
                if ("directory".equals(f.get("type").getAsString())) {
                    String p = f.get("path").getAsString();
                    out.add(p.substring(p.lastIndexOf('/') + 1));
                }
            }
        }
        return out;
    }

    /** Downloads one file to {@code target} unless it is there with the right size, resuming a partial one. */
    void download(String repo, String commit, RemoteFile f, Path target, Listener listener) throws IOException {
        if (Files.isRegularFile(target) && Files.size(target) == f.size()) {
            return;
        }
        Files.createDirectories(target.getParent());
        Path partial = target.resolveSibling(target.getFileName() + ".incomplete");
        URI url = URI.create(settings.endpoint() + "/datasets/" + repo + "/resolve/" + commit + "/" + encPath(f.path()));
        IOException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                transfer(repo, f, url, partial, listener);
                last = null;
                break;
            } catch (HubException e) {
                throw e;
            } catch (IOException e) {
                if (diskFull(e)) {
                    throw diskFullError(repo, f, partial, e);
                }
                last = e;
                LOG.warn("{}: {}: attempt {} of {} interrupted at {} of {} bytes: {}", repo, f.path(), attempt,
                        attempts, size(partial), f.size(), e.toString());
            }
        }
        if (last != null) {
            throw new IOException(repo + ": " + f.path() + ": download interrupted after " + attempts + " attempt(s), "
                    + size(partial) + " of " + f.size() + " bytes kept in " + partial + "; run fetch again to resume: "
                    + oneLine(last), last);
        }
        verify(repo, f, partial);
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void transfer(String repo, RemoteFile f, URI url, Path partial, Listener listener) throws IOException {
        long have = size(partial);
        if (have > f.size()) {
            Files.delete(partial);
            have = 0;
        }
        if (have == f.size() && have > 0) {
            return;
        }
        HttpResponse<InputStream> resp = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder req = request(url).GET();
            if (have > 0) {
                req.header("Range", "bytes=" + have + "-");
            }
            resp = send(repo, f.path(), req.build(), HttpResponse.BodyHandlers.ofInputStream());
            int status = resp.statusCode();
            if (status >= 300 && status < 400) {
                resp.body().close();
                String location = resp.headers().firstValue("Location").orElseThrow(() -> new HubException(status,
                        repo + ": " + f.path() + ": redirect " + status + " without a Location header"));
                url = url.resolve(location);
                continue;
            }
            break;
        }
        int status = resp.statusCode();
        boolean append;
        if (status == 206 && have > 0) {
            String range = resp.headers().firstValue("Content-Range").orElse("");
            if (!range.startsWith("bytes " + have + "-")) {
                resp.body().close();
                throw new HubException(status, repo + ": " + f.path() + ": asked to resume at byte " + have
                        + ", the server answered Content-Range '" + range + "'");
            }
            append = true;
            LOG.info("{}: {}: resuming at byte {} of {}", repo, f.path(), have, f.size());
        } else if (status == 200) {
            append = false;
            have = 0;
        } else {
            resp.body().close();
            throw statusError(repo, f.path(), url, status, resp.headers().firstValue("X-Error-Code").orElse(""));
        }
        try (InputStream in = resp.body();
                OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            copy(in, out, repo, f, have, listener);
        }
    }

    /** Copies the body, interrupting a read that gets no byte for the stall timeout. */
    private void copy(InputStream in, OutputStream out, String repo, RemoteFile f, long have, Listener listener)
            throws IOException {
        Thread reader = Thread.currentThread();
        long stallNanos = stallTimeout.toNanos();
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        long period = Math.max(10, stallTimeout.toMillis() / 4);
        ScheduledFuture<?> guard = WATCHDOG.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastProgress.get() > stallNanos && stalled.compareAndSet(false, true)) {
                reader.interrupt();
            }
        }, period, period, TimeUnit.MILLISECONDS);
        long done = have;
        try {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                done += n;
                lastProgress.set(System.nanoTime());
                listener.progress(f.path(), done, f.size());
            }
        } catch (IOException e) {
            if (stalled.get()) {
                throw new IOException(repo + ": " + f.path() + ": no data for " + stallTimeout.toMillis() + " ms", e);
            }
            throw e;
        } finally {
            guard.cancel(false);
            if (stalled.get()) {
                Thread.interrupted(); // the guard's interrupt, not the caller's
            }
        }
    }

    private void verify(String repo, RemoteFile f, Path partial) throws IOException {
        long size = Files.size(partial);
        if (size != f.size()) {
            Files.delete(partial);
            throw new HubException(-1, repo + ": " + f.path() + ": expected " + f.size() + " bytes as the Hub listed, found "
                    + size + "; the partial file was deleted");
        }
        if (f.sha256() != null) {
            String actual = sha256(partial);
            if (!actual.equals(f.sha256())) {
                Files.delete(partial);
                throw new HubException(-1, repo + ": " + f.path() + ": sha256 must equal the Hub's " + f.sha256()
                        + ", found " + actual + "; the corrupt file was deleted, run fetch again");
            }
        }
    }

    static String sha256(Path file) throws IOException {
        return FileDigests.sha256(file);
    }

    private JsonElement getJson(String repo, String what, URI url) throws IOException {
        HttpResponse<String> resp = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            resp = send(repo, what, request(url).GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            int status = resp.statusCode();
            String location = resp.headers().firstValue("Location").orElse(null);
            if (status < 300 || status >= 400 || location == null) {
                break;
            }
            url = url.resolve(location); // a renamed dataset: the Hub redirects its old id
        }
        if (resp.statusCode() != 200) {
            throw statusError(repo, what, url, resp.statusCode(), resp.headers().firstValue("X-Error-Code").orElse(""));
        }
        try {
            return JsonParser.parseString(resp.body());
        } catch (JsonParseException e) {
            throw new HubException(-1, repo + ": " + what + ": the answer from " + url + " is not JSON");
        }
    }

    private HubException statusError(String repo, String what, URI url, int status, String code) {
        String where = repo + ": " + what + " at " + url + ": ";
        String c = code.isEmpty() ? "" : " (" + code + ")";
        return switch (status) {
            case 401 -> new HubException(status, where + "401 Unauthorized" + c
                    + ": the dataset is private, gated or does not exist; "
                    + (settings.hasToken() ? "the token in HF_TOKEN was refused" : "set HF_TOKEN to a token with access"));
            case 403 -> new HubException(status, where + "403 Forbidden" + c
                    + ": the token lacks access (for a gated dataset, accept its terms on the Hub)");
            case 404 -> new HubException(status, where + "404 Not Found" + c
                    + ": no such dataset, revision or file; check the id in docs/data.md");
            default -> new HubException(status, where + "unexpected HTTP status " + status + c);
        };
    }

    private <T> HttpResponse<T> send(String repo, String what, HttpRequest req, HttpResponse.BodyHandler<T> handler)
            throws IOException {
        try {
            return http.send(req, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(repo + ": " + what + ": interrupted while requesting " + req.uri(), e);
        } catch (ConnectException | HttpConnectTimeoutException | UnknownHostException e) {
            throw new IOException(repo + ": " + what + ": cannot reach " + settings.endpoint() + " (" + oneLine(e)
                    + "); check the network, or set HF_HUB_OFFLINE=1 to use only files already fetched", e);
        } catch (IOException e) {
            if (e.getCause() instanceof UnresolvedAddressException || e.getCause() instanceof UnknownHostException) {
                throw new IOException(repo + ": " + what + ": cannot reach " + settings.endpoint()
                        + " (unknown host); check the network, or set HF_HUB_OFFLINE=1", e);
            }
            throw new IOException(repo + ": " + what + ": request to " + req.uri() + " failed: " + oneLine(e), e);
        }
    }

    private HttpRequest.Builder request(URI url) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(requestTimeout).header("User-Agent", "prefine")
                .header("Accept-Encoding", "identity");
        URI e = settings.endpoint();
        boolean sameHost = Objects.equals(url.getScheme(), e.getScheme()) && Objects.equals(url.getHost(), e.getHost())
                && url.getPort() == e.getPort();
        if (settings.hasToken() && sameHost) {
            b.header("Authorization", "Bearer " + settings.token());
        }
        return b;
    }

    private URI api(String repo, String rest) {
        return URI.create(settings.endpoint() + "/api/datasets/" + repo + "/" + rest);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encPath(String path) {
        StringBuilder b = new StringBuilder();
        for (String part : path.split("/")) {
            if (b.length() > 0) {
                b.append('/');
            }
            b.append(enc(part));
        }
        return b.toString();
    }

    static boolean diskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    private static IOException diskFullError(String repo, RemoteFile f, Path partial, IOException e) {
        return new IOException(repo + ": " + f.path() + ": disk full while writing " + partial + " (" + size(partial)
                + " of " + f.size() + " bytes kept); free space and run fetch again to resume", e);
    }

    private static long size(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ');
    }
}
