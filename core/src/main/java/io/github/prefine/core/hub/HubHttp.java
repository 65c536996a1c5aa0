package io.github.prefine.core.hub;

import io.github.prefine.eval.internal.Counts;
import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.IDN;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests to a Hub endpoint under prefine's token rules, shared by {@link ModelResolver} and the
 * dataset fetcher of the examples.
 *
 * <p>Every request carries {@code User-Agent: prefine} and {@code Accept-Encoding: identity} (so
 * sizes and byte ranges count the bytes on disk) and the request timeout, which bounds the wait
 * for the response headers. The token ({@link HubSettings#token()}) is sent as
 * {@code Authorization: Bearer} to the endpoint's own scheme, host and port only ({@link #sameHost(URI)};
 * also to its host's {@code https} when an {@code http} endpoint on port 80 is upgraded), never to a
 * redirect target elsewhere, and never appears in a log line or a message. The HTTP client must
 * not follow redirects itself: callers follow them by hand, so that the token stays on the
 * endpoint's host.
 *
 * <p>The default HTTP client goes through the proxy that {@code https_proxy}, {@code http_proxy},
 * {@code all_proxy} and {@code no_proxy} (or their upper-case names) name, as Python's {@code
 * requests} does ({@link EnvironmentProxies}: credentials in the proxy URL are sent to the proxy
 * as {@code Proxy-Authorization: Basic}; a proxy the JDK cannot use, such as {@code socks5://},
 * fails the requests it would carry with a {@link HubException} rather than letting them bypass
 * it), unless the Java properties {@code https.proxyHost}, {@code http.proxyHost} or
 * {@code java.net.useSystemProxies} are set, which then govern. A proxy's {@code 407} answer ends
 * in a {@link HubException} with status 407 that says what the proxy lacked.
 *
 * <p>A {@code GET} or {@code HEAD} that meets HTTP 429 or 500, 502, 503, 504, or a connection that
 * fails in transit (reset, closed before the headers, no headers within the request timeout), is
 * sent again, up to {@link HubSettings#retries()} times ({@code PREFINE_HUB_RETRIES}, default
 * {@value HubSettings#DEFAULT_RETRIES}): each retry is logged at WARN with its attempt count and
 * waits what the answer's {@code Retry-After} asks (seconds, or an HTTP date in the IMF-fixdate,
 * RFC 850 or asctime form of RFC 9110), at most
 * {@link #MAX_RETRY_AFTER}, else 1, 2, 4, 8, 8, ... seconds. These requests are idempotent, so
 * repeating them is safe, and a repeated download keeps its {@code Range} header. An endpoint
 * that cannot be reached at all (connection refused, unknown host, connect timeout) is not retried:
 * that is a wrong {@code HF_ENDPOINT} or no network, which waiting does not cure. When the budget
 * is spent, a status ends in a {@link HubException} with that status and a lost connection in a
 * {@link HubServiceException}, both naming the number of attempts. Immutable after
 * {@link Builder#build()} and thread-safe.
 */
public final class HubHttp {
    private static final Logger LOG = LoggerFactory.getLogger(HubHttp.class);
    /** Redirects followed after a request before it fails. */
    public static final int MAX_REDIRECTS = 5;
    /** The longest wait a {@code Retry-After} header gets; a longer one is cut to this. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);
    /** The highest TCP port; {@link URI} reads any number of digits. */
    static final int MAX_PORT = 65535;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    /** The longest wait between retries without a {@code Retry-After} header. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(8);

    /**
     * Waits between retries and resumes. Public for the tests of other modules (the CLI's dataset
     * fetch), which record the waits instead of spending seconds in them; a run keeps the default,
     * {@link Thread#sleep}.
     */
    @FunctionalInterface
    public interface Sleeper {
        /**
         * Waits.
         *
         * @param wait how long
         * @throws InterruptedException if the thread is interrupted meanwhile
         */
        void sleep(Duration wait) throws InterruptedException;
    }

    private final HubSettings settings;
    private final HttpClient client;
    /** The environment's proxies the default client goes through; null for a given client or Java's proxy properties. */
    private final EnvironmentProxies proxies;
    private final Duration requestTimeout;
    private final Sleeper sleeper;
    private final Clock clock;
    /** The clear-text token warning is given once per instance. */
    private final AtomicBoolean plainHttpWarned = new AtomicBoolean();

    private HubHttp(Builder b) {
        this.settings = b.settings;
        this.requestTimeout = b.requestTimeout;
        this.sleeper = b.sleeper;
        this.clock = b.clock;
        if (b.client != null) {
            this.client = b.client;
            this.proxies = null;
        } else {
            HttpClient.Builder cb = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(b.requestTimeout);
            // Java's own proxy properties, where set, were chosen for this JVM: they win
            this.proxies = javaProxyProperties() ? null : EnvironmentProxies.of(b.environment);
            if (proxies != null && proxies.any()) {
                cb.proxy(proxies);
            }
            this.client = cb.build();
        }
    }

    /** Whether the JDK's default proxy selector has a setting to read. */
    private static boolean javaProxyProperties() {
        return System.getProperty("http.proxyHost") != null || System.getProperty("https.proxyHost") != null
                || Boolean.getBoolean("java.net.useSystemProxies");
    }

    /**
     * Starts a builder.
     *
     * @return a builder without settings
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the settings in use.
     *
     * @return the endpoint, token and offline flag
     */
    public HubSettings settings() {
        return settings;
    }

    /**
     * Tells whether an answer is a refusal by a host other than the endpoint (the content host the
     * Hub redirects a download to): a 401 or 403 there says nothing of the token, which goes to the
     * endpoint's origin only ({@link #sameHost(URI)}); a signed URL that expired answers so.
     *
     * @param status the answer's status code
     * @param url the URL that answered
     * @return whether it is a 401 or 403 from another host than the endpoint
     */
    public boolean refusedByContentHost(int status, URI url) {
        return (status == 401 || status == 403) && !sameHost(url);
    }

    /**
     * Tells whether a URL is on the endpoint's origin (scheme, host and port), the only one that
     * gets the token; the host's case, and a default port written out or left out, do not matter.
     * As {@code requests} keeps the token there, an {@code http} endpoint on port 80 also counts
     * its host's {@code https} on port 443 (the upgrade a mirror redirects to); never the other way.
     *
     * @param url an absolute URL
     * @return whether the token may go there
     */
    public boolean sameHost(URI url) {
        URI e = settings.endpoint();
        if (url.getScheme() == null || url.getHost() == null || !url.getHost().equalsIgnoreCase(e.getHost())) {
            return false;
        }
        // as requests' should_strip_auth: a host's case and a default port written out change no origin,
        // and http to https on the standard ports keeps Authorization
        boolean upgrade = "http".equalsIgnoreCase(e.getScheme()) && port(e) == 80
                && "https".equalsIgnoreCase(url.getScheme()) && port(url) == 443;
        return upgrade || url.getScheme().equalsIgnoreCase(e.getScheme()) && port(url) == port(e);
    }

    /**
     * A URL as a message or a log line shows it: without user information (it may hold a password),
     * without its query, which on a content host is the signature that grants access to the file for
     * a while and on the endpoint's own host can be too (a mirror that signs its download URLs, a key
     * an endpoint was given in its URL), and without a fragment; {@code "?..."} says a query was
     * there. Every URL prefine shows goes through this, or through {@link #shownReference(String)}
     * where the text is no URL.
     *
     * @param url an absolute URL
     * @return the URL to show
     */
    public String shown(URI url) {
        if (url.getRawUserInfo() == null && url.getRawQuery() == null && url.getRawFragment() == null) {
            return url.toString();
        }
        if (url.isOpaque()) {
            return shownReference(url.toString());
        }
        String host = url.getHost() != null ? url.getHost() : "";
        return url.getScheme() + "://" + host + (url.getPort() != -1 ? ":" + url.getPort() : "")
                + (url.getRawPath() == null ? "" : url.getRawPath()) + (url.getRawQuery() == null ? "" : "?...");
    }

    /**
     * A URI reference as a message shows it when it may be no URL at all (a {@code Location} header
     * the client cannot follow), redacted as {@link #shown(URI)} redacts a URL: the fragment cut off,
     * the query shown as {@code "?..."}, and after a {@code //} everything up to the last {@code @}
     * before the query dropped, since a password may hold what no URL may.
     *
     * @param reference the text as received
     * @return the text to show
     */
    public static String shownReference(String reference) {
        String r = reference;
        int fragment = r.indexOf('#');
        if (fragment >= 0) {
            r = r.substring(0, fragment);
        }
        int query = r.indexOf('?');
        String rest = query >= 0 ? "?..." : "";
        r = query >= 0 ? r.substring(0, query) : r;
        int authority = r.indexOf("//");
        int at = r.lastIndexOf('@');
        if (authority >= 0 && at > authority) {
            r = r.substring(0, authority + 2) + r.substring(at + 1);
        }
        return r + rest;
    }

    /** The port a URL reaches: its own, else its scheme's default. */
    private static int port(URI url) {
        return url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    /**
     * Starts a request with prefine's headers, the request timeout, and the token where
     * {@link #sameHost(URI)} allows it.
     *
     * @param url the absolute URL
     * @return a builder to add the method and any further headers to
     * @throws IllegalArgumentException if the token would go there but holds a character other than
     *     printable ASCII (the message names its source and the character, not the token)
     */
    public HttpRequest.Builder request(URI url) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(requestTimeout)
                .header("User-Agent", "prefine")
                .header("Accept-Encoding", "identity");
        if (settings.hasToken() && sameHost(url)) {
            Optional<String> unsendable = settings.tokenRefusal();
            if (unsendable.isPresent()) {
                throw new IllegalArgumentException(unsendable.get());
            }
            if ("http".equalsIgnoreCase(url.getScheme()) && plainHttpWarned.compareAndSet(false, true)) {
                LOG.warn("the token from {} is sent in clear text over plain http to {}; anyone on the way can read it."
                        + " Use an https endpoint (HF_ENDPOINT) or remove the token", settings.tokenSource(),
                        url.getHost());
            }
            b.header("Authorization", "Bearer " + settings.token());
        }
        if (proxies != null) {
            // for the proxy only: the JDK sends no proxy-* header to a server, directly or through a tunnel
            proxies.authorization(url).ifPresent(v -> b.header("Proxy-Authorization", v));
        }
        return b;
    }

    /**
     * Sends a request, retrying what a retry can cure (see the class comment), and turning a
     * failure into one line that names the repository and the file.
     *
     * <p>An unreachable endpoint (connection refused, connect timeout, unknown host) reads
     * {@code "REPO: WHAT: cannot reach ENDPOINT (...); check the network, or set HF_HUB_OFFLINE=1 ..."};
     * any other failure {@code "REPO: WHAT: request to URL failed after N attempts: ..."}. The
     * original exception is the cause.
     *
     * @param req the request, from {@link #request(URI)}
     * @param handler how to read the body
     * @param repo the repository id, first in messages
     * @param what the file or resource asked for, second in messages
     * @param <T> the body type
     * @return the response, whatever its status, except a retried status the budget ran out on
     * @throws HubException with the status, for HTTP 429 or 500, 502, 503, 504 to a {@code GET} or
     *     {@code HEAD} on its last attempt, and for a proxy's 407; with status -1, before anything
     *     is sent, when the environment names a proxy for the URL that the client cannot use
     * @throws HubServiceException if the endpoint cannot be reached or the exchange fails in transit
     *     on the last attempt
     * @throws IOException if the thread is interrupted (its flag is set again)
     */
    public <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler, String repo, String what)
            throws IOException {
        return send(req, handler, repo, what, true);
    }

    /**
     * {@link #send(HttpRequest, HttpResponse.BodyHandler, String, String)}, where a request whose
     * answer does not come within its timeout may be left unretried: a question the caller can do
     * without, such as whether a cached branch moved, should cost one timeout, not the budget's.
     */
    <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler, String repo, String what,
            boolean retryTimeouts) throws IOException {
        if (proxies != null) {
            Optional<String> refused = proxies.refusal(req.uri());
            if (refused.isPresent()) {
                throw new HubException(-1, repo + ": " + what + ": " + refused.get());
            }
        }
        boolean idempotent = req.method().equals("GET") || req.method().equals("HEAD");
        // a long: Integer.MAX_VALUE retries are 2^31 attempts, which an int wrapped negative, never reached
        long allowed = idempotent ? settings.retries() + 1L : 1;
        for (long attempt = 1; ; attempt++) {
            HttpResponse<T> resp;
            try {
                resp = sendOnce(req, handler, repo, what);
            } catch (InTransitException e) {
                if (attempt == allowed || !retryTimeouts && e.getCause() instanceof HttpTimeoutException) {
                    throw new HubServiceException(repo + ": " + what + ": request to " + shown(req.uri())
                            + " failed after " + Counts.counted(attempt, "attempt") + ": " + oneLine(e.getCause()),
                            e.getCause());
                }
                Duration wait = backoff(attempt);
                LOG.warn("{}: {}: request to {} failed ({}), attempt {} of {}; retrying in {} ms", repo, what,
                        shown(req.uri()), oneLine(e.getCause()), attempt, allowed, wait.toMillis());
                pause(wait, req, repo, what);
                continue;
            }
            int status = resp.statusCode();
            if (status == 407) {
                if (resp.body() instanceof Closeable c) {
                    c.close();
                }
                throw new HubException(status, repo + ": " + what + ": " + (proxies != null
                        ? proxies.explain407(req.uri(), shown(req.uri()))
                        : "a proxy answered 407 Proxy Authentication Required for " + shown(req.uri())));
            }
            if (!idempotent || !retryable(status)) {
                return resp;
            }
            if (resp.body() instanceof Closeable c) {
                c.close();
            }
            String code = resp.headers().firstValue("X-Error-Code").map(x -> " (" + x + ")").orElse("");
            if (attempt == allowed) {
                throw new HubException(status, repo + ": " + what + " at " + shown(resp.uri()) + ": HTTP " + status
                        + code + " after " + Counts.counted(attempt, "attempt") + " (" + HubSettings.RETRIES_VARIABLE + " allows "
                        + settings.retries() + " retries)");
            }
            Duration wait = retryAfter(resp).orElse(backoff(attempt));
            LOG.warn("{}: {}: HTTP {}{} from {}, attempt {} of {}; retrying in {} ms", repo, what, status, code,
                    shown(resp.uri()), attempt, allowed, wait.toMillis());
            pause(wait, req, repo, what);
        }
    }

    /** A failure in transit, which a retry may cure; its cause is the transport's exception. */
    private static final class InTransitException extends IOException {
        private static final long serialVersionUID = 1L;

        InTransitException(IOException cause) {
            super(cause);
        }
    }

    private <T> HttpResponse<T> sendOnce(HttpRequest req, HttpResponse.BodyHandler<T> handler, String repo,
            String what) throws IOException {
        try {
            return client.send(req, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(repo + ": " + what + ": interrupted while requesting " + shown(req.uri()), e);
        } catch (HttpTimeoutException e) {
            if (e instanceof HttpConnectTimeoutException) {
                throw unreachable(repo, what, oneLine(e), e);
            }
            throw new InTransitException(e); // no headers within the request timeout
        } catch (ConnectException | UnknownHostException e) {
            throw unreachable(repo, what, oneLine(e), e);
        } catch (IOException e) {
            if (e.getCause() instanceof UnresolvedAddressException || e.getCause() instanceof UnknownHostException) {
                throw unreachable(repo, what, "unknown host", e);
            }
            if (e.getCause() instanceof ConnectException) {
                throw unreachable(repo, what, oneLine(e.getCause()), e);
            }
            throw new InTransitException(e);
        }
    }

    private HubServiceException unreachable(String repo, String what, String why, IOException cause) {
        return new HubServiceException(repo + ": " + what + ": cannot reach " + shown(settings.endpoint()) + " (" + why
                + "); check the network, or set HF_HUB_OFFLINE=1 to use only files already fetched", cause);
    }

    /** Too many requests, and the server errors that say "busy or failing for now". */
    private static boolean retryable(int status) {
        return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /** 1, 2, 4, ... seconds after attempts 1, 2, 3, ..., at most {@link #MAX_BACKOFF}. */
    static Duration backoff(long attempt) {
        Duration d = Duration.ofSeconds(1L << Math.min(attempt - 1, 3));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    /**
     * The wait a {@code Retry-After} header asks for: whole seconds, or an HTTP date in any of the
     * three forms RFC 9110 accepts ({@link HttpDate}) counted from the clock; between 0 and {@link #MAX_RETRY_AFTER}. Empty when absent or
     * unreadable, so the backoff applies.
     */
    private Optional<Duration> retryAfter(HttpResponse<?> resp) {
        String v = resp.headers().firstValue("Retry-After").map(String::strip).orElse("");
        if (v.isEmpty()) {
            return Optional.empty();
        }
        Duration wait;
        if (v.chars().allMatch(Character::isDigit)) {
            try {
                wait = Duration.ofSeconds(Long.parseLong(v));
            } catch (NumberFormatException e) {
                wait = MAX_RETRY_AFTER; // more digits than a long: far beyond the cap
            }
        } else {
            Instant now = clock.instant();
            Optional<Instant> at = HttpDate.parse(v, now);
            if (at.isEmpty()) {
                LOG.debug("unreadable Retry-After '{}' from {}; using the backoff", v, shown(resp.uri()));
                return Optional.empty();
            }
            wait = Duration.between(now, at.get());
        }
        if (wait.isNegative()) {
            wait = Duration.ZERO;
        }
        return Optional.of(wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait);
    }

    /**
     * Waits through the sleeper, as between retries; {@link ResumableDownload} waits so between resumes.
     *
     * @param wait how long
     * @throws InterruptedException if the thread is interrupted meanwhile
     */
    void sleep(Duration wait) throws InterruptedException {
        sleeper.sleep(wait);
    }

    private void pause(Duration wait, HttpRequest req, String repo, String what) throws IOException {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(repo + ": " + what + ": interrupted while waiting to retry " + shown(req.uri()), e);
        }
    }

    /**
     * Sends a request and follows its redirects by hand: each hop is a new request from {@code
     * request}, which {@link #request(URI)} builds with the token on the endpoint's host only.
     * The Hub redirects a renamed repository's old id, and a file to its content host. A relative
     * {@code Location} is resolved as RFC 3986 says, and its bytes beyond ASCII (raw UTF-8) are
     * requested as sent, percent-encoded, as {@code requests} requests them ({@link #resolveReference}).
     *
     * @param request makes the request for a URL (method, headers)
     * @param handler how to read a body; the bodies of followed redirects are discarded
     * @param url the first URL
     * @param stopAtOtherHost true to return a redirect to another host unfollowed (a {@code HEAD}
     *     that only wants to know where a file lives), false to follow it
     * @param repo the repository id, first in messages
     * @param what the file or resource asked for, second in messages
     * @param <T> the body type
     * @return the last response, whatever its status: not a redirect, or with {@code
     *     stopAtOtherHost} a redirect to another host; {@link HttpResponse#uri()} says where it came from
     * @throws HubException for a redirect without a {@code Location} header, with one that is no
     *     URI reference or names no {@code http} or {@code https} URL with a host and a port up to
     *     65535, or more than
     *     {@value #MAX_REDIRECTS} redirects
     * @throws IOException if an exchange fails (see {@link #send})
     */
    public <T> HttpResponse<T> sendFollowingRedirects(Function<URI, HttpRequest> request,
            HttpResponse.BodyHandler<T> handler, URI url, boolean stopAtOtherHost, String repo, String what)
            throws IOException {
        return sendFollowingRedirects(request, handler, url, stopAtOtherHost, repo, what, true);
    }

    /** {@link #sendFollowingRedirects} with {@code retryTimeouts} as in {@link #send(HttpRequest,
     * HttpResponse.BodyHandler, String, String, boolean)}. */
    <T> HttpResponse<T> sendFollowingRedirects(Function<URI, HttpRequest> request, HttpResponse.BodyHandler<T> handler,
            URI url, boolean stopAtOtherHost, String repo, String what, boolean retryTimeouts) throws IOException {
        URI at = url;
        for (int hop = 0; ; hop++) {
            HttpResponse<T> resp = send(request.apply(at), handler, repo, what, retryTimeouts);
            int status = resp.statusCode();
            if (status < 300 || status >= 400) {
                return resp;
            }
            String location = resp.headers().firstValue("Location").orElse(null);
            URI next = null;
            boolean unreadable = false;
            String why = "";
            try {
                location = location == null ? null : asRequested(location);
                next = location == null ? null : resolve(at, location);
            } catch (IllegalArgumentException e) {
                // thrown on, it passed every caller's handling of a failed exchange (an IOException)
                unreadable = true;
                why = e instanceof IdnRefusal ? " (" + e.getMessage() + ")" : "";
            }
            // the HTTP client requests nothing else: its IllegalArgumentException passed every caller's handling
            boolean requestable = next != null && next.getHost() != null && next.getPort() <= MAX_PORT
                    && ("http".equalsIgnoreCase(next.getScheme()) || "https".equalsIgnoreCase(next.getScheme()));
            if (requestable && stopAtOtherHost && !sameHost(next)) {
                return resp;
            }
            if (resp.body() instanceof Closeable c) {
                c.close();
            }
            if (unreadable) {
                throw new HubException(status, repo + ": " + what + ": redirect " + status + " from " + shown(at)
                        + " to a Location that is no URI reference" + why + ", found '" + shownReference(location) + "'");
            }
            if (next == null) {
                throw new HubException(status, repo + ": " + what + ": redirect " + status + " without a Location header");
            }
            if (!requestable) {
                throw new HubException(status, repo + ": " + what + ": redirect " + status + " from " + shown(at)
                        + " to '" + shownReference(location) + "', which is no http or https URL with a host and a port up to "
                        + MAX_PORT);
            }
            if (hop == MAX_REDIRECTS) {
                throw new HubException(status, repo + ": " + what + ": more than " + MAX_REDIRECTS
                        + " redirects (the last from " + shown(at) + " to " + shown(next) + ")");
            }
            at = next;
        }
    }

    /**
     * Resolves a URI reference that a header sent ({@code Location}, a {@code Link} target) against
     * the URL that answered, as {@code requests} does: each byte of the value beyond ASCII (the JDK
     * reads each header byte as a Latin-1 character) is percent-encoded as it came, so raw UTF-8
     * names the characters it encodes and is requested byte for byte, neither NFC-normalised by the
     * JDK's client nor, where it is no UTF-8, re-encoded; and the reference is resolved as RFC 3986
     * (section 5.2) says, which {@link URI#resolve} does not for a reference that is only a query
     * or climbs above the root. Percent-encoding already in the value is kept as it is. The fragment
     * is dropped, since it is never sent.
     *
     * @param base the absolute URL that answered, such as {@link HttpResponse#uri()}
     * @param value the header's value as the HTTP client gave it
     * @return the absolute target, not checked for its scheme, host or port
     * @throws NullPointerException if {@code base} or {@code value} is null
     * @throws IllegalArgumentException if {@code base} is not absolute and hierarchical, or the value
     *     is no URI reference
     */
    public static URI resolveReference(URI base, String value) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(value, "value");
        if (!base.isAbsolute() || base.isOpaque()) {
            // resolved against it, a relative base gave a URL of scheme "null", an opaque one lost its path
            throw new IllegalArgumentException("base must be an absolute hierarchical URI such as "
                    + HubSettings.DEFAULT_ENDPOINT + "/api, found " + base);
        }
        return resolve(base, asRequested(value));
    }

    /** A host in a header that is no internationalised domain name; its message names the host. */
    private static final class IdnRefusal extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        IdnRefusal(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * A header's URI reference as a browser or {@code requests} requests it, rather than refused: a
     * host of characters beyond ASCII (raw UTF-8, else Latin-1, as {@code requests} decodes the
     * header) in its ASCII form ({@link IDN#toASCII(String)}, IDNA 2003, where {@code requests} uses
     * IDNA 2008: they differ on a few characters such as {@code ß}); then bytes beyond ASCII
     * percent-encoded as sent ({@link #asSent}); then the ASCII characters no URI may hold (controls,
     * a space, {@code " < > \ ^ ` { | }}) percent-encoded as {@code requote_uri} encodes them, and
     * a {@code %} that starts no escape as {@code %25} (where {@code requests} would encode every
     * {@code %} of the value again). What stays no URI reference (a {@code [} in a path) is refused
     * by the resolve.
     *
     * @throws IdnRefusal naming the host when it has no ASCII form
     */
    static String asRequested(String value) {
        return quoteIllegal(asSent(idnHost(value)));
    }

    private static final java.util.regex.Pattern AUTHORITY_START = java.util.regex.Pattern.compile(
            "([A-Za-z][A-Za-z0-9+.-]*:)?//");

    /** The value with a host beyond ASCII in its IDNA ASCII form; as it is otherwise. */
    private static String idnHost(String value) {
        java.util.regex.Matcher m = AUTHORITY_START.matcher(value);
        if (!m.lookingAt()) {
            return value;
        }
        int start = m.end();
        int end = start;
        while (end < value.length() && "/?#".indexOf(value.charAt(end)) < 0) {
            end++;
        }
        int hostStart = value.lastIndexOf('@', end - 1) + 1;
        hostStart = Math.max(hostStart, start);
        int hostEnd = value.lastIndexOf(':', end - 1);
        hostEnd = hostEnd < hostStart ? end : hostEnd;
        String host = value.substring(hostStart, hostEnd);
        if (host.startsWith("[") || host.chars().allMatch(c -> c < 0x80)) {
            return value;
        }
        String decoded = host;
        if (host.chars().allMatch(c -> c <= 0xFF)) {
            try {
                decoded = java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(
                        host.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))).toString();
            } catch (java.nio.charset.CharacterCodingException notUtf8) {
                // as requests: a header that is no UTF-8 is read as Latin-1
            }
        }
        String ascii;
        try {
            ascii = IDN.toASCII(decoded);
        } catch (IllegalArgumentException e) {
            throw new IdnRefusal("its host '" + decoded + "' is no internationalised domain name: " + e.getMessage(), e);
        }
        return value.substring(0, hostStart) + ascii + value.substring(hostEnd);
    }

    /** ASCII characters no URI may hold, and a {@code %} that starts no escape, percent-encoded. */
    private static String quoteIllegal(String value) {
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean escape = c == '%' ? !(i + 2 < value.length() && isHex(value.charAt(i + 1)) && isHex(value.charAt(i + 2)))
                    : c < 0x80 && (c <= 0x20 || c == 0x7F || "\"<>\\^`{|}".indexOf(c) >= 0);
            if (escape && out == null) {
                out = new StringBuilder(value.length() + 16).append(value, 0, i);
            }
            if (escape) {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? value : out.toString();
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /**
     * The URL a redirect's {@code Location} names, resolved against the URL that answered as RFC
     * 3986 (section 5.2) resolves a reference, as {@code requests} does: {@link URI#resolve} follows
     * the older RFC 2396, which drops the last path segment before a reference that is only a query
     * ({@code ?page=2}) and keeps dot segments above the root ({@code /../x}). A reference in the
     * base's own scheme without an authority ({@code http:g}) is read as relative, the non-strict
     * reading that section 5.2.2 allows and Python's {@code urljoin} makes. The fragment is dropped,
     * since it is never sent.
     *
     * @param base the absolute URL that answered
     * @param location the header's value, after {@link #asSent(String)}
     * @return the absolute target
     * @throws IllegalArgumentException if the value is no URI reference
     */
    static URI resolve(URI base, String location) {
        String scheme = base.getScheme();
        String rest = location.regionMatches(true, 0, scheme + ":", 0, scheme.length() + 1)
                ? location.substring(scheme.length() + 1) : null;
        // section 5.2.2's non-strict reading, as Python's urljoin: "http:g" is "g" (strictly, no host);
        // "http:///x" keeps its empty authority
        URI r = URI.create(rest != null && !rest.startsWith("//") ? rest : location);
        if (r.isOpaque()) {
            return r; // mailto:..., nothing to resolve
        }
        scheme = r.getScheme() != null ? r.getScheme() : scheme;
        String authority;
        String path;
        String query = r.getRawQuery();
        String rPath = r.getRawPath() == null ? "" : r.getRawPath();
        if (r.getScheme() != null || r.getRawAuthority() != null) {
            authority = r.getRawAuthority();
            path = removeDotSegments(rPath);
        } else {
            authority = base.getRawAuthority();
            String bPath = base.getRawPath() == null ? "" : base.getRawPath();
            if (rPath.isEmpty()) {
                path = bPath;
                query = query != null ? query : base.getRawQuery();
            } else if (rPath.startsWith("/")) {
                path = removeDotSegments(rPath);
            } else {
                // merge (section 5.2.3): the base path up to its last '/', or '/' for a base with an authority and no path
                path = removeDotSegments(authority != null && bPath.isEmpty() ? "/" + rPath
                        : bPath.substring(0, bPath.lastIndexOf('/') + 1) + rPath);
            }
        }
        return URI.create(scheme + ":" + (authority != null ? "//" + authority : "") + path
                + (query != null ? "?" + query : ""));
    }

    /**
     * RFC 3986 section 5.2.4: {@code .} and {@code ..} segments out of a path, none climbing above the
     * root. One pass over an index: copying the rest of the input at each step took seconds of CPU for
     * each hop of a hostile {@code Location} of a few hundred kilobytes of {@code /a}.
     */
    private static String removeDotSegments(String path) {
        StringBuilder out = new StringBuilder(path.length());
        int n = path.length();
        for (int i = 0; i < n; ) {
            int rest = n - i;
            if (path.startsWith("../", i)) {
                i += 3;
            } else if (path.startsWith("./", i) || path.startsWith("/./", i)) {
                i += 2; // "/./" becomes "/"
            } else if (rest == 2 && path.startsWith("/.", i)) {
                out.append('/');
                i = n;
            } else if (path.startsWith("/../", i) || rest == 3 && path.startsWith("/..", i)) {
                out.setLength(Math.max(out.lastIndexOf("/"), 0));
                if (rest == 3) {
                    out.append('/');
                    i = n;
                } else {
                    i += 3; // "/../" becomes "/"
                }
            } else if (rest == 1 && path.charAt(i) == '.' || rest == 2 && path.startsWith("..", i)) {
                i = n;
            } else {
                int next = path.indexOf('/', path.charAt(i) == '/' ? i + 1 : i);
                int end = next < 0 ? n : next;
                out.append(path, i, end);
                i = end;
            }
        }
        return out.toString();
    }

    /**
     * A header value with each character from U+0080 to U+00FF, which is how the JDK reads a header
     * byte beyond ASCII, percent-encoded as that byte: a server that writes a non-ASCII URL raw
     * writes UTF-8, which {@code requests} decodes and quotes back to the same bytes. Left to the
     * JDK's client, such a character was NFC-normalised and encoded as UTF-8 of its own: NFD
     * {@code e\u0301} became {@code %C3%A9}, and a Latin-1 byte {@code 0xE9}, no UTF-8, too.
     *
     * @param value the header's value as the JDK read it
     * @return the value, ASCII where the JDK read it byte by byte
     */
    static String asSent(String value) {
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x80 && c <= 0xFF) {
                if (out == null) {
                    out = new StringBuilder(value.length() + 16).append(value, 0, i);
                }
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? value : out.toString();
    }

    /**
     * Returns an exception's message on one line, or its simple class name when it has none.
     *
     * @param e the exception
     * @return one line of text
     */
    public static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ');
    }

    /**
     * Builds a {@link HubHttp}.
     *
     * <p>Mutable and single-threaded.
     */
    public static final class Builder {
        private HubSettings settings;
        private HttpClient client;
        private Duration requestTimeout = Duration.ofSeconds(60);
        private Sleeper sleeper = wait -> Thread.sleep(wait.toMillis());
        private Clock clock = Clock.systemUTC();
        private Map<String, String> environment = System.getenv();

        private Builder() {}

        /**
         * Replaces the environment the proxy variables are read from; for the tests.
         *
         * @param environment variables by name
         * @return this builder
         */
        Builder environment(Map<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * Replaces how the waits between retries and resumes are spent; for the tests, here and in
         * the CLI's module (public for those), which check the waits instead of sleeping through them.
         *
         * @param sleeper the sleeper
         * @return this builder
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Replaces the clock that an HTTP-date {@code Retry-After} is counted from; for the tests.
         *
         * @param clock the clock
         * @return this builder
         */
        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the endpoint and the token (required).
         *
         * @param settings the settings
         * @return this builder
         */
        public Builder setSettings(HubSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Sets the HTTP client; it must not follow redirects itself, or the token could reach another host.
         *
         * @param client the client; default an HTTP/1.1 client that never follows redirects,
         *     connects within the request timeout and uses the environment's proxy (see the class comment)
         * @return this builder
         */
        public Builder optHttpClient(HttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Sets the timeout for connecting (with the default client) and for each response's headers.
         *
         * @param timeout a positive duration; default 60 seconds
         * @return this builder
         */
        public Builder optRequestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Checks the values and builds the instance.
         *
         * @return the instance
         * @throws IllegalStateException if no settings were set
         * @throws IllegalArgumentException if the request timeout is not positive
         */
        public HubHttp build() {
            if (settings == null) {
                throw new IllegalStateException("settings must be set (setSettings)");
            }
            if (requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive, found " + requestTimeout);
            }
            return new HubHttp(this);
        }
    }
}
