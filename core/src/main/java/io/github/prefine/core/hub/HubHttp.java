package io.github.prefine.core.hub;

import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Objects;
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
 * {@code Authorization: Bearer} to the endpoint's own scheme, host and port only, never to a
 * redirect target elsewhere, and never appears in a log line or a message. The HTTP client must
 * not follow redirects itself: callers follow them by hand, so that the token stays on the
 * endpoint's host. Immutable after {@link Builder#build()} and thread-safe.
 */
public final class HubHttp {
    private static final Logger LOG = LoggerFactory.getLogger(HubHttp.class);
    /** Redirects followed after a request before it fails. */
    public static final int MAX_REDIRECTS = 5;

    private final HubSettings settings;
    private final HttpClient client;
    private final Duration requestTimeout;
    /** The clear-text token warning is given once per instance. */
    private final AtomicBoolean plainHttpWarned = new AtomicBoolean();

    private HubHttp(Builder b) {
        this.settings = b.settings;
        this.requestTimeout = b.requestTimeout;
        this.client = b.client != null ? b.client : HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(b.requestTimeout)
                .build();
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
     * Tells whether a URL is on the endpoint's origin (scheme, host and port), the only one that
     * gets the token.
     *
     * @param url an absolute URL
     * @return whether the token may go there
     */
    public boolean sameHost(URI url) {
        URI e = settings.endpoint();
        return Objects.equals(url.getScheme(), e.getScheme()) && Objects.equals(url.getHost(), e.getHost())
                && url.getPort() == e.getPort();
    }

    /**
     * Starts a request with prefine's headers, the request timeout, and the token where
     * {@link #sameHost(URI)} allows it.
     *
     * @param url the absolute URL
     * @return a builder to add the method and any further headers to
     */
    public HttpRequest.Builder request(URI url) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(requestTimeout)
                .header("User-Agent", "prefine")
                .header("Accept-Encoding", "identity");
        if (settings.hasToken() && sameHost(url)) {
            if ("http".equalsIgnoreCase(url.getScheme()) && plainHttpWarned.compareAndSet(false, true)) {
                LOG.warn("HF_TOKEN is sent in clear text over plain http to {}; anyone on the way can read it."
                        + " Use an https endpoint (HF_ENDPOINT) or unset HF_TOKEN", url.getHost());
            }
            b.header("Authorization", "Bearer " + settings.token());
        }
        return b;
    }

    /**
     * Sends a request, turning a failure into one line that names the repository and the file.
     *
     * <p>An unreachable endpoint (connection refused, connect timeout, unknown host) reads
     * {@code "REPO: WHAT: cannot reach ENDPOINT (...); check the network, or set HF_HUB_OFFLINE=1 ..."};
     * any other failure {@code "REPO: WHAT: request to URL failed: ..."}. The original exception is
     * the cause.
     *
     * @param req the request, from {@link #request(URI)}
     * @param handler how to read the body
     * @param repo the repository id, first in messages
     * @param what the file or resource asked for, second in messages
     * @param <T> the body type
     * @return the response, whatever its status
     * @throws HubServiceException if the endpoint cannot be reached or the exchange fails in transit
     * @throws IOException if the thread is interrupted (its flag is set again)
     */
    public <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler, String repo, String what)
            throws IOException {
        try {
            return client.send(req, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(repo + ": " + what + ": interrupted while requesting " + req.uri(), e);
        } catch (ConnectException | HttpConnectTimeoutException | UnknownHostException e) {
            throw new HubServiceException(repo + ": " + what + ": cannot reach " + settings.endpoint() + " (" + oneLine(e)
                    + "); check the network, or set HF_HUB_OFFLINE=1 to use only files already fetched", e);
        } catch (IOException e) {
            if (e.getCause() instanceof UnresolvedAddressException || e.getCause() instanceof UnknownHostException) {
                throw new HubServiceException(repo + ": " + what + ": cannot reach " + settings.endpoint()
                        + " (unknown host); check the network, or set HF_HUB_OFFLINE=1", e);
            }
            throw new HubServiceException(repo + ": " + what + ": request to " + req.uri() + " failed: " + oneLine(e), e);
        }
    }

    /**
     * Sends a request and follows its redirects by hand: each hop is a new request from {@code
     * request}, which {@link #request(URI)} builds with the token on the endpoint's host only.
     * The Hub redirects a renamed repository's old id, and a file to its content host.
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
     * @throws HubException for a redirect without a {@code Location} header, or more than {@value
     *     #MAX_REDIRECTS} redirects
     * @throws IOException if an exchange fails (see {@link #send})
     */
    public <T> HttpResponse<T> sendFollowingRedirects(Function<URI, HttpRequest> request,
            HttpResponse.BodyHandler<T> handler, URI url, boolean stopAtOtherHost, String repo, String what)
            throws IOException {
        URI at = url;
        for (int hop = 0; ; hop++) {
            HttpResponse<T> resp = send(request.apply(at), handler, repo, what);
            int status = resp.statusCode();
            if (status < 300 || status >= 400) {
                return resp;
            }
            String location = resp.headers().firstValue("Location").orElse(null);
            URI next = location == null ? null : at.resolve(location);
            if (next != null && stopAtOtherHost && !sameHost(next)) {
                return resp;
            }
            if (resp.body() instanceof Closeable c) {
                c.close();
            }
            if (next == null) {
                throw new HubException(status, repo + ": " + what + ": redirect " + status + " without a Location header");
            }
            if (hop == MAX_REDIRECTS) {
                throw new HubException(status, repo + ": " + what + ": more than " + MAX_REDIRECTS
                        + " redirects (the last from " + at + " to " + next + ")");
            }
            at = next;
        }
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

        private Builder() {}

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
         * @param client the client; default an HTTP/1.1 client that never follows redirects and
         *     connects within the request timeout
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
