package io.github.prefine.core.hub;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP proxies that the environment names, read as Python's {@code requests} (the client of
 * {@code huggingface_hub}) reads them, so that a machine whose Python reaches the Hub through a
 * proxy lets prefine reach it too: the JDK's own selector reads only Java system properties.
 *
 * <ul>
 *   <li>{@code https_proxy} for {@code https} URLs, {@code http_proxy} for {@code http} ones, else
 *       {@code all_proxy}; each name in lower case, else in upper case ({@code HTTPS_PROXY}, ...),
 *       the lower-case one winning as in {@code urllib};
 *   <li>a value is {@code [http://]HOST[:PORT]} (port 80 when absent); one the JDK's HTTP client
 *       cannot use (a {@code socks5://} or {@code https://} proxy) or cannot read is left unused
 *       with a warning, and such URLs are requested directly, since a failed proxy setting should
 *       not stop a resolve that needs no network; credentials in a value
 *       ({@code http://USER:PASSWORD@HOST}) are not sent (the JDK refuses Basic authentication for
 *       tunnels) and are never logged;
 *   <li>{@code no_proxy} (else {@code NO_PROXY}): hosts requested directly, comma-separated; an
 *       entry matches its host and the hosts of its domain ({@code .corp} and {@code corp} both
 *       match {@code hub.corp}), {@code HOST:PORT} that port only, {@code *} every host. Address
 *       ranges ({@code 10.0.0.0/8}) are not read. The loopback host ({@code localhost},
 *       {@code 127.*}, {@code [::1]}) is always reached directly, as the JDK's own selector does,
 *       so a local mirror or test server is not sent to the proxy.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
final class EnvironmentProxies extends ProxySelector {
    private static final Logger LOG = LoggerFactory.getLogger(EnvironmentProxies.class);

    /** A host and port not to proxy; port -1 for every port. */
    private record Bypass(String host, int port) {}

    private final Proxy https;
    private final Proxy http;
    private final List<Bypass> bypass;
    private final boolean bypassAll;

    private EnvironmentProxies(Proxy https, Proxy http, List<Bypass> bypass, boolean bypassAll) {
        this.https = https;
        this.http = http;
        this.bypass = List.copyOf(bypass);
        this.bypassAll = bypassAll;
    }

    /**
     * Reads the proxy variables.
     *
     * @param env environment variables by name
     * @return the proxies, which may be none ({@link #any()})
     */
    static EnvironmentProxies of(Map<String, String> env) {
        Optional<Proxy> all = proxy(env, "all_proxy");
        Proxy https = proxy(env, "https_proxy").or(() -> all).orElse(null);
        Proxy http = proxy(env, "http_proxy").or(() -> all).orElse(null);
        List<Bypass> bypass = new ArrayList<>();
        boolean bypassAll = false;
        String noProxy = value(env, "no_proxy");
        if (noProxy != null) {
            for (String raw : noProxy.replace(" ", "").split(",")) {
                String e = raw.toLowerCase(Locale.ROOT);
                if (e.equals("*")) {
                    bypassAll = true;
                } else if (!e.isEmpty()) {
                    e = e.startsWith("*.") ? e.substring(2) : e.startsWith(".") ? e.substring(1) : e;
                    int colon = e.lastIndexOf(':');
                    int port = -1;
                    if (colon > 0 && e.indexOf(':') == colon && e.substring(colon + 1).matches("\\d{1,5}")) {
                        port = Integer.parseInt(e.substring(colon + 1));
                        e = e.substring(0, colon);
                    }
                    bypass.add(new Bypass(e, port));
                }
            }
        }
        return new EnvironmentProxies(https, http, bypass, bypassAll);
    }

    /**
     * Tells whether any URL would go through a proxy.
     *
     * @return whether a usable proxy is named
     */
    boolean any() {
        return (https != null || http != null) && !bypassAll;
    }

    @Override
    public List<Proxy> select(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        Proxy p = scheme.equals("https") ? https : scheme.equals("http") ? http : null;
        if (p == null || bypassed(uri)) {
            return List.of(Proxy.NO_PROXY);
        }
        return List.of(p);
    }

    @Override
    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        // nothing to fall back to: the request fails with the client's own error
    }

    private boolean bypassed(URI uri) {
        if (bypassAll) {
            return true;
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.endsWith(".localhost") || host.startsWith("127.") || host.equals("[::1]")) {
            return true;
        }
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        for (Bypass b : bypass) {
            if ((host.equals(b.host()) || host.endsWith("." + b.host())) && (b.port() == -1 || b.port() == port)) {
                return true;
            }
        }
        return false;
    }

    /** The variable's value by its lower-case name, else its upper-case one; null when neither is set. */
    private static String value(Map<String, String> env, String lower) {
        String v = env.get(lower);
        if (v == null || v.isBlank()) {
            v = env.get(lower.toUpperCase(Locale.ROOT));
        }
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** The proxy a variable names, or empty (with a warning when it names one the client cannot use). */
    private static Optional<Proxy> proxy(Map<String, String> env, String lower) {
        String v = value(env, lower);
        if (v == null) {
            return Optional.empty();
        }
        String name = env.get(lower) != null && !env.get(lower).isBlank() ? lower : lower.toUpperCase(Locale.ROOT);
        URI u;
        try {
            u = URI.create(v.contains("://") ? v : "http://" + v);
        } catch (IllegalArgumentException e) {
            LOG.warn("{} must be a proxy URL such as http://HOST:PORT, found one that is no URL; requests go directly",
                    name);
            return Optional.empty();
        }
        if (u.getPort() == 0 || u.getPort() > 65_535) {
            LOG.warn("{} must name a port from 1 to 65535, found {}; requests go directly", name, u.getPort());
            return Optional.empty();
        }
        if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            LOG.warn("{} must be an http:// proxy with a host (the JDK's HTTP client uses no other), found {}{};"
                    + " requests go directly", name, u.getScheme() + "://", u.getHost() == null ? "no host" : u.getHost());
            return Optional.empty();
        }
        if (u.getRawUserInfo() != null) {
            LOG.warn("{} names the proxy {} with credentials, which prefine does not send; a proxy that requires"
                    + " them answers 407", name, u.getHost());
        }
        return Optional.of(new Proxy(Proxy.Type.HTTP,
                InetSocketAddress.createUnresolved(u.getHost(), u.getPort() == -1 ? 80 : u.getPort())));
    }
}
