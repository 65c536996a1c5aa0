package io.github.prefine.core.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
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
 *   <li>a value is {@code [http://][USER:PASSWORD@]HOST[:PORT]} (port 80 when absent). Credentials,
 *       percent-decoded as {@code requests} decodes them, are sent to that proxy only, as a
 *       {@code Proxy-Authorization: Basic} header on each request it carries, as {@code requests}
 *       sends them, and are never logged or named in a message. The JDK sends that header to the
 *       proxy of a plain {@code http} request; for an {@code https} URL it sends it with the
 *       tunnel's {@code CONNECT} only when Basic is not listed in the JDK's
 *       {@code jdk.http.auth.tunneling.disabledSchemes}, which by default lists it: the proxy's
 *       {@code 407} answer then ends in a {@link HubException} that says to start Java with
 *       {@code -Djdk.http.auth.tunneling.disabledSchemes=} (the JDK never sends the header to the
 *       server itself, through a tunnel or directly);
 *   <li>a value the JDK's HTTP client cannot use (a {@code socks5://}, {@code socks5h://} or
 *       {@code https://} proxy) or that is no proxy URL is refused: a request it would carry
 *       fails with a {@link HubException} naming the variable, rather than being sent around the
 *       proxy the machine was told to use; a request it would not carry (a host in
 *       {@code no_proxy}, the loopback host) and every resolve that needs no request (a local
 *       folder, a cached commit) are not affected;
 *   <li>{@code no_proxy} (else {@code NO_PROXY}): hosts requested directly, comma-separated; an
 *       entry matches its host and the hosts of its domain ({@code .corp} and {@code corp} both
 *       match {@code hub.corp}), {@code HOST:PORT} that port only, {@code *} every host; an IPv6
 *       address with or without its brackets ({@code fd00::1}, {@code [fd00::1]:8443}). An address
 *       range, {@code NETWORK/BITS} ({@code 10.0.0.0/8}, {@code fd00::/8}), matches a URL whose host
 *       is an address in it, on any port, as {@code requests}' {@code should_bypass_proxies} reads
 *       IPv4 ranges (IPv6 ones are read as curl and Go read them; {@code requests} reads none); a
 *       host name is never looked up to be compared with a range, and an IPv4-mapped IPv6 address
 *       ({@code [::ffff:10.1.2.3]}) is its IPv4 address, as the JDK connects to it. A range with
 *       BITS outside 1 to 32 (IPv4) or 1 to 128 (IPv6) matches nothing and gets a warning. The
 *       loopback host ({@code localhost}, an address {@code 127.*} but no host name that
 *       starts so, {@code [::1]}) is always reached
 *       directly, as the JDK's own selector does, so a local mirror or test server is not sent to
 *       the proxy. This is wider than {@code requests}, which on Linux proxies the loopback host too
 *       unless {@code no_proxy} names it, and narrower than the JDK's list, which also has
 *       {@code 0.0.0.0} and {@code [::0]}; a name under {@code .localhost} ({@code hub.localhost})
 *       is proxied, as both proxy it.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
final class EnvironmentProxies extends ProxySelector {
    /** The JDK's property that lists the schemes it will not use to authenticate to a proxy for a tunnel. */
    static final String TUNNEL_DISABLED_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes";

    private static final Logger LOG = LoggerFactory.getLogger(EnvironmentProxies.class);

    /** A host and port not to proxy; port -1 for every port. */
    private record Bypass(String host, int port) {}

    /** An address range not to proxy: the network's address and how many of its leading bits a host must share. */
    private record Range(byte[] network, int bits) {}

    /**
     * What one variable names: a usable proxy, with the {@code Proxy-Authorization} value its
     * credentials make (null without), or why it cannot be used ({@code refusal}, proxy null).
     */
    private record Entry(String variable, Proxy proxy, String authorization, String refusal) {}

    private final Entry https;
    private final Entry http;
    private final List<Bypass> bypass;
    private final List<Range> ranges;
    private final boolean bypassAll;

    private EnvironmentProxies(Entry https, Entry http, List<Bypass> bypass, List<Range> ranges, boolean bypassAll) {
        this.https = https;
        this.http = http;
        this.bypass = List.copyOf(bypass);
        this.ranges = List.copyOf(ranges);
        this.bypassAll = bypassAll;
    }

    /**
     * Reads the proxy variables.
     *
     * @param env environment variables by name
     * @return the proxies, which may be none ({@link #any()})
     */
    static EnvironmentProxies of(Map<String, String> env) {
        Optional<Entry> all = entry(env, "all_proxy");
        Entry https = entry(env, "https_proxy").or(() -> all).orElse(null);
        Entry http = entry(env, "http_proxy").or(() -> all).orElse(null);
        List<Bypass> bypass = new ArrayList<>();
        List<Range> ranges = new ArrayList<>();
        boolean bypassAll = false;
        String noProxy = value(env, "no_proxy");
        if (noProxy != null) {
            for (String raw : noProxy.replace(" ", "").split(",")) {
                String e = raw.toLowerCase(Locale.ROOT);
                if (e.equals("*")) {
                    bypassAll = true;
                } else if (e.indexOf('/') >= 0) {
                    Range r = range(e);
                    if (r != null) {
                        ranges.add(r);
                    } else {
                        // requests skips it too; said once here, since no host can match it
                        LOG.warn("no_proxy entry {} is no address range NETWORK/BITS (BITS from 1 to 32 for IPv4, 1 to"
                                + " 128 for IPv6): it sends no host around the proxy", raw);
                    }
                } else if (!e.isEmpty()) {
                    e = e.startsWith("*.") ? e.substring(2) : e.startsWith(".") ? e.substring(1) : e;
                    int colon = e.lastIndexOf(':');
                    int port = -1;
                    int close = e.indexOf(']');
                    if (e.startsWith("[") && close > 0) {
                        // [IPV6] or [IPV6]:PORT; compared without the brackets, as requests sees the host
                        if (e.substring(close + 1).matches(":\\d{1,5}")) {
                            port = Integer.parseInt(e.substring(close + 2));
                        }
                        e = e.substring(1, close);
                    } else if (colon > 0 && e.indexOf(':') == colon && e.substring(colon + 1).matches("\\d{1,5}")) {
                        port = Integer.parseInt(e.substring(colon + 1));
                        e = e.substring(0, colon);
                    }
                    bypass.add(new Bypass(e, port));
                }
            }
        }
        return new EnvironmentProxies(https, http, bypass, ranges, bypassAll);
    }

    /**
     * Tells whether any URL would go through a proxy.
     *
     * @return whether a usable proxy is named
     */
    boolean any() {
        return (https != null && https.proxy() != null || http != null && http.proxy() != null) && !bypassAll;
    }

    /** The variable's entry that governs the URL, or null when the URL is requested directly. */
    private Entry governing(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        Entry e = scheme.equals("https") ? https : scheme.equals("http") ? http : null;
        return e == null || bypassed(uri) ? null : e;
    }

    @Override
    public List<Proxy> select(URI uri) {
        Entry e = governing(uri);
        return List.of(e == null || e.proxy() == null ? Proxy.NO_PROXY : e.proxy());
    }

    /**
     * Tells why a URL cannot be requested: the variable that governs it names a proxy the client
     * cannot use.
     *
     * @param uri the URL about to be requested
     * @return the reason, naming the variable (never its credentials), or empty when the URL can be requested
     */
    Optional<String> refusal(URI uri) {
        Entry e = governing(uri);
        return e == null || e.refusal() == null ? Optional.empty() : Optional.of(e.refusal() + "; " + uri.getHost()
                + " is not requested around it: name an http:// proxy in " + uri.getScheme().toUpperCase(Locale.ROOT)
                + "_PROXY, or add " + uri.getHost() + " to NO_PROXY to reach it directly");
    }

    /**
     * The {@code Proxy-Authorization} value for a URL whose proxy was given credentials.
     *
     * @param uri the URL about to be requested
     * @return the header's value, or empty when the URL goes directly or its proxy has no credentials
     */
    Optional<String> authorization(URI uri) {
        Entry e = governing(uri);
        return Optional.ofNullable(e == null ? null : e.authorization());
    }

    /**
     * Says why a proxy answered {@code 407 Proxy Authentication Required}, and what to do; never
     * names the credentials.
     *
     * @param uri the URL whose request met the answer
     * @param shown that URL as a message may show it ({@link HubHttp#shown(URI)}: no content host's signature)
     * @return one sentence naming the proxy and the variable
     */
    String explain407(URI uri, String shown) {
        Entry e = governing(uri);
        if (e == null || e.proxy() == null) {
            return "a proxy answered 407 Proxy Authentication Required for " + shown;
        }
        String proxy = e.variable() + " (" + address(e.proxy()) + ")";
        if (e.authorization() == null) {
            return "the proxy " + proxy + " answered 407 Proxy Authentication Required for " + shown + ": give its user"
                    + " and password in " + e.variable() + " as http://USER:PASSWORD@HOST:PORT (percent-encode a"
                    + " ':', '@' or '/' in them)";
        }
        if ("https".equalsIgnoreCase(uri.getScheme()) && basicDisabledForTunnels()) {
            return "the proxy " + proxy + " answered 407 Proxy Authentication Required for " + shown + ": the JDK did"
                    + " not send the credentials " + e.variable() + " gives, since it sends no Basic credentials"
                    + " through an HTTPS tunnel while " + TUNNEL_DISABLED_SCHEMES + " lists Basic, as its default"
                    + " does: start Java with -D" + TUNNEL_DISABLED_SCHEMES + "= (for example in JAVA_TOOL_OPTIONS)"
                    + " to let it send them";
        }
        return "the proxy " + proxy + " answered 407 Proxy Authentication Required for " + shown + ": it refused the"
                + " user and password " + e.variable() + " gives";
    }

    private static String address(Proxy p) {
        InetSocketAddress a = (InetSocketAddress) p.address();
        return a.getHostString() + ":" + a.getPort();
    }

    /**
     * Whether the JDK will not send Basic proxy credentials for a tunnel: the system property where
     * set, else the JDK's {@code conf/net.properties}, which lists Basic by default.
     */
    static boolean basicDisabledForTunnels() {
        String v = System.getProperty(TUNNEL_DISABLED_SCHEMES);
        if (v == null) {
            Properties net = new Properties();
            try (InputStream in = Files.newInputStream(Path.of(System.getProperty("java.home"), "conf",
                    "net.properties"))) {
                net.load(in);
                v = net.getProperty(TUNNEL_DISABLED_SCHEMES, "");
            } catch (IOException | RuntimeException e) {
                v = "Basic"; // the default of every JDK since 8u111
            }
        }
        for (String scheme : v.split(",")) {
            if (scheme.strip().equalsIgnoreCase("Basic")) {
                return true;
            }
        }
        return false;
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
        byte[] address = literal(host);
        // 127/8 as a dotted address only: a name such as 127.example.org is no loopback host; nor is a
        // name under .localhost, which the hosts file or DNS may send elsewhere (the JDK proxies it too)
        if (host.equals("localhost") || !host.startsWith("[") && address != null && address[0] == 127
                || host.equals("[::1]")) {
            return true;
        }
        if (address != null) {
            for (Range r : ranges) {
                if (inRange(address, r)) {
                    return true;
                }
            }
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        for (Bypass b : bypass) {
            if ((host.equals(b.host()) || host.endsWith("." + b.host())) && (b.port() == -1 || b.port() == port)) {
                return true;
            }
        }
        return false;
    }

    /** A {@code no_proxy} entry {@code NETWORK/BITS}; null when it is none or its BITS do not fit the address. */
    private static Range range(String entry) {
        int slash = entry.indexOf('/');
        byte[] network = literal(entry.substring(0, slash));
        if (network == null || !entry.substring(slash + 1).matches("\\d{1,3}")) {
            return null;
        }
        int bits = Integer.parseInt(entry.substring(slash + 1));
        if (network.length == 4 && entry.indexOf(':') >= 0) {
            bits -= 96; // ::ffff:A.B.C.D/BITS, which the JDK reads as the IPv4 address
        }
        return bits >= 1 && bits <= network.length * 8 ? new Range(network, bits) : null;
    }

    /**
     * The address an IP literal names (4 bytes for IPv4 and IPv4-mapped IPv6, else 16), its
     * brackets optional; null for a host name, which is never looked up.
     */
    private static byte[] literal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            byte[] b = new byte[4];
            String[] parts = h.split("\\.");
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return null;
                }
                b[i] = (byte) v;
            }
            return b;
        }
        // hex digits, ':' and '.', starting with a hex digit or ':' and holding a ':': the JDK parses
        // such text as an IPv6 literal, and fails rather than asking DNS when it is not one
        if (h.indexOf(':') < 0 || !h.matches("[0-9a-fA-F:][0-9a-fA-F:.]*")) {
            return null;
        }
        try {
            return InetAddress.getByName(h).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether the address shares the range's leading bits. */
    private static boolean inRange(byte[] address, Range r) {
        if (address.length != r.network().length) {
            return false;
        }
        for (int bit = 0; bit < r.bits(); bit += 8) {
            int mask = 0xFF << (8 - Math.min(8, r.bits() - bit)) & 0xFF;
            if (((address[bit / 8] ^ r.network()[bit / 8]) & mask) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The variable's value by its lower-case name, else its upper-case one; null when neither is set. */
    private static String value(Map<String, String> env, String lower) {
        String v = env.get(lower);
        if (v == null || v.isBlank()) {
            v = env.get(lower.toUpperCase(Locale.ROOT));
        }
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** What a variable names: empty when unset, else a usable proxy or the reason it cannot be used. */
    private static Optional<Entry> entry(Map<String, String> env, String lower) {
        String v = value(env, lower);
        if (v == null) {
            return Optional.empty();
        }
        String name = env.get(lower) != null && !env.get(lower).isBlank() ? lower : lower.toUpperCase(Locale.ROOT);
        URI u;
        try {
            u = URI.create(v.contains("://") ? v : "http://" + v);
        } catch (IllegalArgumentException e) {
            // the value is not repeated: it may hold a password
            return Optional.of(refused(name, name + " must be a proxy URL such as http://HOST:PORT, found one that is"
                    + " no URL"));
        }
        if (u.getPort() == 0 || u.getPort() > 65_535) {
            return Optional.of(refused(name, name + " must name a port from 1 to 65535, found " + u.getPort()));
        }
        if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            return Optional.of(refused(name, name + " must be an http:// proxy with a host (the JDK's HTTP client,"
                    + " which prefine uses, speaks to no other), found " + u.getScheme() + "://"
                    + (u.getHost() == null ? " with no host" : u.getHost())));
        }
        String authorization = null;
        String userInfo = u.getRawUserInfo();
        if (userInfo != null) {
            // as requests' get_auth_from_url: USER and PASSWORD percent-decoded, a missing password empty
            int colon = userInfo.indexOf(':');
            String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
            authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
        }
        return Optional.of(new Entry(name, new Proxy(Proxy.Type.HTTP,
                InetSocketAddress.createUnresolved(u.getHost(), u.getPort() == -1 ? 80 : u.getPort())),
                authorization, null));
    }

    private static Entry refused(String variable, String why) {
        return new Entry(variable, null, null, why);
    }

    /** Percent-decodes, keeping a '+' as it is (URL userinfo, not a form). */
    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
