package io.github.prefine.core.hub;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.prefine.core.checkpoint.AtomicFiles;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a model id or a path to a local HF folder: a folder on disk, a complete snapshot in the
 * Hugging Face cache, or a download from the Hub into that cache.
 *
 * <p>Order: an existing folder wins ({@code config.json} required in it). Otherwise the argument
 * must be a Hub id ({@code ORG/NAME} or {@code NAME}, without {@code ..} or {@code --}, as the Hub
 * requires); the cache folder
 * {@code models--ORG--NAME} is read the way Python's {@code huggingface_hub} writes it:
 * {@code refs/<revision>} names a commit, {@code snapshots/<commit>/} holds links to
 * {@code blobs/<etag>}. A snapshot is complete with {@code config.json} and its weights
 * ({@code model.safetensors}, or {@code model.safetensors.index.json} and every shard it names).
 *
 * <p>As in {@code huggingface_hub}, the cache finds a commit by its full 40-digit hash only: a
 * shortened one is looked up as a ref, and when none is there the message names the cached
 * commits it starts. A complete snapshot is served without any request when the revision is a 40-digit commit
 * (it names the same files for ever, so a pinned run never changes) or when offline. For a branch
 * or tag, online, one {@code HEAD} of {@code config.json} asks which commit it names now, as
 * {@code huggingface_hub} does, waiting at most {@link HubSettings#etagTimeout()} ({@code
 * HF_HUB_ETAG_TIMEOUT}, default 10 s) for the answer: the same commit serves the cache; a new one is downloaded as
 * below and {@code refs/<revision>} moved to it (the old snapshot stays, so a run that recorded
 * the old commit can still pin it); an answer that says the Hub is failing (unreachable, a dropped
 * connection, HTTP 429 or 5xx, each after {@link HubHttp}'s retries; no answer within the etag
 * timeout, without a retry) or will not show the
 * repository (401, 403, or 404 without {@code X-Error-Code} {@code RevisionNotFound} or {@code
 * EntryNotFound}: a private or gated model asked without its token) serves the cached commit with
 * a warning, as {@code huggingface_hub} falls back to its cache; a revision or {@code config.json}
 * the Hub says is gone fails, naming the cached commit and how to use it ({@code
 * HF_HUB_OFFLINE=1}, or that commit as the revision). The {@link ResolvedModel#commit()}
 * says which commit was served.
 *
 * <p>Otherwise, unless offline, the files are fetched from
 * {@code {endpoint}/{id}/resolve/{revision}/{file}}: {@code config.json} (required; its answer's
 * commit is then named in place of the revision for every later request, so a branch that moves
 * meanwhile cannot mix two commits in one snapshot),
 * {@code tokenizer.json} (skipped with a log line when the repository has none), and
 * {@code model.safetensors}, else {@code model.safetensors.index.json} plus its shards.
 *
 * <p>Each file: a {@code HEAD} request (redirects on the same host followed, a redirect to another
 * host, such as a CDN, taken as the download URL) gives the commit ({@code X-Repo-Commit}), the
 * etag ({@code X-Linked-Etag}, else {@code ETag}) and the size ({@code X-Linked-Size}, else
 * {@code Content-Length}). The body goes to {@code blobs/<etag>.incomplete} through
 * {@link ResumableDownload} (a full disk ends the download at once, keeping what was written); an interrupted
 * transfer is continued with a {@code Range} request, both by the retries of one resolve and by a
 * later resolve. A content host's {@code 401} or {@code 403} (it gets no token, so the token is
 * not the cause; a signed URL that expired, met by a resume after a long transfer, answers so)
 * is followed by one more {@code HEAD} at the commit, whose fresh URL resumes the bytes kept; a
 * second refusal ends the resolve, keeping them. What is checked, for every file: the size, and
 * the hash the etag names: the sha256 of the bytes for LFS files (a 64-digit etag, as {@code X-Linked-Etag} is), the git blob
 * hash (sha1 of {@code "blob <size>\0"} and the bytes) for plain git files (a 40-digit etag). A file
 * whose etag is neither is refused before its download, since it cannot be checked. A checked blob is flushed to disk
 * ({@code fsync}), moved atomically to {@code blobs/<etag>}, linked from the snapshot (a copy where
 * links are not supported), and {@code refs/<revision>} is written last, flushed and atomically,
 * so a half-finished download never looks complete, even after a power cut.
 *
 * <p>The token ({@link HubSettings#token()}) is sent by {@link HubHttp} as
 * {@code Authorization: Bearer} to the endpoint's host only, never to a redirect target on another host, and never appears in logs or
 * exception messages; a plain {@code http} endpoint gets a warning that the token travels in clear
 * text. A body that sends nothing for the stall timeout is cut and resumed like a
 * dropped one. Two processes resolving the same model at once take turns per file (see {@link
 * ResumableDownload}). Immutable after {@link Builder#build()} and thread-safe.
 */
public final class ModelResolver {
    private static final Logger LOG = LoggerFactory.getLogger(ModelResolver.class);

    private static final Pattern HUB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    /** What a shortened commit hash looks like (git abbreviates to 7 digits at least). */
    private static final Pattern SHORT_COMMIT = Pattern.compile("[0-9a-f]{7,39}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern GIT_OBJECT_ID = Pattern.compile("[0-9a-f]{40}");
    private static final String CONFIG = "config.json";
    private static final String TOKENIZER = "tokenizer.json";
    private static final String WEIGHTS = "model.safetensors";
    private static final String INDEX = "model.safetensors.index.json";

    private final HubSettings settings;
    private final String revision;
    private final HubHttp http;
    private final ResumableDownload downloads;

    private ModelResolver(Builder b) {
        this.settings = b.settings;
        this.revision = b.revision;
        HubHttp.Builder hb = HubHttp.builder().setSettings(b.settings).optRequestTimeout(b.requestTimeout);
        if (b.httpClient != null) {
            hb.optHttpClient(b.httpClient);
        }
        if (b.sleeper != null) {
            hb.sleeper(b.sleeper);
        }
        this.http = hb.build();
        this.downloads = ResumableDownload.builder().setHttp(http).setStatusErrors(this::statusError)
                .optStallTimeout(b.stallTimeout).optAttempts(b.downloadAttempts)
                .optSource("the server").optRerunHint("resolve again").build();
    }

    /**
     * Starts a builder.
     *
     * @return a builder with the settings of this process's environment
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the settings in use.
     *
     * @return the settings
     */
    public HubSettings settings() {
        return settings;
    }

    /**
     * Resolves a model id or a folder to a local HF folder.
     *
     * @param idOrPath a folder path, or a Hub id such as {@code sentence-transformers/all-MiniLM-L6-v2}
     * @return the folder and where it came from
     * @throws ModelNotFoundException if it is neither a folder nor in the cache, and no download is
     *     possible (offline, or not a Hub id); the message lists every place looked
     * @throws HubException if the Hub refuses (401, 403, 404, ...) or a download fails its checks
     * @throws IOException if the cache cannot be written or the connection fails for good
     */
    public ResolvedModel resolve(String idOrPath) throws IOException {
        Objects.requireNonNull(idOrPath, "idOrPath");
        List<String> looked = new ArrayList<>();
        Path asPath = null;
        try {
            asPath = Path.of(idOrPath).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            looked.add("local folder '" + idOrPath + "': not a valid path (" + e.getReason() + ")");
        }
        if (asPath != null) {
            if (Files.isDirectory(asPath)) {
                if (!Files.isRegularFile(asPath.resolve(CONFIG))) {
                    throw new ModelNotFoundException(idOrPath, "the folder has no " + CONFIG,
                            List.of("local folder " + asPath + ": exists but holds no " + CONFIG));
                }
                return new ResolvedModel(asPath, null, null, ResolvedModel.Origin.LOCAL_FOLDER);
            }
            // a file where a folder was meant is a wrong path, not a missing one
            looked.add("local folder " + asPath + (Files.exists(asPath) ? ": a file, expected a folder" : ": absent"));
        }
        // "--" as the Hub forbids it: the cache folder joins ORG and NAME with "--", so a/b--c and
        // a--b/c would share models--a--b--c and one would be served as the other
        if (!HUB_ID.matcher(idOrPath).matches() || idOrPath.contains("..") || idOrPath.contains("--")) {
            throw new ModelNotFoundException(idOrPath, "and it is no Hub id (ORG/NAME, without '..' or '--')", looked);
        }
        String id = idOrPath;
        Path repo = repoDir(id);
        Optional<Path> cached = cachedSnapshot(repo, looked);
        if (cached.isPresent() && (settings.offline() || COMMIT.matcher(revision).matches())) {
            // a commit names the same files for ever; offline, the cache is all there is
            LOG.debug("{}@{}: served from the cache {}", id, revision, cached.get());
            return fromCache(id, cached.get());
        }
        if (settings.offline()) {
            throw new ModelNotFoundException(id + "@" + revision,
                    "and downloads are disabled (offline: " + settings.offlineVariable() + " is set)", looked);
        }
        if (cached.isEmpty()) {
            return download(id, repo, null);
        }
        // a branch or tag in the cache: ask which commit it names now, as huggingface_hub does
        String cachedCommit = cached.get().getFileName().toString();
        Optional<FileMeta> now;
        try {
            now = movedCheck(id);
        } catch (HubServiceException | HubException e) {
            // as huggingface_hub: only a revision or file the Hub says is gone fails; a refusal of the
            // repository (no token for a private or gated one) leaves the cached commit usable
            if (e instanceof StatusError h && h.statusCode() == 404
                    && (h.errorCode.equals("RevisionNotFound") || h.errorCode.equals("EntryNotFound"))) {
                throw new HubException(h.statusCode(), e.getMessage() + "; the cache holds commit " + cachedCommit
                        + " of " + id + "@" + revision + ": set HF_HUB_OFFLINE=1, or pass that commit as the revision,"
                        + " to use it without asking the Hub");
            }
            LOG.warn("{}@{}: cannot ask the Hub whether {} moved ({}); using the cached commit {}", id, revision,
                    revision, HubHttp.oneLine(e), cachedCommit);
            return fromCache(id, cached.get());
        }
        FileMeta config = now.orElseThrow();
        if (config.commit.equals(cachedCommit)) {
            LOG.debug("{}@{}: the cached commit {} is current; served from {}", id, revision, cachedCommit, cached.get());
            return fromCache(id, cached.get());
        }
        LOG.info("{}@{}: {} moved from the cached commit {} to {}; fetching that snapshot", id, revision, revision,
                cachedCommit, config.commit);
        return download(id, repo, config);
    }

    private static ResolvedModel fromCache(String id, Path snapshot) {
        return new ResolvedModel(snapshot, id, snapshot.getFileName().toString(), ResolvedModel.Origin.CACHE);
    }

    private Path repoDir(String id) {
        return settings.cacheDir().resolve("models--" + id.replace("/", "--"));
    }

    /** Returns the complete snapshot for the revision, recording what was looked at. */
    private Optional<Path> cachedSnapshot(Path repo, List<String> looked) throws IOException {
        String commit;
        if (COMMIT.matcher(revision).matches()) {
            commit = revision;
        } else {
            Path ref = repo.resolve("refs").resolve(revision);
            if (!Files.isRegularFile(ref)) {
                looked.add("Hugging Face cache ref " + ref + ": absent" + shortCommitHint(repo));
                return Optional.empty();
            }
            commit = Files.readString(ref, StandardCharsets.UTF_8).trim();
            if (!COMMIT.matcher(commit).matches()) {
                looked.add("Hugging Face cache ref " + ref + ": does not hold a commit hash");
                return Optional.empty();
            }
        }
        Path snapshot = repo.resolve("snapshots").resolve(commit);
        Optional<String> missing = missingFiles(snapshot);
        if (missing.isPresent()) {
            looked.add("Hugging Face cache snapshot " + snapshot + ": " + missing.get());
            return Optional.empty();
        }
        return Optional.of(snapshot);
    }

    /**
     * For a revision that looks like a shortened commit: the cache, as {@code huggingface_hub}'s,
     * finds a commit by its full hash only (a prefix could name two), so say which cached commits
     * it starts and that the full one is needed. Empty for any other revision.
     */
    private String shortCommitHint(Path repo) throws IOException {
        if (!SHORT_COMMIT.matcher(revision).matches()) {
            return "";
        }
        List<String> matching = new ArrayList<>();
        Path snapshots = repo.resolve("snapshots");
        if (Files.isDirectory(snapshots)) {
            try (var names = Files.list(snapshots)) {
                names.map(p -> p.getFileName().toString())
                        .filter(n -> COMMIT.matcher(n).matches() && n.startsWith(revision)).sorted().forEach(matching::add);
            }
        }
        return "; a commit is found in the cache by its full 40-digit hash only, as in huggingface_hub"
                + (matching.isEmpty() ? " (no cached commit starts with " + revision + ")"
                        : ": the cache holds " + String.join(" and ", matching) + ", which start"
                                + (matching.size() == 1 ? "s" : "") + " with " + revision);
    }

    /** Returns what keeps a snapshot folder from being complete, or empty when complete. */
    private static Optional<String> missingFiles(Path snapshot) throws IOException {
        if (!Files.isDirectory(snapshot)) {
            return Optional.of("absent");
        }
        if (!Files.isRegularFile(snapshot.resolve(CONFIG))) {
            return Optional.of("no " + CONFIG);
        }
        if (Files.isRegularFile(snapshot.resolve(WEIGHTS))) {
            return Optional.empty();
        }
        Path index = snapshot.resolve(INDEX);
        if (!Files.isRegularFile(index)) {
            return Optional.of("neither " + WEIGHTS + " nor " + INDEX);
        }
        for (String shard : shardsOf(index)) {
            if (!Files.isRegularFile(snapshot.resolve(shard))) {
                return Optional.of("shard " + shard + " named by " + INDEX + " is missing");
            }
        }
        return Optional.empty();
    }

    /** Reads the distinct shard file names of an index, in first-seen order. */
    private static List<String> shardsOf(Path index) throws IOException {
        Set<String> shards = new LinkedHashSet<>();
        try {
            JsonObject root = JsonParser.parseString(Files.readString(index, StandardCharsets.UTF_8)).getAsJsonObject();
            JsonObject map = root.getAsJsonObject("weight_map");
            if (map == null) {
                throw new IOException(index + ": expected an object \"weight_map\", found none");
            }
            for (var e : map.entrySet()) {
                JsonElement v = e.getValue();
                String shard = v.getAsString();
                if (shard.isEmpty() || shard.equals(".") || shard.contains("..") || shard.startsWith("/")
                        || shard.endsWith("/") || shard.contains("//") || shard.contains("\\") || shard.contains("\0")) {
                    throw new IOException(index + ": shard name must be a file inside the repository, found '" + shard
                            + "'");
                }
                shards.add(shard);
            }
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            throw new IOException(index + ": not a valid safetensors index (" + e.getMessage() + ")", e);
        }
        return List.copyOf(shards);
    }

    /** Fetches the snapshot the revision names; {@code known} is the config's metadata when already asked for. */
    private ResolvedModel download(String id, Path repo, FileMeta known) throws IOException {
        LOG.info("{}@{}: downloading from {} into {}", id, revision, http.shown(settings.endpoint()), repo);
        FileMeta first = known != null ? known : head(id, revision, CONFIG).orElseThrow(() -> new HubException(404,
                id + "@" + revision + ": " + CONFIG + " not found at " + http.shown(resolveUrl(id, revision, CONFIG))
                        + " (check the model id and revision)"));
        String commit = first.commit;
        // every later request names that commit: a branch that moves meanwhile (a push) answered
        // the later files from the new commit, and they were stored in the old commit's snapshot
        FileMeta config = http.sameHost(first.downloadUrl)
                ? new FileMeta(commit, first.etag, first.size, resolveUrl(id, commit, CONFIG)) : first;
        Path snapshot = repo.resolve("snapshots").resolve(commit);
        fetch(id, repo, snapshot, CONFIG, config);
        Optional<FileMeta> tokenizer = head(id, commit, TOKENIZER);
        if (tokenizer.isPresent()) {
            fetch(id, repo, snapshot, TOKENIZER, tokenizer.get());
        } else {
            LOG.info("{}@{}: the repository has no {}", id, revision, TOKENIZER);
        }
        Optional<FileMeta> weights = head(id, commit, WEIGHTS);
        if (weights.isPresent()) {
            fetch(id, repo, snapshot, WEIGHTS, weights.get());
        } else {
            FileMeta index = head(id, commit, INDEX).orElseThrow(() -> new HubException(404, id + "@" + revision
                    + ": the repository has neither " + WEIGHTS + " nor " + INDEX
                    + " (prefine reads safetensors weights only)"));
            fetch(id, repo, snapshot, INDEX, index);
            for (String shard : shardsOf(snapshot.resolve(INDEX))) {
                FileMeta meta = head(id, commit, shard).orElseThrow(() -> new HubException(404, id + "@" + revision
                        + ": shard " + shard + " named by " + INDEX + " not found at " + http.shown(resolveUrl(id, commit, shard))));
                fetch(id, repo, snapshot, shard, meta);
            }
        }
        if (!COMMIT.matcher(revision).matches()) {
            Path ref = repo.resolve("refs").resolve(revision);
            Files.createDirectories(ref.getParent());
            // not the process id alone: two resolves in one JVM wrote and moved one temp file
            Path tmp = ref.resolveSibling("." + ref.getFileName() + "." + ProcessHandle.current().pid() + "."
                    + java.util.UUID.randomUUID() + ".tmp");
            try {
                Files.writeString(tmp, commit, StandardCharsets.UTF_8);
                ResumableDownload.force(tmp);
                AtomicFiles.move(tmp, ref);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return new ResolvedModel(snapshot, id, commit, ResolvedModel.Origin.DOWNLOADED);
    }

    private URI resolveUrl(String id, String at, String file) {
        // each segment encoded: a shard name from an index is the repository's text, not URL syntax
        StringBuilder path = new StringBuilder();
        for (String segment : file.split("/", -1)) {
            path.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(settings.endpoint() + "/" + id + "/resolve/"
                + URLEncoder.encode(at, StandardCharsets.UTF_8) + path);
    }

    /** What a HEAD request told about one file. */
    private record FileMeta(String commit, String etag, long size, URI downloadUrl) {}

    /** Asks for a file's metadata; empty when the repository has no such file (404 EntryNotFound). */
    private Optional<FileMeta> head(String id, String at, String file) throws IOException {
        // a redirect to another host is where the file's bytes live: the HEAD stops there
        return fileMeta(id, file, http.sendFollowingRedirects(
                u -> http.request(u).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding(), resolveUrl(id, at, file), true, id, file));
    }

    /**
     * The HEAD of config.json that asks whether a cached branch moved: bounded by the etag timeout
     * and not retried when that passes, since the cache can answer (a firewall that drops packets
     * silently would otherwise hold every resolve for the request timeout, once per retry).
     */
    private Optional<FileMeta> movedCheck(String id) throws IOException {
        return fileMeta(id, CONFIG, http.sendFollowingRedirects(u -> http.request(u).timeout(settings.etagTimeout())
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding(),
                resolveUrl(id, revision, CONFIG), true, id, CONFIG, false));
    }

    private Optional<FileMeta> fileMeta(String id, String file, HttpResponse<Void> resp) throws IOException {
        URI url = resp.uri();
        int status = resp.statusCode();
        if (status >= 300 && status < 400) {
            // as HubHttp read it when it stopped there (RFC 3986, bytes beyond ASCII percent-encoded as sent)
            return Optional.of(meta(id, file, resp, HubHttp.resolveReference(url,
                    resp.headers().firstValue("Location").orElseThrow())));
        }
        if (status == 200) {
            return Optional.of(meta(id, file, resp, url));
        }
        String errorCode = resp.headers().firstValue("X-Error-Code").orElse("");
        if (status == 404 && (errorCode.isEmpty() || errorCode.equals("EntryNotFound"))
                && !file.equals(CONFIG)) {
            return Optional.empty();
        }
        throw statusError(id, file, url, status, errorCode);
    }

    private HubException statusError(String id, String file, URI url, int status, String errorCode) {
        String where = id + "@" + revision + ": " + file + " at " + http.shown(url) + ": ";
        String code = errorCode.isEmpty() ? "" : " (" + errorCode + ")";
        if (http.refusedByContentHost(status, url)) {
            // a content host the Hub redirected to gets no token: its refusal says nothing of the token's access
            String refusal = where + (status == 401 ? "401 Unauthorized" : "403 Forbidden") + code
                    + " from the content host the Hub redirected the download to, which is sent no token";
            return new StatusError(status, errorCode, refusal, refusal + "; a signed download URL is refused so once"
                    + " it has expired (a long or resumed download): resolve again to have the Hub sign a fresh one");
        }
        return new StatusError(status, errorCode, null, switch (status) {
            case 401 -> where + "401 Unauthorized" + code + ": the repository is private, gated or does not exist; "
                    + (settings.hasToken() ? "the token in " + settings.tokenSource() + " was refused" : settings.noTokenAdvice());
            case 403 -> where + "403 Forbidden" + code
                    + ": the token lacks access (for a gated model, accept its terms on the Hub)";
            case 404 -> where + "404 Not Found" + code + ": " + notFound(id, file, errorCode);
            default -> where + "unexpected HTTP status " + status + code;
        });
    }

    /** What a 404 says is missing: the Hub's {@code X-Error-Code} tells the repository from the file and the revision. */
    private String notFound(String id, String file, String errorCode) {
        return switch (errorCode) {
            case "RepoNotFound" -> "no repository " + id + " on the Hub, or a private one" + (settings.hasToken()
                    ? " the token in " + settings.tokenSource() + " cannot see: check the model id"
                    : ", which the Hub hides from a request without a token: check the model id"
                            + (settings.tokenWithheldBy() == null ? ", or " : "; ") + settings.noTokenAdvice());
            case "EntryNotFound" -> "the repository has no " + file + " at revision " + revision;
            case "RevisionNotFound" -> "the repository has no branch, tag or commit '" + revision + "'";
            default -> "check the model id and revision";
        };
    }

    /** An HTTP error status with the Hub's {@code X-Error-Code} ("" without one), which tells its cause. */
    private static final class StatusError extends HubException {
        private static final long serialVersionUID = 1L;
        private final String errorCode;
        /** For a content host's 401 or 403, the message up to its advice; null for any other status. */
        private final String contentHostRefusal;

        StatusError(int status, String errorCode, String contentHostRefusal, String message) {
            super(status, message);
            this.errorCode = errorCode;
            this.contentHostRefusal = contentHostRefusal;
        }
    }

    private FileMeta meta(String id, String file, HttpResponse<?> resp, URI downloadUrl) throws HubException {
        var h = resp.headers();
        // the answer's URL: after a redirect it is not the one the caller asked for
        String where = id + ": " + file + " at " + http.shown(resp.uri()) + ": ";
        String etag = h.firstValue("X-Linked-Etag").or(() -> h.firstValue("ETag")).map(ModelResolver::cleanEtag)
                .orElseThrow(() -> new HubException(-1, where + "the server sent no ETag (nor X-Linked-Etag), the"
                        + " hash a download is checked against"));
        if (etag.isEmpty() || etag.contains("/") || etag.contains("\\") || etag.contains("..")) {
            throw new HubException(-1, where + "ETag must be a plain hash, found '" + etag + "'");
        }
        String sizeText = h.firstValue("X-Linked-Size").or(() -> h.firstValue("Content-Length"))
                .orElseThrow(() -> new HubException(-1, where + "the server sent no size (X-Linked-Size or"
                        + " Content-Length)"));
        long size;
        try {
            size = Long.parseLong(sizeText.trim());
        } catch (NumberFormatException e) {
            size = -1;
        }
        if (size < 0) {
            throw new HubException(-1, where + "size must be a number of bytes, at least 0, found '" + sizeText + "'");
        }
        String commit = h.firstValue("X-Repo-Commit").orElse(COMMIT.matcher(revision).matches() ? revision : null);
        if (commit == null || !COMMIT.matcher(commit).matches()) {
            throw new HubException(-1, where + "X-Repo-Commit must be a 40-digit commit hash, found " + commit);
        }
        return new FileMeta(commit, etag, size, downloadUrl);
    }

    private static String cleanEtag(String raw) {
        String e = raw.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e.toLowerCase(Locale.ROOT);
    }

    /** Makes sure snapshot/file exists and holds the checked blob, downloading what is missing. */
    private void fetch(String id, Path repo, Path snapshot, String file, FileMeta meta) throws IOException {
        // before the etag names a blob: only a hash may become a file name in the cache
        ResumableDownload.Expected expected = expected(id, file, meta);
        String commit = snapshot.getFileName().toString();
        if (!meta.commit.equals(commit)) {
            throw new HubException(-1, id + ": " + file + ": the server answered for commit " + meta.commit
                    + " when asked for " + commit + ", the commit of the snapshot's other files");
        }
        Path blobs = repo.resolve("blobs");
        Files.createDirectories(blobs);
        Path blob = blobs.resolve(meta.etag);
        // a plain git file's blob is checked against its hash: an edit through a snapshot's link keeps its name
        if (!ResumableDownload.stored(id, file, blob, expected)) {
            try {
                downloads.download(id, file, meta.downloadUrl, expected, blob);
            } catch (StatusError e) {
                if (e.contentHostRefusal == null) {
                    throw e;
                }
                downloadAtFreshUrl(id, file, meta, expected, blob, e);
            }
        }
        link(snapshot.resolve(file), blob);
    }

    /**
     * Downloads a file again from the URL a second {@code HEAD} gets, after the content host refused
     * the first: the Hub's download URLs are signed and expire, and the resolve reuses the one its
     * {@code HEAD} got for every attempt, so a resume after a long transfer met a {@code 403}. The
     * bytes kept are resumed; a second refusal is final.
     */
    private void downloadAtFreshUrl(String id, String file, FileMeta meta, ResumableDownload.Expected expected,
            Path blob, StatusError refused) throws IOException {
        LOG.warn("{}@{}: {}: {} from the content host {}; asking the Hub for a fresh download URL, as a signed one"
                + " expires", id, revision, file, refused.statusCode(), http.shown(meta.downloadUrl));
        FileMeta fresh = head(id, meta.commit, file).orElseThrow(() -> refused);
        if (!fresh.etag.equals(meta.etag) || fresh.size != meta.size) {
            throw new HubException(-1, id + ": " + file + ": asked again at commit " + meta.commit + " after the"
                    + " content host refused the download, the Hub announced ETag " + fresh.etag + " and " + fresh.size
                    + " bytes, not " + meta.etag + " and " + meta.size + " as before; resolve again");
        }
        try {
            downloads.download(id, file, fresh.downloadUrl, expected, blob);
        } catch (StatusError again) {
            if (again.contentHostRefusal == null) {
                throw again;
            }
            Path partial = blob.resolveSibling(blob.getFileName() + ".incomplete");
            throw new HubException(again.statusCode(), again.contentHostRefusal + ", also at the fresh URL the Hub"
                    + " signed after a first refusal, so no expired link is the cause; the bytes downloaded ("
                    + (Files.exists(partial) ? Files.size(partial) : 0) + " of " + meta.size + ") are kept in "
                    + partial + " for a later resolve to resume");
        }
    }

    /** What the etag says the file must hash to; a file with neither hash is refused before any byte moves. */
    private static ResumableDownload.Expected expected(String id, String file, FileMeta meta) throws HubException {
        if (SHA256.matcher(meta.etag).matches()) {
            return ResumableDownload.Expected.sha256(meta.size, meta.etag);
        }
        if (GIT_OBJECT_ID.matcher(meta.etag).matches()) {
            return ResumableDownload.Expected.gitBlob(meta.size, meta.etag);
        }
        throw new HubException(-1, id + ": " + file + ": the server's ETag '" + meta.etag + "' is neither a sha256"
                + " nor a git blob hash, so the download cannot be checked; use a Hub endpoint that sends them"
                + " (HF_ENDPOINT)");
    }

    static String gitBlobId(Path file) throws IOException {
        return FileDigests.gitBlobId(file);
    }

    static String sha256(Path file) throws IOException {
        return FileDigests.sha256(file);
    }

    /** Points snapshot/file at the blob with a relative link, or a copy where links are unsupported. */
    private static void link(Path target, Path blob) throws IOException {
        Files.createDirectories(target.getParent());
        // a name of its own per call: two resolves linking one file at once shared one name, and
        // the second's link failed as "already exists" and fell back to copying the blob
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp-link");
        try {
            Files.createSymbolicLink(tmp, target.getParent().relativize(blob));
        } catch (UnsupportedOperationException | FileSystemException e) {
            Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            AtomicFiles.move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Builds a {@link ModelResolver}.
     *
     * <p>Mutable and single-threaded.
     */
    public static final class Builder {
        private HubSettings settings;
        private String revision = "main";
        private HttpClient httpClient;
        private int downloadAttempts = 3;
        private Duration requestTimeout = Duration.ofSeconds(60);
        private Duration stallTimeout = Duration.ofSeconds(60);
        private HubHttp.Sleeper sleeper;

        private Builder() {}

        /**
         * Replaces how the waits between retries are spent; for the tests.
         *
         * @param sleeper the sleeper
         * @return this builder
         */
        Builder sleeper(HubHttp.Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Sets where models come from.
         *
         * @param settings the settings; default {@link HubSettings#fromEnvironment()}
         * @return this builder
         */
        public Builder optSettings(HubSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Sets the revision: a branch, a tag or a 40-digit commit hash.
         *
         * @param revision the revision; default {@code main}
         * @return this builder
         */
        public Builder optRevision(String revision) {
            this.revision = Objects.requireNonNull(revision, "revision");
            return this;
        }

        /**
         * Sets the HTTP client; it must not follow redirects itself, or the token could reach another host.
         *
         * @param client the client; default an HTTP/1.1 client that never follows redirects
         * @return this builder
         */
        public Builder optHttpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Sets how many times one resolve tries each file's transfer, each try resuming the last.
         *
         * @param attempts at least 1; default 3
         * @return this builder
         */
        public Builder optDownloadAttempts(int attempts) {
            this.downloadAttempts = attempts;
            return this;
        }

        /**
         * Sets the timeout for connecting and for each response's headers.
         *
         * @param timeout a positive duration; default 60 seconds
         * @return this builder
         */
        public Builder optRequestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets how long a response body may send nothing before the transfer counts as interrupted
         * (and is resumed by the next attempt).
         *
         * @param timeout a positive duration; default 60 seconds
         * @return this builder
         */
        public Builder optStallTimeout(Duration timeout) {
            this.stallTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Checks the values and builds the resolver.
         *
         * @return the resolver
         * @throws IllegalArgumentException if a value is out of range
         */
        public ModelResolver build() {
            if (downloadAttempts < 1) {
                throw new IllegalArgumentException("downloadAttempts must be at least 1, found " + downloadAttempts);
            }
            if (requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive, found " + requestTimeout);
            }
            if (stallTimeout.isNegative() || stallTimeout.isZero()) {
                throw new IllegalArgumentException("stallTimeout must be positive, found " + stallTimeout);
            }
            if (revision.isBlank() || revision.contains("..") || revision.startsWith("/")) {
                throw new IllegalArgumentException("revision must be a branch, tag or commit, found '" + revision + "'");
            }
            if (settings == null) {
                settings = HubSettings.fromEnvironment();
            }
            return new ModelResolver(this);
        }
    }
}
