package io.github.prefine.examples.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.prefine.core.hub.HubException;
import io.github.prefine.core.hub.HubHttp;
import io.github.prefine.core.hub.HubSettings;
import io.github.prefine.core.hub.ResumableDownload;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Talks to the Hub's dataset API for {@code prefine data fetch}: the commit of a dataset's
 * parquet conversion ({@code refs/convert/parquet}), the files of one config and split, and
 * resumable, checked downloads of those files.
 *
 * <p>It shares {@link io.github.prefine.core.hub.ModelResolver}'s machinery: settings from
 * {@link HubSettings} ({@code HF_ENDPOINT}, {@code HF_TOKEN} or the token file, {@code HF_HUB_OFFLINE}); requests
 * through {@link HubHttp} (the token only as {@code Authorization: Bearer} to the endpoint's own
 * host, never to a redirect target elsewhere and never in a message; a warning, once, when it
 * would go over plain http; HTTP 429, 5xx and dropped connections retried with backoff, up to
 * {@code PREFINE_HUB_RETRIES} times);
 * files through {@link ResumableDownload}: a body goes to {@code NAME.incomplete}, is continued
 * with a {@code Range} request after an interruption (within one fetch, by its retries, and by a
 * later fetch), is checked (size always, and the hash the tree listing must give: the sha256 of an
 * LFS file, the git blob id of a file outside LFS) and only then renamed atomically; a body that
 * sends nothing for the stall timeout counts as interrupted, and a full disk ends the fetch at
 * once. Each attempt asks the Hub afresh, so a content host it redirects to gets a freshly signed
 * URL; that host's 401 or 403 (it gets no token) says so and advises another fetch, rather than
 * blaming the token. What the API answers is checked before it is used: an answer over {@value #MAX_JSON_BYTES} bytes is refused unread, and each listed
 * file must lie directly in the listed folder, with a size of at least 0. Every failure is an
 * {@link IOException} whose message is one line naming the dataset, the file and the cause.
 * Thread-safe for different files.
 */
final class HubClient {
    private static final String PARQUET_REF = "refs/convert/parquet";
    /** A git object id: a commit, or the blob id of a file outside LFS. */
    private static final Pattern GIT_OBJECT_ID = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** Far above any listing or revision answer of the parquet conversion. */
    static final int MAX_JSON_BYTES = 16 << 20;
    /** Far above the pages of any split's listing: a server that links pages for ever is stopped. */
    static final int MAX_TREE_PAGES = 10_000;

    /**
     * One file of the parquet conversion: path in the repository, size, the sha256 of an LFS file,
     * and the git blob id of a file outside LFS (each null where the other applies, both null for a
     * file listed offline, which is checked by its size).
     */
    record RemoteFile(String path, long size, String sha256, String blobId) {
        /** A file known by its path, size and sha256 (null for none) only, as the offline listing keeps it. */
        RemoteFile(String path, long size, String sha256) {
            this(path, size, sha256, null);
        }
    }

    private final HubSettings settings;
    private final HubHttp http;
    private final ResumableDownload downloads;

    HubClient(HubSettings settings, Duration requestTimeout, Duration stallTimeout, int attempts) {
        this(settings, requestTimeout, stallTimeout, attempts, null);
    }

    /** As above; a non-null sleeper replaces the real waits between retries and resumes (for the tests). */
    HubClient(HubSettings settings, Duration requestTimeout, Duration stallTimeout, int attempts, HubHttp.Sleeper sleeper) {
        this.settings = Objects.requireNonNull(settings, "settings");
        HubHttp.Builder b = HubHttp.builder().setSettings(settings).optRequestTimeout(requestTimeout);
        if (sleeper != null) {
            b.sleeper(sleeper);
        }
        this.http = b.build();
        this.downloads = ResumableDownload.builder().setHttp(http).setStatusErrors(this::statusError)
                .optStallTimeout(stallTimeout).optAttempts(attempts)
                .optSource("the Hub").optRerunHint("run fetch again")
                .build();
    }

    HubSettings settings() {
        return settings;
    }

    /** Returns the commit that {@code refs/convert/parquet} points at now. */
    String parquetRevision(String repo) throws IOException {
        URI url = api(repo, "revision/" + enc(PARQUET_REF));
        JsonElement o = getJson(repo, "revision " + PARQUET_REF, url);
        String sha = o.isJsonObject() ? text(o.getAsJsonObject(), "sha") : null;
        if (sha == null || !GIT_OBJECT_ID.matcher(sha).matches()) {
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
        List<RemoteFile> out = new ArrayList<>();
        for (JsonElement el : tree(repo, commit, folder)) {
            JsonObject f = el.isJsonObject() ? el.getAsJsonObject() : null;
            String path = f == null ? null : text(f, "path");
            String type = f == null ? null : text(f, "type");
            if (path == null || type == null) {
                throw new HubException(-1, repo + ": " + folder + ": each tree listing entry must have a string"
                        + " 'path' and 'type', found " + shorten(el));
            }
            if (!"file".equals(type) || !path.endsWith(".parquet")) {
                continue;
            }
            // a listing is of one folder: a path elsewhere, or one the file system reads as another, is refused
            String name = path.startsWith(folder + "/") ? path.substring(folder.length() + 1) : "";
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.contains("\0")) {
                throw new HubException(-1, repo + ": the tree listing of " + folder + " names '" + path
                        + "', expected a file directly in that folder");
            }
            String sha = null;
            String blobId = null;
            long size = bytes(f, "size");
            if (f.has("lfs") && f.get("lfs").isJsonObject()) {
                JsonObject lfs = f.getAsJsonObject("lfs");
                sha = lfs.has("oid") ? String.valueOf(text(lfs, "oid")).toLowerCase(Locale.ROOT) : null;
                if (lfs.has("size")) {
                    size = bytes(lfs, "size");
                }
                // without its sha256 an LFS file was checked by its size only
                if (sha == null || !SHA256.matcher(sha).matches()) {
                    throw new HubException(-1, repo + ": " + path + ": LFS oid must be a sha256, to check the download,"
                            + " found " + (sha == null ? "none" : "'" + sha + "'"));
                }
            } else {
                // outside LFS the entry's own oid is the git blob id of the bytes: without it only the size was checked
                blobId = text(f, "oid");
                blobId = blobId == null ? null : blobId.toLowerCase(Locale.ROOT);
                if (blobId == null || !GIT_OBJECT_ID.matcher(blobId).matches()) {
                    throw new HubException(-1, repo + ": " + path + ": a file outside LFS must have its git blob id"
                            + " as 'oid' (40 hex digits) in the tree listing, to check its download, found "
                            + (blobId == null ? shorten(f.get("oid")) : "'" + blobId + "'"));
                }
            }
            if (size < 0) {
                throw new HubException(-1, repo + ": " + path + ": the tree listing's size must be a number of bytes,"
                        + " at least 0, found " + shorten(el));
            }
            out.add(new RemoteFile(path, size, sha, blobId));
        }
        out.sort(Comparator.comparing(RemoteFile::path));
        return out;
    }

    /** Lists the sub-folders of one folder (to explain a missing split). */
    List<String> folders(String repo, String commit, String folder) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonElement el : tree(repo, commit, folder)) {
            String type = el.isJsonObject() ? text(el.getAsJsonObject(), "type") : null;
            String p = el.isJsonObject() ? text(el.getAsJsonObject(), "path") : null;
            if ("directory".equals(type) && p != null) {
                out.add(p.substring(p.lastIndexOf('/') + 1));
            }
        }
        return out;
    }

    /**
     * The entries of one folder's tree listing, from every page: the Hub answers a page at a time,
     * the next one named by a {@code Link: <URL>; rel="next"} header; reading the first page alone
     * lost the files of the others without a word.
     */
    private List<JsonElement> tree(String repo, String commit, String folder) throws IOException {
        List<JsonElement> out = new ArrayList<>();
        Set<URI> asked = new HashSet<>();
        for (URI url = api(repo, "tree/" + commit + "/" + encPath(folder)); url != null; ) {
            asked.add(url);
            HttpResponse<InputStream> resp = get(repo, folder, url);
            JsonElement e = json(repo, folder, resp);
            if (!e.isJsonArray()) {
                throw new HubException(-1, repo + ": " + folder + ": the tree listing must be a JSON array");
            }
            ((JsonArray) e).forEach(out::add);
            URI next = nextPage(resp, repo, folder);
            // the next page is asked for with the token: on the endpoint's host only, and each page once
            if (next != null && (!http.sameHost(next) || asked.contains(next) || asked.size() == MAX_TREE_PAGES)) {
                // shown as every URL is: a page on another host may carry its signature in the query
                throw new HubException(-1, repo + ": " + folder + ": the tree listing's next page " + http.shown(next)
                        + " is " + (!http.sameHost(next) ? "not on " + http.shown(settings.endpoint()) : asked.contains(next)
                                ? "one already read" : "past " + MAX_TREE_PAGES + " pages"));
            }
            url = next;
        }
        return out;
    }

    /**
     * The {@code rel="next"} target of a response's {@code Link} header, resolved against its URL, or null.
     *
     * @throws HubException if the target is no URI reference
     */
    private static URI nextPage(HttpResponse<?> resp, String repo, String folder) throws HubException {
        for (String header : resp.headers().allValues("Link")) {
            for (String link : header.split(",")) {
                int open = link.indexOf('<');
                int close = link.indexOf('>', open + 1);
                if (open < 0 || close < 0) {
                    continue;
                }
                for (String param : link.substring(close + 1).split(";")) {
                    String p = param.strip().replace(" ", "");
                    if (p.equalsIgnoreCase("rel=\"next\"") || p.equalsIgnoreCase("rel=next")) {
                        String target = link.substring(open + 1, close).strip();
                        try {
                            // RFC 3986, as RFC 8288 says: URI.resolve dropped the folder before a "?cursor=..." target
                            return HubHttp.resolveReference(resp.uri(), target);
                        } catch (IllegalArgumentException e) {
                            throw new HubException(-1, repo + ": " + folder + ": the tree listing's next page must be"
                                    + " a URI reference, found '" + HubHttp.shownReference(target) + "'");
                        }
                    }
                }
            }
        }
        return null;
    }

    /** Downloads one file to {@code target} unless it is there with the right size, resuming a partial one. */
    void download(String repo, String commit, RemoteFile f, Path target, ResumableDownload.Progress progress)
            throws IOException {
        URI url = URI.create(settings.endpoint() + "/datasets/" + repo + "/resolve/" + commit + "/" + encPath(f.path()));
        ResumableDownload.Expected expected = f.sha256() != null ? ResumableDownload.Expected.sha256(f.size(), f.sha256())
                : f.blobId() != null ? ResumableDownload.Expected.gitBlob(f.size(), f.blobId())
                : ResumableDownload.Expected.size(f.size());
        downloads.download(repo, f.path(), url, expected, target, progress);
    }

    private JsonElement getJson(String repo, String what, URI url) throws IOException {
        return json(repo, what, get(repo, what, url));
    }

    private HttpResponse<InputStream> get(String repo, String what, URI url) throws IOException {
        // a renamed dataset: the Hub redirects its old id
        return http.sendFollowingRedirects(u -> http.request(u).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream(), url, false, repo, what);
    }

    /** Reads an API answer's JSON body, refusing an error status, an endless body and what is not JSON. */
    private JsonElement json(String repo, String what, HttpResponse<InputStream> resp) throws IOException {
        URI at = resp.uri();
        byte[] body;
        try (InputStream in = resp.body()) {
            if (resp.statusCode() != 200) {
                throw statusError(repo, what, at, resp.statusCode(), resp.headers().firstValue("X-Error-Code").orElse(""));
            }
            // an API answer is a few kilobytes: one that runs on is refused, not read to the heap's end
            body = in.readNBytes(MAX_JSON_BYTES + 1);
        }
        if (body.length > MAX_JSON_BYTES) {
            throw new HubException(-1, repo + ": " + what + ": the answer from " + http.shown(at) + " runs past "
                    + MAX_JSON_BYTES + " bytes, more than an API answer has");
        }
        try {
            return JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
        } catch (JsonParseException e) {
            throw new HubException(-1, repo + ": " + what + ": the answer from " + http.shown(at) + " is not JSON");
        }
    }

    /** A string field, or null when absent or not a string. */
    private static String text(JsonObject o, String key) {
        JsonElement v = o.get(key);
        return v != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isString() ? v.getAsString() : null;
    }

    /** A whole-number field, or -1 when absent or not a whole number. */
    private static long bytes(JsonObject o, String key) {
        JsonElement v = o.get(key);
        if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
            return -1;
        }
        try {
            return v.getAsBigDecimal().longValueExact();
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    /** A JSON value for a message, cut to one short line. */
    private static String shorten(JsonElement el) {
        String s = String.valueOf(el);
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    private HubException statusError(String repo, String what, URI url, int status, String code) {
        String where = repo + ": " + what + " at " + http.shown(url) + ": ";
        String c = code.isEmpty() ? "" : " (" + code + ")";
        if (http.refusedByContentHost(status, url)) {
            // a content host the Hub redirected to gets no token: its refusal says nothing of the token's access
            return new HubException(status, where + (status == 401 ? "401 Unauthorized" : "403 Forbidden") + c
                    + " from the content host the Hub redirected the download to, which is sent no token; run fetch"
                    + " again, which asks the Hub for a fresh signed download URL and resumes the bytes kept");
        }
        return switch (status) {
            case 401 -> new HubException(status, where + "401 Unauthorized" + c
                    + ": the dataset is private, gated or does not exist; "
                    + (settings.hasToken() ? "the token in " + settings.tokenSource() + " was refused"
                            : settings.noTokenAdvice()));
            case 403 -> new HubException(status, where + "403 Forbidden" + c
                    + ": the token lacks access (for a gated dataset, accept its terms on the Hub)");
            case 404 -> new HubException(status, where + "404 Not Found" + c
                    + ": no such dataset, revision or file; check the id in docs/data.md");
            default -> new HubException(status, where + "unexpected HTTP status " + status + c);
        };
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
}
